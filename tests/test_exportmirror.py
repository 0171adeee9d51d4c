"""A board's strokes sent to an export worker as what changed (draw/exportmirror.py): whatever a
class does between two exports, the worker rebuilds the board's strokes exactly, in order, and
keeps the strokes it already had as the same objects; a worker that lost them is sent them whole."""

import pickle
import random

import pytest

from draw.exportmirror import (
    BoardStrokes,
    MirroredBoards,
    MirrorMissing,
    SentBoards,
    rebuilt,
    runs_between,
)
from draw.history import CommittedStroke


def stroke(index, points=None):
    item = {"kind": "ink", "color": "#1e1e1e", "width": 3}
    return CommittedStroke(f"s{index}", "student1", item, points or [index, index, 50], index)


def through_pipe(sent, mirrored, board):
    """Send `board` as the server does and rebuild it as the worker does; the worker's strokes."""
    changes = pickle.loads(pickle.dumps(sent.changes(board)))
    strokes = mirrored.strokes(changes)
    sent.answered()
    return strokes


def same_strokes(ours, theirs):
    return [(s.author, s.stroke, s.points) for s in ours] == [(s.author, s.stroke, s.points) for s in theirs]


def test_runs_rebuild_any_edit_of_the_list():
    rng = random.Random(7)
    board = [stroke(index) for index in range(200)]
    serial = 200
    for _ in range(300):
        before = list(board)
        edit = rng.choice(["add", "erase", "move", "undo"])
        if edit == "add":
            board.append(stroke(serial))
            serial += 1
        elif edit == "erase" and board:
            del board[rng.randrange(len(board))]
        elif edit == "move" and board:
            at = rng.randrange(len(board))
            board[at] = stroke(serial, [1, 2, 3])
            serial += 1
        elif edit == "undo" and before:
            board.insert(rng.randrange(len(board) + 1), before[rng.randrange(len(before))])
        runs = runs_between(before, board)
        assert rebuilt(before, runs) == board


def test_strokes_added_go_as_the_new_strokes_alone():
    board = [stroke(index) for index in range(1000)]
    runs = runs_between(board, [*board, stroke(1000)])
    assert runs[0] == (0, 1000)
    assert [s.stroke for s in runs[1]] == ["s1000"]
    assert len(pickle.dumps(runs)) < 500


def test_the_worker_keeps_the_same_objects_from_one_export_to_the_next():
    sent, mirrored = SentBoards(max_boards=4), MirroredBoards()
    board = [stroke(index) for index in range(50)]
    first = through_pipe(sent, mirrored, BoardStrokes("lesson", board))
    assert same_strokes(first, board)
    later = [*board[:10], *board[11:], stroke(99)]
    second = through_pipe(sent, mirrored, BoardStrokes("lesson", later))
    assert same_strokes(second, later)
    # The strokes the worker had are its same objects: what it worked out of them still holds.
    assert second[0] is first[0] and second[48] is first[49]


def test_a_failed_call_has_everything_sent_again_and_the_worker_drop_the_rest():
    sent, mirrored = SentBoards(max_boards=4), MirroredBoards()
    board = [stroke(index) for index in range(20)]
    through_pipe(sent, mirrored, BoardStrokes("a", board))
    through_pipe(sent, mirrored, BoardStrokes("b", board[:5]))
    sent.changes(BoardStrokes("a", board[:3]))
    sent.failed()
    changes = sent.changes(BoardStrokes("a", board))
    assert not changes.based and changes.reset
    assert same_strokes(mirrored.strokes(changes), board)
    sent.answered()
    assert len(mirrored) == 1


def test_a_worker_without_the_strokes_a_change_is_based_on_says_so():
    sent = SentBoards(max_boards=4)
    board = [stroke(index) for index in range(20)]
    through_pipe(sent, MirroredBoards(), BoardStrokes("a", board))
    # A worker started anew, which the server has not heard of.
    with pytest.raises(MirrorMissing):
        MirroredBoards().strokes(sent.changes(BoardStrokes("a", board)))


def test_boards_past_the_bound_are_forgotten_on_both_sides():
    sent, mirrored = SentBoards(max_boards=2), MirroredBoards()
    board = [stroke(index) for index in range(5)]
    for name in ("a", "b", "c"):
        through_pipe(sent, mirrored, BoardStrokes(name, board))
    assert len(sent) == 2
    # The next call tells the worker which board the server forgot.
    through_pipe(sent, mirrored, BoardStrokes("c", board))
    assert len(mirrored) == 2
    assert not sent.changes(BoardStrokes("a", board)).based
