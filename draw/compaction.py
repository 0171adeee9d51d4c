"""Folding the old part of a board's log into a checkpoint. Pure: no database.

A checkpoint is the board's history (draw/history.py) at one seq S, written down: every item an
event after S may still show, hide or move, in drawing order, and each author's undo and redo
stacks per page. Replaying the events after S on it gives, at every later seq, the same board
and the same stacks as replaying the whole log from seq 1; so the rows up to S can go.

What it leaves out is what no later event can reach: an item that is hidden and that no
action on any undo or redo stack names. Erase, move, clear and remove_ink only reach items on
show, and undo and redo only what their stacks name; with stacks bounded by the undo depth,
an erased item falls out of reach once its eraser has done that many more things on the page.

In the log a checkpoint travels as one entry (`log_entry`), the first frame of a replay that
starts after the log was compacted.
"""

from dataclasses import dataclass

from draw.history import Action, BoardHistory, CommittedStroke, stroke_keys

# The kind of the log entry a checkpoint travels as (docs/protocol.md, "The log"); never a
# kind of stored event.
CHECKPOINT = "checkpoint"


@dataclass(frozen=True, slots=True)
class Folding:
    """What compacting a history would do: the items it would leave out and the ones it keeps."""

    folded: frozenset
    kept: int

    @property
    def worth_it(self):
        return bool(self.folded)


def reachable_keys(history):
    """The keys of every item some action on an undo or redo stack names."""
    keys = set()
    for stacks in (history.undo_stacks, history.redo_stacks):
        for actions in stacks.values():
            for action in actions:
                keys.update(action.shown)
                keys.update(action.hidden)
                keys.update(action.moved)
    return keys


def folding(history):
    """The Folding of `history`: its hidden items that no later event can reach."""
    reachable = reachable_keys(history)
    folded = frozenset(
        key for key, stroke in history.strokes.items() if not stroke.visible and key not in reachable
    )
    return Folding(folded, len(history.strokes) - len(folded))


def checkpoint_state(history):
    """The stored form of `history` without the items nothing can reach any more (JSON)."""
    folded = folding(history).folded
    return {
        "seq": history.seq,
        "strokes": [
            [stroke.stroke, stroke.author, stroke.item, stroke.points, stroke.seq, stroke.visible]
            for key, stroke in history.strokes.items()
            if key not in folded
        ],
        "undo": _stored_stacks(history.undo_stacks),
        "redo": _stored_stacks(history.redo_stacks),
    }


def history_from(state, **limits):
    """The BoardHistory a stored checkpoint holds, with `limits` (width, height, max_visible,
    max_visible_points, undo_depth) as BoardHistory takes them."""
    history = BoardHistory(seq=state["seq"], **limits)
    for stroke_id, author, item, points, seq, visible in state["strokes"]:
        stroke = CommittedStroke(stroke_id, author, item, points, seq, visible)
        history.strokes[stroke.key] = stroke
        if visible:
            history.visible_count += 1
            history.visible_points += stroke.point_count
    history.undo_stacks = _read_stacks(state["undo"])
    history.redo_stacks = _read_stacks(state["redo"])
    return history


def history_from_log_entry(entry, **limits):
    """The board a log's checkpoint entry (log_entry) holds, as a BoardHistory with `limits`:
    its items, shown or hidden, and no undo stacks (a reader of the log replays, it never undoes)."""
    hidden = {tuple(key) for key in entry["hidden"]}
    strokes = [
        [stroke_id, author, item, points, seq, (author, stroke_id) not in hidden]
        for stroke_id, author, item, points, seq in entry["strokes"]
    ]
    return history_from({"seq": entry["seq"], "strokes": strokes, "undo": [], "redo": []}, **limits)


def log_entry(state, at):
    """The checkpoint as the board's log gives it out, at `at` (ms since the epoch): its seq, its
    items in drawing order in the snapshot's form, and the keys of those hidden (an undo may show
    them again)."""
    strokes = [
        [stroke_id, author, item, points, seq] for stroke_id, author, item, points, seq, _ in state["strokes"]
    ]
    hidden = [[author, stroke_id] for stroke_id, author, _, _, _, visible in state["strokes"] if not visible]
    return {
        "seq": state["seq"],
        "kind": CHECKPOINT,
        "author": "",
        "at": at,
        "strokes": strokes,
        "hidden": hidden,
    }


def _stored_stacks(stacks):
    return [
        [author, page, [_stored_action(action) for action in actions]]
        for (author, page), actions in stacks.items()
        if actions
    ]


def _stored_action(action):
    stored = {}
    for name in ("shown", "hidden", "moved"):
        keys = getattr(action, name)
        if keys:
            stored[name] = [list(key) for key in keys]
    if action.moved:
        stored["by"] = list(action.by)
    return stored


def _read_stacks(stored):
    return {
        (author, page): [
            Action(
                shown=stroke_keys(action.get("shown", ())),
                hidden=stroke_keys(action.get("hidden", ())),
                moved=stroke_keys(action.get("moved", ())),
                by=tuple(action.get("by", (0, 0))),
            )
            for action in actions
        ]
        for author, page, actions in stored
    }
