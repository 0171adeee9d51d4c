"""Who sees what (draw/audience.py): the table shared with the browser, and the views of a
board's events and strokes that every read path hands out."""

import json
from pathlib import Path

import pytest

from draw import audience, logrows
from draw.audience import HOST_AUDIENCE, VIEWER_AUDIENCE, Audience
from draw.classroom import ClassSettings
from draw.errors import ProtocolError
from draw.history import BoardHistory
from draw.participants import HOST, STUDENT, VIEWER, Participant, host_participant_id

TABLE = json.loads((Path(__file__).parent / "fixtures" / "audience.json").read_text())
AUDIENCES = {
    "host": HOST_AUDIENCE,
    "student": Audience(STUDENT, TABLE["student"]),
    "viewer": VIEWER_AUDIENCE,
}
TEACHER = host_participant_id("lesson-key")
ANN, BOB, CAT = "ann", "bob", "cat"
LANES = ClassSettings(hosted=True, lanes=True)
SHARED = ClassSettings(hosted=True)


@pytest.mark.parametrize("row", TABLE["rows"], ids=[json.dumps(row["settings"]) for row in TABLE["rows"]])
@pytest.mark.parametrize("name", AUDIENCES)
def test_each_audience_sees_the_pages_of_the_shared_table(row, name):
    settings = ClassSettings(hosted=True, **row["settings"])
    seen = [page for page in TABLE["pages"] if audience.visible(page, AUDIENCES[name], settings)]
    assert seen == row[name]


def test_the_audience_of_a_participant():
    assert Audience.of(Participant(TEACHER, HOST)) == HOST_AUDIENCE
    assert Audience.of(Participant(ANN, STUDENT, "Ann")) == Audience(STUDENT, ANN)
    assert Audience.of(Participant(BOB, VIEWER)) == VIEWER_AUDIENCE


def stroke(seq, author, stroke_id):
    item = {"kind": "marker", "color": "#1971c2", "width": 4}
    effect = {"stroke": stroke_id, "item": item, "points": [1, 1, 9, 9]}
    return {"seq": seq, "kind": "stroke", "author": author, **effect}


class Board:
    """A board's history built through its own rules, as the server commits events."""

    def __init__(self):
        self.history = BoardHistory()
        self.events = []

    def commit(self, kind, author, request):
        effect = self.history.resolve(kind, author, request)
        event = {"seq": self.history.seq + 1, "kind": kind, "author": author, **effect}
        self.history.apply(event)
        self.events.append(event)
        return event

    def draw(self, author, stroke_id):
        item = {"kind": "marker", "color": "#1971c2", "width": 4}
        return self.commit("stroke", author, {"stroke": stroke_id, "item": item, "points": [1, 1, 9, 9]})


@pytest.fixture
def lesson():
    """The host's question, then Ann's and Bob's answers, and edits across the lanes."""
    board = Board()
    board.draw(TEACHER, "q1")  # 1
    board.draw(ANN, "a1")  # 2
    board.draw(BOB, "b1")  # 3
    board.commit("erase", ANN, {"strokes": [[ANN, "a1"]]})  # 4 Ann erases her own
    board.commit("undo", ANN, {})  # 5 ...and takes it back
    board.commit("move", BOB, {"strokes": [[BOB, "b1"]], "by": [5, 5]})  # 6
    board.commit("erase", TEACHER, {"strokes": [[BOB, "b1"], [TEACHER, "q1"]]})  # 7 across pages
    board.commit("undo", TEACHER, {})  # 8
    board.commit("remove_ink", TEACHER, {"participant": BOB})  # 9 Bob's page only
    board.commit("clear", TEACHER, {})  # 10 every page
    return board


def kinds_and_keys(events):
    return [
        (event["seq"], event["kind"], *(event[name] for name in ("hide", "show", "move") if name in event))
        for event in events
    ]


def test_a_student_in_lanes_is_sent_every_seq_but_nothing_of_another_page(lesson):
    seen = [audience.view_event(event, Audience(STUDENT, ANN), LANES) for event in lesson.events]
    assert [event["seq"] for event in seen] == list(range(1, 11))
    assert kinds_and_keys(seen) == [
        (1, "stroke"),
        (2, "stroke"),
        (3, "skipped"),
        (4, "erase", [[ANN, "a1"]]),
        (5, "undo", [[ANN, "a1"]]),
        (6, "skipped"),
        (7, "erase", [[TEACHER, "q1"]]),
        (8, "undo", [[TEACHER, "q1"]]),
        (9, "skipped"),
        (10, "clear", [[TEACHER, "q1"], [ANN, "a1"]]),
    ]
    # Nothing of Bob's: not his id, not his stroke, not his author field.
    assert BOB not in json.dumps(seen)


