"""One participant on one board, decided without sockets: what each frame makes happen.

A BoardSession takes the frames of one connection and answers with actions for the
consumer to carry out: Reply (to this browser), Publish (to everyone on the board),
Volatile (to everyone, coalesced and droppable), Store (commit to the board's log, then
tell the session how it went), SetClass and RemoveParticipant (a host's, stored with
the board, then told to every process) and Close. It holds the connection's open
strokes and its participant's budgets, asks draw/policy.py before anything happens, and knows nothing of
sockets, event loops or databases, so every rule is tested with plain function calls.
"""

import time
from dataclasses import dataclass, replace

from draw import audience, frames, items, policy, protocol
from draw.budgets import ParticipantBudgets
from draw.classroom import ClassSettings
from draw.history import STROKE
from draw.pages import FIRST_PAGE, page_index
from draw.protocol import ProtocolError
from draw.strokes import OpenStrokes

# A client further behind than this gets a fresh snapshot instead of the missed events.
MAX_CATCH_UP_EVENTS = 500
# The type recorded for a frame that did not parse.
INVALID = "invalid"
_STROKE_PARTS = frozenset({protocol.STROKE_POINTS, protocol.STROKE_END})


@dataclass(frozen=True, slots=True)
class Reply:
    message: dict


@dataclass(frozen=True, slots=True)
class Publish:
    message: dict


@dataclass(frozen=True, slots=True)
class Volatile:
    """For everyone on the board, newest per `key` only, and dropped first when a socket is behind."""

    key: tuple
    message: dict


@dataclass(frozen=True, slots=True)
class SetClass:
    changes: dict


@dataclass(frozen=True, slots=True)
class RemoveParticipant:
    participant: str


@dataclass(frozen=True, slots=True)
class Store:
    kind: str
    client_id: str
    request: dict


@dataclass(frozen=True, slots=True)
class Close:
    code: int
    reason: str


