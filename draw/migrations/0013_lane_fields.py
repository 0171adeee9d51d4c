"""The field naming one student's page (draw/lanes.py) is `lane`: an item's `page` and an edit
effect's `pages` of rows stored before become `lane` and `lanes`, so `page` is free for the
pages of a lesson."""

from django.db import migrations

BATCH = 500


def _rename(apps, item_from, item_to, effect_from, effect_to):
    BoardEvent = apps.get_model("draw", "BoardEvent")
    changed = []

    def keep(event):
        changed.append(event)
        if len(changed) >= BATCH:
            BoardEvent.objects.bulk_update(changed, ["effect"])
            changed.clear()

    strokes = BoardEvent.objects.filter(kind="stroke", effect__item__has_key=item_from)
    for event in strokes.iterator(chunk_size=BATCH):
        item = event.effect["item"]
        item[item_to] = item.pop(item_from)
        keep(event)
    edits = BoardEvent.objects.exclude(kind="stroke").filter(effect__has_key=effect_from)
    for event in edits.iterator(chunk_size=BATCH):
        event.effect[effect_to] = event.effect.pop(effect_from)
        keep(event)
    BoardEvent.objects.bulk_update(changed, ["effect"])


def to_lanes(apps, schema_editor):
    _rename(apps, "page", "lane", "pages", "lanes")


def to_pages(apps, schema_editor):
    _rename(apps, "lane", "page", "lanes", "pages")


class Migration(migrations.Migration):
    dependencies = [
        ("draw", "0012_dark"),
    ]

    operations = [migrations.RunPython(to_lanes, to_pages)]
