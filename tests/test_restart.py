"""Acknowledged strokes survive a server killed mid-session, on SQLite and on PostgreSQL."""

import asyncio
import json
import random
import signal

import psycopg
import pytest

from tests.conftest import REDIS_URL
from tests.relayed import connect
from tests.servers import DaphneServer, migrate

# These drawers draw as fast as the socket goes, to have strokes in flight when the server
# dies; the per-connection budgets (tested elsewhere) would refuse most of them.
UNMETERED = {"SKETCHSITE_MAX_ACTIONS_PER_SECOND": "100000", "SKETCHSITE_MAX_ACTION_BURST": "100000"}


class Drawer:
    """A websocket client that draws strokes and remembers which ones the server acknowledged."""

    def __init__(self, server, board):
        self.server, self.board = server, board
        self.acked = {}

    async def __aenter__(self):
        self.socket = await connect(
            f"{self.server.ws_url}/ws/boards/{self.board}/", origin=self.server.http_url
        )
        self.welcome = json.loads(await self.socket.recv())
        self.reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc):
        self.reader.cancel()
        await self.socket.close()

    async def _read(self):
        try:
            async for frame in self.socket:
                message = json.loads(frame)
                if message["type"] == "ack":
                    self.acked[message["ref"]] = message["seq"]
        except Exception:  # noqa: BLE001 - the server was killed under this client
            pass

    async def draw(self, stroke_id):
        x, y = random.randrange(0, 1500), random.randrange(0, 800)
        await self.socket.send(
            json.dumps(
                {
                    "type": "stroke.begin",
                    "stroke": stroke_id,
                    "item": {"kind": "marker", "color": "#1e1e1e", "width": 4},
                    "points": [x, y],
                }
            )
        )
        await self.socket.send(
            json.dumps({"type": "stroke.points", "stroke": stroke_id, "points": [x + 50, y + 50]})
        )
        await self.socket.send(json.dumps({"type": "stroke.end", "stroke": stroke_id}))

    async def draw_until_gone(self, prefix, pause=0.005):
        """Keep drawing until the connection drops; return how many strokes were sent."""
        count = 0
        try:
            while True:
                await self.draw(f"{prefix}{count}")
                count += 1
                await asyncio.sleep(pause)
        except Exception:  # noqa: BLE001 - the connection died with the server
            return count


async def board_after_restart(server, board):
    """Stroke ids and seqs a newly joined client receives in its snapshot."""
    async with connect(f"{server.ws_url}/ws/boards/{board}/", origin=server.http_url) as socket:
        welcome = json.loads(await socket.recv())
        strokes = []
        while True:
            part = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
            strokes += part["strokes"]
            if len(strokes) >= part["total"]:
                return welcome["seq"], {stroke[0]: stroke[4] for stroke in strokes}


async def kill_while_drawing(server, drawer, prefix, sig):
    drawing = asyncio.create_task(drawer.draw_until_gone(prefix))
    while len(drawer.acked) < 40:
        await asyncio.sleep(0.01)
    server.stop(sig)
    return await drawing


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
async def test_acknowledged_strokes_survive_a_killed_sqlite_server(server_env, tmp_path, sig):
    server_env = {**server_env, **UNMETERED}
    migrate(server_env)
    server = DaphneServer(server_env, log_path=tmp_path / "first.log").start()
    async with Drawer(server, "survivor") as drawer:
        sent = await kill_while_drawing(server, drawer, "s", sig)
    acked = dict(drawer.acked)

    restarted = DaphneServer(server_env, port=server.port, log_path=tmp_path / "second.log").start()
    try:
        seq, stored = await board_after_restart(restarted, "survivor")
    finally:
        restarted.stop()
    assert len(acked) >= 40 and sent >= len(acked)
    missing = {stroke for stroke in acked if stroke not in stored}
    assert not missing, f"{len(missing)} acknowledged strokes lost"
    assert all(stored[stroke] == acked[stroke] for stroke in acked)
    assert sorted(stored.values()) == list(range(1, seq + 1))


async def test_two_processes_on_postgres_keep_every_acknowledged_stroke_in_one_gap_free_log(
    server_env, tmp_path, postgres_url, redis_prefix
):
    env = {
        **server_env,
        **UNMETERED,
        "DATABASE_URL": postgres_url,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": redis_prefix,
    }
    migrate(env)
    first = DaphneServer(env, log_path=tmp_path / "first.log").start()
    second = DaphneServer(env, log_path=tmp_path / "second.log").start()
    try:
        async with Drawer(first, "shared") as alice, Drawer(second, "shared") as bob:
            bobs_drawing = asyncio.create_task(bob.draw_until_gone("bob-"))
            await kill_while_drawing(first, alice, "alice-", signal.SIGKILL)
            while len(bob.acked) < 40:
                await asyncio.sleep(0.01)
            await bob.socket.close()
            await bobs_drawing
        acked = {**alice.acked, **bob.acked}

        restarted = DaphneServer(env, port=first.port, log_path=tmp_path / "restarted.log").start()
        try:
            seq, stored = await board_after_restart(restarted, "shared")
        finally:
            restarted.stop()
    finally:
        second.stop()
    missing = {stroke for stroke in acked if stroke not in stored}
    assert not missing, f"{len(missing)} acknowledged strokes lost"
    assert all(stored[stroke] == acked[stroke] for stroke in acked)
    with psycopg.connect(postgres_url) as database:
        seqs = [row[0] for row in database.execute("SELECT seq FROM draw_boardevent ORDER BY seq")]
    # Bob's server may still be committing his last strokes: the log is checked as a whole.
    assert seqs[: len(stored)] == sorted(stored.values()) and seq <= len(seqs)
    assert seqs == list(range(1, len(seqs) + 1)), "the log's seq has a gap or a duplicate"
    assert {stroke.split("-")[0] for stroke in stored} == {"alice", "bob"}
