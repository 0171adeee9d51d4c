"""Sketchsite wire protocol v4: message types, limits, parsing and encoding.

Pure module: no Django, no Channels. `parse()` turns one text frame from a
browser into a typed message or raises ProtocolError with a machine-readable
code and a human-readable reason. The browser mirror is frontend/protocol.js;
docs/protocol.md documents every message; tests/fixtures/protocol.json drives
the tests of both.
"""

import json
from dataclasses import dataclass, field, replace

from draw import backgrounds, items, pages, strings
from draw.errors import ERROR_CODES, RETRYABLE_CODES, TOO_BIG, ProtocolError  # noqa: F401

PROTOCOL_VERSION = 5

# Ids of strokes, edits and participants: one pattern, in frontend/items.json.
STROKE_ID_PATTERN = items.ID_PATTERN
PARTICIPANT_ID_PATTERN = STROKE_ID_PATTERN

# Close codes (4000-4999 is the application range; most mirror a standard 1xxx code).
CLOSE_BOARD_NOT_FOUND = 4004
CLOSE_UNSUPPORTED_DATA = 4003
CLOSE_POLICY_VIOLATION = 4008
CLOSE_MESSAGE_TOO_BIG = 4009
# The host removed this participant: now, and on every reconnect with its token.
CLOSE_REMOVED = 4010
# The board's host key was reset: a host's socket is closed, and connects again with its
# old key as a student.
CLOSE_HOST_KEY_CHANGED = 4012
CLOSE_TOO_SLOW = 4011
# The board cannot be opened right now (database or channel layer away); mirrors 1013, which
# the websocket server does not let an application send.
CLOSE_TRY_AGAIN_LATER = 4013
# The host deleted the board (draw/archive.py): now, and on every connect until they undo it.
CLOSE_BOARD_DELETED = 4014
# Too many wrong host keys from this address, or for this board, this minute (draw/guessing.py):
# a wrong key is refused instead of making a student; the right key is never refused.
CLOSE_WRONG_HOST_KEYS = 4015
# This address already holds SKETCHSITE_MAX_CONNECTIONS_PER_ADDRESS board sockets in this process
# (draw/connections.py): the browser tries again with backoff, as one of them may close.
CLOSE_TOO_MANY_CONNECTIONS = 4016

# Client -> server message types.
STROKE_BEGIN = "stroke.begin"
STROKE_POINTS = "stroke.points"
STROKE_END = "stroke.end"
UNDO = "undo"
REDO = "redo"
ERASE = "erase"
CLEAR = "clear"
REMOVE_INK = "remove.ink"
REMOVE = "remove"
CLASS = "class"
LASER = "laser"
MOVE = "move"

# Server -> client message types.
WELCOME = "welcome"
SNAPSHOT = "snapshot"
BATCH = "batch"
EVENT = "event"
ACK = "ack"
STROKE_DROP = "stroke.drop"
ERROR = "error"
PRESENCE = "presence"
PACE = "pace"
# CLASS and LASER go both ways: a host's change, and everyone told of it.

# The class settings a `class` message may set (draw/classroom.py).
CLASS_SETTINGS = (
    "pens_down",
    "anonymous",
    "names_visible",
    "student_laser",
    "badge",
    "lanes",
    "reveal",
    "spotlight",
    "spotlight_name",
    "background",
    "picture",
    "dark",
    "pages",
    "page",
)
# The class settings that are not switches: a participant id or null, a background kind, and
# the digest of one of the board's uploaded pictures (draw/uploads.py) or null.
SPOTLIGHT = "spotlight"
BACKGROUND = "background"
PICTURE = "picture"
# The lesson's pages, [{id, background, picture}], and the id of the current one (draw/pages.py).
PAGES = "pages"
PAGE = "page"


