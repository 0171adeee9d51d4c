"""Hostile sockets beside an honest drawer and viewer on one board of a real Daphne.

The hostile sockets are bench/hostile.py's, the same as `python -m bench hostile` runs at a
larger scale. Here they send a few thousand frames over about 18 seconds; the test checks
what a user would: every honest stroke is stored, relayed once and on the board unchanged,
no honest socket is closed, and the server still answers. Among the frames is what once
poisoned a board for everyone (a text spelling a lone surrogate as a JSON escape, a colour
only int(x, 16) reads): it is refused, and afterwards the board still opens for a newcomer
and exports. The server is the embedded default: one Daphne, SQLite, the in-memory layer.
"""

import asyncio
import json

import pytest

from bench import hostile
from bench.outgoing import marker
from draw import protocol
from tests.relayed import open_client
from tests.servers import DaphneServer, migrate

BOARD = "hostile-run"
SPEC = hostile.HostileSpec(sockets=6, frames=4200, seconds=18.0, paced=True, seed=7)
# What a hostile socket may be told: close codes of docs/protocol.md and docs/reliability.md.
DOCUMENTED_CLOSES = {
    protocol.CLOSE_UNSUPPORTED_DATA,
    protocol.CLOSE_BOARD_NOT_FOUND,
    protocol.CLOSE_POLICY_VIOLATION,
    protocol.CLOSE_MESSAGE_TOO_BIG,
    hostile.CLOSE_DROPPED,
}
SERVER_MESSAGES = {
    protocol.WELCOME,
    protocol.SNAPSHOT,
    protocol.BATCH,
    protocol.ACK,
    protocol.ERROR,
    protocol.PRESENCE,
    # The server's batching interval, announced to everyone when its load changes: on a busy
    # machine the hostile sockets hear it too.
    protocol.PACE,
}


@pytest.fixture
def server(server_env, tmp_path):
    # The embedded default, whatever the shell running the tests exports.
    database = tmp_path / "data" / "sketchsite.sqlite3"
    env = {**server_env, "DATABASE_URL": f"sqlite:///{database}", "REDIS_URL": ""}
    migrate(env)
    server = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    assert database.exists()
    yield server
    server.stop()


