"""Data migrations carry a board's stored rows to today's fields, on the test database."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from draw.models import BoardEvent

BEFORE_LANES = [("draw", "0012_dark")]
LANES = [("draw", "0013_lane_fields")]
TEACHER, ANN = "host-t1", "ann1"


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_newest():
    executor = MigrationExecutor(connection)
    migrate_to(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_note_on_one_students_page_stored_as_page_reads_back_as_the_same_lane():
    apps = migrate_to(BEFORE_LANES)
    try:
        Board = apps.get_model("draw", "Board")
        Event = apps.get_model("draw", "BoardEvent")
        board = Board.objects.create(name="oldlanes", width=800, height=600, last_seq=3)
        note = {"kind": "marker", "color": "#e03131", "width": 4, "page": ANN}
        Event.objects.create(
            board=board,
            seq=1,
            kind="stroke",
            author=TEACHER,
            client_id="n1",
            effect={"stroke": "n1", "item": note, "points": [1, 2, 3, 4]},
        )
        Event.objects.create(
            board=board,
            seq=2,
            kind="stroke",
            author=ANN,
            client_id="a1",
            effect={
                "stroke": "a1",
                "item": {"kind": "marker", "color": "#000000", "width": 2},
                "points": [5, 6],
            },
        )
        Event.objects.create(
            board=board,
            seq=3,
            kind="erase",
            author=TEACHER,
            client_id="e1",
            effect={"hide": [[TEACHER, "n1"]], "pages": {ANN: [[TEACHER, "n1"]]}},
        )
        migrate_to(LANES)
        rows = {row.seq: row.as_history_event() for row in BoardEvent.objects.filter(board__name="oldlanes")}
        assert rows[1]["item"]["lane"] == ANN and "page" not in rows[1]["item"]
        assert "lane" not in rows[2]["item"]
        assert rows[3]["lanes"] == {ANN: [[TEACHER, "n1"]]} and "pages" not in rows[3]

        # And back: an older version reads its own fields again.
        migrate_to(BEFORE_LANES)
        stored = {row.seq: row.effect for row in Event.objects.filter(board__name="oldlanes")}
        assert stored[1]["item"]["page"] == ANN and stored[3]["pages"] == {ANN: [[TEACHER, "n1"]]}
    finally:
        migrate_to_newest()
