"""Sketchsite wire protocol v1: message types, limits, parsing and encoding.

Pure module: no Django, no Channels. `parse()` turns one text frame from a
browser into a typed message or raises ProtocolError with a machine-readable
code and a human-readable reason. The browser mirror is frontend/protocol.js;
docs/protocol.md documents every message; tests/fixtures/protocol.json drives
the tests of both.
"""

import json
import re
from dataclasses import dataclass, field

PROTOCOL_VERSION = 1

STROKE_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
COLOR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")

# Close codes (4000-4999 is the application range; each mirrors a standard 1xxx code).
CLOSE_BOARD_NOT_FOUND = 4004
CLOSE_UNSUPPORTED_DATA = 4003
CLOSE_POLICY_VIOLATION = 4008
CLOSE_MESSAGE_TOO_BIG = 4009

# Client -> server message types.
STROKE_BEGIN = "stroke.begin"
STROKE_POINTS = "stroke.points"
STROKE_END = "stroke.end"
UNDO = "undo"
REDO = "redo"
ERASE = "erase"
CLEAR = "clear"

# Server -> client message types.
WELCOME = "welcome"
SNAPSHOT = "snapshot"
BATCH = "batch"
EVENT = "event"
ACK = "ack"
STROKE_DROP = "stroke.drop"
ERROR = "error"


# The error code of a frame over max_message_bytes; the consumer closes with 4009 for it.
TOO_BIG = "too_big"


class ProtocolError(Exception):
    """A message the server refuses; `code` is stable, `reason` is for people."""

    def __init__(self, code, reason, ref=None):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.ref = ref


@dataclass(frozen=True, slots=True)
class Limits:
    """The numbers a message is checked against; built from settings.SKETCHSITE."""

    board_width: int = 1600
    board_height: int = 900
    max_message_bytes: int = 16384
    max_points_per_message: int = 500
    max_stroke_width: int = 64
    max_erase_strokes: int = 500

    @classmethod
    def from_settings(cls, sketchsite_settings, board_width=None, board_height=None):
        return cls(
            board_width=board_width or sketchsite_settings["BOARD_WIDTH"],
            board_height=board_height or sketchsite_settings["BOARD_HEIGHT"],
            max_erase_strokes=sketchsite_settings["MAX_ERASE_STROKES"],
            max_message_bytes=sketchsite_settings["MAX_MESSAGE_BYTES"],
            max_points_per_message=sketchsite_settings["MAX_POINTS_PER_MESSAGE"],
            max_stroke_width=sketchsite_settings["MAX_STROKE_WIDTH"],
        )


@dataclass(frozen=True, slots=True)
class StrokeBegin:
    stroke: str
    color: str
    width: int
    points: list = field(default_factory=list)

    def to_wire(self, author):
        return {
            "type": STROKE_BEGIN,
            "stroke": self.stroke,
            "author": author,
            "color": self.color,
            "width": self.width,
            "points": self.points,
        }


@dataclass(frozen=True, slots=True)
class StrokePoints:
    stroke: str
    points: list

    def to_wire(self, author):
        return {"type": STROKE_POINTS, "stroke": self.stroke, "author": author, "points": self.points}


@dataclass(frozen=True, slots=True)
class StrokeEnd:
    stroke: str
    points: list = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Edit:
    """undo, redo, clear or erase; `id` is client-made so a resent edit is stored once."""

    kind: str
    id: str
    strokes: tuple = ()

    def request(self):
        return {"strokes": list(self.strokes)}


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
    """One compact JSON text for the wire."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def message_bytes(text):
    """UTF-8 size of a frame, without encoding the common all-ASCII frame."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def parse(text, limits=Limits()):
    """Validate one client text frame and return its typed message."""
    if message_bytes(text) > limits.max_message_bytes:
        raise ProtocolError(TOO_BIG, f"message larger than {limits.max_message_bytes} bytes")
    return parse_object(decode(text), limits)


def parse_object(message, limits=Limits()):
    """Validate a decoded client message and return its typed message."""
    kind = message.get("type")
    if not isinstance(kind, str):
        raise ProtocolError("bad_message", "message needs a string 'type'")
    parser = _PARSERS.get(kind)
    if parser is None:
        raise ProtocolError("unknown_type", f"unknown message type {kind[:40]!r}")
    return parser(message, limits)


