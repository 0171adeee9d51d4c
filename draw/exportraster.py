"""A board's PNG pixels kept between exports, so that the next export paints only what came after.

Filling a 10,000-stroke board's ink is most of a PNG export once its shapes are known (Pillow's
polygons, lines and discs, about 0.65 s). A class mostly adds strokes: the next export's strokes,
in drawing order, begin with the ones the last export painted, and draw/export.py draw_items
gives the same pixels painted in two goes as in one. So each painted image is kept with the
strokes on it, and an export whose drawing order starts with those strokes (the same objects:
draw/exportmirror.py keeps them so across calls to a worker) paints the rest onto it. An erase,
an undo or a move changes what lies under later strokes: the board is painted anew.

Painting can stop after a budget of points and go on later (draw/exportwarming.py paints a board
this way between exports, a slot's fraction of a second at a time). Kept by bytes, at most
`max_bytes` of pixels, the least recently painted dropped first.
"""

import threading
from collections import OrderedDict

from draw import export, items


class _Painted:
    __slots__ = ("image", "strokes", "left_out", "nbytes")

    def __init__(self, image):
        self.image = image
        # The strokes on it, in drawing order, and those of them that failed to draw.
        self.strokes = []
        self.left_out = []
        self.nbytes = image.width * image.height * len(image.getbands())


class PaintedBoards:
    """Painted images by key (the board's strokes key, its size, scale, paper and picture)."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._painted = OrderedDict()
        # A worker paints one board at a time; the server's process, drawing its own exports
        # (no export timeout), may paint two at once: each takes its image out while it paints.
        self._lock = threading.Lock()

    def paint(self, key, strokes, blank, draw, budget_points=None, finish=None):
        """(finish(image), left out, all painted) of `strokes` (any order; painted in drawing order)
        under `key`: the kept image painted further, or `blank()` painted from the first stroke,
        by `draw(image, strokes, left_out)`; past `budget_points` points the painting stops (at
        least one stroke is painted), and the next call goes on from there. `finish` (an
        encoder) sees the image before it is kept, while no other painting can reach it."""
        order = export.drawing_order(strokes)
        with self._lock:
            painted = self._painted.pop(key, None)
            if painted is not None:
                self.bytes -= painted.nbytes
        if painted is not None and not _begins_with(order, painted.strokes):
            painted = None
        if painted is None:
            painted = _Painted(blank())
        start = len(painted.strokes)
        stop = _stop_within(order, start, budget_points)
        draw(painted.image, order[start:stop], painted.left_out)
        painted.strokes.extend(order[start:stop])
        finished = finish(painted.image) if finish is not None else None
        self._keep(key, painted)
        return finished, list(painted.left_out), stop == len(order)

    def _keep(self, key, painted):
        if painted.nbytes > self.max_bytes:
            return
        with self._lock:
            # Another painting of the same key that ended first is replaced.
            replaced = self._painted.pop(key, None)
            if replaced is not None:
                self.bytes -= replaced.nbytes
            self._painted[key] = painted
            self.bytes += painted.nbytes
            while self.bytes > self.max_bytes:
                _, dropped = self._painted.popitem(last=False)
                self.bytes -= dropped.nbytes

    def clear(self):
        with self._lock:
            self._painted.clear()
            self.bytes = 0

    def __len__(self):
        return len(self._painted)


def _begins_with(order, painted):
    if len(painted) > len(order):
        return False
    return all(new is old for new, old in zip(order[: len(painted)], painted, strict=True))


def _stop_within(order, start, budget_points):
    """Where painting from `start` stops within `budget_points` points (None: the end)."""
    if budget_points is None:
        return len(order)
    points = 0
    stop = start
    while stop < len(order):
        stroke = order[stop]
        # An item of no points (a text) costs something to paint too.
        points += max(1, items.point_count(stroke.item, stroke.points))
        stop += 1
        if points >= budget_points:
            break
    return stop
