"""The stored bytes and the process memory of a long lesson's board, before and after compaction.

A teacher draws 5,000 strokes and clears the board, ten times, then draws 5,000 more: every
cleared stroke is out of undo's reach. Run against a scratch PostgreSQL database of its own:

    createdb -h 127.0.0.1 -U postgres sketchsite_bench_compaction
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sketchsite_bench_compaction \\
        .venv/bin/python manage.py migrate -v0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sketchsite_bench_compaction \\
        .venv/bin/python -m bench.compaction

docs/performance.md ("Compaction") has the figures.
"""

import os
import time
import tracemalloc

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sketchsite.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from draw.history import BoardHistory  # noqa: E402
from draw.models import Board, BoardEvent  # noqa: E402
from draw.protocol import Limits  # noqa: E402
from draw.store import BoardStore  # noqa: E402

BOARD = "bench-compaction"
MARKER = {"kind": "marker", "color": "#1e1e1e", "width": 4}
STROKES, ROUNDS, POINTS = 5000, 10, 40


def lesson(limits, undo_depth):
    history = BoardHistory(width=limits.board_width, height=limits.board_height, undo_depth=undo_depth)
    for round_ in range(ROUNDS + 1):
        for n in range(STROKES):
            x, y = (n * 7) % 1500, (n * 13) % 800
            points = [value for step in range(POINTS) for value in (x + step, y + step % 9)]
            request = {"stroke": f"r{round_}-{n}", "item": MARKER, "points": points}
            yield history, "stroke", "teacher", request
        if round_ < ROUNDS:
            yield history, "clear", "teacher", {}


def write(limits, undo_depth):
    Board.objects.filter(name=BOARD).delete()
    board = Board.objects.create(name=BOARD, width=limits.board_width, height=limits.board_height)
    rows, now = [], timezone.now()
    for history, kind, author, request in lesson(limits, undo_depth):
        effect = history.resolve(kind, author, request)
        history.apply({"seq": history.seq + 1, "kind": kind, "author": author, **effect})
        client_id = request.get("stroke") or f"clear{history.seq}"
        rows.append(
            BoardEvent(
                board=board,
                seq=history.seq,
                kind=kind,
                author=author,
                client_id=client_id,
                effect=effect,
                created_at=now,
            )
        )
    BoardEvent.objects.bulk_create(rows, batch_size=5000)
    Board.objects.filter(pk=board.pk).update(last_seq=len(rows))


def stored():
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL draw_boardevent")
        cursor.execute("VACUUM FULL draw_boardcheckpoint")
        cursor.execute(
            "SELECT (SELECT count(*) FROM draw_boardevent), "
            "(SELECT coalesce(sum(octet_length(effect::text)), 0) FROM draw_boardevent), "
            "(SELECT coalesce(sum(octet_length(state::text)), 0) FROM draw_boardcheckpoint), "
            "pg_total_relation_size('draw_boardevent') + pg_total_relation_size('draw_boardcheckpoint')"
        )
        return cursor.fetchone()


def history_memory(limits, undo_depth):
    store = BoardStore(limits, 1, undo_depth)
    tracemalloc.start()
    store.read(BOARD)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, len(store._cache[BOARD].history.strokes)


def report(label, figures):
    rows, effects, checkpoint, relations, memory, items = figures
    print(
        f"{label}: {rows} rows, effects {effects / 2**20:.1f} MiB, checkpoint {checkpoint / 2**20:.1f} MiB, "
        f"tables with indexes {relations / 2**20:.1f} MiB; history {memory / 2**20:.1f} MiB, {items} items"
    )


def main():
    limits = Limits.from_settings(settings.SKETCHSITE)
    undo_depth = settings.SKETCHSITE["UNDO_DEPTH"]
    write(limits, undo_depth)
    report("before", (*stored(), *history_memory(limits, undo_depth)))
    started = time.perf_counter()
    done = BoardStore(limits, 1, undo_depth).compact(BOARD, settings.SKETCHSITE["COMPACT_KEEP_EVENTS"], 1)
    took = time.perf_counter() - started
    print(f"compacted in {took:.1f} s: {done}")
    report("after", (*stored(), *history_memory(limits, undo_depth)))


if __name__ == "__main__":
    main()
