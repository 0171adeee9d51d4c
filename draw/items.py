"""What a board holds: one spec per kind of item (ink, highlighter, shapes, text), and the
rules that follow from it. Pure.

The specs live in frontend/items.json, read by this module and imported by the browser
(frontend/items.js), so both sides validate, store and draw an item from the same table.
An item travels whole as a dict: {"kind": ..., and the kind's fields}; its points travel
beside it as one flat list of `stride` numbers a point ([x, y] or, for ink, [x, y, pressure]).

How a kind's points are kept (`points` in the spec):
  path    every point drawn
  ends    a drag: only the first and the last point are kept once it ends
  anchor  one point: where the item sits
"""

import json
import re
import unicodedata
from pathlib import Path

from draw.errors import ProtocolError
from draw.strings import surrogate_in

SPECS_PATH = Path(__file__).resolve().parent.parent / "frontend" / "items.json"
_SPEC_FILE = json.loads(SPECS_PATH.read_text(encoding="utf-8"))
ITEM_SPECS = _SPEC_FILE["kinds"]
KINDS = tuple(ITEM_SPECS)
# The exact ASCII forms of the strings that have one, as the browser reads them too: a colour
# (matched once lower-cased) and an id (a stroke's, an edit's, a participant's).
PATTERNS = _SPEC_FILE["patterns"]
COLOR_PATTERN = re.compile(PATTERNS["color"], re.ASCII)
ID_PATTERN = re.compile(PATTERNS["id"], re.ASCII)

PATH, ENDS, ANCHOR = "path", "ends", "anchor"
# The most numbers a point of any kind has.
MAX_STRIDE = max(spec["stride"] for spec in ITEM_SPECS.values())
# Ink's third number: how hard the pen pressed, 0..MAX_PRESSURE.
MAX_PRESSURE = 100
# The layer drawn under every other (a highlighter's), and the one over it.
UNDER, INK = "under", "ink"


def stride(kind):
    """Numbers per point of an item of `kind`."""
    return ITEM_SPECS[kind]["stride"]


def point_count(item, points):
    return len(points) // stride(item["kind"])


def layer(item):
    return ITEM_SPECS[item["kind"]]["layer"]


def kept_points(item, points):
    """The points an item keeps once drawn: all of a path, the ends of a drag, one anchor."""
    keep = ITEM_SPECS[item["kind"]]["points"]
    size = stride(item["kind"])
    if keep == ENDS and len(points) > 2 * size:
        return points[:size] + points[-size:]
    if keep == ANCHOR:
        return points[:size]
    return points


def parse_item(value, limits, ref=None):
    """A validated item dict from a client's `item` field; ProtocolError naming the problem.

    With `limits` None only the forms are checked (kind, fields, types, patterns), not the
    configured ranges: how an item read back from the log is checked (draw/logrows.py), so a
    setting lowered since does not hide what was drawn under the old one.
    """
    if not isinstance(value, dict):
        raise ProtocolError("bad_field", "'item' must be an object with a 'kind'", ref)
    kind = value.get("kind")
    spec = ITEM_SPECS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        raise ProtocolError("bad_field", f"'kind' must be one of {', '.join(KINDS)}", ref)
    fields = spec["fields"]
    extra = value.keys() - fields.keys() - {"kind", "lane", "page"}
    if extra:
        raise ProtocolError("bad_field", f"unexpected field {sorted(extra)[0][:40]!r} in a {kind}", ref)
    item = {"kind": kind}
    for name, field_type in fields.items():
        if name not in value:
            raise ProtocolError("bad_field", f"a {kind} needs '{name}'", ref)
        item[name] = _FIELD_PARSERS[field_type](name, value[name], limits, ref)
    if "lane" in value:
        # The student's page it lies on, when the host drew it there (draw/lanes.py).
        if not is_id(value["lane"]):
            raise ProtocolError("bad_field", "'lane' must be a participant's id", ref)
        item["lane"] = value["lane"]
    if "page" in value:
        # The lesson's page it lies on (draw/pages.py); the server checks the board has it.
        if not is_id(value["page"]):
            raise ProtocolError("bad_field", "'page' must be the id of one of the board's pages", ref)
        item["page"] = value["page"]
    return item