@dataclass(frozen=True, slots=True)
class Limits:
    """Every number a connection is held to, built once from settings and announced in `welcome`."""

    board_width: int = 1600
    board_height: int = 900
    max_message_bytes: int = 16384
    max_points_per_message: int = 500
    max_stroke_width: int = 64
    max_erase_strokes: int = 500
    max_points_per_second: int = 1000
    max_points_per_stroke: int = 5000
    max_open_strokes: int = 10
    max_strokes_per_board: int = 20000
    max_points_per_board: int = 2000000
    max_actions_per_second: int = 10
    max_action_burst: int = 30
    max_errors_per_minute: int = 30
    max_laser_per_second: int = 30
    max_people: int = 200
    max_text_length: int = 500
    min_text_size: int = 8
    max_text_size: int = 200
    max_move_strokes: int = 500
    # Pages of a lesson (draw/pages.py), as many as one PDF may bring (draw/uploads.py).
    max_pages: int = 50
    # Board units a stroke's path may run, point to point: far more than any hand draws in one
    # stroke, and what bounds the geometry an export works out for it (docs/performance.md).
    # Not announced: a hand never reaches it, and the refusal is the one a stroke of too many
    # points gets (stroke_too_long).
    max_stroke_path: int = 100000

    @classmethod
    def from_settings(cls, sketchsite_settings):
        return cls(**{name: sketchsite_settings[name.upper()] for name in cls.__dataclass_fields__})

    def for_board(self, width, height):
        """These limits on a board of its own size."""
        return replace(self, board_width=width, board_height=height)

    def announced(self):
        """The `welcome` form: every limit but the board size, which travels as `size`."""
        return {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in ("board_width", "board_height", "max_stroke_path")
        }


@dataclass(frozen=True, slots=True)
class StrokeBegin:
    TYPE = STROKE_BEGIN

    stroke: str
    # The item as draw/items.py validated it, carried whole: {"kind": ..., its fields}.
    item: dict
    points: list = field(default_factory=list)

    def to_wire(self, author, name=None):
        wire = {
            "type": STROKE_BEGIN,
            "stroke": self.stroke,
            "author": author,
            "item": self.item,
            "points": self.points,
        }
        if name is not None:
            # Shown beside the stroke's tip while it is drawn: no separate cursor stream.
            wire["name"] = name
        return wire


@dataclass(frozen=True, slots=True)
class StrokePoints:
    TYPE = STROKE_POINTS

    stroke: str
    points: list

    def to_wire(self, author):
        return {"type": STROKE_POINTS, "stroke": self.stroke, "author": author, "points": self.points}


@dataclass(frozen=True, slots=True)
class StrokeEnd:
    TYPE = STROKE_END

    stroke: str
    points: list = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Edit:
    """undo, redo, clear, erase, move or remove_ink; `id` is client-made so a resent edit is
    stored once."""

    kind: str
    id: str
    # erase and move: the (author, stroke) pairs it names.
    strokes: tuple = ()
    # remove_ink: whose strokes it hides.
    participant: str | None = None
    # move: by how much, in board units.
    by: tuple = (0, 0)
    # erase, move and clear: the one student's page it reaches (the host's, draw/lanes.py).
    lane: str | None = None
    # The lesson's page it reaches (draw/pages.py); None: the class's current page.
    page: str | None = None

    @property
    def TYPE(self):  # noqa: N802 - the same name as the other messages' class constant
        """The message type on the wire (`remove.ink` is stored as the event kind `remove_ink`)."""
        return REMOVE_INK if self.kind == "remove_ink" else self.kind

    def request(self):
        return {
            "strokes": [list(key) for key in self.strokes],
            "participant": self.participant,
            "by": list(self.by),
            "lane": self.lane,
            "page": self.page,
        }


@dataclass(frozen=True, slots=True)
class ClassChange:
    """A host's change of some class settings."""

    TYPE = CLASS

    changes: dict


@dataclass(frozen=True, slots=True)
class Remove:
    """A host removing a participant from the board."""

    TYPE = REMOVE

    participant: str


@dataclass(frozen=True, slots=True)
class Laser:
    """Where a laser pointer is now, or None once released. Volatile: never stored."""

    TYPE = LASER

    at: tuple | None


