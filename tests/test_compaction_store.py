"""Compacting boards in the database: rows and memory bounded, every later read, commit, join and
replay as from the whole log, and commits made meanwhile kept."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from draw import checkpoints
from draw.compaction import CHECKPOINT
from draw.history import BoardHistory
from draw.models import Board, BoardCheckpoint, BoardEvent
from draw.participants import Participant
from draw.protocol import Limits
from draw.store import BoardStore

pytestmark = pytest.mark.django_db

MARKER = {"kind": "marker", "color": "#1e1e1e", "width": 4}
DRAWER, ERASER = Participant("ann"), Participant("bob")
UNDO_DEPTH = 10
LIMITS = Limits()


def new_store():
    """A store as another process has it: its own cache."""
    return BoardStore(LIMITS, max_cached_boards=10, undo_depth=UNDO_DEPTH)


def long_lesson(strokes=5000, rounds=10, erase_batch=500):
    """The log of `strokes` strokes erased and drawn again `rounds` times, then drawn once more
    and left on show, built as the store would commit it."""
    history = BoardHistory(
        width=LIMITS.board_width, height=LIMITS.board_height, undo_depth=UNDO_DEPTH, max_visible=10**6
    )
    events = []

    def add(kind, author, request):
        effect = history.resolve(kind, author, request)
        event = {"seq": history.seq + 1, "kind": kind, "author": author, **effect}
        history.apply(event)
        events.append((event, request.get("stroke") or f"e{event['seq']}"))

    for round_ in range(rounds + 1):
        keys = []
        for n in range(strokes):
            x, y = (n * 7) % 1500, (n * 13) % 800
            add(
                "stroke",
                DRAWER.id,
                {"stroke": f"r{round_}-{n}", "item": MARKER, "points": [x, y, x + 9, y + 9]},
            )
            keys.append([DRAWER.id, f"r{round_}-{n}"])
        if round_ == rounds:
            break
        for first in range(0, strokes, erase_batch):
            add("erase", ERASER.id, {"strokes": keys[first : first + erase_batch]})
    return events


def stored(name, events):
    """A board whose log holds `events`, written at once."""
    board = Board.objects.create(name=name, width=LIMITS.board_width, height=LIMITS.board_height)
    now = timezone.now()
    BoardEvent.objects.bulk_create(
        [
            BoardEvent(
                board=board,
                seq=event["seq"],
                kind=event["kind"],
                author=event["author"],
                client_id=client_id,
                effect={key: value for key, value in event.items() if key not in ("seq", "kind", "author")},
                created_at=now,
            )
            for event, client_id in events
        ],
        batch_size=5000,
    )
    Board.objects.filter(pk=board.pk).update(last_seq=len(events))
    return board


def board_of(state):
    return (state.seq, [stroke.to_compact() for stroke in state.strokes])


def replayed(entries, since):
    """The board a replay builds from the log's entries, as frontend/replay.js does, after each
    seq from `since` on: from the checkpoint entry when the log starts with one."""
    board, boards = {}, {}
    for entry in entries:
        if entry["kind"] == CHECKPOINT:
            hidden = set(map(tuple, entry["hidden"]))
            board = {
                (author, stroke_id): (item, points, (author, stroke_id) not in hidden)
                for stroke_id, author, item, points, _ in entry["strokes"]
            }
        elif entry["kind"] == "stroke":
            board.pop((entry["author"], entry["stroke"]), None)
            board[(entry["author"], entry["stroke"])] = (entry["item"], entry["points"], True)
        elif "move" in entry:
            for key in map(tuple, entry["move"]):
                if key in board:
                    item, points, shown = board[key]
                    dx, dy = entry["by"]
                    moved = [value + (dx if index % 2 == 0 else dy) for index, value in enumerate(points)]
                    board[key] = (item, moved, shown)
        else:
            for name, shown in (("hide", False), ("show", True)):
                for key in map(tuple, entry.get(name, ())):
                    if key in board:
                        board[key] = (*board[key][:2], shown)
        if entry["seq"] >= since:
            boards[entry["seq"]] = [
                (key, item, points) for key, (item, points, shown) in board.items() if shown
            ]
    return boards


def whole_log(store, name):
    entries, since = [], 0
    while True:
        page = store.timed_events_since(name, since, 2000)
        if not page:
            return entries
        entries += page
        since = page[-1]["seq"]


def test_a_long_lesson_compacts_to_what_is_on_show_and_a_bounded_tail_and_reads_the_same():
    events = long_lesson()
    stored("compacted", events)
    stored("control", events)
    store = new_store()
    before = board_of(store.read("compacted"))
    rows_before = BoardEvent.objects.filter(board__name="compacted").count()
    history_before = len(store._cache["compacted"].history.strokes)

    done = store.compact("compacted", keep_events=500, min_folded=1000)

    assert done is not None and done.seq == len(events) - 500
    # Rounds 1 to 9 are out of every undo's reach; the last erased round is within the eraser's.
    # At the checkpoint, 500 strokes of the last round are still to come.
    assert done.folded == 45000 and done.items_kept == 9500
    assert BoardEvent.objects.filter(board__name="compacted").count() == 500 < rows_before == len(events)
    assert board_of(store.read("compacted")) == before
    assert len(store._cache["compacted"].history.strokes) == 10000 < history_before == 55000
    for stacks in (
        store._cache["compacted"].history.undo_stacks,
        store._cache["compacted"].history.redo_stacks,
    ):
        assert all(len(actions) <= UNDO_DEPTH for actions in stacks.values())
    # A process that read the board before the compaction, and one new to it, read the same.
    assert board_of(new_store().read("compacted")) == before

    # Every later commit decides as on the whole log: undo the last erases, redo one, draw.
    control, other = new_store(), new_store()
    requests = [("undo", ERASER, {})] * 3 + [("redo", ERASER, {})] + [("undo", DRAWER, {})] * 2
    requests += [
        ("stroke", DRAWER, {"stroke": f"late{n}", "item": MARKER, "points": [5, 5, 6, 6]}) for n in range(3)
    ]
    requests += [
        ("erase", ERASER, {"strokes": [[DRAWER.id, "r10-7"], [DRAWER.id, "late1"]]}),
        ("undo", ERASER, {}),
    ]
    for index, (kind, who, request) in enumerate(requests):
        writer = store if index % 2 else other
        ours = writer.commit("compacted", kind, who, f"late-{index}", request)
        theirs = control.commit("control", kind, who, f"late-{index}", request)
        assert ours.event == theirs.event
        assert board_of(new_store().read("compacted")) == board_of(control.read("control"))

    # The replay: the checkpoint as its first frame, then the tail, equal at every later seq.
    compacted_log, control_log = whole_log(store, "compacted"), whole_log(control, "control")
    assert compacted_log[0]["kind"] == CHECKPOINT and compacted_log[0]["seq"] == done.seq
    assert [entry["seq"] for entry in compacted_log[1:]] == list(range(done.seq + 1, len(control_log) + 1))
    ours, theirs = replayed(compacted_log, done.seq), replayed(control_log, done.seq)
    assert all(ours[seq] == theirs[seq] for seq in range(done.seq, len(control_log) + 1))
    assert ours[len(control_log)] == [
        ((stroke[1], stroke[0]), stroke[2], stroke[3]) for stroke in board_of(control.read("control"))[1]
    ]


def test_a_reader_resuming_from_before_the_checkpoint_is_sent_a_snapshot_not_a_gap():
    events = long_lesson(strokes=300, rounds=4, erase_batch=100)
    stored("lesson", events)
    store = new_store()
    done = store.compact("lesson", keep_events=20, min_folded=10)
    assert store.events_since("lesson", done.seq - 1, 1000) is None
    assert [event["seq"] for event in store.events_since("lesson", done.seq, 1000)] == list(
        range(done.seq + 1, len(events) + 1)
    )
    # The log's page after the checkpoint has no checkpoint frame.
    assert store.timed_events_since("lesson", done.seq, 5)[0]["seq"] == done.seq + 1


def test_a_commit_made_while_a_compaction_reads_the_log_is_kept_after_the_checkpoint(monkeypatch):
    events = long_lesson(strokes=300, rounds=4, erase_batch=100)
    stored("lesson", events)
    store, other = new_store(), new_store()
    reading = checkpoints.folding

    def commit_meanwhile(history):
        other.commit(
            "lesson", "stroke", DRAWER, "meanwhile", {"stroke": "meanwhile", "item": MARKER, "points": [1, 1]}
        )
        return reading(history)

    monkeypatch.setattr(checkpoints, "folding", commit_meanwhile)
    done = store.compact("lesson", keep_events=0, min_folded=10)
    assert done.seq == len(events)
    last = BoardEvent.objects.get(board__name="lesson", seq=len(events) + 1)
    assert last.client_id == "meanwhile"
    assert (DRAWER.id, "meanwhile") in {(s.author, s.stroke) for s in new_store().read("lesson").strokes}
    assert Board.objects.get(name="lesson").last_seq == len(events) + 1


def test_a_compaction_that_another_compaction_overtook_writes_nothing(monkeypatch):
    events = long_lesson(strokes=300, rounds=4, erase_batch=100)
    stored("lesson", events)
    store, other = new_store(), new_store()
    reading = checkpoints.folding
    overtaken = []

    def compact_meanwhile(history):
        if not overtaken:
            overtaken.append(None)
            overtaken[0] = other.compact("lesson", keep_events=50, min_folded=10)
        return reading(history)

    monkeypatch.setattr(checkpoints, "folding", compact_meanwhile)
    assert store.compact("lesson", keep_events=10, min_folded=10) is None
    assert BoardCheckpoint.objects.get(board__name="lesson").seq == overtaken[0].seq == len(events) - 50


def test_compact_boards_leaves_alone_a_board_with_too_little_to_fold(capsys, monkeypatch):
    monkeypatch.setattr(apps.get_app_config("draw"), "store", new_store())
    stored("busy", long_lesson(strokes=300, rounds=4, erase_batch=100))
    stored("quiet", long_lesson(strokes=50, rounds=0))
    call_command("compact_boards", keep=10, min_folded=100)
    out = capsys.readouterr().out
    assert "busy: checkpoint at seq" in out and "quiet" not in out and "1 boards compacted" in out
    assert Board.objects.get(name="quiet").checkpoint_seq == 0
    assert BoardEvent.objects.filter(board__name="busy").count() == 10
