"""Committed strokes and edits: the log, late joiners, resume, idempotency, undo and limits."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from draw.models import BoardEvent
from tests.test_consumers import connect, join, read_snapshot, receive_messages, relayed

pytestmark = pytest.mark.django_db(transaction=True)


async def draw(client, stroke, points=(10, 10, 20, 20, 30, 30), begin_only=False):
    await client.send_json_to(
        {
            "type": "stroke.begin",
            "stroke": stroke,
            "item": {"kind": "marker", "color": "#2f9e44", "width": 4},
            "points": list(points[:2]),
        }
    )
    await client.send_json_to({"type": "stroke.points", "stroke": stroke, "points": list(points[2:])})
    if not begin_only:
        await client.send_json_to({"type": "stroke.end", "stroke": stroke})


async def next_of_type(client, kind, timeout=5):
    """Skip frames until one of type `kind` (acks and errors come straight, batches carry the rest)."""
    while True:
        frame = await client.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


async def committed(client, count):
    """The next `count` committed events relayed to `client`."""
    events = []
    while len(events) < count:
        frame = await next_of_type(client, "batch")
        events += [m for m in frame["messages"] if m["type"] == "event"]
    return events


def stored_events(board):
    return list(BoardEvent.objects.filter(board__name=board).order_by("seq").values_list("seq", "client_id"))


async def test_stroke_end_is_stored_once_and_acknowledged_with_its_seq():
    alice, _ = await join("log")
    await draw(alice, "first")
    ack = await next_of_type(alice, "ack")
    assert ack == {"type": "ack", "ref": "first", "seq": 1}
    await draw(alice, "second")
    assert (await next_of_type(alice, "ack"))["seq"] == 2
    assert await database_sync_to_async(stored_events)("log") == [(1, "first"), (2, "second")]
    await alice.disconnect()


async def test_late_joiner_receives_every_committed_stroke_exactly_once(settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_ACTION_BURST": 100}
    alice, _ = await join("late")
    bob, bob_welcome = await join("late")
    for index in range(40):
        await draw(alice, f"early-{index}")
    for _ in range(40):
        await next_of_type(alice, "ack")
    await draw(bob, "in-progress", begin_only=True)

    async def keep_committing():
        for index in range(30):
            await draw(alice, f"during-{index}")
            await asyncio.sleep(0.002)

    drawing = asyncio.create_task(keep_committing())
    carol, welcome = await connect("late")
    snapshot_seq, strokes = await read_snapshot(carol)
    await drawing
    seen = [stroke[4] for stroke in strokes]
    live_begins = set()
    while len(set(seen)) < 70:
        for message in await relayed(carol):
            if message["type"] == "event" and message["seq"] > snapshot_seq:
                seen.append(message["seq"])
            elif message["type"] == "stroke.begin":
                live_begins.add((message["author"], message["stroke"]))
    assert snapshot_seq == welcome["seq"]
    assert sorted(seen) == list(range(1, 71))  # every stroke, none twice
    assert (bob_welcome["you"], "in-progress") in live_begins
    for client in (alice, bob, carol):
        await client.disconnect()


async def test_joiner_sees_strokes_being_drawn_right_now():
    alice, alice_welcome = await join("now")
    await draw(alice, "open", points=(5, 5, 6, 6, 7, 7), begin_only=True)
    await asyncio.sleep(0.1)
    carol, _ = await join("now")
    begin = (await receive_messages(carol, 1))[0]
    assert begin["type"] == "stroke.begin" and begin["author"] == alice_welcome["you"]
    assert begin["points"] == [5, 5, 6, 6, 7, 7]
    await alice.disconnect()
    await carol.disconnect()


async def test_resent_stroke_after_reconnect_is_stored_and_broadcast_once():
    alice, welcome = await join("resend")
    bob, _ = await join("resend")
    await draw(alice, "twice")
    assert (await next_of_type(alice, "ack"))["seq"] == 1
    await alice.disconnect()

    again, _ = await connect("resend", token=welcome["token"], since=0)
    await read_snapshot(again)
    await draw(again, "twice")
    assert (await next_of_type(again, "ack")) == {"type": "ack", "ref": "twice", "seq": 1}
    messages = []
    while not any(m["type"] == "stroke.drop" for m in messages):
        messages += await relayed(bob)
    assert [m["seq"] for m in messages if m["type"] == "event"] == [1]
    assert await bob.receive_nothing(timeout=0.2)
    assert await database_sync_to_async(stored_events)("resend") == [(1, "twice")]
    await again.disconnect()
    await bob.disconnect()


async def test_reconnect_with_since_gets_only_the_missed_events():
    alice, _ = await join("resume")
    for index in range(5):
        await draw(alice, f"s{index}")
    for _ in range(5):
        await next_of_type(alice, "ack")
    late, welcome = await connect("resume", since=3)
    assert welcome["seq"] == 5
    catch_up = await relayed(late)
    assert [(m["type"], m["seq"]) for m in catch_up] == [("event", 4), ("event", 5)]
    await alice.disconnect()
    await late.disconnect()


async def test_undo_redo_erase_and_clear_are_committed_and_relayed():
    alice, alice_welcome = await join("edits")
    bob, bob_welcome = await join("edits")
    await draw(alice, "a1")
    await draw(bob, "b1")
    await committed(bob, 2)

    await alice.send_json_to({"type": "undo", "id": "u1"})
    while (await next_of_type(alice, "ack"))["ref"] != "u1":
        pass
    assert (await committed(bob, 1))[0] == {
        "type": "event",
        "seq": 3,
        "kind": "undo",
        "author": alice_welcome["you"],
        "hide": [[alice_welcome["you"], "a1"]],
    }
    await alice.send_json_to({"type": "redo", "id": "r1"})
    assert (await committed(bob, 1))[0]["show"] == [[alice_welcome["you"], "a1"]]
    await alice.send_json_to({"type": "erase", "id": "e1", "strokes": [[bob_welcome["you"], "b1"]]})
    assert (await committed(bob, 1))[0]["hide"] == [[bob_welcome["you"], "b1"]]
    await alice.send_json_to({"type": "clear", "id": "c1"})
    assert (await committed(bob, 1))[0]["hide"] == [[alice_welcome["you"], "a1"]]
    await alice.disconnect()
    await bob.disconnect()


async def test_undo_with_nothing_to_undo_is_refused_with_its_id():
    alice, _ = await join("empty")
    await alice.send_json_to({"type": "undo", "id": "u1"})
    error = await next_of_type(alice, "error")
    assert error["code"] == "nothing_to_undo" and error["ref"] == "u1"
    await alice.disconnect()


async def test_full_board_refuses_the_stroke_with_a_clear_message(settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_STROKES_PER_BOARD": 2}
    alice, _ = await join("full")
    bob, _ = await join("full")
    for index in range(3):
        await draw(alice, f"s{index}")
    error = await next_of_type(alice, "error")
    assert error["code"] == "board_full" and error["ref"] == "s2" and "full" in error["message"]
    messages = []
    while not any(m["type"] == "stroke.drop" for m in messages):
        messages += await relayed(bob)
    assert [m["stroke"] for m in messages if m["type"] == "event"] == ["s0", "s1"]
    assert await database_sync_to_async(stored_events)("full") == [(1, "s0"), (2, "s1")]
    await alice.disconnect()
    await bob.disconnect()


async def test_large_board_arrives_in_snapshot_parts(settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "SNAPSHOT_CHUNK": 10}
    alice, _ = await join("parts")
    for index in range(25):
        await draw(alice, f"s{index}")
    for _ in range(25):
        await next_of_type(alice, "ack")
    carol, _ = await connect("parts")
    totals = []
    for _ in range(3):
        part = await carol.receive_json_from(timeout=5)
        totals.append((part["index"], len(part["strokes"]), part["total"]))
    assert totals == [(0, 10, 25), (10, 10, 25), (20, 5, 25)]
    await alice.disconnect()
    await carol.disconnect()


async def test_stroke_refused_mid_way_is_dropped_and_can_be_sent_again_whole(settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_POINTS_PER_SECOND": 10}
    alice, _ = await join("refused")
    bob, _ = await join("refused")
    await alice.send_json_to(
        {
            "type": "stroke.begin",
            "stroke": "s1",
            "item": {"kind": "marker", "color": "#000000", "width": 2},
            "points": [1, 1] * 5,
        }
    )
    await alice.send_json_to({"type": "stroke.points", "stroke": "s1", "points": [2, 2] * 20})
    error = await next_of_type(alice, "error")
    assert error["code"] == "rate_limited" and error["ref"] == "s1"
    messages = []
    while not any(m["type"] == "stroke.drop" for m in messages):
        messages += await relayed(bob)
    # The server forgot the incomplete stroke: the whole stroke, resent, is stored.
    await asyncio.sleep(1.1)
    await draw(alice, "s1", points=(1, 1, 2, 2, 3, 3))
    assert (await next_of_type(alice, "ack")) == {"type": "ack", "ref": "s1", "seq": 1}
    await alice.disconnect()
    await bob.disconnect()