def test_the_view_of_a_student_replays_to_their_page_of_the_board(lesson):
    before_clear = lesson.events[:-1]
    for student in (ANN, BOB):
        viewed = [audience.view_event(event, Audience(STUDENT, student), LANES) for event in before_clear]
        replayed = BoardHistory().apply_all(viewed)
        whole = BoardHistory().apply_all(before_clear)
        expected = audience.view_strokes(whole.visible_strokes(), Audience(STUDENT, student), LANES)
        assert [s.to_compact() for s in replayed.visible_strokes()] == [s.to_compact() for s in expected]
        assert replayed.seq == whole.seq


def test_the_host_and_everyone_on_a_shared_board_get_the_events_themselves(lesson):
    everyone = ((LANES, HOST_AUDIENCE), (SHARED, Audience(STUDENT, ANN)), (SHARED, VIEWER_AUDIENCE))
    for settings, who in everyone:
        assert [audience.view_event(event, who, settings) for event in lesson.events] == lesson.events


def test_the_projector_sees_the_host_ink_and_the_spotlit_page(lesson):
    board = Board()
    board.draw(TEACHER, "q1")
    board.draw(ANN, "a1")
    board.draw(BOB, "b1")
    strokes = board.history.visible_strokes()
    authors = lambda settings: [s.author for s in audience.view_strokes(strokes, VIEWER_AUDIENCE, settings)]  # noqa: E731
    assert authors(LANES) == [TEACHER]
    assert authors(LANES.changed({"spotlight": BOB})) == [TEACHER, BOB]
    assert authors(LANES.changed({"reveal": True})) == [TEACHER, ANN, BOB]
    assert authors(SHARED) == [TEACHER, ANN, BOB]


def test_live_messages_of_another_page_are_left_out_and_the_own_and_host_ones_kept():
    begin = {"type": "stroke.begin", "stroke": "b1", "author": BOB, "item": {}, "points": []}
    laser = {"type": "laser", "author": BOB, "at": [1, 2]}
    teacher = {"type": "stroke.points", "stroke": "q1", "author": TEACHER, "points": [1, 2]}
    for message in (begin, laser):
        assert audience.view_message(message, Audience(STUDENT, ANN), LANES) is None
        assert audience.view_message(message, Audience(STUDENT, BOB), LANES) is message
        assert audience.view_message(message, HOST_AUDIENCE, LANES) is message
    assert audience.view_message(teacher, Audience(STUDENT, ANN), LANES) is teacher
    # A message of nobody's ink is the same for everyone.
    count = {"type": "presence", "count": 3}
    assert audience.view_message(count, Audience(STUDENT, ANN), LANES) is count
    event = {"type": "event", **stroke(3, BOB, "b1")}
    assert audience.view_message(event, Audience(STUDENT, ANN), LANES) == {
        "type": "event",
        "seq": 3,
        "kind": "skipped",
        "author": "",
    }


def test_a_batch_is_encoded_for_everyone_alone_unless_lanes_filter_it():
    messages = [
        {"type": "stroke.points", "stroke": "a1", "author": ANN, "points": [1, 2]},
        {"type": "event", "seq": 7, "kind": "erase", "author": TEACHER, "hide": [[BOB, "b1"]]},
        {"type": "stroke.points", "stroke": "q1", "author": TEACHER, "points": [1, 2]},
    ]
    assert audience.groups_for(messages, SHARED) == [audience.EVERYONE]
    assert audience.groups_for(messages, LANES.changed({"reveal": True})) == [audience.EVERYONE]
    assert audience.groups_for(messages, LANES) == [
        audience.EVERYONE,
        audience.VIEW,
        audience.ONLY_HOST_INK,
        "lane:ann",
        "lane:bob",
    ]


@pytest.mark.parametrize(
    ("who", "settings", "group"),
    [
        (HOST_AUDIENCE, LANES, audience.EVERYONE),
        (Audience(STUDENT, ANN), LANES, "lane:ann"),
        (VIEWER_AUDIENCE, LANES, audience.VIEW),
        (Audience(STUDENT, ANN), SHARED, audience.EVERYONE),
        (Audience(STUDENT, ANN), LANES.changed({"reveal": True}), audience.EVERYONE),
    ],
)
def test_the_group_each_audience_receives(who, settings, group):
    assert audience.group_of(who, settings) == group
    # The group's frames are made for a view equal to the audience's own.
    made_for = audience.audience_of_group(group)
    for page in (None, ANN, BOB):
        assert audience.visible(page, made_for, settings) == audience.visible(page, who, settings)


