"""Replaying a board's log: strokes, erase, clear, undo and redo, per author."""

import pytest

from draw.history import BoardHistory
from draw.protocol import ProtocolError

# The plain line these tests draw.
MARKER = {"kind": "marker", "color": "#000000", "width": 4}


class Log:
    """Builds a log the way the server does: resolve a request, then apply it with the next seq."""

    def __init__(self, max_visible=20000):
        self.board = BoardHistory(max_visible=max_visible)
        self.events = []

    def commit(self, kind, author, **request):
        effect = self.board.resolve(kind, author, request)
        event = {"seq": self.board.seq + 1, "kind": kind, "author": author, **effect}
        self.board.apply(event)
        self.events.append(event)
        return event

    def stroke(self, author, stroke_id):
        return self.commit(
            "stroke",
            author,
            stroke=stroke_id,
            item=MARKER,
            points=[1, 1, 2, 2],
        )

    def points(self, author, stroke_id):
        return self.board.strokes[(author, stroke_id)].points

    def visible(self):
        return [stroke.stroke for stroke in self.board.visible_strokes()]


def test_replaying_the_log_in_order_yields_the_same_board():
    log = Log()
    log.stroke("ann", "a1")
    log.stroke("bob", "b1")
    log.commit("erase", "bob", strokes=[["ann", "a1"]])
    log.stroke("ann", "a2")
    log.commit("undo", "bob")
    log.commit("clear", "ann")
    log.commit("undo", "ann")
    replayed = BoardHistory().apply_all(log.events)
    assert [s.stroke for s in replayed.visible_strokes()] == log.visible() == ["a1", "b1", "a2"]
    assert replayed.seq == len(log.events)


def test_undo_by_one_author_leaves_another_authors_strokes_alone():
    log = Log()
    log.stroke("ann", "a1")
    log.stroke("bob", "b1")
    log.stroke("ann", "a2")
    log.stroke("bob", "b2")
    assert log.commit("undo", "ann")["hide"] == [["ann", "a2"]]
    assert log.visible() == ["a1", "b1", "b2"]
    log.stroke("bob", "b3")  # Bob keeps drawing while Ann undoes
    assert log.commit("undo", "ann")["hide"] == [["ann", "a1"]]
    assert log.visible() == ["b1", "b2", "b3"]
    assert not log.board.can_undo("ann")


def test_redo_brings_back_what_undo_took_and_a_new_stroke_forgets_redo():
    log = Log()
    log.stroke("ann", "a1")
    log.commit("undo", "ann")
    assert log.commit("redo", "ann")["show"] == [["ann", "a1"]]
    assert log.visible() == ["a1"]
    log.commit("undo", "ann")
    log.stroke("ann", "a2")
    assert not log.board.can_redo("ann")
    with pytest.raises(ProtocolError) as refused:
        log.commit("redo", "ann")
    assert refused.value.code == "nothing_to_redo"


def test_undo_and_redo_walk_back_and_forth_through_several_actions():
    log = Log()
    for index in range(3):
        log.stroke("ann", f"a{index}")
    for _ in range(3):
        log.commit("undo", "ann")
    assert log.visible() == []
    log.commit("redo", "ann")
    log.commit("redo", "ann")
    assert log.visible() == ["a0", "a1"]


def test_erase_hides_whole_strokes_and_is_undoable_by_the_eraser():
    log = Log()
    log.stroke("ann", "a1")
    log.stroke("ann", "a2")
    event = log.commit(
        "erase", "bob", strokes=[["ann", "a1"], ["ann", "a1"], ["ann", "missing"], ["bob", "a2"]]
    )
    assert event["hide"] == [["ann", "a1"]]
    assert log.visible() == ["a2"]
    log.commit("undo", "bob")
    assert log.visible() == ["a1", "a2"]


def test_clear_hides_everything_and_undo_restores_it():
    log = Log()
    log.stroke("ann", "a1")
    log.stroke("bob", "b1")
    log.commit("clear", "carol")
    assert log.visible() == []
    log.stroke("ann", "a2")
    log.commit("undo", "carol")
    assert log.visible() == ["a1", "b1", "a2"]


@pytest.mark.parametrize(
    ("kind", "request_", "code"),
    [
        ("undo", {}, "nothing_to_undo"),
        ("redo", {}, "nothing_to_redo"),
        ("clear", {}, "nothing_to_clear"),
        ("erase", {"strokes": [["ann", "ghost"]]}, "nothing_to_erase"),
    ],
)
def test_edits_that_would_change_nothing_are_refused(kind, request_, code):
    with pytest.raises(ProtocolError) as refused:
        BoardHistory().resolve(kind, "ann", request_)
    assert refused.value.code == code


def test_an_event_already_applied_is_ignored():
    log = Log()
    event = log.stroke("ann", "a1")
    assert not log.board.apply(event)
    assert log.board.stroke_count == 1


def test_two_authors_may_use_the_same_stroke_id_and_keep_two_strokes():
    log = Log()
    log.stroke("ann", "s1")
    log.stroke("bob", "s1")
    assert [stroke.key for stroke in log.board.visible_strokes()] == [("ann", "s1"), ("bob", "s1")]
    log.commit("erase", "carol", strokes=[["bob", "s1"]])
    assert [stroke.key for stroke in log.board.visible_strokes()] == [("ann", "s1")]


def test_a_board_is_full_by_its_visible_strokes_and_clear_makes_room():
    log = Log(max_visible=2)
    log.stroke("ann", "a1")
    log.stroke("ann", "a2")
    with pytest.raises(ProtocolError) as refused:
        log.stroke("ann", "a3")
    assert refused.value.code == "board_full"
    assert "erase or clear" in refused.value.reason
    log.commit("clear", "bob")
    log.stroke("ann", "a3")
    assert log.visible() == ["a3"]
    # Undoing the clear would put three strokes on show.
    with pytest.raises(ProtocolError) as refused:
        log.commit("undo", "bob")
    assert refused.value.code == "board_full"
    assert log.board.visible_count == 1


def test_a_stroke_without_points_is_refused():
    with pytest.raises(ProtocolError) as refused:
        BoardHistory().resolve(
            "stroke",
            "ann",
            {"stroke": "s1", "item": {"kind": "marker", "color": "#000000", "width": 2}, "points": []},
        )
    assert refused.value.code == "empty_stroke"


def test_visible_count_follows_every_kind_of_event():
    log = Log()
    for index in range(4):
        log.stroke("ann", f"a{index}")
    log.commit("erase", "bob", strokes=[["ann", "a0"], ["ann", "a1"]])
    log.commit("undo", "ann")
    log.commit("clear", "bob")
    log.commit("undo", "bob")
    assert log.visible() == ["a2"]
    assert log.board.visible_count == 1
    assert BoardHistory().apply_all(log.events).visible_count == 1


def test_a_board_is_full_by_its_points_on_show_too():
    log = Log()
    log.board.max_visible_points = 5
    log.commit("stroke", "ann", stroke="a1", item=MARKER, points=[1, 1] * 4)
    with pytest.raises(ProtocolError) as refused:
        log.commit("stroke", "ann", stroke="a2", item=MARKER, points=[2, 2] * 2)
    assert refused.value.code == "board_full" and "points on show" in refused.value.reason
    log.commit("erase", "bob", strokes=[["ann", "a1"]])
    log.commit("stroke", "ann", stroke="a2", item=MARKER, points=[2, 2] * 2)
    assert log.board.visible_points == 2
    # Undoing the erase would show four more points.
    with pytest.raises(ProtocolError):
        log.commit("undo", "bob")
    assert BoardHistory().apply_all(log.events).visible_points == 2
