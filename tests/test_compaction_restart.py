"""A compaction killed in the middle (kill -9, with the server) leaves the board whole: every
acknowledged stroke on show, the board as before, and the next compaction finishes the job."""

import asyncio
import os
import signal
import subprocess
import sys
import time

import psycopg

from tests.servers import PROJECT, DaphneServer, migrate
from tests.test_restart import UNMETERED, Drawer, board_after_restart

BOARD = "long-lesson"

# Written in a process of its own, as the test's database is not the servers'.
WRITE_LESSON = f"""
import django
django.setup()
from tests.test_compaction_store import long_lesson, stored
stored({BOARD!r}, long_lesson(strokes=2000, rounds=10, erase_batch=500))
"""


def manage(env, *args):
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env={**os.environ, **env}, stdout=subprocess.PIPE
    )


def waiting_delete(database):
    """Whether a compaction waits, inside its transaction, to delete the rows it folded."""
    row = database.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE%'"
    ).fetchone()
    return row[0] > 0


async def test_a_compaction_killed_mid_transaction_with_the_server_loses_nothing(
    server_env, tmp_path, postgres_url
):
    env = {
        **server_env,
        **UNMETERED,
        "DJANGO_SETTINGS_MODULE": "sketchsite.settings",
        "DATABASE_URL": postgres_url,
        "SKETCHSITE_UNDO_DEPTH": "10",
    }
    migrate(env)
    subprocess.run([sys.executable, "-c", WRITE_LESSON], cwd=PROJECT, env={**os.environ, **env}, check=True)
    server = DaphneServer(env, log_path=tmp_path / "first.log").start()
    async with Drawer(server, BOARD) as drawer:
        for n in range(30):
            await drawer.draw(f"acked{n}")
        while len(drawer.acked) < 30:
            await asyncio.sleep(0.01)
    acked = dict(drawer.acked)
    seq_before, board_before = await board_after_restart(server, BOARD)

    # The deleting of the folded rows waits for this lock: the compaction has written its
    # checkpoint and is killed, with the server, before it can finish.
    with psycopg.connect(postgres_url) as blocker:
        blocker.execute("LOCK TABLE draw_boardevent IN SHARE MODE")
        compaction = manage(env, "compact_boards", "--keep", "100", "--min-folded", "100")
        with psycopg.connect(postgres_url, autocommit=True) as watcher:
            while not waiting_delete(watcher):
                assert compaction.poll() is None, "the compaction ended before it was killed"
                time.sleep(0.05)
        compaction.send_signal(signal.SIGKILL)
        compaction.wait()
        server.stop(signal.SIGKILL)
    with psycopg.connect(postgres_url) as database:
        assert database.execute("SELECT count(*) FROM draw_boardcheckpoint").fetchone() == (0,)
        assert database.execute("SELECT count(*) FROM draw_boardevent").fetchone() == (seq_before,)

    restarted = DaphneServer(env, port=server.port, log_path=tmp_path / "second.log").start()
    try:
        assert await board_after_restart(restarted, BOARD) == (seq_before, board_before)
        done = manage(env, "compact_boards", "--keep", "100", "--min-folded", "100")
        out, _ = done.communicate()
        assert done.returncode == 0 and b"1 boards compacted" in out
        assert await board_after_restart(restarted, BOARD) == (seq_before, board_before)
        async with Drawer(restarted, BOARD) as drawer:
            await drawer.draw("after")
            while "after" not in drawer.acked:
                await asyncio.sleep(0.01)
        seq, board = await board_after_restart(restarted, BOARD)
    finally:
        restarted.stop()
    assert seq == seq_before + 1 and board == {**board_before, "after": seq}
    assert all(board[stroke] == acked[stroke] for stroke in acked)
    with psycopg.connect(postgres_url) as database:
        assert database.execute("SELECT count(*) FROM draw_boardevent").fetchone() == (101,)
        assert database.execute("SELECT seq FROM draw_boardcheckpoint").fetchone() == (seq_before - 100,)
