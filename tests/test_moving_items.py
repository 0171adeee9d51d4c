"""Items over the board socket: every kind goes round whole, moves follow the erase rules."""

import pytest

from draw import items
from tests.test_class_mode import (
    board_state,
    close_all,
    hosted_board,
    join,
    message_of,
    refused,
    student_query,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def draw_item(client, stroke, item, points):
    size = items.stride(item["kind"])
    await client.send_json_to(
        {"type": "stroke.begin", "stroke": stroke, "item": item, "points": points[:size]}
    )
    await client.send_json_to({"type": "stroke.end", "stroke": stroke, "points": points[size:]})
    return await message_of(client, "ack")


async def test_every_kind_of_item_is_relayed_stored_and_snapshotted_whole():
    await hosted_board()
    author, author_welcome = await join(student_query("Ada"))
    watcher, _ = await join(student_query("Grace"))
    drawn = {
        "i": ({"kind": "ink", "color": "#1e1e1e", "width": 8}, [10, 10, 20, 20, 20, 80, 30, 30, 50]),
        "h": ({"kind": "highlighter", "color": "#e8590c", "width": 24}, [10, 40, 300, 40]),
        "r": ({"kind": "rect", "color": "#1971c2", "width": 4}, [100, 100, 150, 140, 200, 180]),
        "t": ({"kind": "text", "color": "#7048e8", "size": 40, "text": "<b>x</b> & y"}, [400, 400]),
    }
    for stroke, (item, points) in drawn.items():
        await draw_item(author, stroke, item, points)
        begin = await message_of(watcher, "stroke.begin")
        assert begin["item"] == item and begin["author"] == author_welcome["you"]
        event = await message_of(watcher, "event")
        assert event["item"] == item
    state = await board_state()
    stored = {stroke.stroke: (stroke.item, stroke.points) for stroke in state.strokes}
    assert stored["i"] == drawn["i"]
    # A drag keeps its two ends.
    assert stored["r"] == (drawn["r"][0], [100, 100, 200, 180])
    assert stored["t"] == drawn["t"]
    late, _ = await join(student_query("Late"))
    await close_all(author, watcher, late)


async def test_a_student_moves_their_own_items_and_not_anyone_elses_and_the_host_moves_any():
    key = await hosted_board()
    host, host_welcome = await join(f"host={key}")
    ada, ada_welcome = await join(student_query("Ada"))
    grace, _ = await join(student_query("Grace"))
    marker = {"kind": "marker", "color": "#e03131", "width": 8}
    await draw_item(ada, "a1", marker, [10, 10, 50, 50])
    await draw_item(host, "h1", marker, [100, 100, 150, 150])
    mine = [ada_welcome["you"], "a1"]

    await ada.send_json_to({"type": "move", "id": "m1", "strokes": [mine], "by": [5, 5]})
    assert (await message_of(ada, "ack"))["ref"] == "m1"
    event = await message_of(grace, "event")
    while event["kind"] != "move":
        event = await message_of(grace, "event")
    assert event["move"] == [mine] and event["by"] == [5, 5]

    theirs = [host_welcome["you"], "h1"]
    assert await refused(grace, {"type": "move", "id": "m2", "strokes": [mine], "by": [1, 1]}) == "forbidden"
    assert await refused(ada, {"type": "move", "id": "m3", "strokes": [theirs], "by": [1, 1]}) == "forbidden"
    await host.send_json_to({"type": "move", "id": "m4", "strokes": [mine, theirs], "by": [-1000, 0]})
    assert (await message_of(host, "ack"))["ref"] == "m4"
    state = await board_state()
    points = {stroke.stroke: stroke.points for stroke in state.strokes}
    # The host's move stopped at the board's left edge for both.
    assert points == {"a1": [0, 15, 40, 55], "h1": [85, 100, 135, 150]}
    await close_all(host, ada, grace)
