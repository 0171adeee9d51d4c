"""A board as the ordered log of its committed events, and the rules that replay it.

Pure: no database, no sockets. An event is a dict with `seq`, `kind`, `author` and
its effect. `resolve()` turns a request (undo, erase, ...) into an event's effect
against the current board; `apply()` replays a stored event. Replaying every event
in seq order always yields the same board, which is how every process and every
browser converges.

Kinds and their effects:
  stroke  {"stroke": id, "color", "width", "points"}   adds a visible stroke
  erase   {"hide": [ids]}                              hides strokes (whole strokes)
  clear   {"hide": [ids]}                              hides every visible stroke
  undo    {"hide": [ids]} or {"show": [ids]}           reverts the author's last action
  redo    {"hide": [ids]} or {"show": [ids]}           re-does the author's last undone action
"""

from dataclasses import dataclass, field

STROKE = "stroke"
ERASE = "erase"
CLEAR = "clear"
UNDO = "undo"
REDO = "redo"
EVENT_KINDS = (STROKE, ERASE, CLEAR, UNDO, REDO)


class EditRefused(Exception):
    """A request that would change nothing (nothing to undo, nothing to erase)."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(slots=True)
class CommittedStroke:
    stroke: str
    author: str
    color: str
    width: int
    points: list
    seq: int
    visible: bool = True

    def to_compact(self):
        """The snapshot form: [id, author, colour, width, points, seq]."""
        return [self.stroke, self.author, self.color, self.width, self.points, self.seq]


@dataclass(slots=True)
class Action:
    """What one event of an author did, so undo and redo can revert it: show or hide ids."""

    shown: tuple = ()
    hidden: tuple = ()

    def inverse(self):
        return Action(shown=self.hidden, hidden=self.shown)

    def effect(self):
        return {"show": list(self.shown)} if self.shown else {"hide": list(self.hidden)}


@dataclass
class BoardHistory:
    """The board after applying events up to `seq`, with each author's undo and redo stacks."""

    seq: int = 0
    strokes: dict = field(default_factory=dict)
    undo_stacks: dict = field(default_factory=dict)
    redo_stacks: dict = field(default_factory=dict)

    # --- reading ---------------------------------------------------------------

    def visible_strokes(self):
        """Visible strokes in drawing order."""
        return [stroke for stroke in self.strokes.values() if stroke.visible]

    @property
    def stroke_count(self):
        return len(self.strokes)

    def can_undo(self, author):
        return bool(self.undo_stacks.get(author))

    def can_redo(self, author):
        return bool(self.redo_stacks.get(author))

    # --- deciding what a request does --------------------------------------------

    def resolve(self, kind, author, request):
        """The effect a new event of `kind` by `author` would have now; EditRefused if none."""
        if kind == STROKE:
            return {key: request[key] for key in ("stroke", "color", "width", "points")}
        if kind == ERASE:
            hide = [sid for sid in dict.fromkeys(request["strokes"]) if self._is_visible(sid)]
            if not hide:
                raise EditRefused("nothing_to_erase", "none of those strokes is on the board")
            return {"hide": hide}
        if kind == CLEAR:
            hide = [stroke.stroke for stroke in self.visible_strokes()]
            if not hide:
                raise EditRefused("nothing_to_clear", "the board is already empty")
            return {"hide": hide}
        if kind == UNDO:
            stack = self.undo_stacks.get(author)
            if not stack:
                raise EditRefused("nothing_to_undo", "you have nothing to undo")
            return stack[-1].inverse().effect()
        if kind == REDO:
            stack = self.redo_stacks.get(author)
            if not stack:
                raise EditRefused("nothing_to_redo", "you have nothing to redo")
            return stack[-1].effect()
        raise ValueError(f"unknown event kind {kind!r}")

    # --- replaying ---------------------------------------------------------------

    def apply(self, event):
        """Replay one committed event (events must come in seq order)."""
        seq, kind, author = event["seq"], event["kind"], event["author"]
        if seq <= self.seq:
            return False
        self.seq = seq
        if kind == STROKE:
            self.strokes[event["stroke"]] = CommittedStroke(
                event["stroke"], author, event["color"], event["width"], event["points"], seq
            )
            self._record(author, Action(shown=(event["stroke"],)))
        elif kind in (ERASE, CLEAR):
            self._record(author, self._change(event))
        elif kind == UNDO:
            # The undone action is the inverse of what the undo did; redo does it again.
            self._move(self.undo_stacks, self.redo_stacks, author, self._change(event).inverse())
        elif kind == REDO:
            self._move(self.redo_stacks, self.undo_stacks, author, self._change(event))
        return True

    def apply_all(self, events):
        for event in events:
            self.apply(event)
        return self

    def _change(self, event):
        """Show or hide the strokes an event names; return what it did as an Action."""
        shown = tuple(event.get("show", ()))
        hidden = tuple(event.get("hide", ()))
        for sid in shown:
            if sid in self.strokes:
                self.strokes[sid].visible = True
        for sid in hidden:
            if sid in self.strokes:
                self.strokes[sid].visible = False
        return Action(shown=shown, hidden=hidden)

    def _record(self, author, action):
        self.undo_stacks.setdefault(author, []).append(action)
        self.redo_stacks.pop(author, None)

    def _move(self, source, target, author, action):
        """Move the author's last action from one stack to the other."""
        stack = source.get(author)
        if stack:
            stack.pop()
        target.setdefault(author, []).append(action)

    def _is_visible(self, stroke_id):
        stroke = self.strokes.get(stroke_id)
        return stroke is not None and stroke.visible
