"""Strokes being drawn on one connection: begin, add points, end.

Pure bookkeeping with no sockets: the consumer asks it whether a message fits
the strokes its author has open, and it keeps each stroke's points so the
finished stroke is whole even when live fan-out drops some.
"""

import math
from dataclasses import dataclass, field
from itertools import pairwise

from draw import items
from draw.protocol import Limits, ProtocolError


@dataclass(slots=True)
class Stroke:
    """An item as its author draws it: identity, the item (draw/items.py) and every point."""

    stroke: str
    author: str
    item: dict
    points: list = field(default_factory=list)
    # Board units from point to point so far, held to Limits.max_stroke_path.
    path_length: float = 0.0

    @property
    def point_count(self):
        return items.point_count(self.item, self.points)


class OpenStrokes:
    """The strokes one author has begun and not yet ended."""

    def __init__(self, author, max_open_strokes, max_points_per_stroke, limits=None):
        self.author = author
        self.max_open_strokes = max_open_strokes
        self.max_points_per_stroke = max_points_per_stroke
        self.limits = Limits() if limits is None else limits
        self._open = {}

    def __len__(self):
        return len(self._open)

    def begin(self, message):
        if message.stroke in self._open:
            raise ProtocolError("duplicate_stroke", "that stroke has already begun", message.stroke)
        if len(self._open) >= self.max_open_strokes:
            raise ProtocolError(
                "too_many_strokes",
                f"at most {self.max_open_strokes} strokes may be drawn at once",
                message.stroke,
            )
        stroke = Stroke(message.stroke, self.author, message.item, [])
        # A begin's points were checked against its kind when it was parsed.
        self._extend(stroke, message.points, checked=True)
        self._open[message.stroke] = stroke
        return stroke

    def add_points(self, message):
        stroke = self._get(message.stroke)
        self._extend(stroke, message.points)
        return stroke

    def end(self, message):
        stroke = self._get(message.stroke)
        self._extend(stroke, message.points)
        del self._open[message.stroke]
        return stroke

    def discard(self, stroke_id):
        """Forget one open stroke (its live copy was refused); True if it was open."""
        return self._open.pop(stroke_id, None) is not None

    def strokes(self):
        """The open strokes, oldest first."""
        return list(self._open.values())

    def discard_all(self):
        """Forget every open stroke (the connection is gone) and return them."""
        strokes = list(self._open.values())
        self._open.clear()
        return strokes

    def _get(self, stroke_id):
        stroke = self._open.get(stroke_id)
        if stroke is None:
            raise ProtocolError("unknown_stroke", "that stroke was never begun or has ended", stroke_id)
        return stroke

    def lane_of(self, stroke_id):
        """The page the open stroke `stroke_id`'s item names (draw/lanes.py), or None."""
        stroke = self._open.get(stroke_id)
        return None if stroke is None else stroke.item.get("lane")

    def kind_of(self, stroke_id):
        """The kind of the open stroke `stroke_id`, or None."""
        stroke = self._open.get(stroke_id)
        return None if stroke is None else stroke.item["kind"]

    def _extend(self, stroke, points, checked=False):
        kind = stroke.item["kind"]
        if not checked:
            items.check_points(kind, points, self.limits, stroke.stroke)
        if stroke.point_count + len(points) // items.stride(kind) > self.max_points_per_stroke:
            raise ProtocolError(
                "stroke_too_long",
                f"a stroke holds at most {self.max_points_per_stroke} points; end it and begin another",
                stroke.stroke,
            )
        step = items.stride(kind)
        added = path_length(stroke.points[-step:] + points if stroke.points else points, step)
        if stroke.path_length + added > self.limits.max_stroke_path:
            raise ProtocolError(
                "stroke_too_long",
                f"a stroke's path runs at most {self.limits.max_stroke_path} board units; "
                "end it and begin another",
                stroke.stroke,
            )
        stroke.path_length += added
        stroke.points.extend(points)


def path_length(points, stride):
    """Board units from point to point along the flat `points`, `stride` numbers a point."""
    xs, ys = points[0::stride], points[1::stride]
    return sum(map(math.hypot, [b - a for a, b in pairwise(xs)], [b - a for a, b in pairwise(ys)]))
