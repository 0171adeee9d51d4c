"""A board's relay in one process: members catching up have their traffic held, in order and bounded."""

from channels.layers import InMemoryChannelLayer

from draw.pacing import Pacing
from draw.relay import RelayHub


class Browser:
    """A member of the relay that keeps what it is delivered, as a socket would send it."""

    def __init__(self):
        self.received = []

    async def deliver(self, text):
        self.received.append(text)

    def open_stroke_begins(self):
        return []


def hub(max_held_bytes=1000):
    return RelayHub(
        InMemoryChannelLayer(), pacing=Pacing(), max_frame_bytes=10_000, max_held_bytes=max_held_bytes
    )


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
