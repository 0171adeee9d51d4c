"""The board consumer over Channels' WebsocketCommunicator: relay, isolation and bad input."""

import json

import pytest

from draw import protocol
from tests import site
from tests.relayed import BoardCommunicator, skip_repeated_begins

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")


async def connect(board="draw", token="", since=0):
    """A connected client on `board` and its welcome message; the catch-up is still to read."""
    query = f"?token={token}&since={since}"
    client = BoardCommunicator(site.current.application, f"/ws/boards/{board}/{query}", headers=[ORIGIN])
    connected, _ = await client.connect()
    assert connected
    welcome = await client.receive_json_from(timeout=5)
    assert welcome["type"] == "welcome"
    return client, welcome


async def read_snapshot(client):
    """Every snapshot frame of a joining client, as one list of compact strokes."""
    strokes = []
    while True:
        part = await client.receive_json_from(timeout=5)
        assert part["type"] == "snapshot", part
        assert part["index"] == len(strokes)
        strokes += part["strokes"]
        if len(strokes) >= part["total"]:
            return part["seq"], strokes


async def join(board="draw", token=""):
    """A connected client that has read its (empty or not) snapshot."""
    client, welcome = await connect(board, token)
    await read_snapshot(client)
    return client, welcome


async def relayed(client, timeout=2):
    """Messages of the next batch frame a client receives."""
    frame = await client.receive_json_from(timeout=timeout)
    assert frame["type"] == "batch", frame
    return frame["messages"]


async def draw_stroke(client, stroke="s1", color="#e03131"):
    await client.send_json_to(
        {
            "type": "stroke.begin",
            "stroke": stroke,
            "item": {"kind": "marker", "color": color, "width": 8},
            "points": [10, 20],
        }
    )
    await client.send_json_to({"type": "stroke.points", "stroke": stroke, "points": [30, 40, 50, 60]})
    await client.send_json_to({"type": "stroke.end", "stroke": stroke, "points": [70, 80]})


async def receive_messages(client, count):
    """The next `count` relayed messages, a repeated stroke.begin skipped."""
    messages = []
    begun = client.__dict__.setdefault("begun", set())
    while len(messages) < count:
        messages += skip_repeated_begins(await relayed(client), begun)
    return messages


async def test_welcome_names_the_board_participant_and_limits():
    client, welcome = await join("art-class")
    assert welcome["board"] == "art-class"
    assert welcome["v"] == protocol.PROTOCOL_VERSION
    assert welcome["size"] == [1600, 900]
    assert welcome["limits"]["max_points_per_message"] == 500
    # The browser keeps its live strokes under this, so a burst never trips the error budget.
    assert welcome["limits"]["max_open_strokes"] == 10
    assert welcome["you"] and welcome["token"]
    await client.disconnect()


async def test_stroke_reaches_other_client_with_its_id_and_author():
    alice, alice_welcome = await join()
    bob, _ = await join()
    await draw_stroke(alice, stroke="alice-1")
    messages = await receive_messages(bob, 3)
    assert [m["type"] for m in messages] == ["stroke.begin", "stroke.points", "event"]
    assert {m["stroke"] for m in messages} == {"alice-1"}
    assert {m["author"] for m in messages} == {alice_welcome["you"]}
    assert messages[0]["item"] == {"kind": "marker", "color": "#e03131", "width": 8}
    assert messages[0]["points"] + messages[1]["points"] == [10, 20, 30, 40, 50, 60]
    committed = messages[2]
    assert committed["kind"] == "stroke" and committed["seq"] == 1
    assert committed["points"] == [10, 20, 30, 40, 50, 60, 70, 80]
    await alice.disconnect()
    await bob.disconnect()


async def test_client_on_another_board_receives_nothing():
    alice, _ = await join("room-a")
    bob, _ = await join("room-a")
    eve, _ = await join("room-b")
    await draw_stroke(alice)
    await receive_messages(bob, 3)
    assert await eve.receive_nothing(timeout=0.3)
    for client in (alice, bob, eve):
        await client.disconnect()