def _parse_stroke_begin(message, limits):
    _allow_fields(message, {"type", "stroke", "color", "width", "points"})
    stroke = _stroke_id(message)
    color = message.get("color")
    if not isinstance(color, str) or not COLOR_PATTERN.fullmatch(color):
        raise ProtocolError("bad_field", "'color' must be a colour like '#1a2b3c'", stroke)
    width = message.get("width")
    if type(width) is not int:
        raise ProtocolError("bad_field", "'width' must be an integer", stroke)
    if not 1 <= width <= limits.max_stroke_width:
        raise ProtocolError(
            "out_of_range", f"'width' must be between 1 and {limits.max_stroke_width}", stroke
        )
    points = _points(message.get("points", []), limits, stroke, allow_empty=True)
    return StrokeBegin(stroke=stroke, color=color.lower(), width=width, points=points)


def _parse_stroke_points(message, limits):
    _allow_fields(message, {"type", "stroke", "points"})
    stroke = _stroke_id(message)
    return StrokePoints(stroke=stroke, points=_points(message.get("points"), limits, stroke))


def _parse_stroke_end(message, limits):
    _allow_fields(message, {"type", "stroke", "points"})
    stroke = _stroke_id(message)
    return StrokeEnd(stroke=stroke, points=_points(message.get("points", []), limits, stroke, True))


def _parse_plain_edit(message, limits):
    _allow_fields(message, {"type", "id"})
    return Edit(kind=message["type"], id=_client_id(message, "id"))


def _parse_erase(message, limits):
    _allow_fields(message, {"type", "id", "strokes"})
    edit_id = _client_id(message, "id")
    strokes = message.get("strokes")
    if not isinstance(strokes, list) or not strokes:
        raise ProtocolError("bad_field", "'strokes' must be a non-empty list of stroke ids")
    if len(strokes) > limits.max_erase_strokes:
        raise ProtocolError("too_many_strokes", f"at most {limits.max_erase_strokes} strokes in one erase")
    if not all(isinstance(sid, str) and STROKE_ID_PATTERN.fullmatch(sid) for sid in strokes):
        raise ProtocolError("bad_field", "'strokes' must hold stroke ids")
    return Edit(kind=ERASE, id=edit_id, strokes=tuple(strokes))


_PARSERS = {
    STROKE_BEGIN: _parse_stroke_begin,
    STROKE_POINTS: _parse_stroke_points,
    STROKE_END: _parse_stroke_end,
    UNDO: _parse_plain_edit,
    REDO: _parse_plain_edit,
    CLEAR: _parse_plain_edit,
    ERASE: _parse_erase,
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
    if not isinstance(value, str) or not STROKE_ID_PATTERN.fullmatch(value):
        raise ProtocolError("bad_field", f"'{name}' must be 1-32 letters, digits, '-' or '_'")
    return value


def _points(points, limits, stroke, allow_empty=False):
    """Flat [x0, y0, x1, y1, ...] of integer board units inside the board."""
    if not isinstance(points, list):
        raise ProtocolError("bad_field", "'points' must be a list [x0, y0, x1, y1, ...]", stroke)
    count = len(points)
    if count % 2:
        raise ProtocolError("bad_field", "'points' must hold x, y pairs", stroke)
    if count == 0 and not allow_empty:
        raise ProtocolError("bad_field", "'points' must hold at least one point", stroke)
    if count // 2 > limits.max_points_per_message:
        raise ProtocolError(
            "too_many_points",
            f"at most {limits.max_points_per_message} points in one message",
            stroke,
        )
    if count == 0:
        return points
    # type() rather than isinstance(): True and 1.0 are not board units.
    if not all(type(value) is int for value in points):
        raise ProtocolError("bad_field", "point coordinates must be integers", stroke)
    xs, ys = points[0::2], points[1::2]
    if min(xs) < 0 or max(xs) > limits.board_width or min(ys) < 0 or max(ys) > limits.board_height:
        raise ProtocolError(
            "out_of_range",
            f"points must lie within the board, 0..{limits.board_width} x 0..{limits.board_height}",
            stroke,
        )
    return points


def welcome(board, participant, token, seq, limits, extra_limits):
    """The first frame on every connection: who you are, the board's seq and its rules."""
    return {
        "type": WELCOME,
        "v": PROTOCOL_VERSION,
        "board": board,
        "you": participant,
        "token": token,
        "seq": seq,
        "size": [limits.board_width, limits.board_height],
        "limits": {
            "max_message_bytes": limits.max_message_bytes,
            "max_points_per_message": limits.max_points_per_message,
            "max_stroke_width": limits.max_stroke_width,
            "max_erase_strokes": limits.max_erase_strokes,
            **extra_limits,
        },
    }


def snapshot(seq, strokes, index, total):
    """One part of a board's committed state: strokes[index:index+len] of `total` visible strokes.

    Each stroke is compact: [id, author, colour, width, points, seq].
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
