"""Export workers warmed with the ink of the boards a process holds (draw/exportwarming.py): the
shapes are worked out before the first export asks, that export draws the same image, an export
waits for a warming chunk instead of being refused, and a stroke a worker died of is not sent
again. Real worker processes; a real Daphne for the server's own warming."""

import io
import os
import random
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from PIL import Image, ImageChops

from bench.exports import hostile_stroke, ink_stroke
from draw import export
from draw.exporter import Exporter, board_key
from draw.exportmirror import BoardStrokes
from draw.exportwarming import ExportWarmer
from draw.freehand import _shapes
from draw.participants import Participant
from draw.protocol import Limits
from draw.store import BoardState, BoardStore
from tests.servers import PROJECT, DaphneServer, migrate

STUDENT = Participant("student1")


def kept_shapes():
    """In a worker: how many ink shapes it keeps."""
    return len(_shapes._shapes)


def commit_ink(store, board, count, first=0, seed=1):
    rng = random.Random(seed)
    for index in range(first, first + count):
        store.commit(board, "stroke", STUDENT, f"c{index}", ink_stroke(rng, index, 1600, 900))


def worker_run(exporter, function, *args):
    """`function(*args)` in the worker the next export takes."""
    worker = exporter._workers[-1]
    return worker.run(function, *args)


@pytest.fixture
def exporter():
    exporter = Exporter(max_renders=1, cache_entries=0, cache_bytes=0, timeout_s=20, warm_chunk_points=2000)
    yield exporter
    exporter.close()


@pytest.mark.django_db
def test_the_worker_has_the_boards_ink_before_the_first_export_and_draws_the_same_image(exporter):
    store = BoardStore(Limits(), max_cached_boards=8)
    commit_ink(store, "lesson", 300)
    store.read("lesson")
    warmer = ExportWarmer(exporter, store, interval_s=5, chunk_points=2000)

    # 300 strokes of 25 points, in chunks of 2,000 points: four calls, one worker.
    assert warmer.warm_once() == 300
    assert worker_run(exporter, kept_shapes) == 300
    # Nothing new: nothing sent. Ten more strokes: those ten alone.
    assert warmer.warm_once() == 0
    commit_ink(store, "lesson", 10, first=300, seed=2)
    store.read("lesson")
    assert warmer.warm_once() == 10
    assert worker_run(exporter, kept_shapes) == 310

    board = store.read("lesson")
    warmed = Image.open(io.BytesIO(exporter.export(board, "png"))).convert("RGB")
    cold = Image.open(io.BytesIO(export.to_png(board.width, board.height, board.strokes, 1.0))).convert("RGB")
    assert ImageChops.difference(warmed, cold).getbbox() is None
    assert exporter.export(board, "svg") == export.to_svg(board.width, board.height, board.strokes).encode()


def boards_held():
    """In a worker: how many boards' strokes and painted images it holds."""
    from draw import exportworker

    return len(exportworker._mirrored), len(exportworker._painted_boards())


def lose_the_boards():
    """In a worker: forget the boards' strokes, as a worker the server did not see restart would."""
    from draw import exportworker

    exportworker._mirrored = exportworker.MirroredBoards()


def assert_drawn_as_anew(exporter, board):
    drawn = Image.open(io.BytesIO(exporter.export(board, "png"))).convert("RGB")
    cold = Image.open(io.BytesIO(export.to_png(board.width, board.height, board.strokes, 1.0))).convert("RGB")
    assert ImageChops.difference(drawn, cold).getbbox() is None
    assert exporter.export(board, "svg") == export.to_svg(board.width, board.height, board.strokes).encode()


@pytest.mark.django_db
def test_each_export_draws_the_board_as_drawn_anew_whatever_changed_since_the_last(exporter):
    store = BoardStore(Limits(), max_cached_boards=8)
    commit_ink(store, "lesson", 120)
    assert_drawn_as_anew(exporter, store.read("lesson"))
    assert worker_run(exporter, boards_held) == (1, 1)
    commit_ink(store, "lesson", 3, first=120, seed=2)
    assert_drawn_as_anew(exporter, store.read("lesson"))
    store.commit("lesson", "erase", STUDENT, "e1", {"strokes": [["student1", "i7"]]})
    assert_drawn_as_anew(exporter, store.read("lesson"))
    store.commit("lesson", "move", STUDENT, "m1", {"strokes": [["student1", "i9"]], "by": [40, -25]})
    assert_drawn_as_anew(exporter, store.read("lesson"))
    store.commit("lesson", "undo", STUDENT, "u1", {})
    store.commit("lesson", "undo", STUDENT, "u2", {})
    assert_drawn_as_anew(exporter, store.read("lesson"))
    # A worker that lost the strokes the server thinks it has is sent them whole.
    worker_run(exporter, lose_the_boards)
    commit_ink(store, "lesson", 1, first=123, seed=3)
    assert_drawn_as_anew(exporter, store.read("lesson"))
    assert worker_run(exporter, boards_held) == (1, 1)


@pytest.mark.django_db
def test_a_call_that_could_not_be_sent_leaves_the_next_export_right(exporter):
    store = BoardStore(Limits(), max_cached_boards=8)
    commit_ink(store, "lesson", 40)
    board = store.read("lesson")
    worker = exporter._workers[-1]
    key = board_key(board)
    with pytest.raises(Exception, match="pickle"):
        # A board's strokes beside what no pipe carries (a lambda).
        worker.run(boards_held, BoardStrokes(key, board.strokes), lambda: None)
    commit_ink(store, "lesson", 2, first=40, seed=2)
    assert_drawn_as_anew(exporter, store.read("lesson"))


