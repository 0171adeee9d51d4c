"""The outline of an ink stroke, as the browser draws it (frontend/ink.js). Pure.

The browser outlines ink with the perfect-freehand library; this is a port of that algorithm
for the options ink uses (frontend/ink.js INK_OUTLINE), so an exported board shows every
stroke as it looked on screen. The shared fixture tests/fixtures/ink.json, made by the
browser's module, holds the two together.

The outline is found in two passes: the input points are smoothed into samples that each
know their direction and distance along the stroke, then a point is put on either side of
every sample at the radius its pressure gives, with half discs at the ends and at corners
sharper than a right angle.
"""

import functools
import math
from array import array
from dataclasses import dataclass

MAX_PRESSURE = 100

# The options of frontend/ink.js INK_OUTLINE (the fixture records them; the tests compare).
THINNING = 0.5
SMOOTHING = 0.5
STREAMLINE = 0.4

# The library's own constants, which shape the outline as much as the options do.
_FIXED_PI = math.pi + 0.0001  # a half turn a hair over, which browsers fill without a seam
_START_CAP_STEPS = 13
_END_CAP_STEPS = 29
_CORNER_STEPS = 13
_END_NOISE = 3  # samples this close to the end are left out: the pen lifting wobbles
_MIN_RADIUS = 0.01
_FIRST_PRESSURE = 0.25  # a first point without pressure (ink always has one)
_PLAIN_PRESSURE = 0.5  # points added between two input points carry no pressure of their own


@dataclass
class _Sample:
    x: float
    y: float
    pressure: float
    # Unit vector from this sample back to the previous one.
    vx: float
    vy: float
    # Distance along the stroke from the first sample.
    run: float


def ink_outline(points, width, complete=True, min_width=0):
    """The outline polygon of an ink stroke as a list of (x, y) in board units.

    `points` is the flat [x, y, pressure, ...] list (pressure 0..100), `complete` False while
    the stroke is being drawn, `min_width` the thinnest the line may be drawn.
    """
    size = max(width, min_width)
    inputs = [(points[i], points[i + 1], points[i + 2] / MAX_PRESSURE) for i in range(0, len(points) - 2, 3)]
    if not inputs or size <= 0:
        return []
    return _outline(_samples(inputs, size, complete), size)


def ink_spine(points, width, complete=True, min_width=0):
    """The middle of an ink stroke's outline: (x, y, radius) of every sample it is built around.

    A disc of each radius around each sample and a band between neighbours lie inside the
    outline, which lets a renderer whose polygons fill even-odd cover the places where a
    stroke crosses itself (the outline's own fill there is a hole).
    """
    size = max(width, min_width)
    inputs = [(points[i], points[i + 1], points[i + 2] / MAX_PRESSURE) for i in range(0, len(points) - 2, 3)]
    if not inputs or size <= 0:
        return []
    return [
        (sample.x, sample.y, max(_MIN_RADIUS, _radius(size, sample.pressure)))
        for sample in _samples(inputs, size, complete)
    ]


def _hypot(a, b):
    """hypot as browsers compute it (scaled, Kahan-summed), bit for bit.

    Python's own differs in the last bit now and then; the outline's choices (is a sample far
    enough from the last one kept) compare such lengths, so a last bit can add or drop a point.
    """
    a, b = abs(a), abs(b)
    largest = max(a, b)
    if largest == 0:
        return 0.0
    total = compensation = 0.0
    for value in (a, b):
        scaled = value / largest
        summand = scaled * scaled - compensation
        running = total + summand
        compensation = (running - total) - summand
        total = running
    return math.sqrt(total) * largest


def _toward(ax, ay, bx, by, t):
    return ax + (bx - ax) * t, ay + (by - ay) * t


def _turn(x, y, cx, cy, angle):
    """(x, y) turned by `angle` around (cx, cy)."""
    sin, cos = math.sin(angle), math.cos(angle)
    px, py = x - cx, y - cy
    return px * cos - py * sin + cx, px * sin + py * cos + cy