def decode(text):
    """JSON text to an object; ProtocolError on anything that is not a JSON object."""
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("bad_json", "message is not valid JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError("bad_message", "message must be a JSON object")
    return message


def encode(message):
    """One compact JSON text for the wire, always encodable as UTF-8.

    Everything the server sends was checked to be Unicode text when it came in
    (draw/strings.py) or when it was read back from the log (draw/logrows.py). Should a string
    holding a surrogate slip past both, it goes escaped, as JSON allows, rather than making a
    text that no socket can send.
    """
    text = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
    if strings.surrogate_in(text) is not None:
        return json.dumps(message, separators=(",", ":"))
    return text


def message_bytes(text):
    """UTF-8 size of a frame, without encoding the common all-ASCII frame."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def parse(text, limits=Limits()):
    """Validate one client text frame and return its typed message."""
    if message_bytes(text) > limits.max_message_bytes:
        raise ProtocolError(TOO_BIG, f"message larger than {limits.max_message_bytes} bytes")
    message = decode(text)
    if strings.may_hold_surrogates(text):
        _check_scalar_text(message)
    return parse_object(message, limits)


def _check_scalar_text(message):
    """Refuse a message any of whose strings, keys included, holds a lone surrogate."""
    found = strings.unscalar_string(message)
    if found is None:
        return
    path, code = found
    # The stroke or edit it was about, so its author's browser lets go of it.
    ref = next((message[name] for name in ("stroke", "id") if items.is_id(message.get(name))), None)
    raise ProtocolError(
        "bad_field",
        f"'{path}' must be Unicode text: it holds a lone surrogate (U+{code:04X})",
        ref,
    )


def parse_object(message, limits=Limits()):
    """Validate a decoded client message and return its typed message."""
    kind = message.get("type")
    if not isinstance(kind, str):
        raise ProtocolError("bad_message", "message needs a string 'type'")
    parser = _PARSERS.get(kind)
    if parser is None:
        raise ProtocolError("unknown_type", f"unknown message type {kind[:40]!r}")
    try:
        return parser(message, limits)
    except ProtocolError as refused:
        # Which kind of message was refused: a refused part of a stroke ends that stroke.
        refused.message_type = kind
        raise


def _parse_stroke_begin(message, limits):
    _allow_fields(message, {"type", "stroke", "item", "points"})
    stroke = _stroke_id(message)
    item = items.parse_item(message.get("item"), limits, stroke)
    points = _points(message.get("points", []), limits, stroke, allow_empty=True)
    items.check_points(item["kind"], points, limits, stroke)
    return StrokeBegin(stroke=stroke, item=item, points=points)


def _parse_stroke_points(message, limits):
    _allow_fields(message, {"type", "stroke", "points"})
    stroke = _stroke_id(message)
    return StrokePoints(stroke=stroke, points=_points(message.get("points"), limits, stroke))


def _parse_stroke_end(message, limits):
    _allow_fields(message, {"type", "stroke", "points"})
    stroke = _stroke_id(message)
    return StrokeEnd(stroke=stroke, points=_points(message.get("points", []), limits, stroke, True))


def _parse_plain_edit(message, limits):
    _allow_fields(message, {"type", "id", "page"})
    edit_id = _client_id(message, "id")
    return Edit(kind=message["type"], id=edit_id, page=_edit_page(message, edit_id))


def _parse_clear(message, limits):
    _allow_fields(message, {"type", "id", "lane", "page"})
    edit_id = _client_id(message, "id")
    return Edit(kind=CLEAR, id=edit_id, lane=_edit_lane(message, edit_id), page=_edit_page(message, edit_id))


def _edit_page(message, edit_id):
    """An edit's optional `page`: the lesson's page it reaches (draw/pages.py)."""
    if "page" not in message:
        return None
    if not items.is_id(message["page"]):
        raise ProtocolError("bad_field", "'page' must be the id of one of the board's pages", edit_id)
    return message["page"]


def _edit_lane(message, edit_id):
    """An edit's optional `lane`: the one student's page it reaches."""
    if "lane" not in message:
        return None
    if not items.is_id(message["lane"]):
        raise ProtocolError("bad_field", "'lane' must be a participant's id", edit_id)
    return message["lane"]


def _parse_erase(message, limits):
    _allow_fields(message, {"type", "id", "strokes", "lane", "page"})
    edit_id = _client_id(message, "id")
    strokes = _stroke_keys(message, limits.max_erase_strokes, "erase", edit_id)
    return Edit(
        kind=ERASE,
        id=edit_id,
        strokes=strokes,
        lane=_edit_lane(message, edit_id),
        page=_edit_page(message, edit_id),
    )


def _parse_move(message, limits):
    _allow_fields(message, {"type", "id", "strokes", "by", "lane", "page"})
    edit_id = _client_id(message, "id")
    strokes = _stroke_keys(message, limits.max_move_strokes, "move", edit_id)
    by = message.get("by")
    if not isinstance(by, list) or len(by) != 2 or not all(type(value) is int for value in by):
        raise ProtocolError("bad_field", "'by' must be [dx, dy] in whole board units", edit_id)
    dx, dy = by
    if abs(dx) > limits.board_width or abs(dy) > limits.board_height:
        raise ProtocolError("out_of_range", "'by' moves further than the board is wide or high", edit_id)
    return Edit(
        kind=MOVE,
        id=edit_id,
        strokes=strokes,
        by=(dx, dy),
        lane=_edit_lane(message, edit_id),
        page=_edit_page(message, edit_id),
    )


def _stroke_keys(message, most, kind, edit_id):
    """The (author, stroke) pairs an erase or a move names."""
    strokes = message.get("strokes")
    if not isinstance(strokes, list) or not strokes:
        raise ProtocolError(
            "bad_field", "'strokes' must be a non-empty list of [author, stroke] pairs", edit_id
        )
    if len(strokes) > most:
        raise ProtocolError("too_many_strokes", f"at most {most} strokes in one {kind}", edit_id)
    if not all(_is_stroke_key(key) for key in strokes):
        raise ProtocolError("bad_field", "'strokes' must hold [author, stroke] pairs of ids", edit_id)
    return tuple((author, stroke) for author, stroke in strokes)


def _parse_remove_ink(message, limits):
    _allow_fields(message, {"type", "id", "participant", "page"})
    edit_id = _client_id(message, "id")
    return Edit(
        kind="remove_ink",
        id=edit_id,
        participant=_client_id(message, "participant"),
        page=_edit_page(message, edit_id),
    )


def _parse_remove(message, limits):
    _allow_fields(message, {"type", "participant"})
    return Remove(participant=_client_id(message, "participant"))


def is_picture_digest(value):
    """Whether `value` names a picture as the server does: 64 lowercase hex digits (SHA-256)."""
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _parse_class(message, limits):
    _allow_fields(message, {"type", "set"})
    changes = message.get("set")
    if not isinstance(changes, dict) or not changes:
        raise ProtocolError("bad_field", "'set' must be an object of class settings to change")
    for name, value in changes.items():
        if name not in CLASS_SETTINGS:
            raise ProtocolError("bad_field", f"{name[:40]!r} is not a class setting")
        if name == SPOTLIGHT:
            if value is not None and not items.is_id(value):
                raise ProtocolError("bad_field", "class setting 'spotlight' must be a participant id or null")
        elif name == BACKGROUND:
            if value not in backgrounds.KINDS:
                raise ProtocolError(
                    "bad_field", f"class setting 'background' must be one of {', '.join(backgrounds.KINDS)}"
                )
        elif name == PICTURE:
            if value is not None and not is_picture_digest(value):
                raise ProtocolError(
                    "bad_field", "class setting 'picture' must be the digest of an uploaded picture, or null"
                )
        elif name == PAGES:
            changes = {**changes, PAGES: pages.parse_pages(value, limits.max_pages, is_picture_digest)}
        elif name == PAGE:
            if not items.is_id(value):
                raise ProtocolError(
                    "bad_field", "class setting 'page' must be the id of one of the board's pages"
                )
        elif type(value) is not bool:
            raise ProtocolError("bad_field", f"class setting {name!r} must be true or false")
    if PAGE in changes and PAGES in changes and pages.page_index(changes[PAGES], changes[PAGE]) is None:
        raise ProtocolError("bad_field", "class setting 'page' must be one of the 'pages' it comes with")
    return ClassChange(changes=dict(changes))


def _parse_laser(message, limits):
    _allow_fields(message, {"type", "at"})
    if "at" not in message:
        raise ProtocolError("bad_field", "'at' must be [x, y] or null")
    at = message["at"]
    if at is None:
        return Laser(at=None)
    if not isinstance(at, list) or len(at) != 2:
        raise ProtocolError("bad_field", "'at' must be [x, y] or null")
    return Laser(at=_parse_laser_point(at, limits))


def _is_stroke_key(key):
    return isinstance(key, list) and len(key) == 2 and all(items.is_id(part) for part in key)


_PARSERS = {
    STROKE_BEGIN: _parse_stroke_begin,
    STROKE_POINTS: _parse_stroke_points,
    STROKE_END: _parse_stroke_end,
    UNDO: _parse_plain_edit,
    REDO: _parse_plain_edit,
    CLEAR: _parse_clear,
    ERASE: _parse_erase,
    MOVE: _parse_move,
    REMOVE_INK: _parse_remove_ink,
    REMOVE: _parse_remove,
    CLASS: _parse_class,
    LASER: _parse_laser,
}

CLIENT_MESSAGE_TYPES = frozenset(_PARSERS)


def _allow_fields(message, allowed):
    extra = message.keys() - allowed
    if extra:
        name = sorted(extra)[0]
        raise ProtocolError("bad_field", f"unexpected field {name[:40]!r} in {message['type']}")


def _stroke_id(message):
    return _client_id(message, "stroke")


def _client_id(message, name):
    value = message.get(name)
    if not items.is_id(value):
        raise ProtocolError("bad_field", f"'{name}' must be 1-32 letters, digits, '-' or '_'")
    return value


def _points(points, limits, stroke, allow_empty=False):
    """A flat list of integers: a message's points, whose shape (numbers a point, the board's
    bounds) draw/items.py checks once the stroke's kind is known."""
    if not isinstance(points, list):
        raise ProtocolError("bad_field", "'points' must be a list [x0, y0, x1, y1, ...]", stroke)
    count = len(points)
    if count == 0 and not allow_empty:
        raise ProtocolError("bad_field", "'points' must hold at least one point", stroke)
    # Three numbers a point at most (ink's pressure): a bound before the kind is known.
    if count > items.MAX_STRIDE * limits.max_points_per_message:
        raise ProtocolError(
            "too_many_points",
            f"at most {limits.max_points_per_message} points in one message",
            stroke,
        )
    # type() rather than isinstance(): True and 1.0 are not board units.
    if not all(type(value) is int for value in points):
        raise ProtocolError("bad_field", "point coordinates must be integers", stroke)
    return points


