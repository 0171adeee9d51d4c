"""Simulated browsers: each joins the board, counts what others drew, and may draw itself.

Two wires are spoken. `sketchsite` is the real protocol with the browser's batching
(bench/outgoing.py); `naive` is the baseline's one message per point (bench/naive.py).
Receiving is the same for both: every relayed message names its author, its stroke and
how many points it carries, and the stroke id says when each point was drawn.
"""

import asyncio
import json

try:
    from orjson import loads as decode
except ImportError:  # requirements-bench.txt not installed: the standard library is slower, not wrong
    decode = json.loads

from bench import pointer
from bench.outgoing import PacedSender, stroke_begin, stroke_end, stroke_points
from bench.wsclient import open_socket

SKETCHSITE = "sketchsite"
NAIVE = "naive"
DESIGNS = (SKETCHSITE, NAIVE)
LIVE_TYPES = frozenset(("stroke.begin", "stroke.points", "stroke.end"))


def sketchsite_relayed(frame):
    """(author, stroke, point count, whole stroke?) for each drawing message in a `batch` frame.

    Live messages carry the next points of a stroke. A committed stroke (`event` of kind
    `stroke`) carries all of them; points it holds that never came live (those a
    `stroke.end` carried) are delivered by it.
    """
    if frame.get("type") != "batch":
        return ()
    relayed = []
    for message in frame["messages"]:
        kind = message.get("type")
        if kind in LIVE_TYPES:
            relayed.append((message["author"], message["stroke"], len(message["points"]) // 2, False))
        elif kind == "event" and message.get("kind") == "stroke":
            relayed.append((message["author"], message["stroke"], len(message["points"]) // 2, True))
    return relayed


def naive_relayed(frame):
    if frame.get("type") != "point":
        return ()
    return ((frame["author"], frame["stroke"], 1, False),)


class BatchedPen:
    """Pointer events become protocol messages, sent the way frontend/connection.js sends them."""

    def __init__(self, loop, socket):
        self.sender = PacedSender(loop, socket.send_text)

    def down(self, plan, x, y):
        self.sender.send(stroke_begin(plan.stroke, plan.color, plan.width, [x, y]))

    def move(self, plan, x, y):
        self.sender.send(stroke_points(plan.stroke, [x, y]))

    def up(self, plan):
        self.sender.send(stroke_end(plan.stroke))


class NaivePen:
    """The baseline: one websocket message per point, sent the moment it is drawn."""

    def __init__(self, loop, socket):
        self.socket = socket

    def down(self, plan, x, y):
        self.move(plan, x, y)

    def move(self, plan, x, y):
        self.socket.send_text(json.dumps({"stroke": plan.stroke, "x": x, "y": y}, separators=(",", ":")))

    def up(self, plan):
        pass


WIRES = {
    SKETCHSITE: (sketchsite_relayed, BatchedPen),
    NAIVE: (naive_relayed, NaivePen),
}


class Participant:
    """One browser on the board. Counts every point it receives from someone else."""

    def __init__(self, index, design, tally, stroke_timings):
        self.index = index
        self.relayed, self.pen_class = WIRES[design]
        self.tally = tally
        # Shared by every participant of the process: a stroke id is parsed once.
        self.stroke_timings = stroke_timings
        self.received = {}
        self.me = None
        self.socket = None
        self.last_frame_at = 0.0
        self._welcomed = None

    async def join(self, url, origin, timeout):
        self._welcomed = asyncio.get_running_loop().create_future()
        self.socket = await open_socket(url, origin, self.on_text, timeout)
        self.me = await asyncio.wait_for(self._welcomed, timeout)
        return self.me

    def on_text(self, payload, received_at):
        frame = decode(payload)
        self.last_frame_at = received_at
        if self.me is None:
            if frame.get("type") == "welcome" and not self._welcomed.done():
                self._welcomed.set_result(frame["you"])
            return
        tally = self.tally
        tally.frame_received(received_at)
        if frame.get("type") == "error":
            tally.errors.append(frame.get("code"))
            return
        for author, stroke, count, whole in self.relayed(frame):
            if author == self.me:
                if not whole:
                    tally.own_echoes += count
                continue
            first = self.received.get(stroke, 0)
            if whole:
                count -= first
                if count <= 0:
                    continue
            self.received[stroke] = first + count
            timing = self.stroke_timings.get(stroke)
            if timing is None:
                timing = self.stroke_timings[stroke] = pointer.stroke_timing(stroke)
            tally.points_delivered(timing[0], timing[1], first, count, received_at)

    async def draw(self, drawer, rate, seed, start, end):
        """Draw strokes from `start` until `end`, then lift the pen."""
        loop = asyncio.get_running_loop()
        pen = self.pen_class(loop, self.socket)
        hand = pointer.Pointer(drawer, rate, seed)
        for plan in hand.strokes(start, end):
            await _sleep_until(loop, plan.start)
            for k, (x, y) in enumerate(plan.points()):
                drawn_at = plan.point_time(k)
                if drawn_at >= end:
                    break
                await _sleep_until(loop, drawn_at)
                (pen.down if k == 0 else pen.move)(plan, x, y)
                self.tally.point_sent(drawn_at, loop.time())
            await _sleep_until(loop, min(plan.end_time, end))
            pen.up(plan)

    async def leave(self):
        if self.socket is not None:
            await self.socket.close()


async def _sleep_until(loop, at):
    delay = at - loop.time()
    if delay > 0:
        await asyncio.sleep(delay)