def check_points(kind, points, limits, ref=None):
    """Raise ProtocolError unless `points` are whole points of `kind` inside the board, no more
    in one message than the limit."""
    size = stride(kind)
    if len(points) % size:
        raise ProtocolError("bad_field", f"'points' of a {kind} must hold {size} numbers a point", ref)
    if len(points) // size > limits.max_points_per_message:
        raise ProtocolError(
            "too_many_points", f"at most {limits.max_points_per_message} points in one message", ref
        )
    if size == 3 and points:
        pressures = points[2::3]
        if min(pressures) < 0 or max(pressures) > MAX_PRESSURE:
            raise ProtocolError("out_of_range", f"pressure must be between 0 and {MAX_PRESSURE}", ref)
    check_positions(points, size, limits, ref)


def check_positions(points, size, limits, ref=None):
    """Raise ProtocolError unless every point (`size` numbers each, x and y first) is on the board."""
    xs, ys = points[0::size], points[1::size]
    if xs and (min(xs) < 0 or max(xs) > limits.board_width or min(ys) < 0 or max(ys) > limits.board_height):
        raise ProtocolError(
            "out_of_range",
            f"points must lie within the board, 0..{limits.board_width} x 0..{limits.board_height}",
            ref,
        )


def bounds(item, points):
    """(min x, min y, max x, max y) of an item's points."""
    size = stride(item["kind"])
    xs, ys = points[0::size], points[1::size]
    return min(xs), min(ys), max(xs), max(ys)


def moved_points(item, points, dx, dy):
    """A new point list: every point moved by (dx, dy), pressures kept."""
    size = stride(item["kind"])
    moved = list(points)
    for i in range(0, len(moved), size):
        moved[i] += dx
        moved[i + 1] += dy
    return moved


def is_id(value):
    """Whether `value` is an id of the documented alphabet: 1-32 letters, digits, '-' or '_'."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def _color(name, value, limits, ref):
    # Only the pattern decides: Python's int(x, 16) also takes '+', '_', spaces and other
    # scripts' digits, which no renderer reads as a colour.
    if not isinstance(value, str) or not COLOR_PATTERN.fullmatch(value.lower()):
        raise ProtocolError("bad_field", f"'{name}' must be a colour like '#1a2b3c'", ref)
    return value.lower()


def _bounded_int(name, value, low, high, ref):
    # type() rather than isinstance(): True is not a width.
    if type(value) is not int:
        raise ProtocolError("bad_field", f"'{name}' must be an integer", ref)
    if not low <= value <= high:
        raise ProtocolError("out_of_range", f"'{name}' must be between {low} and {high}", ref)
    return value


def _width(name, value, limits, ref):
    return _bounded_int(name, value, 1, limits.max_stroke_width if limits else _MOST_EVER, ref)


def _text_size(name, value, limits, ref):
    if limits is None:
        return _bounded_int(name, value, 1, _MOST_EVER, ref)
    return _bounded_int(name, value, limits.min_text_size, limits.max_text_size, ref)


def _text(name, value, limits, ref):
    if not isinstance(value, str) or not value.strip():
        raise ProtocolError("bad_field", f"'{name}' must be text that is not blank", ref)
    surrogate = surrogate_in(value)
    if surrogate is not None:
        # Checked for every string of a frame already (draw/strings.py); a stored one too.
        raise ProtocolError(
            "bad_field", f"'{name}' must be Unicode text (it holds a lone surrogate, U+{surrogate:04X})", ref
        )
    if limits is not None and len(value) > limits.max_text_length:
        raise ProtocolError(
            "out_of_range", f"'{name}' holds at most {limits.max_text_length} characters", ref
        )
    # One line of text: no control characters or line breaks, and no bidi overrides, which
    # would reorder what others see (joiners stay: emoji sequences need them).
    if any(
        unicodedata.category(character) in ("Cc", "Zl", "Zp") or character in _BIDI_CONTROLS
        for character in value
    ):
        raise ProtocolError("bad_field", f"'{name}' must be one line without control characters", ref)
    # Noncharacters are for a program's own use, never for text sent to others: XML cannot
    # hold U+FFFE or U+FFFF at all, so one of them would break every SVG export of the board.
    noncharacter = next((character for character in value if is_noncharacter(character)), None)
    if noncharacter is not None:
        raise ProtocolError(
            "bad_field", f"'{name}' must not hold a noncharacter (U+{ord(noncharacter):04X})", ref
        )
    return value


def is_noncharacter(character):
    """Whether `character` is one of Unicode's 66 noncharacters: U+FDD0..U+FDEF and the last
    two code points of every plane."""
    code = ord(character)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


# What a width or a text size read back from the log may be at most: no setting allows more
# (the largest board is 10,000 units), and a renderer must not be asked for a disc wider.
_MOST_EVER = 10_000

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

_FIELD_PARSERS = {"color": _color, "width": _width, "text_size": _text_size, "text": _text}