def _parse_laser_point(at, limits):
    _points(at, limits, None)
    items.check_positions(at, 2, limits)
    return tuple(at)


def welcome(board, participant, token, seq, limits, class_settings, send_ms=0):
    """The first frame on every connection: who you are, the board's seq, its class settings, every
    limit, and how often to send (`send_ms`, as in pace())."""
    return {
        "type": WELCOME,
        "v": PROTOCOL_VERSION,
        "board": board,
        "you": participant.id,
        "token": token,
        "seq": seq,
        "size": [limits.board_width, limits.board_height],
        "limits": limits.announced(),
        "role": participant.role,
        "name": participant.name,
        "class": class_settings.to_wire(),
        "send_ms": send_ms,
    }


def pace(send_ms):
    """How often to send from now on: at most one frame every `send_ms` milliseconds (0: at once)."""
    return {"type": PACE, "send_ms": send_ms}


def class_settings(settings):
    """The board's class settings changed (ClassSettings)."""
    return {"type": CLASS, "class": settings.to_wire()}


def presence(count, people=None):
    """Who is on the board: how many now, and for those who may see them, who (Person values)."""
    message = {"type": PRESENCE, "count": count}
    if people is not None:
        message["people"] = [person.to_wire() for person in people]
    return message


def laser(author, at):
    return {"type": LASER, "author": author, "at": None if at is None else list(at)}


def snapshot(seq, strokes, index, total):
    """One part of a board's committed state: strokes[index:index+len] of `total` visible strokes.

    Each stroke is compact: [id, author, item, points, seq].
    """
    return {"type": SNAPSHOT, "seq": seq, "index": index, "total": total, "strokes": strokes}


def event(history_event):
    """A committed event, as in draw/history.py, for the wire."""
    return {"type": EVENT, **history_event}


def ack(ref, seq):
    """Your stroke or edit `ref` is stored at `seq` (also sent again for a resent one)."""
    return {"type": ACK, "ref": ref, "seq": seq}


def stroke_drop(stroke, author):
    """A live stroke that will not be committed from this connection: stop showing its preview."""
    return {"type": STROKE_DROP, "stroke": stroke, "author": author}


def error(code, reason, ref=None):
    """A refused message; `ref` names the stroke or edit it was about, when known."""
    message = {"type": ERROR, "code": code, "message": reason}
    if ref is not None:
        message["ref"] = ref
    return message


def batch(messages):
    """Several relayed messages in one frame, in the order the server accepted them."""
    return {"type": BATCH, "messages": messages}
