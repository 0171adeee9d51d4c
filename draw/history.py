"""A board as the ordered log of its committed events, and the rules that replay it.

Pure: no database, no sockets. An event is a dict with `seq`, `kind`, `author` and
its effect. `resolve()` turns a request (undo, erase, ...) into an event's effect
against the current board; `apply()` replays a stored event. Replaying every event
in seq order always yields the same board, which is how every process and every
browser converges.

A stroke is named by its key, the pair (author, stroke id): a client makes its own ids,
so only the pair is unique on a board, and nobody can name another's stroke as their own.

Kinds and their effects (keys travel as [author, id] lists):
  stroke  {"stroke": id, "item", "points"}             adds a visible item (draw/items.py)
  erase   {"hide": [keys]}                             hides strokes (whole strokes)
  move    {"move": [keys], "by": [dx, dy]}             moves items (their points) by dx, dy
  clear   {"hide": [keys]}                             hides every visible stroke
  undo    {"hide"|"show": [keys]} or a move            reverts the author's last action
  redo    {"hide"|"show": [keys]} or a move            re-does the author's last undone action

Every kind of item is a "stroke" here: the item travels whole, and only its points are
looked into (to count them, and to move them).
  remove_ink {"hide": [keys]}                          a host hides every stroke of one participant
  skipped {}                                           nothing: a row left out (draw/logrows.py)

An edit's effect also holds `lanes`, {lane: [keys]}, for its keys whose items name a page
(draw/lanes.py: the host's ink on one student's page), so a view of the event alone knows them.

Every item lies on one page of the lesson and every edit reaches one (draw/pages.py): an erase
or a move names items of its page only, a clear hides its page's, and each author has an undo
and a redo stack per page, so an undo on page 2 never takes back a stroke of page 1 out of
sight. An edit's effect names its page in `page` (absent: the first page).
"""

from dataclasses import dataclass, field, replace

from draw import items
from draw.lanes import lane_of_item
from draw.pages import FIRST_PAGE, page_of_effect, page_of_item, with_page
from draw.protocol import ProtocolError

STROKE = "stroke"
ERASE = "erase"
MOVE = "move"
CLEAR = "clear"
UNDO = "undo"
REDO = "redo"
REMOVE_INK = "remove_ink"
# A row of the log that cannot be read, encoded or drawn stands in the board's order as this:
# it takes its seq and does nothing (draw/logrows.py).
SKIPPED = "skipped"
EVENT_KINDS = (STROKE, ERASE, CLEAR, UNDO, REDO, REMOVE_INK, MOVE, SKIPPED)


@dataclass(slots=True)
class CommittedStroke:
    """A committed item: its key, the item whole (draw/items.py), its points and its seq."""

    stroke: str
    author: str
    item: dict
    points: list
    seq: int
    visible: bool = True

    @property
    def key(self):
        return (self.author, self.stroke)

    @property
    def point_count(self):
        return items.point_count(self.item, self.points)

    def to_compact(self):
        """The snapshot form: [id, author, item, points, seq]."""
        return [self.stroke, self.author, self.item, self.points, self.seq]


@dataclass(slots=True)
class Action:
    """What one event of an author did, so undo and redo can revert it: show or hide keys, or
    move them by (dx, dy)."""

    shown: tuple = ()
    hidden: tuple = ()
    moved: tuple = ()
    by: tuple = (0, 0)

    def inverse(self):
        return Action(shown=self.hidden, hidden=self.shown, moved=self.moved, by=(-self.by[0], -self.by[1]))

    def effect(self):
        if self.moved:
            return {"move": [list(key) for key in self.moved], "by": list(self.by)}
        if self.shown:
            return {"show": [list(key) for key in self.shown]}
        return {"hide": [list(key) for key in self.hidden]}


def skipped_event(seq):
    """The event a left-out row stands as: its seq, and nothing else."""
    return {"seq": seq, "kind": SKIPPED, "author": ""}


def stroke_keys(listed):
    """(author, id) tuples from the [author, id] lists of an event or a request."""
    return tuple((author, stroke) for author, stroke in listed)


