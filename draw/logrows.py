"""A board's log rows read back under today's rules. Pure: no database.

Every row is read through `read_event()` before anything uses it: the history a process
keeps, a joiner's catch-up, the snapshots and the exports. A row that cannot be read,
encoded or drawn (written by an older version, or by a bug not yet found) raises
UnreadableRow, and the board goes on without it: such a row stands in the board's order as a
`skipped` event, which moves the seq on and changes nothing, so a browser counting seqs
sees no gap. `manage.py check_boards --fix` sets such rows aside for good.

What a row must be, by kind (draw/history.py has what each effect means):
  stroke                    {"stroke": id, "item": an item (draw/items.py), "points": [int, ...]}
  erase, clear, remove_ink  {"hide": [[author, id], ...]}
  undo, redo                {"hide" or "show": [[author, id], ...]}, or a move's effect
  move                      {"move": [[author, id], ...], "by": [dx, dy]}
  skipped                   {}
An edit may also hold "lanes": {participant id: [[author, id], ...]} (draw/lanes.py), and
"page": the id of the lesson's page it reached (draw/pages.py; absent: the first page).
"""

from draw import items
from draw.errors import ProtocolError
from draw.history import CLEAR, ERASE, MOVE, REDO, REMOVE_INK, SKIPPED, STROKE, UNDO, skipped_event

# The furthest a coordinate or a move may reach: no board is larger (sketchsite/settings.py).
MOST_BOARD_UNITS = 10_000

_HIDING = frozenset({ERASE, CLEAR, REMOVE_INK})
_REVERTING = frozenset({UNDO, REDO})


class UnreadableRow(Exception):
    """A stored row that breaks today's rules; `reason` says which one, for people."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def read_event(seq, kind, author, effect):
    """The history event of one stored row (draw/history.py), or UnreadableRow saying why not."""
    if type(seq) is not int or seq < 1:
        raise UnreadableRow("its seq is not a positive integer")
    if kind == SKIPPED:
        return skipped_event(seq)
    if not items.is_id(author):
        raise UnreadableRow("its author is not an id")
    if not isinstance(effect, dict):
        raise UnreadableRow("its effect is not a JSON object")
    reader = _READERS.get(kind)
    if reader is None:
        raise UnreadableRow(f"{_shown(kind)} is not a kind of event")
    return {"seq": seq, "kind": kind, "author": author, **reader(effect)}


def _read_stroke(effect):
    _fields(effect, {"stroke", "item", "points"})
    if not items.is_id(effect["stroke"]):
        raise UnreadableRow("its stroke id is not an id")
    try:
        item = items.parse_item(effect["item"], None)
    except ProtocolError as refused:
        raise UnreadableRow(f"its item: {refused.reason}") from None
    points = effect["points"]
    size = items.stride(item["kind"])
    if not isinstance(points, list) or not points or len(points) % size:
        raise UnreadableRow(f"its points are not whole points of a {item['kind']}, {size} numbers each")
    if not all(type(value) is int and 0 <= value <= MOST_BOARD_UNITS for value in points):
        raise UnreadableRow(f"its points are not integers within 0..{MOST_BOARD_UNITS}")
    if size == 3 and max(points[2::3]) > items.MAX_PRESSURE:
        raise UnreadableRow(f"its pressures are not within 0..{items.MAX_PRESSURE}")
    return {"stroke": effect["stroke"], "item": item, "points": points}


def _read_hiding(effect):
    effect, pages = _without_lanes(effect)
    _fields(effect, {"hide"})
    return {"hide": _keys(effect["hide"], "hide"), **pages}


def _read_reverting(effect):
    if "move" in effect:
        return _read_move(effect)
    effect, pages = _without_lanes(effect)
    if len(effect) != 1 or not ({"hide", "show"} & effect.keys()):
        raise UnreadableRow("its effect must be one of 'hide', 'show' or a move")
    (name,) = effect
    return {name: _keys(effect[name], name), **pages}


def _without_lanes(effect):
    """An edit's effect without its `lanes` (draw/lanes.py) and `page` (draw/pages.py), and
    them, read: {} when it holds neither."""
    read = {}
    if "lanes" in effect:
        lanes = effect["lanes"]
        if not isinstance(lanes, dict) or not all(items.is_id(lane) for lane in lanes):
            raise UnreadableRow("its 'lanes' is not an object of participant ids")
        read["lanes"] = {lane: _keys(keys, "lanes") for lane, keys in lanes.items()}
    if "page" in effect:
        if not items.is_id(effect["page"]):
            raise UnreadableRow("its 'page' is not a page id")
        read["page"] = effect["page"]
    return {name: value for name, value in effect.items() if name not in read}, read


def _read_move(effect):
    effect, pages = _without_lanes(effect)
    _fields(effect, {"move", "by"})
    by = effect["by"]
    if (
        not isinstance(by, list)
        or len(by) != 2
        or not all(type(value) is int and abs(value) <= MOST_BOARD_UNITS for value in by)
    ):
        raise UnreadableRow("its 'by' is not [dx, dy] in board units")
    return {"move": _keys(effect["move"], "move"), "by": by, **pages}


def _fields(effect, names):
    if effect.keys() != names:
        raise UnreadableRow(f"its effect must hold exactly {', '.join(sorted(names))}")


def _keys(listed, name):
    if not isinstance(listed, list) or not all(
        isinstance(key, list) and len(key) == 2 and all(items.is_id(part) for part in key) for key in listed
    ):
        raise UnreadableRow(f"its '{name}' is not a list of [author, stroke] ids")
    return listed


def _shown(value):
    """A value from a row, safe to put in a message: its ASCII repr, cut short."""
    return ascii(value)[:40]


_READERS = {
    STROKE: _read_stroke,
    MOVE: _read_move,
    **dict.fromkeys(_HIDING, _read_hiding),
    **dict.fromkeys(_REVERTING, _read_reverting),
}
