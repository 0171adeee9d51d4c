"""Exports past SKETCHSITE_EXPORT_TIMEOUT_S: the render's worker process is ended, the export is
answered 503 with Retry-After, and another board's export is drawn meanwhile; real Daphne."""

import io
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import psutil
import pytest
from PIL import Image

from tests.servers import PROJECT, DaphneServer, migrate

# Strokes of the hostile benchmark board (bench/exports.py): seconds of ink geometry, far past the
# two-second timeout of this server.
SLOW_STROKES = 40

COMMIT_BOARDS = """
import json, random, sys
import django
django.setup()
from bench.exports import hostile_stroke
from draw import store
from draw.participants import Participant

slow, small, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(7)
student = Participant("student1")
for index in range(count):
    store.commit(slow, "stroke", student, f"h{index}", hostile_stroke(rng, index, 1600, 900, 100000))
item = {"kind": "ink", "color": "#e03131", "width": 8}
points = [100, 100, 50, 300, 200, 60]
store.commit(small, "stroke", student, "s1", {"stroke": "s1", "item": item, "points": points})
"""


def get(url, timeout=60):
    """(status, headers, body) of a GET, whatever its status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def export_workers(server):
    """The pids of the server's export worker processes (python -m draw.exportworker)."""
    children = psutil.Process(server.process.pid).children()
    return {child.pid for child in children if "draw.exportworker" in " ".join(child.cmdline())}


def cpu_seconds(pids):
    """Each process's CPU seconds so far (None for one that is gone)."""
    seconds = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            seconds[pid] = times.user + times.system
        except psutil.NoSuchProcess:
            seconds[pid] = None
    return seconds


def wait_until_drawing(pids, baseline, timeout=10):
    """Until one of the processes `pids` has spent a tenth of a second of CPU since `baseline`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = cpu_seconds(pids)
        if any(now[pid] is not None and now[pid] - baseline[pid] > 0.1 for pid in pids):
            return
        time.sleep(0.02)
    pytest.fail("no export worker started drawing the slow board")


@pytest.fixture
def server(server_env, tmp_path):
    # No warming (test_export_warming.py): here only the exports asked for may use the workers.
    env = {
        **server_env,
        "SKETCHSITE_EXPORT_TIMEOUT_S": "2",
        "SKETCHSITE_EXPORT_MAX_RENDERS": "2",
        "SKETCHSITE_EXPORT_WARM_INTERVAL_S": "0",
    }
    migrate(env)
    subprocess.run(
        [sys.executable, "-c", COMMIT_BOARDS, "slow", "small", str(SLOW_STROKES)],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sketchsite.settings", **env},
        check=True,
        timeout=300,
    )
    daphne = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    yield daphne
    daphne.stop()


def test_an_export_past_the_timeout_is_503_its_worker_ended_and_another_board_answers_meanwhile(server):
    url = server.http_url
    # Both slots' workers started: two exports of the small board at once.
    warm = [
        threading.Thread(target=get, args=(f"{url}/b/small/export.{format}",)) for format in ("png", "svg")
    ]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    workers = export_workers(server)
    assert len(workers) == 2

    slow = {}

    def export_slow():
        started = time.monotonic()
        slow["status"], slow["headers"], slow["body"] = get(f"{url}/b/slow/export.png")
        slow["seconds"] = time.monotonic() - started

    baseline = cpu_seconds(workers)
    slow_export = threading.Thread(target=export_slow)
    slow_export.start()
    wait_until_drawing(workers, baseline)
    # Meanwhile the other board's export (a new scale: drawn, not from the cache) answers.
    status, headers, body = get(f"{url}/b/small/export.png?scale=0.25")
    assert slow_export.is_alive(), "the small board's export waited for the slow one"
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(body)).size == (400, 225)

    slow_export.join(60)
    assert slow["status"] == 503
    assert slow["headers"]["Retry-After"] == "2"
    assert b"took too long" in slow["body"]
    # The worker of the slow render was ended; the other one is still there.
    left = export_workers(server)
    assert len(workers & left) == 1
    (ended,) = workers - left
    assert not psutil.pid_exists(ended) or psutil.Process(ended).status() == psutil.STATUS_ZOMBIE

    # The same version of the slow board is refused at once, not drawn again for a second.
    started = time.monotonic()
    status, headers, _ = get(f"{url}/b/slow/export.png")
    assert (status, headers["Retry-After"]) == (503, "2")
    assert time.monotonic() - started < 1

    # And the slot that lost its worker draws again, in a new one.
    statuses = []
    again = [
        threading.Thread(
            target=lambda scale=scale: statuses.append(get(f"{url}/b/small/export.png?scale={scale}")[0])
        )
        for scale in (0.5, 0.75)
    ]
    for thread in again:
        thread.start()
    for thread in again:
        thread.join()
    assert statuses == [200, 200]
    assert len(export_workers(server)) == 2
