"""Simulated browsers: each joins the board, counts what others drew, and may draw itself.

Two wires are spoken. `sketchsite` is the real protocol with the browser's batching
(bench/outgoing.py); `naive` is the baseline's one message per point (bench/naive.py).
A sketchsite browser sends at the interval the server announces, in its welcome and in
`pace` frames, as frontend/connection.js does. Receiving is the same for both: every
relayed message names its author, its stroke and how many points it carries, and the
stroke id says when each point was drawn. Volatile frames (presence, a batch of nothing
but lasers) carry no points: they are counted apart and do not keep a browser draining.
"""

import asyncio
import json
from collections import deque
from dataclasses import dataclass, field

try:
    from orjson import loads as decode
except ImportError:  # requirements-bench.txt not installed: the standard library is slower, not wrong
    decode = json.loads

from bench import pointer
from bench.outgoing import (
    INK_STRIDE,
    SEND_INTERVAL,
    PacedSender,
    ink_pressure,
    send_interval_of,
    stroke_begin,
    stroke_end,
    stroke_points,
)
from bench.wsclient import open_socket

SKETCHSITE = "sketchsite"
NAIVE = "naive"
DESIGNS = (SKETCHSITE, NAIVE)
LIVE_TYPES = frozenset(("stroke.begin", "stroke.points", "stroke.end"))
PRESENCE = "presence"
LASER = "laser"
# How a `pace` frame starts, as the server encodes it (compact, its type first).
PACE_PREFIX = b'{"type":"pace",'


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
        # Every stroke of the benchmark is ink: three numbers a point.
        if kind in LIVE_TYPES:
            count = len(message["points"]) // INK_STRIDE
            relayed.append((message["author"], message["stroke"], count, False))
        elif kind == "event" and message.get("kind") == "stroke":
            count = len(message["points"]) // INK_STRIDE
            relayed.append((message["author"], message["stroke"], count, True))
    return relayed


def naive_relayed(frame):
    if frame.get("type") != "point":
        return ()
    return ((frame["author"], frame["stroke"], 1, False),)


class BatchedPen:
    """Pointer events become protocol messages, sent the way frontend/connection.js sends them."""

    def __init__(self, loop, socket, interval):
        self.sender = PacedSender(loop, socket.send_text, interval)

    def pace(self, interval):
        self.sender.interval = interval

    def down(self, plan, x, y):
        # The pen sends ink: each point with its pressure, as the page's does.
        self.sender.send(stroke_begin(plan.stroke, plan.item, [x, y, ink_pressure(0)]))

    def move(self, plan, x, y):
        self.sender.send(stroke_points(plan.stroke, [x, y, ink_pressure(x + y)]))

    def up(self, plan):
        self.sender.send(stroke_end(plan.stroke))


class NaivePen:
    """The baseline: one websocket message per point, sent the moment it is drawn."""

    def __init__(self, loop, socket, interval):
        self.socket = socket

    def pace(self, interval):
        pass

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


@dataclass
class FrameDigest:
    """What one relayed frame delivers, worked out once for every browser of the process."""

    kind: str | None = None
    error: str | None = None
    # Presence, or a batch of lasers only: who is here or pointing, not drawing.
    volatile: bool = False
    presence_count: int | None = None
    # (author, stroke start, seconds between points, first point, count) of each new run of points
    runs: list = field(default_factory=list)
    total: int = 0
    window: int = 0
    total_by_author: dict = field(default_factory=dict)
    window_by_author: dict = field(default_factory=dict)
    live_by_author: dict = field(default_factory=dict)


class FrameDigests:
    """Every browser on a board receives the same frames, in the same order: the server encodes
    each batch once. So a frame is decoded and its points are counted once per load-generator
    process, not once per browser; each browser then only subtracts its own points. This keeps
    the generator light enough that its own delays do not swamp the latency it measures.
    """

    KEEP = 1024

    def __init__(self, design, tally):
        self.relayed = WIRES[design][0]
        self.tally = tally
        self.received = {}  # stroke -> points delivered so far, as every browser has seen them
        self.stroke_timings = {}
        self.digests = {}
        self.order = deque()

    def get(self, payload, occurrence):
        """The digest of `payload` as the `occurrence`-th frame with that exact text.

        The same text can legitimately come twice (a pen that passes the same spot again);
        counting occurrences per browser tells a repeat from another browser's copy.
        """
        key = (payload, occurrence)
        digest = self.digests.get(key)
        if digest is None:
            digest = self.digests[key] = self._digest(decode(payload))
            self.order.append(key)
            if len(self.order) > self.KEEP:
                self.digests.pop(self.order.popleft(), None)
        return digest

    def _digest(self, frame):
        digest = FrameDigest(kind=frame.get("type"))
        if digest.kind == "error":
            digest.error = frame.get("code")
            return digest
        if digest.kind == PRESENCE:
            digest.volatile = True
            digest.presence_count = frame.get("count")
            return digest
        if digest.kind == "batch" and all(message.get("type") == LASER for message in frame["messages"]):
            digest.volatile = True
            return digest
        for author, stroke, count, whole in self.relayed(frame):
            first = self.received.get(stroke, 0)
            if whole:
                count -= first
                if count <= 0:
                    continue
            else:
                digest.live_by_author[author] = digest.live_by_author.get(author, 0) + count
            self.received[stroke] = first + count
            timing = self.stroke_timings.get(stroke)
            if timing is None:
                timing = self.stroke_timings[stroke] = pointer.stroke_timing(stroke)
            in_window = self.tally.points_in_window(timing[0], timing[1], first, count)
            digest.runs.append((author, timing[0], timing[1], first, count))
            digest.total += count
            digest.window += in_window
            digest.total_by_author[author] = digest.total_by_author.get(author, 0) + count
            digest.window_by_author[author] = digest.window_by_author.get(author, 0) + in_window
        return digest


