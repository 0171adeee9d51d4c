"""A simulated hand on the board: smooth strokes of 0.5-3 s with pauses between them.

Each stroke is a Lissajous-like curve inside a box that fits the board, so every point
is a board coordinate the server accepts. Point k of a stroke is drawn at exactly
`start + k / rate`; the stroke id carries `start` (CLOCK_MONOTONIC, whole ms) and the
rate, so any receiver, in any process, knows when each point it gets was drawn.
"""

import math
import random
import time
from dataclasses import dataclass

from bench.outgoing import ink

BOARD_WIDTH = 1600
BOARD_HEIGHT = 900

STROKE_SECONDS = (0.5, 3.0)
PAUSE_SECONDS = (0.2, 1.2)
COLORS = ("#1f2933", "#d64545", "#2f80ed", "#27ae60", "#f2994a", "#9b51e0")


def stroke_id(drawer, start_ms, rate):
    """`d<drawer>-<start ms>-<rate>`: at most 32 characters of [A-Za-z0-9_-]."""
    return f"d{drawer}-{start_ms}-{rate}"


def stroke_timing(stroke):
    """(start in monotonic seconds, seconds between points) from a stroke id."""
    _, start_ms, rate = stroke.split("-")
    return int(start_ms) / 1000, 1 / int(rate)


def now_ms():
    return time.monotonic_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class StrokePlan:
    """One stroke: when it starts, how many points, and the curve they lie on."""

    stroke: str
    start: float
    interval: float
    point_count: int
    color: str
    width: int
    center: tuple
    radius: tuple
    frequency: tuple
    phase: tuple

    @property
    def item(self):
        """The ink this stroke draws, as the page's pen sends it (stroke.begin's item)."""
        return ink(self.color, self.width)

    def point_time(self, k):
        return self.start + k * self.interval

    @property
    def end_time(self):
        return self.point_time(self.point_count)

    def point(self, k):
        t = k * self.interval
        x = self.center[0] + self.radius[0] * math.sin(self.frequency[0] * t + self.phase[0])
        y = self.center[1] + self.radius[1] * math.sin(self.frequency[1] * t + self.phase[1])
        return round(x), round(y)

    def points(self):
        """Integer board points; a repeat of the previous point is nudged, as a pen never stops dead."""
        previous = None
        for k in range(self.point_count):
            x, y = self.point(k)
            if (x, y) == previous:
                x = x + 1 if x < BOARD_WIDTH else x - 1
            previous = (x, y)
            yield x, y


class Pointer:
    """The strokes one drawer makes from `start` on, each starting on a whole millisecond."""

    def __init__(self, drawer, rate, seed):
        self.drawer = drawer
        self.rate = rate
        self.random = random.Random(seed)

    def strokes(self, start, end):
        """Strokes that begin before `end`; the caller lifts the pen at `end`."""
        # Drawers do not all put the pen down on the same tick.
        at = start + self.random.uniform(0, PAUSE_SECONDS[1])
        while at < end:
            plan = self._stroke(at)
            yield plan
            at = plan.end_time + self.random.uniform(*PAUSE_SECONDS)

    def _stroke(self, at):
        rng = self.random
        start_ms = math.ceil(at * 1000)
        point_count = max(2, round(rng.uniform(*STROKE_SECONDS) * self.rate))
        radius = (rng.uniform(60, 400), rng.uniform(40, 250))
        center = (
            rng.uniform(radius[0] + 1, BOARD_WIDTH - radius[0] - 1),
            rng.uniform(radius[1] + 1, BOARD_HEIGHT - radius[1] - 1),
        )
        return StrokePlan(
            stroke=stroke_id(self.drawer, start_ms, self.rate),
            start=start_ms / 1000,
            interval=1 / self.rate,
            point_count=point_count,
            color=rng.choice(COLORS),
            width=rng.choice((2, 3, 4, 6, 8)),
            center=center,
            radius=radius,
            frequency=(rng.uniform(1.5, 4.0), rng.uniform(1.5, 4.0)),
            phase=(rng.uniform(0, math.tau), rng.uniform(0, math.tau)),
        )