@pytest.mark.django_db
def test_what_another_process_committed_is_warmed_before_this_one_reads_it(exporter):
    here = BoardStore(Limits(), max_cached_boards=8)
    commit_ink(here, "lesson", 60)
    here.read("lesson")
    warmer = ExportWarmer(exporter, here, interval_s=5, chunk_points=2000)
    assert warmer.warm_once() == 60
    # Another server process erases a stroke and adds two: this one has not read them.
    there = BoardStore(Limits(), max_cached_boards=8)
    there.commit("lesson", "erase", STUDENT, "e1", {"strokes": [["student1", "i3"]]})
    commit_ink(there, "lesson", 2, first=60, seed=2)
    assert warmer.warm_once() == 61
    assert here.cached_seqs()["lesson"][1] == 63
    assert worker_run(exporter, boards_held) == (1, 1)


def niceness():
    """In a worker: its CPU niceness."""
    return os.nice(0)


def test_a_worker_runs_below_the_server_in_the_cpus_queue(exporter):
    from django.conf import settings

    # The worker is a child of this process: its niceness is this one's and the setting's.
    assert worker_run(exporter, niceness) == min(
        19, os.nice(0) + settings.SKETCHSITE["EXPORT_WORKER_NICENESS"]
    )
    assert settings.SKETCHSITE["EXPORT_WORKER_NICENESS"] == 10


@pytest.mark.django_db
def test_a_worker_started_anew_is_warmed_again(exporter):
    store = BoardStore(Limits(), max_cached_boards=8)
    commit_ink(store, "lesson", 50)
    store.read("lesson")
    warmer = ExportWarmer(exporter, store, interval_s=5, chunk_points=2000)
    assert warmer.warm_once() == 50
    exporter._all_workers[0].end()
    assert warmer.warm_once() == 50
    assert worker_run(exporter, kept_shapes) == 50


def test_an_export_waits_for_a_warming_chunk_instead_of_being_refused(exporter):
    # The only slot held by a chunk that takes a second (a sleep stands for the shapes).
    warming = threading.Thread(target=exporter.warm, args=(time.sleep, 1.0))
    warming.start()
    deadline = time.monotonic() + 30
    while exporter._warming == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert exporter._warming == 1
    board = BoardState("empty", True, 400, 300, 1, ())
    body = exporter.export(board, "png")
    warming.join()
    assert Image.open(io.BytesIO(body)).size == (400, 300)
    assert exporter.refused == 0


@pytest.mark.django_db
def test_ink_a_worker_ran_out_of_time_on_is_not_sent_again():
    exporter = Exporter(max_renders=1, cache_entries=0, cache_bytes=0, timeout_s=1, warm_chunk_points=50000)
    try:
        store = BoardStore(Limits(max_stroke_path=100000), max_cached_boards=8)
        rng = random.Random(3)
        # Ten of the hostile benchmark's strokes, one chunk: seconds of geometry, past the one-second
        # timeout.
        for index in range(10):
            store.commit(
                "hostile", "stroke", STUDENT, f"h{index}", hostile_stroke(rng, index, 1600, 900, 100000)
            )
        store.read("hostile")
        warmer = ExportWarmer(exporter, store, interval_s=5, chunk_points=50000)
        assert warmer.warm_once() == 0
        assert exporter.worker_pids() == set()
        # The next round sends nothing, and starts no worker to end.
        assert warmer.warm_once() == 0
        assert exporter.worker_pids() == set()
    finally:
        exporter.close()


COMMIT_LESSON = """
import random, sys
import django
django.setup()
from bench.exports import ink_stroke
from draw import store
from draw.participants import Participant

rng = random.Random(5)
student = Participant("student1")
for index in range(int(sys.argv[2])):
    store.commit(sys.argv[1], "stroke", student, f"c{index}", ink_stroke(rng, index, 1600, 900))
"""


def metric(server, name):
    with urllib.request.urlopen(f"{server.http_url}/metrics", timeout=5) as response:
        for line in response.read().decode().splitlines():
            if line.startswith(f"{name} "):
                return float(line.split()[1])
    return 0.0


def test_a_server_warms_its_worker_with_a_board_it_holds_before_any_export(server_env, tmp_path):
    env = {**server_env, "SKETCHSITE_EXPORT_WARM_INTERVAL_S": "1", "SKETCHSITE_METRICS": "on"}
    migrate(env)
    subprocess.run(
        [sys.executable, "-c", COMMIT_LESSON, "lesson", "400"],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sketchsite.settings", **env},
        check=True,
        timeout=300,
    )
    server = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    try:
        # A reader of the board's snapshot has the process hold it; no export is asked for.
        with urllib.request.urlopen(f"{server.http_url}/b/lesson/snapshot", timeout=30) as response:
            assert response.status == 200
        deadline = time.monotonic() + 60
        while metric(server, "sketchsite_export_strokes_warmed_total") < 400 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert metric(server, "sketchsite_export_strokes_warmed_total") == 400
        assert metric(server, "sketchsite_export_renders_total") == 0
        with urllib.request.urlopen(f"{server.http_url}/b/lesson/export.png", timeout=60) as response:
            assert response.status == 200
            assert Image.open(io.BytesIO(response.read())).size == (1600, 900)
    finally:
        server.stop()