def _corner_turns():
    """(sin, cos) of each angle a corner's half disc turns through, as the library steps it."""
    turns = []
    t = 0.0
    while t <= 1:
        turns.append((math.sin(_FIXED_PI * t), math.cos(_FIXED_PI * t)))
        t += 1 / _CORNER_STEPS
    return tuple(turns)


def _steps(count, include_end):
    """0 < t <= 1 (or < 1) in `count` equal steps, added up the way the library adds them."""
    step = 1 / count
    t = step
    while t < 1 or (include_end and t == 1):
        yield t
        t += step


_CORNER_TURNS = _corner_turns()


def _samples(inputs, size, complete):
    """The smoothed samples of the input (x, y, pressure) points."""
    pull = 0.15 + (1 - STREAMLINE) * 0.85
    if len(inputs) == 2:
        # Two points become five on the line between them, which bends the outline no less
        # smoothly than a drawn line; the added ones have no pressure of their own.
        first, end = inputs
        inputs = [first] + [(*_toward(first[0], first[1], end[0], end[1], i / 4), None) for i in range(1, 5)]
    elif len(inputs) == 1:
        x, y, pressure = inputs[0]
        inputs = [inputs[0], (x + 1, y + 1, pressure)]

    def pressure_of(point, default):
        pressure = point[2]
        return pressure if pressure is not None and pressure >= 0 else default

    x0, y0 = inputs[0][0], inputs[0][1]
    samples = [_Sample(x0, y0, pressure_of(inputs[0], _FIRST_PRESSURE), 1.0, 1.0, 0.0)]
    previous = samples[0]
    run = 0.0
    long_enough = False
    last = len(inputs) - 1
    for i in range(1, len(inputs)):
        if complete and i == last:
            x, y = inputs[i][0], inputs[i][1]
        else:
            x, y = _toward(previous.x, previous.y, inputs[i][0], inputs[i][1], pull)
        if x == previous.x and y == previous.y:
            continue
        distance = _hypot(y - previous.y, x - previous.x)
        run += distance
        # Near its start a stroke waits to be `size` long: the first wobbles are noise.
        # The length counted while waiting stays counted, as the library does.
        if i < last and not long_enough:
            if run < size:
                continue
            long_enough = True
        dx, dy = previous.x - x, previous.y - y
        length = _hypot(dx, dy)
        previous = _Sample(x, y, pressure_of(inputs[i], _PLAIN_PRESSURE), dx / length, dy / length, run)
        samples.append(previous)
    if len(samples) > 1:
        samples[0].vx, samples[0].vy = samples[1].vx, samples[1].vy
    else:
        samples[0].vx, samples[0].vy = 0.0, 0.0
    return samples


def _radius(size, pressure):
    return size * (0.5 - THINNING * (0.5 - pressure))


