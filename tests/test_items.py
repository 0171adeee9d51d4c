"""Item specs (frontend/items.json through draw/items.py) and moving items in a board's history."""

import pytest

from draw import items
from draw.history import BoardHistory
from draw.protocol import Limits, ProtocolError
from tests.test_history import MARKER, Log

LIMITS = Limits()


def test_every_kind_has_a_stride_a_way_to_keep_points_a_layer_and_known_fields():
    assert set(items.KINDS) == {"ink", "marker", "highlighter", "line", "arrow", "rect", "ellipse", "text"}
    for kind, spec in items.ITEM_SPECS.items():
        assert spec["stride"] in (2, 3), kind
        assert spec["points"] in (items.PATH, items.ENDS, items.ANCHOR), kind
        assert spec["layer"] in (items.UNDER, items.INK), kind
        assert spec["fields"] and set(spec["fields"].values()) <= {"color", "width", "text_size", "text"}, (
            kind
        )
    assert items.layer({"kind": "highlighter"}) == items.UNDER
    assert items.stride("ink") == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"kind": "ink", "color": "#AABBCC", "width": 8}, {"kind": "ink", "color": "#aabbcc", "width": 8}),
        ({"kind": "text", "color": "#000000", "size": 40, "text": "x < y"}, None),
        ({"kind": "rect", "color": "#123456", "width": 1}, None),
    ],
)
def test_a_valid_item_is_kept_whole_and_its_colour_lowercased(value, expected):
    assert items.parse_item(value, LIMITS) == (expected or value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({"kind": "ink", "color": "#000000"}, "bad_field"),
        ({"kind": "ink", "color": "#000000", "width": 65}, "out_of_range"),
        ({"kind": "text", "color": "#000000", "size": 40, "text": "a\u2028b"}, "bad_field"),
        ({"kind": "text", "color": "#000000", "size": 40, "text": "x" * 501}, "out_of_range"),
        ({"kind": "circle", "color": "#000000", "width": 4}, "bad_field"),
        ({"kind": "line", "color": "#000000", "width": 4, "size": 4}, "bad_field"),
    ],
)
def test_a_bad_item_is_refused_with_its_code(value, code):
    with pytest.raises(ProtocolError) as refused:
        items.parse_item(value, LIMITS)
    assert refused.value.code == code


def test_an_emoji_sequence_with_joiners_is_text_a_bidi_override_is_not():
    family = "\U0001f469\u200d\U0001f469\u200d\U0001f467"
    assert items.parse_item({"kind": "text", "color": "#000000", "size": 40, "text": family}, LIMITS)
    with pytest.raises(ProtocolError):
        items.parse_item({"kind": "text", "color": "#000000", "size": 40, "text": "\u202efamily"}, LIMITS)


def test_a_drag_keeps_its_ends_a_text_its_anchor_a_path_every_point():
    drag = [1, 1, 5, 5, 9, 9, 20, 30]
    assert items.kept_points({"kind": "rect"}, drag) == [1, 1, 20, 30]
    assert items.kept_points({"kind": "text"}, [7, 8, 9, 10]) == [7, 8]
    assert items.kept_points({"kind": "ink"}, [1, 1, 50, 2, 2, 60]) == [1, 1, 50, 2, 2, 60]


def test_ink_points_carry_a_pressure_each_within_range():
    items.check_points("ink", [1, 1, 0, 2, 2, 100], LIMITS)
    with pytest.raises(ProtocolError, match="numbers a point"):
        items.check_points("ink", [1, 1, 50, 2], LIMITS)
    with pytest.raises(ProtocolError, match="pressure"):
        items.check_points("ink", [1, 1, 101], LIMITS)
    # The third number is a pressure, not a coordinate: 900 would be off a pressure's range.
    with pytest.raises(ProtocolError, match="within the board"):
        items.check_points("marker", [1, 901], LIMITS)


def test_moving_shifts_x_and_y_and_keeps_pressure():
    assert items.moved_points({"kind": "ink"}, [10, 20, 55, 30, 40, 70], 5, -5) == [15, 15, 55, 35, 35, 70]
    assert items.bounds({"kind": "ink"}, [10, 20, 55, 30, 40, 70]) == (10, 20, 30, 40)


def test_a_move_moves_the_named_items_and_undo_and_redo_take_it_back_and_again():
    log = Log()
    log.commit("stroke", "ann", stroke="r1", item={**MARKER, "kind": "rect"}, points=[100, 100, 300, 200])
    log.commit(
        "stroke",
        "ann",
        stroke="t1",
        item={"kind": "text", "color": "#000000", "size": 40, "text": "hi"},
        points=[50, 50],
    )
    event = log.commit("move", "ann", strokes=[["ann", "r1"], ["ann", "t1"]], by=[10, -20])
    assert event["move"] == [["ann", "r1"], ["ann", "t1"]] and event["by"] == [10, -20]
    assert log.points("ann", "r1") == [110, 80, 310, 180] and log.points("ann", "t1") == [60, 30]
    assert log.commit("undo", "ann")["by"] == [-10, 20]
    assert log.points("ann", "r1") == [100, 100, 300, 200]
    log.commit("redo", "ann")
    assert log.points("ann", "t1") == [60, 30]
    # The log replays to the same board.
    replayed = BoardHistory().apply_all(log.events)
    assert replayed.strokes[("ann", "r1")].points == log.points("ann", "r1") == [110, 80, 310, 180]


def test_a_move_stops_at_the_board_edge_and_a_move_that_cannot_go_is_refused():
    log = Log()
    log.commit("stroke", "ann", stroke="r1", item={**MARKER, "kind": "rect"}, points=[100, 100, 300, 200])
    event = log.commit("move", "ann", strokes=[["ann", "r1"]], by=[-500, 800])
    assert event["by"] == [-100, 700]
    assert log.points("ann", "r1") == [0, 800, 200, 900]
    with pytest.raises(ProtocolError) as refused:
        log.commit("move", "ann", strokes=[["ann", "r1"]], by=[-5, 5])
    assert refused.value.code == "nothing_to_move"
    with pytest.raises(ProtocolError) as refused:
        log.commit("move", "ann", strokes=[["bob", "nothing"]], by=[5, 5])
    assert refused.value.code == "nothing_to_move"


def test_a_moved_item_is_a_new_object_so_cached_snapshots_see_the_change():
    log = Log()
    log.commit("stroke", "ann", stroke="s1", item=MARKER, points=[10, 10, 20, 20])
    before = log.board.strokes[("ann", "s1")]
    log.commit("move", "ann", strokes=[["ann", "s1"]], by=[1, 1])
    after = log.board.strokes[("ann", "s1")]
    assert after is not before and before.points == [10, 10, 20, 20]
    assert after.to_compact() == ["s1", "ann", MARKER, [11, 11, 21, 21], 1]


def test_an_undo_of_a_move_the_edge_has_since_stopped_still_goes_and_the_next_undo_works():
    log = Log()
    log.commit("stroke", "ann", stroke="r1", item={**MARKER, "kind": "rect"}, points=[100, 100, 300, 200])
    log.commit("move", "ann", strokes=[["ann", "r1"]], by=[-100, 0])
    # Bob's move puts it back where Ann's undo would take it... and Bob pushes it to the edge.
    log.commit("move", "bob", strokes=[["ann", "r1"]], by=[1300, 0])
    undo = log.commit("undo", "ann")
    assert undo["by"] == [100, 0] or undo["by"] == [0, 0]
    assert log.commit("undo", "ann")["hide"] == [["ann", "r1"]]