async def test_two_people_drawing_at_once_keep_separate_strokes():
    alice, alice_welcome = await join()
    bob, bob_welcome = await join()
    carol, _ = await join()
    await draw_stroke(alice, stroke="same-id", color="#e03131")
    await draw_stroke(bob, stroke="same-id", color="#1971c2")
    messages = await receive_messages(carol, 6)
    by_author = {}
    for message in messages:
        by_author.setdefault(message["author"], []).append(message)
    assert set(by_author) == {alice_welcome["you"], bob_welcome["you"]}
    assert by_author[alice_welcome["you"]][0]["item"]["color"] == "#e03131"
    assert by_author[bob_welcome["you"]][0]["item"]["color"] == "#1971c2"
    for client in (alice, bob, carol):
        await client.disconnect()


async def test_token_keeps_the_participant_across_reconnects():
    first, welcome = await join()
    await first.disconnect()
    again, welcome_again = await join(token=welcome["token"])
    assert welcome_again["you"] == welcome["you"]
    forged, welcome_forged = await join(token=welcome["token"] + "x")
    assert welcome_forged["you"] != welcome["you"]
    await again.disconnect()
    await forged.disconnect()


MARKER = {"kind": "marker", "color": "#000000", "width": 2}

BAD_TEXT_FRAMES = [
    pytest.param("not json at all", "bad_json", id="not-json"),
    pytest.param('{"type": "stroke.explode", "stroke": "s1"}', "unknown_type", id="unknown-type"),
    pytest.param(
        '{"type": "stroke.begin", "stroke": "s1", '
        '"item": {"kind": "marker", "color": "#000000", "width": "8"}}',
        "bad_field",
        id="wrong-type",
    ),
    # Points are checked against the stroke's kind (numbers a point), so these begin one.
    pytest.param(
        json.dumps({"type": "stroke.begin", "stroke": "s1", "item": MARKER, "points": [5000, 1]}),
        "out_of_range",
        id="range",
    ),
    pytest.param(
        json.dumps({"type": "stroke.begin", "stroke": "s1", "item": MARKER, "points": [1, 1] * 501}),
        "too_many_points",
        id="too-many-points",
    ),
    pytest.param(
        '{"type": "stroke.points", "stroke": "never-begun", "points": [1, 1]}', "unknown_stroke", id="stroke"
    ),
]


@pytest.mark.parametrize(("frame", "code"), BAD_TEXT_FRAMES)
async def test_bad_message_gets_an_error_and_others_keep_drawing(frame, code):
    mallory, _ = await join()
    bob, _ = await join()
    await mallory.send_to(text_data=frame)
    error = await mallory.receive_json_from(timeout=2)
    assert error["type"] == "error" and error["code"] == code and error["message"]
    # Nothing of the bad message reached Bob, and the board still works for everyone.
    assert await bob.receive_nothing(timeout=0.2)
    await draw_stroke(mallory, stroke="after-error")
    assert len(await receive_messages(bob, 3)) == 3
    await mallory.disconnect()
    await bob.disconnect()


async def assert_closed_with(client, code):
    output = await client.receive_output(timeout=2)
    assert output["type"] == "websocket.close"
    assert output["code"] == code
    assert output.get("reason")


async def test_binary_frame_closes_with_4003_and_others_keep_receiving():
    mallory, _ = await join()
    alice, _ = await join()
    bob, _ = await join()
    await mallory.send_to(bytes_data=b"\x00\x01\x02")
    await assert_closed_with(mallory, protocol.CLOSE_UNSUPPORTED_DATA)
    await draw_stroke(alice)
    assert len(await receive_messages(bob, 3)) == 3
    await alice.disconnect()
    await bob.disconnect()


async def test_oversized_frame_closes_with_4009_and_others_keep_receiving():
    mallory, _ = await join()
    alice, _ = await join()
    bob, _ = await join()
    await mallory.send_to(text_data='{"type":"stroke.end","stroke":"s1","pad":"' + "x" * 20000 + '"}')
    await assert_closed_with(mallory, protocol.CLOSE_MESSAGE_TOO_BIG)
    await draw_stroke(alice)
    assert len(await receive_messages(bob, 3)) == 3
    await alice.disconnect()
    await bob.disconnect()


