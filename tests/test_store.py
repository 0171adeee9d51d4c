"""The board store: nothing stored before the first commit, a bounded cache, a full board, ids per author."""

import pytest
from channels.db import database_sync_to_async

from draw.models import Board, BoardEvent
from draw.participants import Participant
from draw.protocol import Limits, ProtocolError
from draw.store import BoardStore
from tests import site
from tests.test_consumers import connect, read_snapshot
from tests.test_durable_boards import draw, next_of_type

ANN, BOB = Participant("ann"), Participant("bob")


def stroke(stroke_id, points=(10, 10, 20, 20)):
    return {
        "stroke": stroke_id,
        "item": {"kind": "marker", "color": "#1e1e1e", "width": 4},
        "points": list(points),
    }


def commit_stroke(store, board, participant, stroke_id, points=(10, 10, 20, 20)):
    return store.commit(board, "stroke", participant, stroke_id, stroke(stroke_id, points))


def commit_edit(store, board, participant, kind, edit_id, strokes=()):
    return store.commit(board, kind, participant, edit_id, {"strokes": [list(key) for key in strokes]})


def shown(state):
    return [(stroke.author, stroke.stroke, stroke.points) for stroke in state.strokes]


@pytest.mark.django_db
def test_reading_a_board_never_drawn_on_stores_nothing_and_gives_the_default_size():
    state = site.current.store.read("never-drawn")
    assert (state.exists, state.seq, state.strokes) == (False, 0, ())
    assert (state.width, state.height) == (site.current.limits.board_width, site.current.limits.board_height)
    assert (state.width, state.height) == (1600, 900)
    assert site.current.store.events_since("never-drawn", 0, 10) == []
    assert not Board.objects.exists()


@pytest.mark.django_db(transaction=True)
async def test_connecting_to_a_new_board_stores_nothing_until_the_first_commit():
    client, welcome = await connect("brand-new")
    await read_snapshot(client)
    assert welcome["seq"] == 0
    assert not await database_sync_to_async(Board.objects.filter(name="brand-new").exists)()
    await client.disconnect()

    client, _ = await connect("brand-new")
    await read_snapshot(client)
    await draw(client, "first")
    assert (await next_of_type(client, "ack"))["seq"] == 1
    board = await database_sync_to_async(Board.objects.get)(name="brand-new")
    assert (board.width, board.height, board.last_seq) == (1600, 900, 1)
    await client.disconnect()


@pytest.mark.django_db
def test_the_cache_never_holds_more_boards_than_its_bound_and_an_evicted_board_reads_back_whole():
    store = BoardStore(Limits(), max_cached_boards=3)
    for number in range(8):
        board = f"board-{number}"
        commit_stroke(store, board, ANN, "a1", (number, 1))
        commit_stroke(store, board, BOB, "b1", (number, 2))
        commit_stroke(store, board, ANN, "a2", (number, 3))
        commit_edit(store, board, BOB, "erase", "e1", [("ann", "a1")])
        assert store.cached_boards <= 3
    assert store.cached_boards == 3

    # board-0 left the cache long ago: it is read again from its log, whole.
    state = store.read("board-0")
    assert state.seq == 4
    assert shown(state) == [("bob", "b1", [0, 2]), ("ann", "a2", [0, 3])]
    assert store.cached_boards == 3
    # Its undo stacks came back with it: Ann's undo takes back her last stroke, Bob's his erase.
    evicted = store.read("board-1")
    assert evicted.seq == 4 and store.cached_boards == 3
    commit_edit(store, "board-1", ANN, "undo", "u1")
    commit_edit(store, "board-1", BOB, "undo", "u1")
    assert shown(store.read("board-1")) == [("ann", "a1", [1, 1]), ("bob", "b1", [1, 2])]


@pytest.mark.django_db
def test_a_board_full_of_visible_strokes_refuses_until_strokes_are_cleared():
    store = BoardStore(Limits(max_strokes_per_board=3), max_cached_boards=10)
    for number in range(3):
        commit_stroke(store, "full", ANN, f"s{number}")
    with pytest.raises(ProtocolError) as refused:
        commit_stroke(store, "full", BOB, "b1")
    assert refused.value.code == "board_full"
    assert "erase or clear" in refused.value.reason
    assert BoardEvent.objects.filter(board__name="full").count() == 3

    commit_edit(store, "full", ANN, "clear", "c1")
    for number in range(3):
        assert not commit_stroke(store, "full", BOB, f"b{number}").duplicate
    with pytest.raises(ProtocolError):
        commit_stroke(store, "full", BOB, "b3")
    # Undoing the clear would put six strokes on show: refused too.
    with pytest.raises(ProtocolError) as refused:
        commit_edit(store, "full", ANN, "undo", "u1")
    assert refused.value.code == "board_full"
    # An erase makes room for one.
    commit_edit(store, "full", ANN, "erase", "e1", [("bob", "b0")])
    assert commit_stroke(store, "full", ANN, "s9").seq == 9
    assert Board.objects.get(name="full").stroke_count == 3


@pytest.mark.django_db
def test_stroke_and_edit_ids_are_scoped_to_their_author():
    store = BoardStore(Limits(), max_cached_boards=10)
    ann_stroke = commit_stroke(store, "ids", ANN, "s1", (1, 1))
    bob_stroke = commit_stroke(store, "ids", BOB, "s1", (2, 2))
    assert (ann_stroke.seq, ann_stroke.duplicate) == (1, False)
    assert (bob_stroke.seq, bob_stroke.duplicate) == (2, False)
    again = commit_stroke(store, "ids", ANN, "s1", (3, 3))
    assert (again.seq, again.duplicate) == (1, True)
    assert again.event["points"] == [1, 1]

    ann_undo = commit_edit(store, "ids", ANN, "undo", "u1")
    bob_undo = commit_edit(store, "ids", BOB, "undo", "u1")
    assert (ann_undo.seq, bob_undo.seq) == (3, 4)
    assert ann_undo.event["hide"] == [["ann", "s1"]] and bob_undo.event["hide"] == [["bob", "s1"]]
    repeated = commit_edit(store, "ids", BOB, "undo", "u1")
    assert (repeated.seq, repeated.duplicate) == (4, True)

    assert list(BoardEvent.objects.filter(board__name="ids").values_list("author", "client_id", "seq")) == [
        ("ann", "s1", 1),
        ("bob", "s1", 2),
        ("ann", "u1", 3),
        ("bob", "u1", 4),
    ]
    assert store.read("ids").strokes == ()