class BoardSession:
    """What one connection may do on its board, and what each of its messages does."""

    def __init__(
        self, board, participant, limits, class_settings=ClassSettings, clock=time.monotonic, budgets=None
    ):
        """`class_settings()` gives the board's ClassSettings now (they change while connected);
        `budgets` are the participant's (whole new ones when not given)."""
        self.board = board
        self.participant = participant
        self.class_settings = class_settings
        self.limits = limits
        self.open_strokes = OpenStrokes(
            participant.id, limits.max_open_strokes, limits.max_points_per_stroke, limits
        )
        # Kept by the participant, not the connection (draw/budgets.py): reconnecting refills nothing.
        budgets = budgets or ParticipantBudgets.whole(limits, clock)
        self.budgets = budgets
        self.point_budget = budgets.points
        # Strokes begun and edits: without this an undo/redo storm grows the log and the
        # relayed traffic as fast as a socket can send.
        self.action_budget = budgets.actions
        self.error_budget = budgets.errors
        self.laser_budget = budgets.laser
        self.last_message_type = None

    # --- joining -------------------------------------------------------------------

    def wants_events_since(self, since, seq):
        """Catch up with the events after `since` (True) or with a whole snapshot (False)?"""
        return 0 < since <= seq and seq - since <= MAX_CATCH_UP_EVENTS

    @property
    def audience(self):
        """Who this connection's frames are for (draw/audience.py)."""
        return audience.Audience.of(self.participant)

    def catch_up_frames(self, state, events, snapshot_chunk, max_frame_bytes):
        """Encoded frames bringing a joiner to the board's state as its audience sees it: its
        missed events (those it may not see as skipped ones), or a snapshot."""
        who, settings = self.audience, self.class_settings()
        if events is not None:
            viewed = [protocol.event(audience.view_event(event, who, settings)) for event in events]
            return frames.encode_batches(viewed, max_frame_bytes)
        strokes = [stroke.to_compact() for stroke in state.seen_by(who, settings).strokes]
        return [
            protocol.encode(part)
            for part in frames.snapshot_frames(state.seq, strokes, snapshot_chunk, max_frame_bytes)
        ]

    def open_stroke_begins(self):
        """`stroke.begin` messages, with their points so far, of the strokes being drawn here."""
        return [
            protocol.StrokeBegin(stroke.stroke, stroke.item, list(stroke.points)).to_wire(
                self.participant.id, self.shown_name()
            )
            for stroke in self.open_strokes.strokes()
        ]

    # --- frames from the browser -----------------------------------------------------

    def receive_binary(self):
        self.last_message_type = INVALID
        return [Close(protocol.CLOSE_UNSUPPORTED_DATA, "binary frames are not accepted")]

    def receive_text(self, text):
        try:
            message = protocol.parse(text, self.limits)
        except ProtocolError as refused:
            self.last_message_type = INVALID
            if refused.code == protocol.TOO_BIG:
                return [Close(protocol.CLOSE_MESSAGE_TOO_BIG, refused.reason)]
            if refused.message_type in _STROKE_PARTS and self.open_strokes.discard(refused.ref):
                # The stroke would be stored without the refused points: it goes, like any
                # stroke missing a part, and its author's browser sends it again whole.
                return self._drop_and_refuse(refused.ref, refused)
            return self.refuse(refused)
        self.last_message_type = message.TYPE
        try:
            self._check_allowed(message)
            return self._handle(self._placed_on_a_page(message))
        except ProtocolError as refused:
            return self.refuse(refused)

    def shown_name(self):
        """The name others see beside this participant's strokes: None on an anonymous board."""
        return None if self.class_settings().anonymous else self.participant.name

    def _check_allowed(self, message):
        action = _action_of(message, self.participant.id)
        if action is None:
            return
        settings = self.class_settings()
        if _names_a_lane(message) and not policy.can(self.participant, policy.IN_A_LANE, settings):
            ref = getattr(message, "stroke", None) or getattr(message, "id", None)
            raise ProtocolError("forbidden", "only the host draws or edits on one student's page", ref)
        if not policy.can(self.participant, action, settings):
            code = policy.refusal_code(self.participant, action, settings)
            ref = getattr(message, "stroke", None) or getattr(message, "id", None)
            raise ProtocolError(code, protocol.ERROR_CODES[code], ref)

    def _placed_on_a_page(self, message):
        """A stroke's begin or an edit on the lesson's page it names, or on the current page when
        it names none (a page turned while it was on its way keeps the page it was drawn on);
        bad_field for a page the board does not have (draw/pages.py)."""
        if isinstance(message, protocol.StrokeBegin):
            page, ref = message.item.get("page"), message.stroke
        elif isinstance(message, protocol.Edit):
            page, ref = message.page, message.id
        else:
            # Points and ends of strokes, and everything else: no page to place (the hot path).
            return message
        settings = self.class_settings()
        if page is None:
            if isinstance(message, protocol.Edit):
                return replace(message, page=settings.page)
            if settings.page == FIRST_PAGE:
                return message
            return replace(message, item={**message.item, "page": settings.page})
        if page_index(settings.pages, page) is None:
            raise ProtocolError("bad_field", "that page is not one of the board's pages", ref)
        return message

    def _handle(self, message):
        if isinstance(message, protocol.ClassChange):
            return [SetClass(message.changes)]
        if isinstance(message, protocol.Remove):
            if message.participant == self.participant.id:
                raise ProtocolError("bad_field", "you cannot remove yourself")
            return [RemoveParticipant(message.participant)]
        if isinstance(message, protocol.Laser):
            if not self.laser_budget.take():
                raise ProtocolError(
                    "rate_limited", f"more than {self.limits.max_laser_per_second} laser moves a second"
                )
            wire = protocol.laser(self.participant.id, message.at)
            return [Volatile((protocol.LASER, self.participant.id), wire)]
        if isinstance(message, protocol.Edit):
            self._spend_action(message.id)
            return [Store(message.kind, message.id, message.request())]
        try:
            if isinstance(message, protocol.StrokeBegin):
                self._spend_action(message.stroke)
            self._spend_points(message)
            if isinstance(message, protocol.StrokeBegin):
                self.open_strokes.begin(message)
            elif isinstance(message, protocol.StrokePoints):
                self.open_strokes.add_points(message)
            else:
                stroke = self.open_strokes.end(message)
                if not stroke.points:
                    raise ProtocolError("empty_stroke", "a stroke needs at least one point", stroke.stroke)
        except ProtocolError as refused:
            # A stroke missing a refused part must not be committed: forget it here and on
            # every screen; its author's browser sends it again, whole.
            dropped = self.open_strokes.discard(message.stroke) or refused.code == "empty_stroke"
            if dropped:
                return self._drop_and_refuse(message.stroke, refused)
            raise
        if isinstance(message, protocol.StrokeEnd):
            request = {
                "stroke": stroke.stroke,
                "item": stroke.item,
                "points": items.kept_points(stroke.item, stroke.points),
            }
            return [Store(STROKE, stroke.stroke, request)]
        if isinstance(message, protocol.StrokeBegin):
            return [Publish(message.to_wire(self.participant.id, self.shown_name()))]
        wire = message.to_wire(self.participant.id)
        page = self.open_strokes.lane_of(message.stroke)
        if page is not None:
            # Its begin named the page in its item; each part says it too, for the views.
            wire["lane"] = page
        return [Publish(wire)]

    def _drop_and_refuse(self, stroke_id, refused):
        return [Publish(protocol.stroke_drop(stroke_id, self.participant.id)), *self.refuse(refused)]

    def _spend_action(self, ref):
        if not self.action_budget.take():
            raise ProtocolError(
                "rate_limited",
                f"more than {self.limits.max_actions_per_second} strokes and edits a second; slow down",
                ref,
            )

    def _spend_points(self, message):
        if not message.points:
            return
        kind = message.item["kind"] if isinstance(message, protocol.StrokeBegin) else None
        kind = kind or self.open_strokes.kind_of(message.stroke)
        # Points of a stroke not open are refused next (unknown_stroke); count them as pairs.
        count = len(message.points) // (items.stride(kind) if kind else 2)
        if not self.point_budget.take(count):
            raise ProtocolError(
                "rate_limited",
                f"more than {self.limits.max_points_per_second} points a second; slow down",
                message.stroke,
            )

    # --- how a Store went ---------------------------------------------------------------

    def stored(self, store, commit):
        """The store committed the event (or had it already, from an earlier send)."""
        if not commit.duplicate:
            actions = [Publish(protocol.event(commit.event))]
        elif store.kind == STROKE:
            # A resent stroke already stored: others drop the repeated preview.
            actions = [Publish(protocol.stroke_drop(store.client_id, self.participant.id))]
        else:
            actions = []
        return [*actions, Reply(protocol.ack(store.client_id, commit.seq))]

    def store_refused(self, store, refused):
        """The board's history refused the event (nothing to undo, board full, ...)."""
        return [
            *self._drop_preview(store),
            *self.refuse(ProtocolError(refused.code, refused.reason, store.client_id)),
        ]

    def store_failed(self, store):
        """The database failed: not the browser's fault, so no error budget is spent."""
        error = protocol.error(
            "store_unavailable",
            "the board could not be stored just now; it will be sent again",
            store.client_id,
        )
        return [*self._drop_preview(store), Reply(error)]

    def _drop_preview(self, store):
        if store.kind != STROKE:
            return []
        return [Publish(protocol.stroke_drop(store.client_id, self.participant.id))]

    # --- refusing and leaving ---------------------------------------------------------------

    def refuse(self, refused):
        if not self.error_budget.take():
            return [Close(protocol.CLOSE_POLICY_VIOLATION, "too many bad messages")]
        return [Reply(protocol.error(refused.code, refused.reason, refused.ref))]

    def leave(self):
        """The connection is gone: its unfinished strokes disappear from every screen."""
        # The author's browser sends them again, whole, after reconnecting.
        return [
            Publish(protocol.stroke_drop(stroke.stroke, self.participant.id))
            for stroke in self.open_strokes.discard_all()
        ]