async def test_hostile_sockets_leave_every_honest_stroke_intact(server, tmp_path):
    run = await hostile.run(server.ws_url, server.http_url, BOARD, SPEC)
    attack, drawer, viewer = run.hostile, run.drawer, run.viewer
    print(
        f"\nhostile: {attack['frames_sent']} frames in {attack['seconds']} s on {attack['connections']} "
        f"connections; closes by code {attack['closes']}; errors by code {attack['errors']}; "
        f"honest strokes {len(drawer.strokes)}, copied ids {attack['copied_ids_seen']}, "
        f"clears acked {attack['clears_acked']}, close frames lost {attack['close_frames_lost']}; "
        f"poison refused {attack['poison_refused']}, acked {len(attack['poison_acked'])}, "
        f"answered otherwise {attack['poison_misanswered']}; look-alikes acked {attack['lookalikes_acked']}, "
        f"refused {attack['lookalikes_refused']}; closes 1011 {run.internal_error_closes()}; "
        f"a fresh join {run.fresh_join.summary()}; board reads {run.board_reads}; "
        f"honest closes {run.drawer_close}, {run.viewer_close}; honest strokes lost {len(run.lost())}"
    )

    # What once poisoned the board for everyone is refused, each frame with bad_field naming
    # its stroke or edit, and nothing of it is acked, relayed or stored.
    for kind in hostile.POISON_KINDS:
        assert attack["poison_refused"].get(kind, 0) >= 10, kind
    assert attack["poison_misanswered"] == {} and attack["poison_acked"] == []
    assert run.poison_seen() == []
    # Escapes that are text, and upper-case colours, are stored.
    assert attack["lookalikes_refused"] == {}
    assert set(attack["lookalikes_acked"]) == {"escaped_text", "upper_case_colour"}
    # The board still opens whole for a newcomer, and reads over HTTP; no socket was closed 1011.
    assert run.fresh_join.complete, run.fresh_join.summary()
    assert run.board_reads == {"export.png": 200, "export.svg": 200, "snapshot": 200}
    assert run.internal_error_closes() == 0

    # The attack took place, and copied the honest drawer's stroke ids.
    assert attack["frames_sent"] >= 3000
    assert attack["copied_ids_seen"] > 0 and attack["sent"]["copied_id"] > 0
    assert 20 <= len(drawer.strokes) <= 60

    # Every honest stroke is acked, relayed once with its author and points, and on the board.
    assert not drawer.errors and not viewer.errors
    assert not drawer.drops and not viewer.honest_drops
    assert set(drawer.strokes) <= set(drawer.acks)
    assert viewer.gaps == [] and viewer.repeats == 0
    for stroke, (plan, points) in drawer.strokes.items():
        assert viewer.events[(drawer.you, stroke)] == 1, stroke
        event = viewer.honest_events[stroke]
        drawn = marker(plan.color, plan.width)
        assert (event["author"], event["item"], event["points"]) == (drawer.you, drawn, points)
        assert event["seq"] == drawer.acks[stroke]
        on_board = run.snapshot[(drawer.you, stroke)]
        assert on_board[2:4] == [drawn, points], stroke
    assert run.lost() == []
    # Nothing on the final board is by anyone but the drawer and the hostile sockets.
    assert {author for author, _ in run.snapshot} <= {drawer.you, *attack["hostile_authors"]}

    # No honest socket was closed; the server is up and answers.
    assert run.drawer_close is None and run.viewer_close is None
    assert server.process.poll() is None
    assert hostile.healthz(server.http_url) == "ok"

    # The hostile sockets were refused with documented errors and closes, and nothing else.
    assert attack["unexpected_closes"] == []
    assert set(attack["closes"]) and {int(code) for code in attack["closes"]} <= DOCUMENTED_CLOSES
    assert set(attack["errors"]) <= set(protocol.ERROR_CODES)
    assert set(attack["received"]) <= SERVER_MESSAGES
    assert attack["unexpected_types"] == {} and attack["not_closed"] == {} and attack["stalls"] == 0
    assert attack["cleanup_failures"] == [] and attack["clears_undone"] == attack["clears_acked"]

    # A visit to a new board name stores nothing: the board has no export.
    for name in attack["wander_boards"][:10]:
        assert hostile.http_status(f"{server.http_url}/b/{name}/export.svg") == 404, name

    server.stop()
    assert "Traceback" not in (tmp_path / "daphne.log").read_text()


async def _answers(socket, quiet=1.0):
    """Every frame the server sends until it has been quiet for `quiet` seconds."""
    messages = []
    while True:
        try:
            frame = json.loads(await asyncio.wait_for(socket.recv(), quiet))
        except TimeoutError:
            return messages
        messages.extend(frame["messages"] if frame["type"] == protocol.BATCH else [frame])


async def test_a_stroke_with_a_refused_part_is_not_committed(server):
    socket, _ = await open_client(server, "refused-part")
    for message in (
        {
            "type": "stroke.begin",
            "stroke": "s1",
            "item": {"kind": "marker", "color": "#000000", "width": 3},
            "points": [10, 10],
        },
        {"type": "stroke.points", "stroke": "s1", "points": [20, 20, 5000, 5000]},
        {"type": "stroke.points", "stroke": "s1", "points": [30, 30]},
        {"type": "stroke.end", "stroke": "s1"},
    ):
        await socket.send(json.dumps(message))
    answers = await _answers(socket)
    await socket.close()
    # The stroke is gone from the server with its refused part: what follows of it is unknown.
    assert [answer["code"] for answer in answers if answer["type"] == protocol.ERROR] == [
        "out_of_range",
        "unknown_stroke",
        "unknown_stroke",
    ]
    assert not [answer for answer in answers if answer["type"] in (protocol.ACK, protocol.EVENT)]
    assert [answer for answer in answers if answer["type"] == protocol.STROKE_DROP]


async def test_a_refused_edit_on_a_new_board_name_stores_nothing(server):
    for name, edit in (
        ("new-undo", {"type": "undo", "id": "u1"}),
        ("new-clear", {"type": "clear", "id": "c1"}),
        ("new-erase", {"type": "erase", "id": "e1", "strokes": [["abcdefghjk", "s1"]]}),
    ):
        socket, _ = await open_client(server, name)
        await socket.send(json.dumps(edit))
        (answer,) = await _answers(socket, quiet=0.5)
        await socket.close()
        assert answer["type"] == protocol.ERROR
        assert hostile.http_status(f"{server.http_url}/b/{name}/export.svg") == 404, name