class Participant:
    """One browser on the board. Counts every point it receives from someone else; the
    measuring ones also time each point from when it was drawn."""

    def __init__(self, index, design, tally, digests, measures_latency=True):
        self.index = index
        self.pen_class = WIRES[design][1]
        self.tally = tally
        self.digests = digests
        self.measures_latency = measures_latency
        self.occurrences = {}  # hash of a frame's text -> how many times this browser got it
        self.me = None
        self.role = None
        self.socket = None
        self.last_frame_at = 0.0
        self._welcomed = None
        # The server's pace, in seconds, and the pen that follows it once drawing.
        self.send_interval = SEND_INTERVAL
        self.pen = None

    async def join(self, url, origin, timeout):
        """Connect and wait for the welcome; returns its `you`, `role` and `name`."""
        self._welcomed = asyncio.get_running_loop().create_future()
        self.socket = await open_socket(url, origin, self.on_text, timeout)
        return await asyncio.wait_for(self._welcomed, timeout)

    def on_text(self, payload, received_at):
        if self.me is None:
            self.last_frame_at = received_at
            frame = decode(payload)
            if frame.get("type") == "welcome" and not self._welcomed.done():
                # Set here, not when join() resumes: frames in the same read come right after.
                self.me = frame["you"]
                self.role = frame.get("role")
                self.send_interval = send_interval_of(frame, SEND_INTERVAL)
                if "send_ms" in frame:
                    self.tally.pace_announced(round(self.send_interval * 1000), in_pace_frame=False)
                # Versions before class mode have no role or name.
                self._welcomed.set_result({key: frame.get(key) for key in ("you", "role", "name")})
            return
        tally = self.tally
        payload = bytes(payload)  # the socket hands over a reusable bytearray
        if payload.startswith(PACE_PREFIX):
            self.send_interval = send_interval_of(decode(payload), self.send_interval)
            tally.pace_announced(round(self.send_interval * 1000), in_pace_frame=True)
            if self.pen is not None:
                self.pen.pace(self.send_interval)
            return
        text_hash = hash(payload)
        occurrence = self.occurrences.get(text_hash, 0)
        self.occurrences[text_hash] = occurrence + 1
        digest = self.digests.get(payload, occurrence)
        if digest.volatile:
            tally.volatile_received(received_at, digest.presence_count)
            return
        self.last_frame_at = received_at
        tally.frame_received(received_at)
        if digest.error is not None:
            tally.errors.append(digest.error)
            return
        if not digest.runs:
            return
        me = self.me
        tally.points_delivered(
            digest.total - digest.total_by_author.get(me, 0),
            digest.window - digest.window_by_author.get(me, 0),
        )
        tally.own_echoes += digest.live_by_author.get(me, 0)
        if self.role == "student":
            # Own page each: a student is sent the host's ink and their own, nobody else's.
            tally.foreign_points += sum(
                count
                for author, count in digest.total_by_author.items()
                if author != me and not _is_host(author)
            )
        if self.measures_latency:
            for author, start, interval, first, count in digest.runs:
                if author != me:
                    tally.latency_of(start, interval, first, count, received_at)

    async def draw(self, drawer, rate, seed, start, end):
        """Draw strokes from `start` until `end`, then lift the pen."""
        loop = asyncio.get_running_loop()
        pen = self.pen = self.pen_class(loop, self.socket, self.send_interval)
        hand = pointer.Pointer(drawer, rate, seed)
        for plan in hand.strokes(start, end):
            await _sleep_until(loop, plan.start)
            for k, (x, y) in enumerate(plan.points()):
                drawn_at = plan.point_time(k)
                if drawn_at >= end:
                    break
                await _sleep_until(loop, drawn_at)
                (pen.down if k == 0 else pen.move)(plan, x, y)
                self.tally.point_sent(drawn_at, loop.time(), by_host=self.role == "host")
            await _sleep_until(loop, min(plan.end_time, end))
            pen.up(plan)

    async def leave(self):
        if self.socket is not None:
            await self.socket.close()


def _is_host(author):
    # Host participant ids hold this prefix, which no other id does (draw/participants.py).
    return author.startswith("host-")


async def _sleep_until(loop, at):
    delay = at - loop.time()
    if delay > 0:
        await asyncio.sleep(delay)