@dataclass
class BoardHistory:
    """The board after applying events up to `seq`, with each author's undo and redo stacks.

    `max_visible` bounds the strokes on show and `max_visible_points` their points: a stroke, or
    an undo or redo that would show strokes, past either is refused (`board_full`), so no event
    grows beyond what a frame carries and no board beyond what memory holds.

    `undo_depth` bounds each (author, page) stack: an action pushed past it forgets the oldest,
    which no undo reaches any more, so what an undo may bring back is bounded and the rest of
    the log can be folded into a checkpoint (draw/compaction.py). None: unbounded.
    """

    seq: int = 0
    # The board's size: a move keeps every point on it.
    width: int = 1600
    height: int = 900
    max_visible: int = 20000
    max_visible_points: int = 2_000_000
    undo_depth: int | None = None
    strokes: dict = field(default_factory=dict)
    # (author, page) -> [Action]: one undo and one redo stack per author per page.
    undo_stacks: dict = field(default_factory=dict)
    redo_stacks: dict = field(default_factory=dict)
    visible_count: int = 0
    visible_points: int = 0

    # --- reading ---------------------------------------------------------------

    def visible_strokes(self):
        """Visible strokes in drawing order."""
        return [stroke for stroke in self.strokes.values() if stroke.visible]

    @property
    def stroke_count(self):
        return len(self.strokes)

    def can_undo(self, author, page=FIRST_PAGE):
        return bool(self.undo_stacks.get((author, page)))

    def can_redo(self, author, page=FIRST_PAGE):
        return bool(self.redo_stacks.get((author, page)))

    # --- deciding what a request does --------------------------------------------

    def resolve(self, kind, author, request):
        """The effect a new event of `kind` by `author` would have now; ProtocolError if none.

        An erase, move or clear with a `lane` (the host's, from one student's page in the grid)
        reaches the items on that page only (draw/lanes.py)."""
        effect = self._resolve(kind, author, request)
        if kind == STROKE:
            return effect
        return with_page(self._with_lanes(effect), page_of_effect(request))

    def _resolve(self, kind, author, request):
        if kind == STROKE:
            if not request["points"]:
                raise ProtocolError("empty_stroke", "a stroke needs at least one point")
            self._check_room(1, items.point_count(request["item"], request["points"]))
            return {key: request[key] for key in ("stroke", "item", "points")}
        if kind == MOVE:
            keys = [key for key in dict.fromkeys(stroke_keys(request["strokes"])) if self._is_visible(key)]
            self._check_in_lane(keys, request.get("lane"))
            self._check_on_page(keys, request)
            if not keys:
                raise ProtocolError("nothing_to_move", "none of those items is on the board")
            return self._movable(Action(moved=tuple(keys), by=tuple(request["by"])))
        if kind == ERASE:
            hide = [key for key in dict.fromkeys(stroke_keys(request["strokes"])) if self._is_visible(key)]
            self._check_in_lane(hide, request.get("lane"))
            self._check_on_page(hide, request)
            if not hide:
                raise ProtocolError("nothing_to_erase", "none of those strokes is on the board")
            return Action(hidden=tuple(hide)).effect()
        if kind == REMOVE_INK:
            owner = request["participant"]
            hide = tuple(stroke.key for stroke in self.visible_strokes() if stroke.author == owner)
            if not hide:
                raise ProtocolError("nothing_to_remove", "that participant has no strokes on the board")
            return Action(hidden=hide).effect()
        if kind == CLEAR:
            lane, page = request.get("lane"), page_of_effect(request)
            hide = tuple(
                stroke.key
                for stroke in self.visible_strokes()
                if (lane is None or lane_of_item(stroke.author, stroke.item) == lane)
                and page_of_item(stroke.item) == page
            )
            if not hide:
                raise ProtocolError("nothing_to_clear", "the page is already empty")
            return Action(hidden=hide).effect()
        if kind == UNDO:
            stack = self.undo_stacks.get((author, page_of_effect(request)))
            if not stack:
                raise ProtocolError("nothing_to_undo", "you have nothing to undo")
            return self._checked(stack[-1].inverse())
        if kind == REDO:
            stack = self.redo_stacks.get((author, page_of_effect(request)))
            if not stack:
                raise ProtocolError("nothing_to_redo", "you have nothing to redo")
            return self._checked(stack[-1])
        raise ValueError(f"unknown event kind {kind!r}")

    def _check_on_page(self, keys, request):
        page = page_of_effect(request)
        for key in keys:
            if page_of_item(self.strokes[key].item) != page:
                raise ProtocolError("forbidden", "that item is on another page of the lesson")

    def _check_in_lane(self, keys, page):
        if page is None:
            return
        for key in keys:
            stroke = self.strokes[key]
            if lane_of_item(stroke.author, stroke.item) != page:
                raise ProtocolError("forbidden", "that item is not on the page you are drawing on")

    def _with_lanes(self, effect):
        """The effect with the page of each of its keys whose item names one (draw/lanes.py)."""
        pages = {}
        for name in ("hide", "show", "move"):
            for author, stroke_id in effect.get(name, ()):
                stroke = self.strokes.get((author, stroke_id))
                page = stroke.item.get("lane") if stroke is not None else None
                if page:
                    pages.setdefault(page, []).append([author, stroke_id])
        return {**effect, "lanes": pages} if pages else effect

    def visible_count_after(self, kind, effect):
        """How many strokes would be on show once an event of `kind` with `effect` is applied."""
        if kind == STROKE:
            return self.visible_count + 1
        shown = sum(1 for key in stroke_keys(effect.get("show", ())) if self._exists_hidden(key))
        hidden = sum(1 for key in stroke_keys(effect.get("hide", ())) if self._is_visible(key))
        return self.visible_count + shown - hidden

    def _exists_hidden(self, key):
        stroke = self.strokes.get(key)
        return stroke is not None and not stroke.visible

    def _movable(self, action, undoing=False):
        """The move's effect with (dx, dy) cut so every point stays on the board.

        An undo or redo of a move goes through even when the cut leaves nothing to move (the
        items were moved to the edge since): refused, it would stay on top of its stack and
        refuse every undo after it."""
        keys = [key for key in action.moved if key in self.strokes]
        if not keys:
            raise ProtocolError("nothing_to_move", "none of those items is on the board")
        edges = [items.bounds(self.strokes[key].item, self.strokes[key].points) for key in keys]
        left, top = min(edge[0] for edge in edges), min(edge[1] for edge in edges)
        right, bottom = max(edge[2] for edge in edges), max(edge[3] for edge in edges)
        dx = min(max(action.by[0], -left), self.width - right)
        dy = min(max(action.by[1], -top), self.height - bottom)
        if dx == 0 and dy == 0 and not undoing:
            raise ProtocolError("nothing_to_move", "those items cannot move further that way")
        return Action(moved=tuple(keys), by=(dx, dy)).effect()

    def _checked(self, action):
        if action.moved:
            return self._movable(action, undoing=True)
        shown = [self.strokes[key] for key in action.shown if self._exists_hidden(key)]
        self._check_room(len(shown), sum(stroke.point_count for stroke in shown))
        return action.effect()

    def _check_room(self, strokes, points):
        if not strokes:
            return
        if self.visible_count + strokes > self.max_visible:
            shows = f"{self.visible_count} strokes on show, at most {self.max_visible}"
        elif self.visible_points + points > self.max_visible_points:
            shows = f"{self.visible_points} points on show, at most {self.max_visible_points}"
        else:
            return
        raise ProtocolError(
            "board_full", f"this board is full ({shows}); erase or clear some strokes, or start a new board"
        )

    # --- replaying ---------------------------------------------------------------

    def apply(self, event):
        """Replay one committed event (events must come in seq order)."""
        seq, kind, author = event["seq"], event["kind"], event["author"]
        if seq <= self.seq:
            return False
        self.seq = seq
        if kind == STROKE:
            stroke = CommittedStroke(event["stroke"], author, event["item"], event["points"], seq)
            previous = self.strokes.get(stroke.key)
            if previous is not None and previous.visible:
                self.visible_count -= 1
                self.visible_points -= previous.point_count
            self.strokes[stroke.key] = stroke
            self.visible_count += 1
            self.visible_points += stroke.point_count
            self._record((author, page_of_item(stroke.item)), Action(shown=(stroke.key,)))
        elif kind in (ERASE, CLEAR, REMOVE_INK, MOVE):
            self._record((author, page_of_effect(event)), self._change(event))
        elif kind == UNDO:
            # The undone action is the inverse of what the undo did; redo does it again.
            stacks = (self.undo_stacks, self.redo_stacks)
            self._move(*stacks, (author, page_of_effect(event)), self._change(event).inverse())
        elif kind == REDO:
            stacks = (self.redo_stacks, self.undo_stacks)
            self._move(*stacks, (author, page_of_effect(event)), self._change(event))
        # SKIPPED: the seq moves on, and nothing else.
        return True

    def apply_all(self, events):
        for event in events:
            self.apply(event)
        return self

    def _change(self, event):
        """Show, hide or move the strokes an event names; return what it did as an Action."""
        if "move" in event:
            moved = stroke_keys(event["move"])
            dx, dy = event["by"]
            for key in moved:
                self._move_stroke(key, dx, dy)
            return Action(moved=moved, by=(dx, dy))
        shown = stroke_keys(event.get("show", ()))
        hidden = stroke_keys(event.get("hide", ()))
        for key in shown:
            self._set_visible(key, True)
        for key in hidden:
            self._set_visible(key, False)
        return Action(shown=shown, hidden=hidden)

    def _move_stroke(self, key, dx, dy):
        stroke = self.strokes.get(key)
        if stroke is not None:
            # A new object, not its points changed in place: snapshots know strokes by identity.
            points = items.moved_points(stroke.item, stroke.points, dx, dy)
            self.strokes[key] = replace(stroke, points=points)

    def _set_visible(self, key, visible):
        stroke = self.strokes.get(key)
        if stroke is not None and stroke.visible != visible:
            stroke.visible = visible
            self.visible_count += 1 if visible else -1
            self.visible_points += stroke.point_count if visible else -stroke.point_count

    def _record(self, stack, action):
        """Put an action on the undo stack of `stack`, (author, page), and forget its redos."""
        self._push(self.undo_stacks, stack, action)
        self.redo_stacks.pop(stack, None)

    def _move(self, source, target, stack, action):
        """Move the last action of `stack`, (author, page), from one of its stacks to the other."""
        actions = source.get(stack)
        if actions:
            actions.pop()
        self._push(target, stack, action)

    def _push(self, stacks, stack, action):
        actions = stacks.setdefault(stack, [])
        actions.append(action)
        if self.undo_depth is not None and len(actions) > self.undo_depth:
            del actions[0]

    def _is_visible(self, key):
        stroke = self.strokes.get(key)
        return stroke is not None and stroke.visible
