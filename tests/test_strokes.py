"""Per-connection stroke bookkeeping: begin, points, end, and its limits."""

import pytest

from draw.protocol import Limits, ProtocolError, StrokeBegin, StrokeEnd, StrokePoints
from draw.strokes import OpenStrokes


def marker(color):
    return {"kind": "marker", "color": color, "width": 4}


def strokes(max_open=3, max_points=10):
    return OpenStrokes("author-1", max_open_strokes=max_open, max_points_per_stroke=max_points)


def test_ended_stroke_holds_every_point_in_order():
    book = strokes()
    book.begin(StrokeBegin("s1", marker("#000000"), [1, 1]))
    book.add_points(StrokePoints("s1", [2, 2, 3, 3]))
    done = book.end(StrokeEnd("s1", [4, 4]))
    assert done.points == [1, 1, 2, 2, 3, 3, 4, 4]
    assert done.author == "author-1"
    assert len(book) == 0


def test_two_strokes_at_once_stay_apart():
    book = strokes()
    book.begin(StrokeBegin("left", marker("#000000"), [1, 1]))
    book.begin(StrokeBegin("right", marker("#ff0000"), [9, 9]))
    book.add_points(StrokePoints("left", [2, 2]))
    book.add_points(StrokePoints("right", [8, 8]))
    assert book.end(StrokeEnd("left")).points == [1, 1, 2, 2]
    assert book.end(StrokeEnd("right")).points == [9, 9, 8, 8]


@pytest.mark.parametrize("message", [StrokePoints("nope", [1, 1]), StrokeEnd("nope")], ids=["points", "end"])
def test_points_or_end_of_an_unknown_stroke_are_refused(message):
    book = strokes()
    with pytest.raises(ProtocolError) as refused:
        (book.add_points if isinstance(message, StrokePoints) else book.end)(message)
    assert refused.value.code == "unknown_stroke"


def test_a_stroke_cannot_begin_twice():
    book = strokes()
    book.begin(StrokeBegin("s1", marker("#000000")))
    with pytest.raises(ProtocolError) as refused:
        book.begin(StrokeBegin("s1", marker("#000000")))
    assert refused.value.code == "duplicate_stroke"


def test_open_strokes_are_limited():
    book = strokes(max_open=2)
    book.begin(StrokeBegin("a", marker("#000000")))
    book.begin(StrokeBegin("b", marker("#000000")))
    with pytest.raises(ProtocolError) as refused:
        book.begin(StrokeBegin("c", marker("#000000")))
    assert refused.value.code == "too_many_strokes"


def test_points_per_stroke_are_limited_and_the_stroke_survives():
    book = strokes(max_points=3)
    book.begin(StrokeBegin("s1", marker("#000000"), [1, 1, 2, 2]))
    with pytest.raises(ProtocolError) as refused:
        book.add_points(StrokePoints("s1", [3, 3, 4, 4]))
    assert refused.value.code == "stroke_too_long"
    assert book.end(StrokeEnd("s1", [3, 3])).points == [1, 1, 2, 2, 3, 3]


def test_discard_all_returns_unfinished_strokes():
    book = strokes()
    book.begin(StrokeBegin("a", marker("#000000")))
    assert [stroke.stroke for stroke in book.discard_all()] == ["a"]
    assert len(book) == 0


def ink():
    return {"kind": "ink", "color": "#000000", "width": 8}


def test_a_stroke_path_is_limited_in_board_units_across_its_messages():
    book = OpenStrokes("author-1", 3, 5000, Limits(max_stroke_path=1000))
    # 3-4-5 steps: 5 units each, pressure not counted.
    book.begin(StrokeBegin("s1", ink(), [0, 0, 50, 300, 400, 50]))
    assert book.add_points(StrokePoints("s1", [600, 800, 50])).path_length == 1000
    with pytest.raises(ProtocolError) as refused:
        # One unit on from the last point of the message before.
        book.add_points(StrokePoints("s1", [601, 800, 50]))
    assert refused.value.code == "stroke_too_long"
    assert refused.value.ref == "s1"
    assert "at most 1000 board units" in refused.value.reason
    # What fitted stays; the stroke can still end where it is.
    assert book.end(StrokeEnd("s1", [])).points == [0, 0, 50, 300, 400, 50, 600, 800, 50]


def test_a_begin_longer_than_the_path_bound_is_refused():
    book = OpenStrokes("author-1", 3, 5000, Limits(max_stroke_path=1000))
    zigzag = [value for i in range(12) for value in (0 if i % 2 else 100, 0)]
    with pytest.raises(ProtocolError) as refused:
        book.begin(StrokeBegin("s1", marker("#000000"), zigzag))
    assert refused.value.code == "stroke_too_long"
    assert len(book) == 0