def _outline(samples, size, caps=None):
    """The polygon around `samples`: the left side, the end cap, the right side back, the start cap.

    With a list for `caps`, what the caps are is added to it (_Caps), for a writer that draws
    them as arcs; nothing for a lone dot."""
    total = samples[-1].run
    min_gap = (size * SMOOTHING) ** 2
    left, right = [], []
    radius = _radius(size, samples[-1].pressure)
    first_radius = None
    back_x, back_y = samples[0].vx, samples[0].vy  # the direction of the last sample kept
    left_end = right_end = (samples[0].x, samples[0].y)
    after_corner = False
    for i, sample in enumerate(samples):
        is_last = i == len(samples) - 1
        if not is_last and total - sample.run < _END_NOISE:
            continue
        radius = _radius(size, sample.pressure)
        if first_radius is None:
            first_radius = radius
        radius = max(_MIN_RADIUS, radius)
        vx, vy = sample.vx, sample.vy
        following = samples[i + 1] if not is_last else sample
        next_dot = vx * following.vx + vy * following.vy if not is_last else 1.0
        corner = vx * back_x + vy * back_y < 0 and not after_corner
        corner_next = next_dot < 0
        if corner or corner_next:
            # Sharper than a right angle: a half disc around the point, so the two sides
            # do not cross over each other.
            ox, oy = back_y * radius, -back_x * radius
            x, y = sample.x, sample.y
            for sin, cos in _CORNER_TURNS:
                # Turned one way on the left and the other on the right (sin(-a) is -sin(a)),
                # the offsets taken back off as _turn takes them, to the last bit.
                px, py = (x - ox) - x, (y - oy) - y
                left_end = (px * cos - py * sin + x, px * sin + py * cos + y)
                px, py = (x + ox) - x, (y + oy) - y
                right_end = (px * cos + py * sin + x, -px * sin + py * cos + y)
                left.append(left_end)
                right.append(right_end)
            if corner_next:
                after_corner = True
            continue
        after_corner = False
        if is_last:
            ox, oy = vy * radius, -vx * radius
            left.append((sample.x - ox, sample.y - oy))
            right.append((sample.x + ox, sample.y + oy))
            continue
        # The sides lean between this sample's direction and the next one's.
        nx, ny = _toward(following.vx, following.vy, vx, vy, next_dot)
        ox, oy = ny * radius, -nx * radius
        side = (sample.x - ox, sample.y - oy)
        if i <= 1 or _gap(left_end, side) > min_gap:
            left.append(side)
            left_end = side
        side = (sample.x + ox, sample.y + oy)
        if i <= 1 or _gap(right_end, side) > min_gap:
            right.append(side)
            right_end = side
        back_x, back_y = vx, vy

    first = samples[0]
    if len(samples) == 1:
        return _dot(first.x, first.y, first_radius or radius)
    end = samples[-1]
    start_cap = [_turn(*right[0], first.x, first.y, _FIXED_PI * t) for t in _steps(_START_CAP_STEPS, True)]
    # The end cap turns one and a half times, which covers an end that doubles back on itself.
    dx, dy = end.vy, -end.vx
    end_cap = [
        _turn(end.x - dx * radius, end.y - dy * radius, end.x, end.y, _FIXED_PI * 3 * t)
        for t in _steps(_END_CAP_STEPS, False)
    ]
    if caps is not None:
        start_radius = math.hypot(right[0][0] - first.x, right[0][1] - first.y)
        caps.append(
            _Caps(len(left), len(end_cap), len(right), end.x, end.y, radius, first.x, first.y, start_radius)
        )
    return left + end_cap + right[::-1] + start_cap


@dataclass(frozen=True, slots=True)
class _Caps:
    """Where an outline's caps are: its sides' and end cap's point counts, each cap's centre and radius."""

    left: int
    end: int
    right: int
    end_x: float
    end_y: float
    end_radius: float
    start_x: float
    start_y: float
    start_radius: float


def _gap(a, b):
    dx, dy = a[0] - b[0], a[1] - b[1]
    return dx * dx + dy * dy


def _dot(x, y, radius):
    """A disc for a stroke that never left its first point."""
    # The circle starts a radius off the point, square to the unit step the library adds to
    # a lone point (worked out as it does, so the floats agree).
    ax, ay = x - (x + 1), y - (y + 1)
    px, py = ay, -ax
    length = _hypot(px, py)
    start = (x + px / length * -radius, y + py / length * -radius)
    return [_turn(*start, x, y, _FIXED_PI * 2 * t) for t in _steps(_START_CAP_STEPS, True)]


# --- shapes kept for exports ----------------------------------------------------------------

# An export draws each ink stroke's shape from its points; a board is exported again and again
# as it grows, and its strokes do not change (a move only translates them), so each shape is
# worked out once and kept, bounded by the bytes its coordinates take (what a renderer keeps
# with a shape, InkShape.drawing, comes on top: about as much again).
SHAPE_CACHE_BYTES = 64 * 1024 * 1024
# How far (board units) the SVG outline may stray from the exact one where it drops a point:
# less than the tenth of a unit it is written to.
SVG_TOLERANCE = 0.2


