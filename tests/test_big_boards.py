"""Big boards stay joinable: every frame the server sends is under the transport limit (real Daphne)."""

import asyncio
import json
import os
import subprocess
import sys

from tests.servers import PROJECT, DaphneServer, migrate

OUTGOING_FRAME_BYTES = 262144


def long_stroke_points(index, count):
    """`count` points of a zig-zag across the board, different for every stroke."""
    return [
        coordinate
        for step in range(count)
        for coordinate in ((step * 3 + index) % 1601, (step * 7 + index) % 901)
    ]


async def join_and_read_snapshot(server, board, timeout=60):
    """(welcome, strokes, frame sizes) of a browser joining `board`."""
    from tests.relayed import connect

    async with connect(
        f"{server.ws_url}/ws/boards/{board}/", origin=server.http_url, max_size=None
    ) as socket:
        welcome = json.loads(await socket.recv())
        strokes, sizes = [], []
        async with asyncio.timeout(timeout):
            while True:
                frame = await socket.recv()
                sizes.append(len(frame.encode()))
                part = json.loads(frame)
                assert part["type"] == "snapshot" and part["index"] == len(strokes)
                strokes += part["strokes"]
                if len(strokes) >= part["total"]:
                    return welcome, strokes, sizes


async def test_a_board_of_fifty_strokes_of_five_thousand_points_is_joinable_and_complete(
    server_env, tmp_path
):
    # The drawer here is a script drawing 50 long strokes at once, not a person.
    env = {
        **server_env,
        "SKETCHSITE_MAX_POINTS_PER_SECOND": "1000000",
        "SKETCHSITE_MAX_ACTION_BURST": "100",
    }
    migrate(env)
    server = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    try:
        from tests.relayed import connect

        async with connect(f"{server.ws_url}/ws/boards/long-lines/", origin=server.http_url) as drawer:
            await drawer.recv()  # welcome
            await drawer.recv()  # empty snapshot
            for index in range(50):
                points = long_stroke_points(index, 5000)
                stroke = f"long-{index}"
                await drawer.send(
                    json.dumps(
                        {
                            "type": "stroke.begin",
                            "stroke": stroke,
                            "item": {"kind": "marker", "color": "#1971c2", "width": 3},
                            "points": [],
                        }
                    )
                )
                for start in range(0, len(points), 1000):
                    await drawer.send(
                        json.dumps(
                            {
                                "type": "stroke.points",
                                "stroke": stroke,
                                "points": points[start : start + 1000],
                            }
                        )
                    )
                await drawer.send(json.dumps({"type": "stroke.end", "stroke": stroke}))
            acked = 0
            async with asyncio.timeout(60):
                while acked < 50:
                    message = json.loads(await drawer.recv())
                    assert message["type"] != "error", message
                    acked += message["type"] == "ack"

        welcome, strokes, sizes = await join_and_read_snapshot(server, "long-lines")
        assert welcome["seq"] == 50
        assert [stroke[0] for stroke in strokes] == [f"long-{index}" for index in range(50)]
        assert all(stroke[3] == long_stroke_points(index, 5000) for index, stroke in enumerate(strokes))
        # 250,000 points: several frames, each under the outgoing frame size.
        assert len(sizes) > 1 and max(sizes) <= OUTGOING_FRAME_BYTES
    finally:
        server.stop()


FILL_BOARD = """
import django
django.setup()
from django.db import transaction
from draw.models import Board, BoardEvent
count, points = int(COUNT), int(POINTS)
with transaction.atomic():
    board = Board.objects.create(
        name="full-board", width=1600, height=900, last_seq=count, stroke_count=count
    )
    BoardEvent.objects.bulk_create(
        BoardEvent(
            board=board, seq=seq, kind="stroke", author="filler0001", client_id=f"s{seq}",
            effect={"stroke": f"s{seq}", "item": {"kind": "marker", "color": "#2f9e44", "width": 2},
                    "points": [(seq * 13 + step * 5) % 1601 if axis == 0 else (seq * 7 + step * 3) % 901
                               for step in range(points) for axis in (0, 1)]},
        )
        for seq in range(1, count + 1)
    )
"""


async def test_a_board_at_the_stroke_limit_is_joinable_and_complete(server_env, tmp_path):
    """A board holding SKETCHSITE_MAX_STROKES_PER_BOARD strokes (20,000) arrives whole."""
    count, points = 20000, 40
    migrate(server_env)
    script = FILL_BOARD.replace("COUNT", str(count)).replace("POINTS", str(points))
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sketchsite.settings", **server_env},
        check=True,
    )
    server = DaphneServer(server_env, log_path=tmp_path / "daphne.log").start()
    try:
        welcome, strokes, sizes = await join_and_read_snapshot(server, "full-board", timeout=120)
        assert welcome["limits"]["max_strokes_per_board"] == count
        assert welcome["seq"] == count
        assert len(strokes) == count
        assert {stroke[0] for stroke in strokes} == {f"s{seq}" for seq in range(1, count + 1)}
        assert all(len(stroke[3]) == 2 * points for stroke in strokes)
        assert max(sizes) <= OUTGOING_FRAME_BYTES
    finally:
        server.stop()
