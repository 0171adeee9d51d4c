"""Folding a board's log into a checkpoint: the board, its stacks and every later decision stay
those of the whole log, at every seq after the checkpoint."""

import json
import random

import pytest

from draw import audience
from draw.classroom import ClassSettings
from draw.compaction import CHECKPOINT, checkpoint_state, folding, history_from, log_entry
from draw.history import BoardHistory
from draw.participants import HOST, STUDENT, VIEWER
from draw.protocol import ProtocolError

MARKER = {"kind": "marker", "color": "#000000", "width": 4}
HOST_ID = "host-1"
AUTHORS = (HOST_ID, "ann", "bob")
PAGES = ("1", "two")
LIMITS = {"width": 400, "height": 300, "max_visible": 20000, "max_visible_points": 2_000_000}


def random_request(rng, history, counter):
    """A request a participant of a class might make now: (kind, author, request)."""
    author = rng.choice(AUTHORS)
    page = rng.choice(PAGES)
    on_page = {} if page == "1" else {"page": page}
    visible = [stroke.key for stroke in history.visible_strokes() if stroke.item.get("page", "1") == page]
    roll = rng.random()
    if roll < 0.35 or not visible:
        item = {**MARKER, **on_page}
        if author == HOST_ID and rng.random() < 0.3:
            item["lane"] = rng.choice(("ann", "bob"))
        x, y = rng.randrange(0, 380), rng.randrange(0, 280)
        points = [x, y, x + rng.randrange(0, 20), y + rng.randrange(0, 20)]
        return "stroke", author, {"stroke": f"s{next(counter)}", "item": item, "points": points}
    if roll < 0.5:
        keys = rng.sample(visible, min(len(visible), rng.randrange(1, 4)))
        return "erase", author, {"strokes": [list(key) for key in keys], **on_page}
    if roll < 0.6:
        keys = rng.sample(visible, min(len(visible), rng.randrange(1, 4)))
        by = [rng.randrange(-30, 31), rng.randrange(-30, 31)]
        return "move", author, {"strokes": [list(key) for key in keys], "by": by, **on_page}
    if roll < 0.65:
        lane = {"lane": rng.choice(("ann", "bob"))} if author == HOST_ID and rng.random() < 0.5 else {}
        return "clear", author, {**on_page, **lane}
    if roll < 0.68:
        return "remove_ink", HOST_ID, {"participant": rng.choice(("ann", "bob"))}
    if roll < 0.88:
        return "undo", author, on_page
    return "redo", author, on_page


def decided(history, kind, author, request):
    """What `history` makes of a request: its effect, or the refusal's code."""
    try:
        return history.resolve(kind, author, request)
    except ProtocolError as refused:
        return refused.code


def lesson(seed, events, undo_depth):
    """A random lesson: the requests made, and the log the whole history committed of them."""
    rng = random.Random(seed)
    counter = iter(range(10**9))
    history = BoardHistory(undo_depth=undo_depth, **LIMITS)
    requests, log = [], []
    while len(log) < events:
        kind, author, request = random_request(rng, history, counter)
        requests.append((kind, author, request))
        effect = decided(history, kind, author, request)
        if isinstance(effect, str):
            continue
        event = {"seq": history.seq + 1, "kind": kind, "author": author, **effect}
        history.apply(event)
        log.append(event)
    return requests, log


def replayed(log, upto, undo_depth):
    return BoardHistory(undo_depth=undo_depth, **LIMITS).apply_all(log[:upto])


def board_of(history):
    """Everything a reader of the history can tell: the items on show in drawing order, and
    each stack, non-empty ones only."""
    return (
        history.seq,
        [(stroke.key, stroke.item, stroke.points, stroke.seq) for stroke in history.visible_strokes()],
        history.visible_count,
        history.visible_points,
        {stack: actions for stack, actions in history.undo_stacks.items() if actions},
        {stack: actions for stack, actions in history.redo_stacks.items() if actions},
    )


def stored_and_read(history, undo_depth):
    """The history's checkpoint written as JSON and read back, as a process reloading it does."""
    state = json.loads(json.dumps(checkpoint_state(history)))
    return history_from(state, undo_depth=undo_depth, **LIMITS)


@pytest.mark.parametrize("seed", range(12))
def test_a_board_replayed_from_a_checkpoint_equals_the_whole_log_at_every_later_seq(seed):
    undo_depth = 3
    requests, log = lesson(seed, 400, undo_depth)
    for at in (1, 57, 200, 333):
        whole = replayed(log, at, undo_depth)
        folded = stored_and_read(whole, undo_depth)
        assert board_of(folded) == board_of(whole)
        for event in log[at:]:
            whole.apply(event)
            folded.apply(event)
            assert board_of(folded) == board_of(whole)