# What each kind of message asks the policy for (None: nothing beyond what was allowed before,
# such as the points of a stroke begun while allowed).
# Undo and redo put one's own ink back as often as they take it away: while pens are down
# they are drawing, and locked like it.
_EDIT_ACTIONS = {"undo": policy.DRAW, "redo": policy.DRAW, "clear": policy.CLEAR}


def _names_a_lane(message):
    if isinstance(message, protocol.StrokeBegin):
        return "lane" in message.item
    return isinstance(message, protocol.Edit) and message.lane is not None


def _action_of(message, me):
    if isinstance(message, protocol.StrokeBegin):
        return policy.DRAW
    if isinstance(message, protocol.Edit):
        if message.kind in ("erase", "move"):
            # Moving an item is changing it, as erasing is: the same rules, own and anyone's.
            own = all(author == me for author, _ in message.strokes)
            return policy.ERASE_OWN if own else policy.ERASE_ANY
        if message.kind == "remove_ink":
            return policy.REMOVE_INK
        return _EDIT_ACTIONS[message.kind]
    if isinstance(message, protocol.ClassChange):
        return policy.SET_CLASS
    if isinstance(message, protocol.Remove):
        return policy.REMOVE
    if isinstance(message, protocol.Laser):
        return policy.LASER
    return None