async def test_flood_of_bad_messages_closes_with_4008(settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_ERRORS_PER_MINUTE": 3}
    mallory, _ = await join()
    for _ in range(3):
        await mallory.send_to(text_data="nope")
        assert (await mallory.receive_json_from(timeout=2))["code"] == "bad_json"
    await mallory.send_to(text_data="nope")
    await assert_closed_with(mallory, protocol.CLOSE_POLICY_VIOLATION)


async def test_points_beyond_the_rate_limit_are_refused(settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_POINTS_PER_SECOND": 10}
    alice, _ = await join()
    await alice.send_json_to(
        {
            "type": "stroke.begin",
            "stroke": "s1",
            "item": {"kind": "marker", "color": "#000000", "width": 2},
            "points": [1, 1] * 10,
        }
    )
    await alice.send_json_to({"type": "stroke.points", "stroke": "s1", "points": [2, 2] * 10})
    error = await alice.receive_json_from(timeout=2)
    assert error["type"] == "error" and error["code"] == "rate_limited" and error["ref"] == "s1"
    await alice.disconnect()


@pytest.mark.parametrize("board", ["Bad_Name", "-dash", "x" * 40])
async def test_invalid_board_name_closes_with_4004(board):
    """Accepted, then closed, so the browser sees the code and stops retrying."""
    client = BoardCommunicator(site.current.application, f"/ws/boards/{board}/", headers=[ORIGIN])
    connected, _ = await client.connect()
    assert connected
    await assert_closed_with(client, protocol.CLOSE_BOARD_NOT_FOUND)


async def test_foreign_origin_is_rejected():
    client = BoardCommunicator(
        site.current.application, "/ws/boards/draw/", headers=[(b"origin", b"http://evil.example")]
    )
    connected, _ = await client.connect()
    assert not connected


async def test_unfinished_stroke_is_dropped_for_others_when_its_author_leaves():
    alice, _ = await join()
    bob, _ = await join()
    await alice.send_json_to(
        {
            "type": "stroke.begin",
            "stroke": "cut",
            "item": {"kind": "marker", "color": "#000000", "width": 2},
            "points": [1, 1],
        }
    )
    assert (await receive_messages(bob, 1))[0]["type"] == "stroke.begin"
    await alice.disconnect()
    dropped = (await receive_messages(bob, 1))[0]
    assert dropped["type"] == "stroke.drop" and dropped["stroke"] == "cut"
    await bob.disconnect()


async def test_burst_beyond_default_capacity_is_not_dropped():
    """A classroom burst (far more than the default capacity of 100 queued frames) all arrives."""
    listener, _ = await join("burst")
    drawers = [(await join("burst"))[0] for _ in range(30)]
    for index, drawer in enumerate(drawers):
        await drawer.send_json_to(
            {
                "type": "stroke.begin",
                "stroke": f"s{index}",
                "item": {"kind": "marker", "color": "#000000", "width": 2},
                "points": [1, 1],
            }
        )
    for step in range(10):
        for index, drawer in enumerate(drawers):
            await drawer.send_json_to(
                {"type": "stroke.points", "stroke": f"s{index}", "points": [step, step]}
            )
    messages = await receive_messages(listener, 30 * 11)
    assert len(messages) == 30 * 11
    for client in [listener, *drawers]:
        await client.disconnect()


async def test_welcome_carries_the_send_interval_and_a_pace_follows_when_the_load_changes(settings):
    """A budget so small that one drawer fills it: everyone on the board is told to batch."""
    settings.SKETCHSITE = {**settings.SKETCHSITE, "RELAY_FANOUT_BUDGET": 700}
    alice, welcome = await join("paced")
    bob, bobs_welcome = await join("paced")
    assert welcome["send_ms"] == bobs_welcome["send_ms"] == 0
    await draw_stroke(alice)
    frames = []
    while not any(frame["type"] == "pace" for frame in frames):
        frames.append(await bob.receive_json_from(timeout=5))
    (pace,) = [frame for frame in frames if frame["type"] == "pace"]
    assert pace == protocol.pace(pace["send_ms"])
    assert 0 < pace["send_ms"] <= settings.SKETCHSITE["SEND_INTERVAL_MS"]
    # The drawer is told too, and so is anyone who joins now, in the welcome.
    while (await alice.receive_json_from(timeout=5))["type"] != "pace":
        pass
    carol, carols_welcome = await join("paced")
    assert carols_welcome["send_ms"] == pace["send_ms"]
    for client in (alice, bob, carol):
        await client.disconnect()