def note_on(board, page, stroke_id):
    """The host's note drawn on one student's page, from the grid's large view."""
    item = {"kind": "marker", "color": "#e03131", "width": 4, "lane": page}
    return board.commit("stroke", TEACHER, {"stroke": stroke_id, "item": item, "points": [2, 2, 8, 8]})


def test_the_hosts_note_on_a_page_is_seen_by_that_student_alone_in_every_event_about_it():
    board = Board()
    board.draw(TEACHER, "q1")  # 1: every page
    board.draw(ANN, "a1")  # 2
    note_on(board, ANN, "n1")  # 3: Ann's page only
    board.commit("erase", TEACHER, {"strokes": [[TEACHER, "n1"], [TEACHER, "q1"]]})  # 4
    board.commit("undo", TEACHER, {})  # 5: shows both again
    board.commit("move", TEACHER, {"strokes": [[TEACHER, "n1"]], "by": [3, 3]})  # 6
    board.commit("clear", TEACHER, {})  # 7
    ann = [audience.view_event(event, Audience(STUDENT, ANN), LANES) for event in board.events]
    bob = [audience.view_event(event, Audience(STUDENT, BOB), LANES) for event in board.events]
    assert kinds_and_keys(ann) == [
        (1, "stroke"),
        (2, "stroke"),
        (3, "stroke"),
        (4, "erase", [[TEACHER, "n1"], [TEACHER, "q1"]]),
        (5, "undo", [[TEACHER, "n1"], [TEACHER, "q1"]]),
        (6, "move", [[TEACHER, "n1"]]),
        (7, "clear", [[TEACHER, "q1"], [ANN, "a1"], [TEACHER, "n1"]]),
    ]
    # Bob never had the note: no show of it (which would make his browser resync), no trace.
    assert kinds_and_keys(bob) == [
        (1, "stroke"),
        (2, "skipped"),
        (3, "skipped"),
        (4, "erase", [[TEACHER, "q1"]]),
        (5, "undo", [[TEACHER, "q1"]]),
        (6, "skipped"),
        (7, "clear", [[TEACHER, "q1"]]),
    ]
    assert "n1" not in json.dumps(bob) and ANN not in json.dumps(bob)
    strokes = BoardHistory().apply_all(board.events[:3]).visible_strokes()
    assert [s.stroke for s in audience.view_strokes(strokes, Audience(STUDENT, BOB), LANES)] == ["q1"]
    assert [s.stroke for s in audience.view_strokes(strokes, VIEWER_AUDIENCE, LANES)] == ["q1"]
    spotlit = LANES.changed({"spotlight": ANN})
    assert [s.stroke for s in audience.view_strokes(strokes, VIEWER_AUDIENCE, spotlit)] == ["q1", "a1", "n1"]


def test_an_edit_on_one_page_reaches_that_page_only():
    board = Board()
    board.draw(TEACHER, "q1")
    board.draw(ANN, "a1")
    board.draw(BOB, "b1")
    note_on(board, ANN, "n1")
    for request in (
        {"strokes": [[BOB, "b1"]], "lane": ANN},
        {"strokes": [[TEACHER, "q1"]], "lane": ANN},
        {"strokes": [[ANN, "a1"], [TEACHER, "q1"]], "lane": ANN},
    ):
        with pytest.raises(ProtocolError) as refused:
            board.commit("erase", TEACHER, request)
        assert refused.value.code == "forbidden"
    with pytest.raises(ProtocolError):
        board.commit("move", TEACHER, {"strokes": [[BOB, "b1"]], "by": [1, 1], "lane": ANN})
    cleared = board.commit("clear", TEACHER, {"lane": ANN})
    assert cleared["hide"] == [[ANN, "a1"], [TEACHER, "n1"]]
    assert cleared["lanes"] == {ANN: [[TEACHER, "n1"]]}
    assert [s.stroke for s in board.history.visible_strokes()] == ["q1", "b1"]


def test_an_edit_with_pages_reads_back_from_the_log_and_a_bad_one_does_not():
    event = {"hide": [[TEACHER, "n1"]], "lanes": {ANN: [[TEACHER, "n1"]]}}
    assert logrows.read_event(4, "erase", TEACHER, event) == {
        "seq": 4,
        "kind": "erase",
        "author": TEACHER,
        **event,
    }
    for pages in ({"not an id!": [[TEACHER, "n1"]]}, {ANN: [["x"]]}, [ANN]):
        with pytest.raises(logrows.UnreadableRow):
            logrows.read_event(4, "erase", TEACHER, {"hide": [[TEACHER, "n1"]], "lanes": pages})
