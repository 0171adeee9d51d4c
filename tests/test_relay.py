"""A board's relay: traffic held for members catching up, in order and bounded; the pace from the load."""

import asyncio
import json
import time

from channels.layers import InMemoryChannelLayer

from draw import protocol
from draw.audience import HOST_AUDIENCE, Audience
from draw.classroom import ClassSettings
from draw.pacing import Pacing
from draw.participants import STUDENT
from draw.relay import RelayHub


class Browser:
    """A member of the relay that keeps what it is delivered, as a socket would send it."""

    def __init__(self):
        self.received = []

    async def deliver(self, text):
        self.received.append(text)

    def open_stroke_begins(self):
        return []


def hub(max_held_bytes=1000, pacing=None, channel_layer=None):
    return RelayHub(
        channel_layer or InMemoryChannelLayer(),
        pacing=pacing or Pacing(),
        max_frame_bytes=10_000,
        max_held_bytes=max_held_bytes,
        # The pace these tests expect is the whole budget's, however busy the machine is.
        watch_load=False,
    )


def points(stroke="s1"):
    return {"type": protocol.STROKE_POINTS, "stroke": stroke, "author": "ann", "points": [1, 2]}


async def live(relays, board, browser):
    membership = await relays.join(board, browser)
    assert await membership.release()
    return membership


async def received(browser, kind):
    """The messages of `kind` the browser has been sent, waiting a little for the first."""
    for _ in range(200):
        found = [json.loads(text) for text in browser.received if json.loads(text)["type"] == kind]
        if found:
            return found
        await asyncio.sleep(0.01)
    return []


async def test_traffic_for_a_member_catching_up_is_held_then_sent_in_order():
    relays = hub()
    browser = Browser()
    membership = await relays.join("board.art", browser)
    for index in range(5):
        await membership.deliver(f"batch-{index}")
    assert browser.received == []
    assert await membership.release()
    await membership.deliver("live")
    assert browser.received == [f"batch-{index}" for index in range(5)] + ["live"]
    await relays.leave(membership)


async def test_a_member_whose_catch_up_outlasts_the_hold_bound_is_told_it_fell_behind():
    relays = hub(max_held_bytes=100)
    browser = Browser()
    membership = await relays.join("board.art", browser)
    for index in range(20):
        await membership.deliver(f"batch-{index:02d}")  # 8 bytes each: 160 in all
    assert not await membership.release()
    # Nothing of an incomplete stream is sent: the browser reconnects and catches up again.
    assert browser.received == []
    await relays.leave(membership)


async def test_the_last_member_to_leave_stops_the_boards_relay():
    relays = hub()
    first, second = await relays.join("board.art", Browser()), await relays.join("board.art", Browser())
    assert list(relays.boards) == ["board.art"]
    await relays.leave(first)
    assert list(relays.boards) == ["board.art"]
    await relays.leave(second)
    assert relays.boards == {}


async def test_a_socket_counts_as_drawing_while_it_sends_live_strokes():
    relays = hub()
    drawer, watcher = await live(relays, "board.art", Browser()), await live(relays, "board.art", Browser())
    relay = drawer.relay
    now = time.monotonic()
    assert relay.drawers(now) == 0
    drawer.publish(points())
    assert relay.drawers(time.monotonic()) == 1
    assert relay.drawers(time.monotonic() + 60) == 0
    for membership in (drawer, watcher):
        await relays.leave(membership)


async def test_a_board_that_gets_busy_tells_every_socket_its_new_pace():
    """A budget so small that one drawer fills it."""
    relays = hub(pacing=Pacing(fanout_budget=700))
    alice, bob = Browser(), Browser()
    drawer, watcher = await live(relays, "board.art", alice), await live(relays, "board.art", bob)
    relay = drawer.relay
    assert relay.send_ms == 0
    drawer.publish(points())
    await relay.repace(time.monotonic())
    wanted = relays.pacing.send_ms(1)
    assert wanted > 0 and relay.send_ms == wanted
    assert await received(alice, protocol.PACE) == [protocol.pace(wanted)]
    assert await received(bob, protocol.PACE) == [protocol.pace(wanted)]
    # Counted again with the same load: nothing new is announced.
    await relay.repace(time.monotonic())
    assert len(await received(bob, protocol.PACE)) == 1
    for membership in (drawer, watcher):
        await relays.leave(membership)


async def test_drawers_in_another_process_count_towards_the_boards_load():
    layer = InMemoryChannelLayer()
    here, there = hub(channel_layer=layer), hub(channel_layer=layer)
    browser = Browser()
    watcher = await live(here, "board.art", browser)
    drawer = await live(there, "board.art", Browser())
    drawer.publish(points())
    await drawer.relay.repace(time.monotonic())  # the drawer's process counts its drawer
    drawer.publish(points())
    assert await received(browser, protocol.BATCH)
    assert watcher.relay.drawers(time.monotonic()) == 1
    assert watcher.relay.drawers(time.monotonic() + 60) == 0
    await here.leave(watcher)
    await there.leave(drawer)


async def test_a_process_in_lanes_views_a_batch_another_encoded_for_everyone_before_it_heard():
    """Two processes on one layer: the switch to lanes reached the second first. What the first
    still sends for everyone, the second views per audience: its student gets nothing of Bob's."""
    layer = InMemoryChannelLayer()
    first, second = hub(channel_layer=layer), hub(channel_layer=layer)
    bob, ann, teacher = Browser(), Browser(), Browser()
    drawing = await live(first, "board.lesson", bob)
    ann_here = await live(second, "board.lesson", ann)
    teacher_here = await live(second, "board.lesson", teacher)
    ann_here.audience = Audience(STUDENT, "ann")
    teacher_here.audience = HOST_AUDIENCE
    ann_here.relay.learned_class(ClassSettings(hosted=True, lanes=True, version=1))
    assert not drawing.relay.class_settings.lanes

    drawing.publish({"type": protocol.STROKE_POINTS, "stroke": "b1", "author": "bob", "points": [1, 2]})
    assert [m["author"] for batch in await received(teacher, "batch") for m in batch["messages"]] == ["bob"]
    await asyncio.sleep(0.1)
    assert [json.loads(text)["type"] for text in ann.received] == []
    for relays, membership in ((first, drawing), (second, ann_here), (second, teacher_here)):
        await relays.leave(membership)
