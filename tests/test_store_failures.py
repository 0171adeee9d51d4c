"""A real server whose database refuses a commit: the stroke is refused as retryable, then stored once."""

import asyncio
import json
import sqlite3
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from tests.relayed import open_client
from tests.servers import DaphneServer, migrate


async def send_stroke(socket, stroke):
    await socket.send(
        json.dumps(
            {
                "type": "stroke.begin",
                "stroke": stroke,
                "item": {"kind": "marker", "color": "#1e1e1e", "width": 4},
                "points": [5, 5],
            }
        )
    )
    await socket.send(json.dumps({"type": "stroke.end", "stroke": stroke, "points": [50, 50]}))


async def next_of_type(socket, kind, timeout):
    """The next frame of type `kind`; a close on the way fails the test."""
    async with asyncio.timeout(timeout):
        while True:
            try:
                frame = json.loads(await socket.recv())
            except ConnectionClosed as closed:
                raise AssertionError(f"the server closed the socket: {closed}") from None
            if frame["type"] == kind:
                return frame


def stored(database, client_id):
    with sqlite3.connect(database) as reader:
        return reader.execute(
            "SELECT seq FROM draw_boardevent WHERE client_id = ? ORDER BY seq", [client_id]
        ).fetchall()


async def test_a_stroke_that_meets_a_locked_database_is_store_unavailable_and_stored_once_when_resent(
    server_env, tmp_path
):
    migrate(server_env)
    database = Path(server_env["SKETCHSITE_DATA_DIR"]) / "sketchsite.sqlite3"
    server = DaphneServer(server_env, log_path=tmp_path / "daphne.log").start()
    try:
        socket, _ = await open_client(server, "locked")
        await send_stroke(socket, "before")
        assert (await next_of_type(socket, "ack", timeout=10))["seq"] == 1

        # Another writer holds the database; the server's commit waits out SQLite's busy
        # timeout (Django leaves it at the sqlite3 module's 5 s) and fails.
        holder = sqlite3.connect(database, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            await send_stroke(socket, "s1")
            error = await next_of_type(socket, "error", timeout=30)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert error["code"] == "store_unavailable" and error["ref"] == "s1"
        assert stored(database, "s1") == []

        # The socket stayed open: the stroke, sent again whole, is stored once.
        await send_stroke(socket, "s1")
        assert await next_of_type(socket, "ack", timeout=10) == {"type": "ack", "ref": "s1", "seq": 2}
        await send_stroke(socket, "s1")
        assert await next_of_type(socket, "ack", timeout=10) == {"type": "ack", "ref": "s1", "seq": 2}
        assert stored(database, "s1") == [(2,)]
        await socket.close()
    finally:
        server.stop()