@pytest.mark.parametrize("seed", range(12))
def test_a_history_from_a_checkpoint_decides_every_later_request_as_the_whole_history(seed):
    """Undo, redo, erase, move and clear after the checkpoint resolve to the same effects (or
    refusals) whether the process read the whole log or the checkpoint."""
    undo_depth = 2
    rng = random.Random(1000 + seed)
    counter = iter(range(10**9))
    whole = BoardHistory(undo_depth=undo_depth, **LIMITS)
    folded = None
    for step in range(600):
        if step == 250:
            folded = stored_and_read(whole, undo_depth)
        kind, author, request = random_request(rng, whole, counter)
        effect = decided(whole, kind, author, request)
        if folded is not None:
            assert decided(folded, kind, author, request) == effect
        if isinstance(effect, str):
            continue
        event = {"seq": whole.seq + 1, "kind": kind, "author": author, **effect}
        whole.apply(event)
        if folded is not None:
            folded.apply(event)
            assert board_of(folded) == board_of(whole)


def test_checkpoints_folded_again_stay_equal_to_the_whole_log():
    undo_depth = 3
    _, log = lesson(7, 600, undo_depth)
    whole = replayed(log, 0, undo_depth)
    folded = stored_and_read(whole, undo_depth)
    for index, event in enumerate(log):
        whole.apply(event)
        folded.apply(event)
        if index % 50 == 49:
            folded = stored_and_read(folded, undo_depth)
        assert board_of(folded) == board_of(whole)


def test_an_erased_item_is_folded_once_its_eraser_has_done_undo_depth_more_things_on_the_page():
    history = BoardHistory(undo_depth=2, **LIMITS)
    events = [
        {"kind": "stroke", "author": "ann", "stroke": "a", "item": MARKER, "points": [1, 1]},
        {"kind": "erase", "author": "bob", "hide": [["ann", "a"]]},
    ]
    for event in events:
        history.apply({"seq": history.seq + 1, **event})
    # Ann's stroke is on her stack and the erase on Bob's: both may bring it back.
    assert folding(history).folded == frozenset()
    for n in range(2):
        history.apply(
            {
                "seq": history.seq + 1,
                "kind": "stroke",
                "author": "ann",
                "stroke": f"n{n}",
                "item": MARKER,
                "points": [2, 2],
            }
        )
    assert folding(history).folded == frozenset()
    # Bob's drawing on another page leaves his erase within reach on this one.
    two = {**MARKER, "page": "two"}
    for n in range(2):
        history.apply(
            {
                "seq": history.seq + 1,
                "kind": "stroke",
                "author": "bob",
                "stroke": f"t{n}",
                "item": two,
                "points": [2, 2],
            }
        )
    assert folding(history).folded == frozenset()
    for n in range(2):
        history.apply(
            {
                "seq": history.seq + 1,
                "kind": "stroke",
                "author": "bob",
                "stroke": f"b{n}",
                "item": MARKER,
                "points": [2, 2],
            }
        )
    assert folding(history).folded == frozenset({("ann", "a")})
    assert ["ann", "a"] not in [stroke[:2] for stroke in checkpoint_state(history)["strokes"]]


def test_a_hidden_item_an_old_move_names_is_kept_and_moves_back_on_undo():
    history = BoardHistory(undo_depth=5, **LIMITS)
    for event in (
        {"kind": "stroke", "author": "ann", "stroke": "a", "item": MARKER, "points": [10, 10]},
        {"kind": "move", "author": "bob", "move": [["ann", "a"]], "by": [5, 5]},
        {"kind": "erase", "author": "carl", "hide": [["ann", "a"]]},
        {"kind": "undo", "author": "ann", "hide": [["ann", "a"]]},
    ):
        history.apply({"seq": history.seq + 1, **event})
    folded = stored_and_read(history, 5)
    assert ("ann", "a") in folded.strokes
    assert folded.resolve("undo", "bob", {}) == history.resolve("undo", "bob", {})


def test_undo_depth_forgets_the_oldest_action_of_a_stack():
    history = BoardHistory(undo_depth=2, **LIMITS)
    for n in range(3):
        history.apply(
            {
                "seq": n + 1,
                "kind": "stroke",
                "author": "ann",
                "stroke": f"s{n}",
                "item": MARKER,
                "points": [1, 1],
            }
        )
    assert [action.shown for action in history.undo_stacks[("ann", "1")]] == [
        (("ann", "s1"),),
        (("ann", "s2"),),
    ]


def viewers():
    return [
        audience.Audience(HOST),
        audience.Audience(STUDENT, "ann"),
        audience.Audience(STUDENT, "bob"),
        audience.Audience(VIEWER),
    ]


@pytest.mark.parametrize("settings", [ClassSettings(), ClassSettings(lanes=True, spotlight="bob")])
def test_each_audience_sees_in_the_checkpoint_entry_what_it_sees_of_the_board(settings):
    undo_depth = 3
    _, log = lesson(3, 300, undo_depth)
    whole = replayed(log, 300, undo_depth)
    entry = log_entry(json.loads(json.dumps(checkpoint_state(whole))), at=1234)
    assert entry["kind"] == CHECKPOINT
    assert entry["seq"] == whole.seq and entry["at"] == 1234
    for who in viewers():
        viewed = audience.view_event(entry, who, settings)
        expected = [
            stroke.to_compact() for stroke in audience.view_strokes(whole.visible_strokes(), who, settings)
        ]
        hidden = set(map(tuple, viewed["hidden"]))
        assert [item for item in viewed["strokes"] if (item[1], item[0]) not in hidden] == expected
        assert all(not whole.strokes[key].visible for key in hidden)
        assert hidden <= {(item[1], item[0]) for item in viewed["strokes"]}
