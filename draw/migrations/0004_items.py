"""Boards hold items (draw/items.py): a stroke stored before items keeps its look as a marker
line, its colour and width moved into the item it now carries whole."""

from django.db import migrations, models

BATCH = 500


def strokes_to_items(apps, schema_editor):
    BoardEvent = apps.get_model("draw", "BoardEvent")
    legacy = BoardEvent.objects.filter(kind="stroke", effect__has_key="color")
    changed = []
    for event in legacy.iterator(chunk_size=BATCH):
        effect = event.effect
        item = {"kind": "marker", "color": effect.pop("color"), "width": effect.pop("width")}
        event.effect = {"stroke": effect["stroke"], "item": item, "points": effect["points"]}
        changed.append(event)
        if len(changed) >= BATCH:
            BoardEvent.objects.bulk_update(changed, ["effect"])
            changed = []
    BoardEvent.objects.bulk_update(changed, ["effect"])


def items_to_strokes(apps, schema_editor):
    BoardEvent = apps.get_model("draw", "BoardEvent")
    for event in BoardEvent.objects.filter(kind="stroke").iterator(chunk_size=BATCH):
        item = event.effect.get("item", {})
        if item.get("kind") != "marker":
            raise RuntimeError("boards hold items only markers can be turned back into; cannot go back")
        event.effect = {
            "stroke": event.effect["stroke"],
            "color": item["color"],
            "width": item["width"],
            "points": event.effect["points"],
        }
        event.save(update_fields=["effect"])


class Migration(migrations.Migration):
    dependencies = [
        ("draw", "0003_class_mode"),
    ]

    operations = [
        migrations.AlterField(
            model_name="boardevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("stroke", "stroke"),
                    ("erase", "erase"),
                    ("clear", "clear"),
                    ("undo", "undo"),
                    ("redo", "redo"),
                    ("remove_ink", "remove_ink"),
                    ("move", "move"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(strokes_to_items, items_to_strokes),
    ]
