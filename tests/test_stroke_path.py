"""A stroke's path bound (SKETCHSITE_MAX_STROKE_PATH) over a socket: the message that would take a
stroke past it gets a stroke_too_long error frame naming the bound, and the board goes on."""

import pytest

from tests import site
from tests.relayed import BoardCommunicator

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")
INK = {"kind": "ink", "color": "#1e1e1e", "width": 8}


async def joined(board="path"):
    client = BoardCommunicator(
        site.current.application, f"/ws/boards/{board}/?token=&since=0", headers=[ORIGIN]
    )
    connected, _ = await client.connect()
    assert connected
    assert (await client.receive_json_from(timeout=5))["type"] == "welcome"
    while True:
        part = await client.receive_json_from(timeout=5)
        assert part["type"] == "snapshot"
        if part["index"] + len(part["strokes"]) >= part["total"]:
            return client


async def test_a_stroke_past_the_path_bound_is_refused_with_stroke_too_long_naming_the_bound(settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_STROKE_PATH": 1000}
    client = await joined()
    # 500 units, then 500 more: at the bound, and kept.
    await client.send_json_to(
        {"type": "stroke.begin", "stroke": "s1", "item": INK, "points": [0, 0, 50, 300, 400, 50]}
    )
    await client.send_json_to({"type": "stroke.points", "stroke": "s1", "points": [600, 800, 50]})
    # One unit more is past it.
    await client.send_json_to({"type": "stroke.points", "stroke": "s1", "points": [601, 800, 50]})
    while True:
        frame = await client.receive_json_from(timeout=2)
        if frame["type"] == "error":
            break
    assert frame["code"] == "stroke_too_long"
    assert frame["ref"] == "s1"
    assert frame["message"] == "a stroke's path runs at most 1000 board units; end it and begin another"
    await client.disconnect()
