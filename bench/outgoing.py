"""How the browser sends: a mirror of frontend/outgoing.js and Connection.send/flush.

A drawer's messages queue between sends; consecutive points of one stroke merge into
one message; the queue is flushed at most once per send interval, and at once when
nothing was sent during the last interval. The interval is the server's: SEND_INTERVAL
until the welcome announces one, then what `welcome` and `pace` say (0: each message as
soon as the pointer event that made it is handled). Keep this in step with the front end,
or the benchmark measures a client nobody runs.
"""

import json

STROKE_BEGIN = "stroke.begin"
STROKE_POINTS = "stroke.points"
STROKE_END = "stroke.end"

# frontend/connection.js SEND_INTERVAL_MS: the interval until a server announces one.
SEND_INTERVAL = 0.033
# The server's default MAX_POINTS_PER_MESSAGE, as the welcome announces it.
MAX_POINTS_PER_MESSAGE = 500


def stroke_begin(stroke, item, points):
    """frontend/protocol.js strokeBegin: the item travels whole, its first points beside it."""
    return {"type": STROKE_BEGIN, "stroke": stroke, "item": item, "points": points}


def marker(color, width):
    """The item of a plain line of x, y points."""
    return {"kind": "marker", "color": color, "width": width}


def ink(color, width):
    """The item of the page's pen: x, y and a pressure a point (INK_STRIDE numbers)."""
    return {"kind": "ink", "color": color, "width": width}


INK_STRIDE = 3


def ink_pressure(k):
    """A pressure for point k that rises and falls as a hand's does, 0..100 like the pen's."""
    return 40 + (k * 7) % 21


def stroke_points(stroke, points):
    return {"type": STROKE_POINTS, "stroke": stroke, "points": points}


def stroke_end(stroke, points=()):
    return {"type": STROKE_END, "stroke": stroke, "points": list(points)}


def send_interval_of(message, fallback):
    """frontend/protocol.js sendIntervalOf: the announced interval in seconds, or `fallback`."""
    value = message.get("send_ms")
    if type(value) is int and value >= 0:
        return value / 1000
    return fallback


def encode(message):
    """JSON.stringify: compact separators, keys in insertion order."""
    return json.dumps(message, separators=(",", ":"))


class OutgoingQueue:
    """Messages waiting for the next send; frontend/outgoing.js line for line."""

    def __init__(self, max_points_per_message=MAX_POINTS_PER_MESSAGE):
        self.max_points_per_message = max_points_per_message
        self.messages = []

    def __len__(self):
        return len(self.messages)

    def push(self, message):
        last = self.messages[-1] if self.messages else None
        mergeable = (
            last is not None
            and last["stroke"] == message["stroke"]
            and last["type"] != STROKE_END
            and message["type"] in (STROKE_POINTS, STROKE_END)
            and (len(last["points"]) + len(message["points"])) / 2 <= self.max_points_per_message
        )
        if not mergeable:
            self.messages.append({**message, "points": list(message["points"])})
            return
        last["points"].extend(message["points"])
        # Points then end become one end that carries the points; a begin stays a begin.
        if message["type"] == STROKE_END and last["type"] == STROKE_POINTS:
            last["type"] = STROKE_END
        elif message["type"] == STROKE_END:
            self.messages.append(stroke_end(message["stroke"]))

    def drain(self):
        """Everything queued, in order; the queue is empty afterwards."""
        messages, self.messages = self.messages, []
        return messages


class PacedSender:
    """Connection.send()/schedule()/flush(): one flush per `interval` at most, each message one frame.

    `interval` (seconds) is the connection's sendInterval: the server's pace, set by the client.
    """

    def __init__(self, loop, send_text, interval=SEND_INTERVAL):
        self._loop = loop
        self._send_text = send_text
        self.interval = interval
        self.queue = OutgoingQueue()
        self._last_send = float("-inf")
        self._timer = None

    def send(self, message):
        self.queue.push(message)
        self.schedule()

    def schedule(self):
        if self._timer is not None:
            return
        delay = max(0.0, self._last_send + self.interval - self._loop.time())
        if delay > 0:
            self._timer = self._loop.call_later(delay, self.flush)
            return
        # queueMicrotask: after the pointer event that queued it, without a timer's delay.
        self._timer = self._loop.call_soon(self.flush)

    def flush(self):
        self._timer = None
        self._last_send = self._loop.time()
        for message in self.queue.drain():
            self._send_text(encode(message))
