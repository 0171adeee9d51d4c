"""Stroke and edit ids become unique per author, and events name strokes by (author, id).

Until now an id was unique on its board whatever its author, so each bare id in an
event's hide/show list names exactly one stroke: its author is looked up in the log.
`stroke_count` becomes the number of strokes on show.
"""

from django.db import migrations, models


def name_strokes_by_author(apps, schema_editor):
    Board = apps.get_model("draw", "Board")
    BoardEvent = apps.get_model("draw", "BoardEvent")
    for board in Board.objects.all().iterator():
        authors = {}
        visible = set()
        for event in BoardEvent.objects.filter(board=board).order_by("seq").iterator():
            effect = dict(event.effect)
            if event.kind == "stroke":
                authors[effect["stroke"]] = event.author
                visible.add((event.author, effect["stroke"]))
                continue
            changed = False
            for name in ("hide", "show"):
                ids = effect.get(name)
                if ids and isinstance(ids[0], str):
                    effect[name] = [[authors[sid], sid] for sid in ids if sid in authors]
                    changed = True
                for author, sid in effect.get(name, ()):
                    (visible.discard if name == "hide" else visible.add)((author, sid))
            if changed:
                event.effect = effect
                event.save(update_fields=["effect"])
        board.stroke_count = len(visible)
        board.save(update_fields=["stroke_count"])


class Migration(migrations.Migration):
    dependencies = [("draw", "0001_board_log")]

    operations = [
        migrations.RemoveConstraint(model_name="boardevent", name="event_client_id_unique_per_board"),
        migrations.AddConstraint(
            model_name="boardevent",
            constraint=models.UniqueConstraint(
                fields=("board", "author", "client_id"), name="event_client_id_unique_per_author"
            ),
        ),
        migrations.RunPython(name_strokes_by_author, migrations.RunPython.noop),
    ]