class InkShape:
    """An ink stroke's outline and spine around its first point (`origin`), as flat arrays.

    Worked out on the points less their first, so the same stroke moved anywhere has the same
    shape to the last bit and shares one kept copy; `outline` is [x0, y0, x1, y1, ...] and
    `spine` [x0, y0, radius0, ...], both relative to `origin`.
    """

    __slots__ = ("origin", "outline", "spine", "caps", "drawing", "_svg_path")

    def __init__(self, origin, outline, spine, caps=None):
        self.origin = origin
        self.outline = outline
        self.spine = spine
        self.caps = caps
        # What a renderer made of the shape at its origin, kept with it (draw/export.py's PNG).
        self.drawing = None
        self._svg_path = None

    @property
    def nbytes(self):
        return 8 * (len(self.outline) + len(self.spine)) + (len(self._svg_path or "") + 200)

    def svg_path(self):
        """(x, y, rest): the outline's first point in tenths of a unit from `origin`, and the
        SVG path data after it, relative lines in tenths of a unit, the points closer than
        SVG_TOLERANCE to the line between their neighbours left out."""
        if self._svg_path is None:
            self._svg_path = _svg_relative_path(self.outline, self.caps)
        return self._svg_path


class _ShapeCache:
    """Kept InkShapes by (size, complete, points less their first), least recently used dropped first."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._shapes = {}

    def get(self, key):
        shape = self._shapes.pop(key, None)
        if shape is not None:
            self._shapes[key] = shape
        return shape

    def keep(self, key, shape):
        size = shape.nbytes + 8 * len(key[2])
        if size > self.max_bytes:
            return
        self._shapes[key] = shape
        self.bytes += size
        while self.bytes > self.max_bytes:
            oldest = next(iter(self._shapes))
            dropped = self._shapes.pop(oldest)
            self.bytes -= dropped.nbytes + 8 * len(oldest[2])

    def clear(self):
        self._shapes.clear()
        self.bytes = 0


_shapes = _ShapeCache(SHAPE_CACHE_BYTES)


def keep_shapes(max_bytes):
    """Keep at most `max_bytes` of shapes from now on (SKETCHSITE_EXPORT_SHAPE_CACHE_BYTES)."""
    _shapes.max_bytes = max_bytes


def ink_shape(points, width, min_width=0, complete=True):
    """The InkShape of an ink stroke (flat [x, y, pressure, ...]), kept for the next export."""
    size = max(width, min_width)
    if len(points) < 3 or size <= 0:
        return None
    x0, y0 = points[0], points[1]
    relative = [0] * len(points)
    relative[0::3] = [x - x0 for x in points[0::3]]
    relative[1::3] = [y - y0 for y in points[1::3]]
    relative[2::3] = points[2::3]
    relative = tuple(relative)
    key = (size, complete, relative)
    shape = _shapes.get(key)
    if shape is None:
        inputs = [
            (relative[i], relative[i + 1], relative[i + 2] / MAX_PRESSURE)
            for i in range(0, len(relative) - 2, 3)
        ]
        samples = _samples(inputs, size, complete)
        caps = []
        outline = array("d", [value for point in _outline(samples, size, caps) for value in point])
        spine = array(
            "d",
            [
                value
                for sample in samples
                for value in (sample.x, sample.y, max(_MIN_RADIUS, _radius(size, sample.pressure)))
            ],
        )
        shape = InkShape((x0, y0), outline, spine, caps[0] if caps else None)
        _shapes.keep(key, shape)
    elif shape.origin != (x0, y0):
        # The same stroke moved: its shape with another origin, the arrays shared.
        moved = InkShape((x0, y0), shape.outline, shape.spine, shape.caps)
        moved._svg_path = shape._svg_path
        shape = moved
    return shape


def _svg_relative_path(outline, caps):
    tenths = [round(value * 10) for value in outline]
    points = list(zip(tenths[0::2], tenths[1::2], strict=True))
    path = _SvgPath(points[0] if points else (0, 0))
    if caps is None:
        path.lines(_simplified(points, SVG_TOLERANCE * 10)[1:])
        return (*points[0], path.text()) if points else (0, 0, "")
    # The sides as lines, each cap as the circle it steps around: arcs of at most a half turn.
    left, end_cap = points[: caps.left], points[caps.left : caps.left + caps.end]
    right = points[caps.left + caps.end : caps.left + caps.end + caps.right]
    start_cap = points[caps.left + caps.end + caps.right :]
    path.lines(_simplified(left, SVG_TOLERANCE * 10)[1:])
    if end_cap:
        centre = (round(caps.end_x * 10), round(caps.end_y * 10))
        radius = max(1, round(caps.end_radius * 10))
        first, last = end_cap[0], end_cap[-1]
        # A half turn to the opposite point, then the rest of the turn and a half (more than a
        # half turn: the large arc) on to the last.
        opposite = (2 * centre[0] - first[0], 2 * centre[1] - first[1])
        path.lines([first])
        path.arc(radius, opposite, large=False)
        path.arc(radius, last, large=True)
    path.lines(_simplified(right, SVG_TOLERANCE * 10))
    if start_cap:
        # A hair over a half turn (_FIXED_PI), to the point the outline closes from.
        path.arc(max(1, round(caps.start_radius * 10)), start_cap[-1], large=True)
    return (*points[0], path.text())


class _SvgPath:
    """SVG path data in tenths of a unit from a start point, each step relative to the last."""

    def __init__(self, start):
        self.x, self.y = start
        self.parts = []
        self.command = None

    def lines(self, points):
        # _step's work written out: a hostile stroke's outline is a hundred thousand steps.
        parts, number = self.parts, svg_number
        last_x, last_y = self.x, self.y
        for x, y in points:
            dx, dy = x - last_x, y - last_y
            if dx or dy:
                if self.command != "l":
                    parts.append("l")
                    self.command = "l"
                    lead = ""
                else:
                    lead = "" if dx < 0 else " "
                parts.append(lead + number(dx) + ("" if dy < 0 else ",") + number(dy))
                last_x, last_y = x, y
        self.x, self.y = last_x, last_y

    def arc(self, radius, point, large):
        """A clockwise arc (on the screen) of `radius` from here to `point`."""
        dx, dy = point[0] - self.x, point[1] - self.y
        if dx or dy:
            r = svg_number(radius)
            self._step("a", (dx, dy), f"{r},{r} 0 {int(large)} 1")
            self.x, self.y = point

    def _step(self, command, delta, arc=None):
        dx, dy = delta
        if command != self.command:
            self.parts.append(command)
            self.command = command
            lead = ""
        else:
            # A minus sign parts two numbers as well as a space or a comma does.
            lead = "" if dx < 0 and arc is None else " "
        if arc is not None:
            self.parts.append(f"{lead}{arc} ")
            lead = ""
        self.parts.append(lead + svg_number(dx) + ("" if dy < 0 else ",") + svg_number(dy))

    def text(self):
        return "".join(self.parts)


@functools.lru_cache(maxsize=65536)
def svg_number(value):
    """An integer count of tenths as the shortest SVG number: 12.3, -.5, 4."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{tenth}" if whole else f"{sign}.{tenth}"


# At most this many points in a row are left out, which bounds the work a point costs.
_SIMPLIFY_RUN = 12


def _simplified(points, tolerance):
    """`points` with those left out that lie within `tolerance` of the line from the last point
    kept to the one after them: one walk along the outline, each point looked at a few times."""
    if len(points) < 3:
        return points
    limit = tolerance * tolerance
    kept = [points[0]]
    skipped = []
    for i in range(1, len(points) - 1):
        ax, ay = kept[-1]
        bx, by = points[i + 1]
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        close = len(skipped) < _SIMPLIFY_RUN and length > 0
        if close:
            skipped.append(points[i])
            for px, py in skipped:
                cross = (px - ax) * dy - (py - ay) * dx
                along = (px - ax) * dx + (py - ay) * dy
                # Off the line, or on it past either end (the tip of a hairpin).
                if cross * cross > limit * length or not 0 <= along <= length:
                    close = False
                    break
        if not close:
            kept.append(points[i])
            skipped = []
    kept.append(points[-1])
    return kept
