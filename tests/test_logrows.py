"""Reading a board's log rows back under today's rules (draw/logrows.py), and the skipped event."""

import pytest

from draw.history import BoardHistory, skipped_event
from draw.logrows import UnreadableRow, read_event

MARKER = {"kind": "marker", "color": "#1e1e1e", "width": 4}
INK = {"kind": "ink", "color": "#e03131", "width": 8}
TEXT = {"kind": "text", "color": "#000000", "size": 44, "text": "CO₂ → 😀"}


def stroke_effect(stroke="s1", item=MARKER, points=(10, 10, 20, 20)):
    return {"stroke": stroke, "item": dict(item), "points": list(points)}


READABLE = [
    ("stroke", stroke_effect()),
    ("stroke", stroke_effect(item=INK, points=(1, 2, 50, 3, 4, 60))),
    ("stroke", stroke_effect(item=TEXT, points=(5, 5))),
    ("erase", {"hide": [["ann", "s1"]]}),
    ("clear", {"hide": [["ann", "s1"], ["bob", "s2"]]}),
    ("remove_ink", {"hide": []}),
    ("undo", {"show": [["ann", "s1"]]}),
    ("redo", {"hide": [["ann", "s1"]]}),
    ("undo", {"move": [["ann", "s1"]], "by": [-5, 5]}),
    ("move", {"move": [["ann", "s1"]], "by": [10, 0]}),
]


@pytest.mark.parametrize(("kind", "effect"), READABLE, ids=[f"{k}-{i}" for i, (k, _) in enumerate(READABLE)])
def test_a_row_that_keeps_the_rules_reads_back_as_its_event(kind, effect):
    assert read_event(7, kind, "ann", effect) == {"seq": 7, "kind": kind, "author": "ann", **effect}


def text_with(text):
    return stroke_effect(item={"kind": "text", "color": "#1e1e1e", "size": 44, "text": text}, points=(5, 5))


def marker_in(color):
    return stroke_effect(item={**MARKER, "color": color})


UNREADABLE = {
    "a lone surrogate in a text": ("stroke", text_with("x\ud800y"), "lone surrogate"),
    "a text ending in a high surrogate": ("stroke", text_with("a\ud83d"), "lone surrogate"),
    "a text starting with a low surrogate": ("stroke", text_with("\ude00b"), "lone surrogate"),
    "a text holding U+FFFE, which no SVG can hold": (
        "stroke",
        text_with("a\ufffeb"),
        "noncharacter (U+FFFE)",
    ),
    "a colour with a plus": ("stroke", marker_in("#+12345"), "colour"),
    "a colour with an underscore": ("stroke", marker_in("#ab_cde"), "colour"),
    "a colour with spaces": ("stroke", marker_in("# 1234 "), "colour"),
    "a colour with 0x": ("stroke", marker_in("#0x1234"), "colour"),
    "a colour in Arabic-Indic digits": ("stroke", marker_in("#١٢٣٤٥٦"), "colour"),
    "a colour in full-width digits": ("stroke", marker_in("#１２３４５６"), "colour"),
    "an effect that is not JSON any more": ("stroke", '{"stroke": "s1", "item": ', "not a JSON object"),
    "an unknown kind of item": ("stroke", stroke_effect(item={"kind": "blob", "color": "#000000"}), "kind"),
    "an item whose width is null": ("stroke", stroke_effect(item={**MARKER, "width": None}), "width"),
    "fractional points": ("stroke", stroke_effect(points=(1.5, 2, 3, 4)), "integers"),
    "no points": ("stroke", stroke_effect(points=()), "whole points"),
    "half a point": ("stroke", stroke_effect(points=(1, 2, 3)), "whole points"),
    "points far off any board": ("stroke", stroke_effect(points=(10**12, 0)), "within"),
    "an ink pressure over 100": (
        "stroke",
        stroke_effect(item={"kind": "ink", "color": "#000000", "width": 4}, points=(1, 1, 101)),
        "pressures",
    ),
    "a stroke id with a space": ("stroke", stroke_effect(stroke="s 1"), "stroke id"),
    "a hide of bare ids": ("erase", {"hide": ["s1"]}, "list of [author, stroke] ids"),
    "a hide of a surrogate id": ("erase", {"hide": [["ann", "s\ud800"]]}, "list of [author, stroke] ids"),
    "a move by fractions": ("move", {"move": [["ann", "s1"]], "by": [0.5, 0]}, "'by'"),
    "an undo of two things": ("undo", {"hide": [], "show": []}, "one of"),
    "a kind no version wrote": ("paint", {}, "not a kind of event"),
}


@pytest.mark.parametrize("case", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_row_that_breaks_the_rules_is_unreadable_and_says_why(case):
    kind, effect, why = case
    with pytest.raises(UnreadableRow) as unreadable:
        read_event(3, kind, "ann", effect)
    assert why in unreadable.value.reason
    # The reason goes into a log line and a report: it must encode, whatever the row held.
    unreadable.value.reason.encode("utf-8")


def test_an_author_that_is_no_id_makes_the_row_unreadable():
    with pytest.raises(UnreadableRow, match="author"):
        read_event(3, "stroke", "ann\ud800", stroke_effect())


def test_a_text_longer_than_todays_limit_still_reads_back():
    """A setting lowered since does not hide what was drawn under the old one."""
    event = read_event(3, "stroke", "ann", text_with("x" * 1500))
    assert event["item"]["text"] == "x" * 1500


def test_a_skipped_row_takes_its_seq_and_leaves_the_board_as_it_was():
    history = BoardHistory().apply_all(
        [
            read_event(1, "stroke", "ann", stroke_effect("s1")),
            read_event(2, "skipped", "ann", {}),
            skipped_event(3),
            read_event(4, "stroke", "ann", stroke_effect("s2")),
        ]
    )
    assert history.seq == 4
    assert [stroke.stroke for stroke in history.visible_strokes()] == ["s1", "s2"]
    # The author's undo takes back their last real action, not a skipped row.
    assert history.resolve("undo", "ann", {}) == {"hide": [["ann", "s2"]]}


def test_an_erase_of_a_stroke_left_out_changes_nothing():
    history = BoardHistory().apply_all(
        [
            read_event(1, "stroke", "ann", stroke_effect("s1")),
            skipped_event(2),
            read_event(3, "erase", "ann", {"hide": [["ann", "bad"]]}),
        ]
    )
    assert [stroke.stroke for stroke in history.visible_strokes()] == ["s1"]
    assert history.visible_count == 1
