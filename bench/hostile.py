"""A hostile run: sockets sending what no browser sends, beside an honest drawer and viewer.

Shared by tests/test_hostile.py (a few thousand frames, asserted) and `python -m bench hostile`
(100,000 frames, reported). The honest drawer draws like the browser, within the budgets its
welcome announces; the honest viewer watches the board. Each hostile socket picks a behaviour
at a time (garbage, binary, oversized and deeply nested frames, wrong and unknown types, extra
fields, stroke ids copied from the honest drawer's `stroke.begin` on the wire, empty strokes,
undo/redo/clear storms, open-stroke hoarding, point floods, visits to other boards, strings
spelling a lone surrogate as a JSON escape, colours only a lax hex reader takes), ends it
with a probe the server must answer, and when the server closes it, reconnects with its token
(or, once its participant's budgets are spent, without one, as a new participant) and goes
on, until its frame quota or its time is spent. After the attack a fresh browser
joins the board and its HTTP reads are fetched: one poisoned row once closed every socket
opening the board (1011) and made every export fail.
"""

import asyncio
import functools
import json
import multiprocessing
import os
import random
import resource
import secrets
import string
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

from websockets.protocol import State

from bench import pointer
from bench.clients import decode
from bench.metrics import (
    Histogram,
    PeakRss,
    cpu_seconds,
    machine_busy_seconds,
    rss_bytes,
    wait_for_quiet_machine,
)
from bench.outgoing import PacedSender, marker, stroke_begin, stroke_end, stroke_points
from bench.wsclient import BoardSocket, HandshakeFailed, open_socket
from draw import protocol

HOSTILE = "hostile"

# Daphne drops, without a close frame, a text frame that is not UTF-8 or a frame over its own
# frame limit (1 MiB: `--websocket-max-frame-size` at Daphne's default); the client sees 1006.
CLOSE_DROPPED = 1006
# What Daphne closes a socket with when the application fails on it.
CLOSE_INTERNAL_ERROR = 1011
DAPHNE_FRAME_LIMIT = 1024 * 1024
# How long a hostile socket waits for the server's answer to a probe or for a close it earned.
ANSWER_TIMEOUT = 10.0
TEXT, BINARY, RAW_TEXT = "text", "binary", "raw"

COLORS = pointer.COLORS
BOARD_WIDTH, BOARD_HEIGHT = pointer.BOARD_WIDTH, pointer.BOARD_HEIGHT


def encode(message):
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


# A string of a message to build that `spelt` replaces, key or value, with a JSON escape: no
# Python str holding a lone surrogate can be encoded into a frame.
POISON = "@@poison@@"


def spelt(message, escaped):
    """The frame text of `message`, its string POISON written as the JSON string body `escaped`."""
    return encode(message).replace(f'"{POISON}"', f'"{escaped}"')


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame a hostile socket sends: what it tries (`kind`), its payload, and the close it earns."""

    kind: str
    data: object
    opcode: str = TEXT
    closes: int | None = None


# --- what the hostile sockets saw and did ------------------------------------------------------


@dataclass
class Wire:
    """What the hostile sockets of one attack share: who they are and the stroke ids they copied."""

    hostile_authors: set = field(default_factory=set)
    honest_ids: list = field(default_factory=list)
    honest_authors: set = field(default_factory=set)
    # Refs of the strokes and edits sent to be refused as poison: none may ever be acked.
    poison_refs: set = field(default_factory=set)
    _seen: set = field(default_factory=set)

    def saw_begin(self, message):
        if message["author"] in self.hostile_authors or message["stroke"] in self._seen:
            return
        self._seen.add(message["stroke"])
        self.honest_ids.append(message["stroke"])
        self.honest_authors.add(message["author"])

    def copied_ids(self, rng, count):
        recent = self.honest_ids[-50:]
        return [rng.choice(recent) for _ in range(count)] if recent else []


@dataclass
class Tally:
    """What every hostile socket of one attack sent and got back."""

    sent: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    closes: Counter = field(default_factory=Counter)
    received: Counter = field(default_factory=Counter)
    visits: Counter = field(default_factory=Counter)
    connections: int = 0
    own_closes: int = 0
    connect_failures: int = 0
    acks: int = 0
    stalls: int = 0
    close_frames_lost: int = 0
    clears_acked: int = 0
    clears_undone: int = 0
    cleanup_failures: list = field(default_factory=list)
    unexpected_closes: list = field(default_factory=list)
    unexpected_types: Counter = field(default_factory=Counter)
    unknown_error_codes: Counter = field(default_factory=Counter)
    not_closed: Counter = field(default_factory=Counter)
    wander_boards: list = field(default_factory=list)
    internal_error_closes: int = 0
    poison_refs: list = field(default_factory=list)
    poison_refused: Counter = field(default_factory=Counter)  # kind -> bad_field naming its ref
    poison_misanswered: Counter = field(default_factory=Counter)  # "kind: what came instead"
    poison_acked: list = field(default_factory=list)
    lookalikes_acked: Counter = field(default_factory=Counter)  # kind -> acked
    lookalikes_refused: Counter = field(default_factory=Counter)  # "kind: code"

    def as_dict(self):
        return {
            "frames_sent": sum(self.sent.values()),
            "sent": dict(self.sent),
            "errors": dict(self.errors),
            "closes": {str(code): count for code, count in sorted(self.closes.items())},
            "received": dict(self.received),
            "visits": dict(self.visits),
            "connections": self.connections,
            "own_closes": self.own_closes,
            "connect_failures": self.connect_failures,
            "acks": self.acks,
            "stalls": self.stalls,
            "close_frames_lost": self.close_frames_lost,
            "clears_acked": self.clears_acked,
            "clears_undone": self.clears_undone,
            "cleanup_failures": self.cleanup_failures,
            "unexpected_closes": self.unexpected_closes,
            "unexpected_types": dict(self.unexpected_types),
            "unknown_error_codes": dict(self.unknown_error_codes),
            "not_closed": dict(self.not_closed),
            "wander_boards": self.wander_boards,
            "internal_error_closes": self.internal_error_closes,
            "poison_refs": self.poison_refs,
            "poison_refused": dict(self.poison_refused),
            "poison_misanswered": dict(self.poison_misanswered),
            "poison_acked": self.poison_acked,
            "lookalikes_acked": dict(self.lookalikes_acked),
            "lookalikes_refused": dict(self.lookalikes_refused),
        }


# --- the socket ------------------------------------------------------------------------------


class RawSocket(BoardSocket):
    """The benchmark's lean socket, able to send frames no browser sends.

    Daphne resets the TCP connection right after the close handshake, so the close code is
    read from the close frame received, not from a clean end of the connection.
    """

    lost_error = None

    def connection_lost(self, exc):
        self.lost_error = exc
        super().connection_lost(exc)

    @property
    def is_open(self):
        return self._ws.state is State.OPEN and not self.closed.done()

    @property
    def close_code(self):
        received = self._ws.close_rcvd
        if received is not None:
            return received.code
        return CLOSE_DROPPED if self.closed.done() else None

    @property
    def close_reason(self):
        received = self._ws.close_rcvd
        return received.reason if received is not None else ""

    def send_frame(self, frame):
        if frame.opcode == BINARY:
            self._ws.send_binary(frame.data)
        elif frame.opcode == RAW_TEXT:
            # A text frame of bytes that need not be UTF-8.
            self._ws.send_text(frame.data)
        else:
            self._ws.send_text(frame.data.encode("utf-8"))
        self._write_pending()


async def open_raw(url, origin, on_text, timeout=ANSWER_TIMEOUT):
    """Connect, finish the handshake, and return the open RawSocket."""
    return await open_socket(url, origin, on_text, timeout, socket_class=RawSocket)


class Connection:
    """One connection of a hostile socket: its replies awaited by ref, and the closes it earned."""

    def __init__(self, loop):
        self.socket = None
        self.welcome = loop.create_future()
        self.replies = {}
        # Closes earned by a frame sent (4003, 4009, 4004, a drop by Daphne).
        self.closers = set()
        self.error_budget = protocol.Limits().max_errors_per_minute
        self.kinds = set()
        self.frames = 0
        # Frames its participant sent on earlier connections: its budgets outlive each socket.
        self.earlier_frames = 0
        self.errors = 0
        self.leaving = False

    @property
    def open(self):
        return self.socket is not None and self.socket.is_open

    def earned(self):
        """The close codes this connection has given the server a reason for."""
        codes = set(self.closers)
        # More refusals than the error budget holds: 4008.
        if self.earlier_frames + self.frames > self.error_budget:
            codes.add(protocol.CLOSE_POLICY_VIOLATION)
        return codes

    def expect(self, ref):
        """A future for the server's answer (ack or error) naming `ref`; None once closed."""
        future = asyncio.get_running_loop().create_future()
        if self.socket is not None and self.socket.closed.done():
            future.set_result(None)
        else:
            self.replies[ref] = future
        return future

    def answer(self, ref, message):
        future = self.replies.pop(ref, None)
        if future is not None and not future.done():
            future.set_result(message)

    def forget_all(self):
        for future in self.replies.values():
            if not future.done():
                future.set_result(None)
        self.replies.clear()


async def welcomed(conn):
    """True once the welcome has come; False (the connection closed by now) if it did not."""
    await asyncio.wait(
        [conn.welcome, conn.socket.closed], timeout=ANSWER_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
    )
    if conn.welcome.done():
        return True
    conn.leaving = conn.leaving or not conn.socket.closed.done()
    await conn.socket.close()
    return False


class HostileSocket:
    """One hostile participant: behaviours picked at random, a reconnect after every close."""

    def __init__(self, number, url, origin, wire, tally, quota, deadline, rate, seed):
        self.number = number
        self.url = url
        self.origin = origin
        self.wire = wire
        self.tally = tally
        self.quota = quota
        self.deadline = deadline
        self.rate = rate
        self.rng = random.Random(seed)
        self.sent = 0
        self.token = ""
        # Which of the participants this socket has been, and what that one sent so far.
        self.participant = 0
        self.participant_frames = 0
        self.you = None
        self.conn = None
        self._ids = 0
        self._started = None

    # --- the loop ----------------------------------------------------------------------------

    async def run(self):
        loop = asyncio.get_running_loop()
        self._started = loop.time()
        behaviours, weights = zip(*BEHAVIOURS, strict=True)
        while self.sent < self.quota and loop.time() < self.deadline:
            await self.connected()
            await self.rng.choices(behaviours, weights)[0](self)
            await self._pace(loop)
        await self.leave()

    async def _pace(self, loop):
        if self.rate is None:
            await asyncio.sleep(0)
            return
        due = self._started + self.sent / self.rate
        await asyncio.sleep(max(0.0, min(due, self.deadline) - loop.time()))

    async def connected(self):
        """The open connection, made again (with this participant's token) when the server closed it."""
        if self.conn is not None and self.conn.open:
            return self.conn
        loop = asyncio.get_running_loop()
        wait = 0.05
        while True:
            try:
                conn = await self._connect(f"{self.url}?token={self.token}")
            except (OSError, HandshakeFailed, TimeoutError):
                self.tally.connect_failures += 1
                if loop.time() > self.deadline + ANSWER_TIMEOUT:
                    raise
                await asyncio.sleep(wait)
                wait = min(wait * 2, 2.0)
                continue
            welcome = conn.welcome.result()
            self.token, self.you = welcome["token"], welcome["you"]
            self.wire.hostile_authors.add(self.you)
            self.conn = conn
            return conn

    async def _connect(self, url):
        conn = Connection(asyncio.get_running_loop())
        conn.participant, conn.earlier_frames = self.participant, self.participant_frames
        conn.socket = await open_raw(url, self.origin, lambda payload, at: self._on_text(conn, payload))
        conn.socket.closed.add_done_callback(lambda _: self._closed(conn))
        self.tally.connections += 1
        if not await welcomed(conn):
            raise TimeoutError(f"no welcome on {url}")
        return conn

    async def leave(self):
        if self.conn is not None and self.conn.open:
            self.conn.leaving = True
            await self.conn.socket.close()

    def new_participant(self):
        """Come back without a token: a new participant, with budgets of its own."""
        self.token = ""
        self.participant += 1
        self.participant_frames = 0

    async def reconnect(self):
        await self.leave()
        return await self.connected()

    # --- what comes back -----------------------------------------------------------------------

    def _on_text(self, conn, payload):
        try:
            message = decode(payload)
        except ValueError:
            self.tally.unexpected_types["not JSON"] += 1
            return
        kind = message.get("type")
        self.tally.received[kind] += 1
        if kind == protocol.WELCOME:
            conn.error_budget = message["limits"]["max_errors_per_minute"]
            if not conn.welcome.done():
                conn.welcome.set_result(message)
        elif kind == protocol.ERROR:
            code = message.get("code")
            conn.errors += 1
            self.tally.errors[code] += 1
            if code not in protocol.ERROR_CODES:
                self.tally.unknown_error_codes[code] += 1
            if "ref" in message:
                conn.answer(message["ref"], message)
        elif kind == protocol.ACK:
            self.tally.acks += 1
            if message["ref"] in self.wire.poison_refs:
                self.tally.poison_acked.append(message["ref"])
            conn.answer(message["ref"], message)
        elif kind == protocol.BATCH:
            for relayed in message["messages"]:
                if relayed["type"] == protocol.STROKE_BEGIN:
                    self.wire.saw_begin(relayed)
        elif kind not in (protocol.SNAPSHOT, protocol.PRESENCE):
            self.tally.unexpected_types[kind] += 1

    def _closed(self, conn):
        socket = conn.socket
        code = socket.close_code
        conn.forget_all()
        if code == CLOSE_INTERNAL_ERROR:
            self.tally.internal_error_closes += 1
        if conn.participant == self.participant:
            self.participant_frames = conn.earlier_frames + conn.frames
        if code == protocol.CLOSE_POLICY_VIOLATION and not conn.leaving:
            # A participant's budgets outlive its sockets (draw/budgets.py): one spent by its
            # errors stays spent on its token. The attacker comes back as a new participant,
            # as a class of them could, each with a budget of its own.
            self.new_participant()
        if conn.leaving:
            self.tally.own_closes += 1
        elif code in conn.earned():
            self.tally.closes[code] += 1
        elif code == CLOSE_DROPPED and conn.earned():
            # Daphne resets the connection when the close handshake has not finished within a
            # second; a client that had not read the close frame by then sees only the reset.
            self.tally.closes[code] += 1
            self.tally.close_frames_lost += 1
        else:
            self.tally.unexpected_closes.append(
                {
                    "code": code,
                    "reason": socket.close_reason,
                    "sent": sorted(conn.kinds),
                    "frames_sent": conn.frames,
                    "errors_received": conn.errors,
                    "connection_lost": repr(socket.lost_error),
                }
            )

    # --- sending -----------------------------------------------------------------------------

    def fresh_id(self, prefix="h"):
        self._ids += 1
        return f"{prefix}{self.number}x{self._ids}"

    def send(self, frame, conn=None):
        """Send one frame on the open connection; False when the server has closed it."""
        conn = conn or self.conn
        if not conn.open:
            return False
        if frame.closes is not None:
            conn.closers.add(frame.closes)
        conn.kinds.add(frame.kind)
        conn.frames += 1
        conn.socket.send_frame(frame)
        self.sent += 1
        self.tally.sent[frame.kind] += 1
        return True

    async def burst(self, frames, conn=None):
        """Send frames, then a probe the server answers after reading them all (or close)."""
        conn = conn or self.conn
        for frame in frames:
            if not self.send(frame, conn):
                return
        await self.probe(conn)

    async def probe(self, conn):
        # A stroke.end for a stroke never begun: refused with its id as `ref`, touching nothing.
        ref = self.fresh_id("p")
        answer = conn.expect(ref)
        if self.send(Frame("unknown_stroke", encode({"type": protocol.STROKE_END, "stroke": ref})), conn):
            await self.wait(conn, [answer])

    async def wait(self, conn, answers):
        """Until every answer has come, or the connection has closed."""
        pending = [answer for answer in answers if not answer.done()]
        if not pending:
            return
        _, late = await asyncio.wait(pending, timeout=ANSWER_TIMEOUT)
        if late and conn.open:
            self.tally.stalls += 1

    async def expect_close(self, frame):
        """Send a frame the server must close the connection for, and wait for that close."""
        conn = self.conn
        if self.send(frame, conn):
            try:
                await asyncio.wait_for(asyncio.shield(conn.socket.closed), ANSWER_TIMEOUT)
            except TimeoutError:
                self.tally.not_closed[frame.kind] += 1
                conn.leaving = True
                await conn.socket.close()

    async def until_acked(self, make_frames, what):
        """Send an edit or stroke again (fresh ref each time) until it is acked; False if refused for good."""
        for _ in range(200):
            conn = await self.connected()
            ref = self.fresh_id("k")
            answer = conn.expect(ref)
            for frame in make_frames(ref):
                self.send(frame, conn)
            await self.wait(conn, [answer])
            reply = answer.result() if answer.done() else None
            if reply is not None and reply["type"] == protocol.ACK:
                return True
            if reply is not None and reply["code"] not in protocol.RETRYABLE_CODES:
                self.tally.cleanup_failures.append(f"{what}: {reply['code']}")
                return False
            await asyncio.sleep(0.2)
        self.tally.cleanup_failures.append(f"{what}: never acked")
        return False

    async def expect_refused(self, kind, refusals):
        """Send each (ref, frames) and wait: the first answer naming each ref must be bad_field.

        What the socket sends to be refused is named in the wire's poison refs, so an ack of any
        of them, now or later, is counted. A ref left unanswered because the server closed the
        connection (an earned close) counts neither way.
        """
        conn = self.conn
        answers = []
        for ref, frames in refusals:
            self.wire.poison_refs.add(ref)
            self.tally.poison_refs.append(ref)
            answers.append(conn.expect(ref))
            for frame in frames:
                self.send(frame, conn)
        await self.probe(conn)
        await self.wait(conn, answers)
        for answer in answers:
            reply = answer.result() if answer.done() else None
            if reply is None:
                continue
            if reply["type"] == protocol.ERROR and reply["code"] == "bad_field":
                self.tally.poison_refused[kind] += 1
            else:
                self.tally.poison_misanswered[f"{kind}: {reply.get('code', reply['type'])}"] += 1

    async def expect_accepted(self, kind, strokes):
        """Whole strokes the server must store, each an (item, how its begin is written) pair.

        Sent on a fresh connection, so that strokes hoarded and budgets spent by this socket's
        other behaviours refuse none of them.
        """
        conn = await self.reconnect()
        answers = []
        for item, begin_text in strokes:
            ref = self.fresh_id("g")
            answers.append(conn.expect(ref))
            for frame in self.whole_stroke(ref, item, begin_text):
                self.send(frame, conn)
        await self.wait(conn, answers)
        for answer in answers:
            reply = answer.result() if answer.done() else None
            if reply is not None and reply["type"] == protocol.ACK:
                self.tally.lookalikes_acked[kind] += 1
            else:
                outcome = "no answer" if reply is None else reply.get("code", reply["type"])
                self.tally.lookalikes_refused[f"{kind}: {outcome}"] += 1

    # --- building blocks ---------------------------------------------------------------------

    def point(self):
        return [self.rng.randint(0, BOARD_WIDTH), self.rng.randint(0, BOARD_HEIGHT)]

    def points(self, count):
        flat = []
        for _ in range(count):
            flat.extend(self.point())
        return flat

    def begin(self, stroke, points=None, kind="copied_id"):
        message = stroke_begin(
            stroke, marker(self.rng.choice(COLORS), self.rng.choice((2, 3, 4, 8))), points or []
        )
        return Frame(kind, encode(message))

    def item(self, kind, color):
        """An item of `kind` in `color`, its other fields as the browser sends them."""
        if kind == "text":
            return {"kind": kind, "color": color, "size": self.rng.choice((16, 24, 44, 80)), "text": "note"}
        return {"kind": kind, "color": color, "width": self.rng.choice((2, 3, 4, 8))}

    def item_point(self, kind):
        """One point of an item of `kind`: a pressure after x and y for ink."""
        return [*self.point(), self.rng.randint(0, 100)] if kind == "ink" else self.point()

    def whole_stroke(self, stroke, item, begin_text=encode, kind="lookalike"):
        """A stroke begun and ended with a point each (a text keeps its one anchor); `begin_text`
        writes the begin's frame."""
        end_points = [] if item["kind"] == "text" else self.item_point(item["kind"])
        begin = stroke_begin(stroke, item, self.item_point(item["kind"]))
        return [Frame(kind, begin_text(begin)), Frame(kind, encode(stroke_end(stroke, end_points)))]


# --- behaviours: each sends a handful of frames and ends with a probe --------------------------


async def garbage(socket):
    rng = socket.rng
    frames = []
    for _ in range(rng.randint(5, 20)):
        text = rng.choice(
            (
                lambda: "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 300))),
                lambda: '{"type": "stroke.begin", "stroke": ',
                lambda: "{" * rng.randint(1, 50),
                lambda: "NaN",
                lambda: "\x00\x01\x02" * rng.randint(1, 100),
                lambda: "ünïcødé ✏️ " * rng.randint(1, 100),
                lambda: " " * rng.randint(0, 2000),
            )
        )()
        frames.append(Frame("garbage", text))
    await socket.burst(frames)


# Client frames of the wrong shape: not objects, no string type, fields of the wrong type or range.
WRONG_SHAPES = (
    "[]",
    "[1, 2, 3]",
    '"stroke.begin"',
    "42",
    "null",
    "true",
    "{}",
    '{"type": 5}',
    '{"type": null}',
    '{"type": ["stroke.begin"]}',
    '{"stroke": "a1"}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "red", "width": 3}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#12345", "width": 3}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": 123, "width": 3}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": "8"}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 8.5}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": true}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 0}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 65}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", '
    '"width": 1000000000000000000000000000000}}',
    '{"type": "stroke.begin", "stroke": 42, "item": {"kind": "marker", "color": "#000000", "width": 3}}',
    '{"type": "stroke.begin", "stroke": "", "item": {"kind": "marker", "color": "#000000", "width": 3}}',
    '{"type": "stroke.begin", "stroke": "a b", "item": {"kind": "marker", "color": "#000000", "width": 3}}',
    '{"type": "stroke.begin", "stroke": "ü", "item": {"kind": "marker", "color": "#000000", "width": 3}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 3},'
    ' "points": "1,2"}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 3},'
    ' "points": [1]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 3},'
    ' "points": [1.5, 2]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 3},'
    ' "points": [true, 2]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 3},'
    ' "points": [null, 1]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 3},'
    ' "points": [-1, 5]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 3},'
    ' "points": [1601, 0]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 3},'
    ' "points": [0, 901]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", "width": 3},'
    ' "points": [[1, 2]]}',
    '{"type": "stroke.begin", "stroke": "a1", "color": "#000000", "width": 3, "points": [1, 2]}',
    '{"type": "stroke.begin", "stroke": "a1", "points": [1, 2]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": "marker", "points": [1, 2]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": null, "points": [1, 2]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": [], "points": [1, 2]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"color": "#000000", "width": 3}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "laser", "color": "#000000", "width": 3}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "__proto__", "color": "#000000", "width": 3}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000"}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "marker", "color": "#000000", '
    '"width": 3, "author": "x"}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "ink", "color": "#000000", "width": 3},'
    ' "points": [1, 2]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "ink", "color": "#000000", "width": 3},'
    ' "points": [1, 2, 101]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "ink", "color": "#000000", "width": 3},'
    ' "points": [1, 2, -1]}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "text", "color": "#000000", '
    '"size": 40, "text": " "}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "text", "color": "#000000", '
    '"size": 40, "text": "a\\nb"}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "text", "color": "#000000", '
    '"size": 40, "text": "\\u202eabc"}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "text", "color": "#000000", '
    '"size": 1, "text": "a"}}',
    '{"type": "stroke.begin", "stroke": "a1", "item": {"kind": "text", "color": "#000000", '
    '"size": 40, "text": 5}}',
    '{"type": "stroke.points", "stroke": "a1", "points": {"x": 1, "y": 2}}',
    '{"type": "stroke.points", "stroke": "a1", "points": []}',
    '{"type": "stroke.end", "stroke": "a1", "points": [1e3, 2]}',
    '{"type": "erase", "id": "e1", "strokes": "s1"}',
    '{"type": "erase", "id": "e1", "strokes": ["s1"]}',
    '{"type": "erase", "id": "e1", "strokes": [["a"]]}',
    '{"type": "erase", "id": "e1", "strokes": [["a", "b", "c"]]}',
    '{"type": "erase", "id": "e1", "strokes": [[1, 2]]}',
    '{"type": "erase", "id": "e1", "strokes": []}',
    '{"type": "move", "id": "m1", "strokes": [["abcdefghjk", "s1"]]}',
    '{"type": "move", "id": "m1", "strokes": [["abcdefghjk", "s1"]], "by": [1.5, 0]}',
    '{"type": "move", "id": "m1", "strokes": [["abcdefghjk", "s1"]], "by": [1, 2, 3]}',
    '{"type": "move", "id": "m1", "strokes": [["abcdefghjk", "s1"]], "by": [100000, 0]}',
    '{"type": "move", "id": "m1", "strokes": [], "by": [1, 1]}',
    '{"type": "undo", "id": 5}',
    '{"type": "undo"}',
    '{"type": "redo", "id": "a b"}',
    '{"type": "clear", "id": ""}',
)


async def wrong_shapes(socket):
    rng = socket.rng
    frames = [Frame("wrong_shape", rng.choice(WRONG_SHAPES)) for _ in range(rng.randint(5, 20))]
    if rng.random() < 0.3:
        too_many = {"type": protocol.STROKE_POINTS, "stroke": "a1", "points": socket.points(501)}
        frames.append(Frame("too_many_points", encode(too_many)))
    await socket.burst(frames)


UNKNOWN_TYPES = (
    "stroke.delete",
    "admin",
    "ping",
    "__proto__",
    "STROKE.BEGIN",
    "",
    "x" * 200,
    "welcome",
    "ack",
    "batch",
    "event",
    "snapshot",
    "error",
    "stroke.drop",
)


async def unknown_types(socket):
    rng = socket.rng
    frames = []
    for _ in range(rng.randint(3, 12)):
        message = {"type": rng.choice(UNKNOWN_TYPES), "stroke": socket.fresh_id(), "points": socket.point()}
        frames.append(Frame("unknown_type", encode(message)))
    await socket.burst(frames)


async def extra_fields(socket):
    """Good messages with a field too many: an author (the honest one's, when seen), a seq, a flag."""
    rng = socket.rng
    honest = sorted(socket.wire.honest_authors)
    author = honest[0] if honest else "abcdefghjk"
    frames = []
    for _ in range(rng.randint(3, 10)):
        stroke = (socket.wire.copied_ids(rng, 1) or [socket.fresh_id()])[0]
        message = rng.choice(
            (
                {**stroke_begin(stroke, marker("#000000", 3), socket.point()), "author": author},
                {**stroke_begin(stroke, marker("#000000", 3), socket.point()), "seq": 1},
                {**stroke_points(stroke, socket.point()), "item": marker("#ffffff", 3)},
                {**stroke_end(stroke, socket.point()), "author": author},
                {"type": protocol.UNDO, "id": socket.fresh_id(), "author": author},
                {"type": protocol.CLEAR, "id": socket.fresh_id(), "admin": True},
                {
                    "type": protocol.ERASE,
                    "id": socket.fresh_id(),
                    "strokes": [[socket.you, stroke]],
                    "author": author,
                },
            )
        )
        frames.append(Frame("extra_field", encode(message)))
    await socket.burst(frames)


async def nested(socket):
    rng = socket.rng
    frames = []
    for _ in range(rng.randint(1, 3)):
        # Deep enough to exhaust the parser's recursion, small enough to stay under 16 KiB.
        depth = rng.randint(1000, 2500)
        text = rng.choice(
            (
                "[" * depth + "]" * depth,
                '{"a":' * depth + "1" + "}" * depth,
                '{"type": "stroke.begin", "stroke": "n1", '
                '"item": {"kind": "marker", "color": "#000000", "width": 3}, "points": '
                + "[" * depth
                + "]" * depth
                + "}",
            )
        )
        frames.append(Frame("nested", text))
    await socket.burst(frames)


async def copied_ids(socket):
    """Stroke ids copied from the honest drawer's stroke.begin messages, used as this socket's own.

    A stroke is named by (author, id): strokes begun here under a copied id are this socket's
    strokes, and whatever happens to them must leave the honest drawer's strokes alone.
    """
    rng = socket.rng
    ids = socket.wire.copied_ids(rng, 4) or [socket.fresh_id() for _ in range(4)]
    committed, unknown, doubled, _ = ids
    frames = [
        socket.begin(committed, socket.point()),
        Frame("copied_id", encode(stroke_points(committed, socket.points(rng.randint(1, 20))))),
        Frame("copied_id", encode(stroke_end(committed, socket.point()))),
        # Points and an end for a stroke this connection never began.
        Frame("copied_id", encode(stroke_points(unknown, socket.points(3)))),
        Frame("copied_id", encode(stroke_end(unknown))),
        # The same stroke begun twice: refused, and the first one dropped.
        socket.begin(doubled, socket.point()),
        socket.begin(doubled, socket.point()),
    ]
    # Erase pairs name this socket's own author or another hostile one, never the honest
    # author: erasing others' strokes is allowed (no roles yet), so a hostile erase naming the
    # honest author would hide honest strokes by design. Under a hostile author a copied id
    # names that hostile's copy, which must not touch the honest stroke of the same id.
    others = sorted(socket.wire.hostile_authors - {socket.you}) or [socket.you]
    pairs = [[socket.you, stroke] for stroke in ids] + [[rng.choice(others), rng.choice(ids)]]
    frames.append(
        Frame("copied_id_erase", encode({"type": protocol.ERASE, "id": socket.fresh_id(), "strokes": pairs}))
    )
    await socket.burst(frames)


async def empty_strokes(socket):
    frames = []
    for _ in range(socket.rng.randint(1, 4)):
        stroke = socket.fresh_id()
        frames.append(socket.begin(stroke, kind="empty_stroke"))
        frames.append(Frame("empty_stroke", encode(stroke_end(stroke))))
    await socket.burst(frames)


async def undo_redo_storm(socket):
    rng = socket.rng
    frames = [
        Frame(
            "undo_redo", encode({"type": rng.choice((protocol.UNDO, protocol.REDO)), "id": socket.fresh_id()})
        )
        for _ in range(rng.randint(15, 40))
    ]
    await socket.burst(frames)


async def clear_storm(socket):
    """Clears as fast as the socket goes; every clear that went through is then undone.

    Anyone may clear the board (no roles yet), and a clear hides the honest strokes too. So
    that the honest strokes are all on show at the end, each clear acked here is undone by its
    author, and a fresh stroke then empties the author's redo stack, so that no later redo
    storm of this socket brings a clear back.
    """
    # No hoarded strokes, and a full action budget for the storm: a participant's budgets
    # outlive its sockets, so the storm comes from a new participant.
    await socket.leave()
    socket.new_participant()
    conn = await socket.connected()
    ids = [socket.fresh_id("c") for _ in range(socket.rng.randint(6, 16))]
    answers = [conn.expect(clear) for clear in ids]
    for clear in ids:
        socket.send(Frame("clear_storm", encode({"type": protocol.CLEAR, "id": clear})), conn)
    await socket.wait(conn, answers)
    cleared = sum(
        1 for answer in answers if answer.done() and (answer.result() or {}).get("type") == protocol.ACK
    )
    socket.tally.clears_acked += cleared
    if not cleared:
        return
    for _ in range(cleared):
        if await socket.until_acked(
            lambda ref: [Frame("clear_undo", encode({"type": protocol.UNDO, "id": ref}))], "undo"
        ):
            socket.tally.clears_undone += 1

    def fresh_stroke(ref):
        return [
            socket.begin(ref, socket.point(), kind="clear_undo"),
            Frame("clear_undo", encode(stroke_end(ref))),
        ]

    await socket.until_acked(fresh_stroke, "stroke after undoing clears")


async def hoard(socket):
    """Open strokes begun and never ended, more than the connection may hold."""
    rng = socket.rng
    strokes = [socket.fresh_id("o") for _ in range(rng.randint(8, 14))]
    frames = [socket.begin(stroke, socket.point(), kind="hoard") for stroke in strokes]
    frames += [Frame("hoard", encode(stroke_points(rng.choice(strokes), socket.points(2)))) for _ in range(3)]
    await socket.burst(frames)


async def point_flood(socket):
    stroke = socket.fresh_id("f")
    frames = [socket.begin(stroke, socket.point(), kind="point_flood")]
    frames += [
        Frame("point_flood", encode(stroke_points(stroke, socket.points(500))))
        for _ in range(socket.rng.randint(2, 5))
    ]
    await socket.burst(frames)


async def erase_flood(socket):
    rng = socket.rng
    too_many = [[socket.you, f"z{index}"] for index in range(501)]
    many = [[socket.you, socket.fresh_id("z")] for _ in range(rng.randint(50, 400))]
    frames = [
        Frame("erase_flood", encode({"type": protocol.ERASE, "id": socket.fresh_id(), "strokes": too_many})),
        Frame("erase_flood", encode({"type": protocol.ERASE, "id": socket.fresh_id(), "strokes": many})),
    ]
    await socket.burst(frames)


async def oversized(socket):
    """A frame over max_message_bytes and under Daphne's own limit: closed with 4009."""
    size = socket.rng.choice((16385, 20000, 65536, 262144, DAPHNE_FRAME_LIMIT - 1024))
    message = stroke_points("big", [])
    text = encode(message)[:-2] + "1," * (size // 2) + "1]}"
    await socket.expect_close(Frame("oversized", text, closes=protocol.CLOSE_MESSAGE_TOO_BIG))


async def binary(socket):
    data = secrets.token_bytes(socket.rng.randint(1, 2000))
    await socket.expect_close(Frame("binary", data, BINARY, closes=protocol.CLOSE_UNSUPPORTED_DATA))


async def transport(socket):
    """What Daphne itself refuses before the application sees it: bad UTF-8, a frame over its limit."""
    if socket.rng.random() < 0.5:
        frame = Frame("bad_utf8", b'{"type": "\xff\xfe"}', RAW_TEXT, closes=CLOSE_DROPPED)
    else:
        frame = Frame(
            "over_transport", "x" * (DAPHNE_FRAME_LIMIT + socket.rng.randint(1, 4096)), closes=CLOSE_DROPPED
        )
    await socket.expect_close(frame)


# Board names that are not board names: closed with 4004.
BAD_BOARD_NAMES = ("Bad-Name", "-nope-", "a_b", "x" * 40, "dot.dot")
QUERIES = ("", "?token=forged-token", "?since=-5", "?since=abc", "?since=999999999", "?token=&since=1")


async def wander(socket):
    """A visit to another board: a fresh name (nothing must be stored for it) or a bad one (4004)."""
    rng = socket.rng
    base = socket.url.rsplit("/ws/boards/", 1)[0]
    bad = rng.random() < 0.3
    name = rng.choice(BAD_BOARD_NAMES) if bad else f"hostile-{secrets.token_hex(6)}"
    url = f"{base}/ws/boards/{name}/{rng.choice(QUERIES)}"
    conn = Connection(asyncio.get_running_loop())
    try:
        conn.socket = await open_raw(url, socket.origin, lambda payload, at: socket._on_text(conn, payload))
    except (OSError, HandshakeFailed, TimeoutError):
        socket.tally.connect_failures += 1
        return
    socket.tally.connections += 1
    conn.socket.closed.add_done_callback(lambda _: socket._closed(conn))
    if bad:
        conn.closers.add(protocol.CLOSE_BOARD_NOT_FOUND)
        socket.tally.visits["bad name"] += 1
        try:
            await asyncio.wait_for(asyncio.shield(conn.socket.closed), ANSWER_TIMEOUT)
        except TimeoutError:
            socket.tally.not_closed["bad board name"] += 1
            conn.leaving = True
            await conn.socket.close()
        return
    socket.tally.visits["new board"] += 1
    socket.tally.wander_boards.append(name)
    if not await welcomed(conn):
        socket.tally.stalls += 1
        return
    frames = [Frame("wander", rng.choice(WRONG_SHAPES)) for _ in range(rng.randint(2, 6))]
    await socket.burst(frames, conn)
    conn.leaving = True
    await conn.socket.close()


# Bodies of JSON strings that decode to text holding a lone surrogate: a high one alone or at
# the end, a low one first, a pair in the wrong order, two highs, a high before a letter.
POISON_TEXTS = (
    r"x\ud800y",
    r"a\ud83d",
    r"\ude00b",
    r"\ude00\ud83d",
    r"\udfff",
    r"\uDBFF\uDBFF",
    r"ok\ud83d\u0041",
)
# Escapes that decode to Unicode text: a pair in order (either case), a letter, an escaped
# backslash before "ud800". The check is of the decoded string, so each must be stored.
ESCAPED_TEXTS = (r"\ud83d\ude00", r"\uD83D\uDE00 ok", r"caf\u00e9", r"x\\ud800y", r"\u0041")
# Colours Python's int(x, 16) reads (signs, '0x', underscores, spaces, Arabic-Indic and
# full-width digits) or that are not seven characters: refused, only #rrggbb is a colour.
LAX_COLOURS = (
    "#+12345",
    "#ab_cde",
    "# 1234 ",
    "#0x1234",
    "#\u0661\u0662\u0663\u0664\u0665\u0666",
    "#\uff11\uff12\uff13\uff14\uff15\uff16",
    "#12345\n",
    "#\t12345",
    "#-12345",
    "#0X1234",
    "#1_2_34",
    "#+0x123",
    "#123456\n",
    "#12345678",
)
# Upper case is a colour: read as its lower case.
UPPER_CASE_COLOURS = ("#1E1E1E", "#ABCDEF", "#D64545", "#2F80eD")
KINDS = ("marker", "ink", "highlighter", "line", "arrow", "rect", "ellipse", "text")


def lone_surrogate(rng):
    """The body of a JSON string holding one escape of U+D800-U+DFFF between letters."""
    code = rng.randint(0xD800, 0xDFFF)
    escape = f"\\u{code:04X}" if rng.random() < 0.3 else f"\\u{code:04x}"

    def letters():
        return "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(0, 6)))

    return letters() + escape + letters()


def poisoned_text(rng):
    return rng.choice(POISON_TEXTS) if rng.random() < 0.5 else lone_surrogate(rng)


async def poison_text(socket):
    """Text items whose text spells a lone surrogate: once stored, such a text closed every socket
    opening the board (1011) and failed every export. Then, at times, escapes that are text."""
    rng = socket.rng
    refusals = []
    for _ in range(rng.randint(2, 5)):
        stroke = socket.fresh_id("t")
        item = {**socket.item("text", rng.choice(COLORS)), "text": POISON}
        begin_text = functools.partial(spelt, escaped=poisoned_text(rng))
        refusals.append((stroke, socket.whole_stroke(stroke, item, begin_text, "poison_text")))
    await socket.expect_refused("poison_text", refusals)
    if rng.random() < 0.4:
        item = {**socket.item("text", rng.choice(COLORS)), "text": POISON}
        texts = rng.sample(ESCAPED_TEXTS, 2)
        await socket.expect_accepted(
            "escaped_text", [(item, functools.partial(spelt, escaped=escaped)) for escaped in texts]
        )


def _field_name(socket, ref, escaped):
    return spelt({**stroke_begin(ref, marker("#1e1e1e", 3), socket.point()), POISON: 1}, escaped)


def _item_field_name(socket, ref, escaped):
    return spelt(stroke_begin(ref, {**marker("#1e1e1e", 3), POISON: 1}, socket.point()), escaped)


def _item_kind(socket, ref, escaped):
    item = {"kind": POISON, "color": "#1e1e1e", "width": 3}
    return spelt(stroke_begin(ref, item, socket.point()), "marker" + escaped)


def _colour(socket, ref, escaped):
    return spelt(stroke_begin(ref, marker(POISON, 3), socket.point()), "#1e1e1" + escaped)


def _erase_pair_id(socket, ref, escaped):
    return spelt({"type": protocol.ERASE, "id": ref, "strokes": [[socket.you, POISON]]}, escaped)


def _erase_pair_author(socket, ref, escaped):
    return spelt({"type": protocol.ERASE, "id": ref, "strokes": [[POISON, "s1"]]}, escaped)


def _type(socket, ref, escaped):
    return spelt(
        {**stroke_begin(ref, marker("#1e1e1e", 3), socket.point()), "type": POISON}, "stroke.begin" + escaped
    )


# Where else a string of a frame may spell a lone surrogate, each naming a valid ref.
POISONED_STRINGS = (
    _field_name,
    _item_field_name,
    _item_kind,
    _colour,
    _erase_pair_id,
    _erase_pair_author,
    _type,
)


async def poison_strings(socket):
    """The same escapes in a frame's other strings: a field's name, an item's kind or colour, an
    erase pair's author or id, the type."""
    rng = socket.rng
    refusals = []
    for _ in range(rng.randint(2, 6)):
        ref = socket.fresh_id("t")
        text = rng.choice(POISONED_STRINGS)(socket, ref, poisoned_text(rng))
        refusals.append((ref, [Frame("poison_string", text)]))
    await socket.expect_refused("poison_string", refusals)


async def lax_colours(socket):
    """Strokes of every kind in colours only a lax hex reader takes: stored, they failed export.png.
    Then, at times, upper-case colours, which are colours."""
    rng = socket.rng
    refusals = []
    for _ in range(rng.randint(2, 6)):
        stroke = socket.fresh_id("t")
        item = socket.item(rng.choice(KINDS), rng.choice(LAX_COLOURS))
        refusals.append((stroke, socket.whole_stroke(stroke, item, kind="lax_colour")))
    await socket.expect_refused("lax_colour", refusals)
    if rng.random() < 0.4:
        colours = rng.sample(UPPER_CASE_COLOURS, 2)
        await socket.expect_accepted(
            "upper_case_colour", [(socket.item(rng.choice(KINDS), colour), encode) for colour in colours]
        )


# (behaviour, weight): how often each is picked.
BEHAVIOURS = (
    (garbage, 12),
    (wrong_shapes, 12),
    (unknown_types, 8),
    (extra_fields, 8),
    (nested, 4),
    (copied_ids, 14),
    (empty_strokes, 6),
    (undo_redo_storm, 6),
    (clear_storm, 2),
    (hoard, 4),
    (point_flood, 4),
    (erase_flood, 3),
    (oversized, 3),
    (binary, 3),
    (transport, 1),
    (wander, 3),
    (poison_text, 5),
    (poison_strings, 3),
    (lax_colours, 5),
)


async def attack(board_url, origin, sockets, frames, seconds, paced, seed):
    """`sockets` hostile sockets sending about `frames` frames in all, for at most `seconds`.

    Paced, each spreads its share over `seconds`; otherwise each sends as fast as the server
    answers it. Returns the tally as a dict.
    """
    loop = asyncio.get_running_loop()
    wire, tally = Wire(), Tally()
    quota = frames // sockets
    deadline = loop.time() + seconds
    rate = quota / seconds if paced else None
    hostiles = [
        HostileSocket(number, board_url, origin, wire, tally, quota, deadline, rate, seed * 1000 + number)
        for number in range(sockets)
    ]
    started = loop.time()
    cpu_before = _own_cpu()
    await asyncio.gather(*(hostile.run() for hostile in hostiles))
    result = tally.as_dict()
    result["seconds"] = round(loop.time() - started, 2)
    result["copied_ids_seen"] = len(wire.honest_ids)
    result["hostile_authors"] = sorted(wire.hostile_authors)
    result["attacker_cpu_seconds"] = round(_own_cpu() - cpu_before, 2)
    return result


def _own_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _attack_process(pipe, args):
    pipe.send(asyncio.run(attack(*args)))
    pipe.close()


async def attack_in_process(*args):
    """attack(), in a process of its own, so its work does not delay the honest clients' loop."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_attack_process, args=(sending, args), name="hostile")
    process.start()
    sending.close()
    try:
        return await asyncio.to_thread(receiving.recv)
    finally:
        await asyncio.to_thread(process.join, 30)
        if process.is_alive():
            process.kill()


# --- the honest side ---------------------------------------------------------------------------


# The honest drawer's strokes and the pauses between them, in seconds.
STROKE_SECONDS = (0.2, 0.6)
PAUSE_SECONDS = (0.1, 0.3)


def quick_strokes(rng, start, drawer=0, rate=60):
    """Short strokes from `start` on, as a hand scribbling notes; ids as bench/pointer.py makes them."""
    at = start
    while True:
        start_ms = int(at * 1000) + 1
        radius = (rng.uniform(30, 200), rng.uniform(20, 120))
        center = (
            rng.uniform(radius[0] + 1, BOARD_WIDTH - radius[0] - 1),
            rng.uniform(radius[1] + 1, BOARD_HEIGHT - radius[1] - 1),
        )
        plan = pointer.StrokePlan(
            stroke=pointer.stroke_id(drawer, start_ms, rate),
            start=start_ms / 1000,
            interval=1 / rate,
            point_count=max(2, round(rng.uniform(*STROKE_SECONDS) * rate)),
            color=rng.choice(COLORS),
            width=rng.choice((2, 3, 4, 6, 8)),
            center=center,
            radius=radius,
            frequency=(rng.uniform(1.5, 4.0), rng.uniform(1.5, 4.0)),
            phase=(rng.uniform(0, 6.28), rng.uniform(0, 6.28)),
        )
        yield plan
        at = plan.end_time + rng.uniform(*PAUSE_SECONDS)


class HonestDrawer:
    """A browser drawing: stroke.begin/points/end as the pen moves, batched as connection.js does."""

    RATE = 60

    def __init__(self, board_url, origin, seed):
        self.board_url = board_url
        self.origin = origin
        self.rng = random.Random(seed)
        self.socket = None
        self.welcome = None
        self.you = None
        self.strokes = {}  # stroke id -> (plan, flat points) of every stroke drawn
        self.phases = {}  # stroke id -> phase name
        self.acks = {}
        self.errors = []
        self.drops = []
        self._welcomed = None

    async def join(self):
        self._welcomed = asyncio.get_running_loop().create_future()
        self.socket = await open_raw(f"{self.board_url}?token=", self.origin, self._on_text)
        self.welcome = await asyncio.wait_for(self._welcomed, ANSWER_TIMEOUT)
        self.you = self.welcome["you"]
        self._check_budgets(self.welcome["limits"])
        self.sender = PacedSender(asyncio.get_running_loop(), self.socket.send_text)

    def _check_budgets(self, limits):
        # The browser keeps a tenth under the server's budgets; so does this drawer, with room to spare.
        strokes_per_second = 1 / (STROKE_SECONDS[0] + PAUSE_SECONDS[0])
        if (
            self.RATE > 0.9 * limits["max_points_per_second"]
            or strokes_per_second > 0.9 * limits["max_actions_per_second"]
        ):
            raise ValueError(f"the honest drawer would exceed the budgets of {limits}")

    def _on_text(self, payload, received_at):
        message = decode(payload)
        kind = message["type"]
        if kind == protocol.WELCOME:
            self._welcomed.set_result(message)
        elif kind == protocol.ACK:
            self.acks[message["ref"]] = message["seq"]
        elif kind == protocol.ERROR:
            self.errors.append(message)
        elif kind == protocol.BATCH:
            for relayed in message["messages"]:
                if relayed["type"] == protocol.STROKE_DROP and relayed["author"] == self.you:
                    self.drops.append(relayed)

    @property
    def close_code(self):
        return self.socket.close_code

    async def draw(self, phase, stop):
        """Draw strokes until `stop()` is true before one begins; each point at its own moment."""
        loop = asyncio.get_running_loop()
        for plan in quick_strokes(self.rng, loop.time() + 0.05, rate=self.RATE):
            if stop() or self.socket.closed.done():
                return
            points = []
            for k, (x, y) in enumerate(plan.points()):
                delay = plan.point_time(k) - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                if k == 0:
                    self.sender.send(stroke_begin(plan.stroke, marker(plan.color, plan.width), [x, y]))
                else:
                    self.sender.send(stroke_points(plan.stroke, [x, y]))
                points += [x, y]
            self.sender.send(stroke_end(plan.stroke))
            self.strokes[plan.stroke] = (plan, points)
            self.phases[plan.stroke] = phase

    async def wait_acked(self, timeout):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while set(self.strokes) - set(self.acks) and loop.time() < deadline:
            await asyncio.sleep(0.05)

    async def close(self):
        await self.socket.close()


class HonestViewer:
    """A browser watching the board: every committed event in order, and the honest points' latency."""

    def __init__(self, board_url, origin):
        self.board_url = board_url
        self.origin = origin
        self.socket = None
        self.author = None
        self.last_seq = 0
        self.gaps = []
        self.repeats = 0
        self.events = Counter()  # (author, stroke) -> stroke events seen
        self.honest_events = {}  # stroke id -> the honest author's stroke event
        self.honest_drops = []
        self.errors = []
        self.begun = set()  # stroke ids of every stroke.begin relayed, by anyone
        self.live_seen = Counter()
        self.latency = {}
        self.windows = []  # (phase, start, end) by the time a point was drawn
        self._welcomed = None

    async def join(self):
        self._welcomed = asyncio.get_running_loop().create_future()
        self.socket = await open_raw(f"{self.board_url}?token=", self.origin, self._on_text)
        welcome = await asyncio.wait_for(self._welcomed, ANSWER_TIMEOUT)
        self.last_seq = welcome["seq"]

    @property
    def close_code(self):
        return self.socket.close_code

    def _on_text(self, payload, received_at):
        message = decode(payload)
        kind = message["type"]
        if kind == protocol.WELCOME:
            self._welcomed.set_result(message)
        elif kind == protocol.ERROR:
            self.errors.append(message)
        elif kind == protocol.BATCH:
            for relayed in message["messages"]:
                self._relayed(relayed, received_at)

    def _relayed(self, message, received_at):
        kind = message["type"]
        if kind == protocol.STROKE_BEGIN:
            self.begun.add(message["stroke"])
        if kind == protocol.EVENT:
            self._event(message, received_at)
        elif message.get("author") != self.author:
            return
        elif kind in (protocol.STROKE_BEGIN, protocol.STROKE_POINTS, protocol.STROKE_END):
            count = len(message["points"]) // 2
            self._latency(message["stroke"], self.live_seen[message["stroke"]], count, received_at)
            self.live_seen[message["stroke"]] += count
        elif kind == protocol.STROKE_DROP:
            self.honest_drops.append(message)

    def _event(self, event, received_at):
        seq = event["seq"]
        if seq <= self.last_seq:
            self.repeats += 1
            return
        if seq != self.last_seq + 1:
            self.gaps.append((self.last_seq, seq))
        self.last_seq = seq
        if event["kind"] != "stroke":
            return
        key = (event["author"], event["stroke"])
        self.events[key] += 1
        if event["author"] == self.author:
            self.honest_events[event["stroke"]] = event
            total = len(event["points"]) // 2
            seen = self.live_seen[event["stroke"]]
            if total > seen:
                # Points the end carried reach the viewer in the committed stroke.
                self._latency(event["stroke"], seen, total - seen, received_at)
                self.live_seen[event["stroke"]] = total

    def _latency(self, stroke, first, count, received_at):
        start, interval = pointer.stroke_timing(stroke)
        for k in range(first, first + count):
            drawn_at = start + k * interval
            for phase, begin, end in self.windows:
                if begin <= drawn_at < end:
                    self.latency.setdefault(phase, Histogram()).add(received_at - drawn_at)

    async def wait_for(self, strokes, timeout):
        """Until the committed events of `strokes` (honest ids) have all arrived, or `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while set(strokes) - set(self.honest_events) and loop.time() < deadline:
            await asyncio.sleep(0.05)

    async def close(self):
        await self.socket.close()


@dataclass
class FreshJoin:
    """What a browser joining the board got: its welcome, its snapshot, or the close instead."""

    welcomed: bool = False
    seq: int | None = None
    total: int | None = None  # strokes the snapshot announced, once its last part came
    strokes: dict = field(default_factory=dict)  # (author, stroke id) -> compact stroke
    close_code: int | None = None
    failure: str | None = None

    @property
    def complete(self):
        """Welcomed, every stroke the snapshot announced received, and the socket still open."""
        return (
            self.welcomed and self.total == len(self.strokes) and self.close_code is None and not self.failure
        )

    def summary(self):
        return {
            "welcomed": self.welcomed,
            "complete": self.complete,
            "strokes": len(self.strokes),
            "announced": self.total,
            "close_code": self.close_code,
            "failure": self.failure,
        }


async def join_fresh(board_url, origin, timeout=30.0):
    """Join the board as a newly opened page does, and keep what came: a FreshJoin."""
    loop = asyncio.get_running_loop()
    complete = loop.create_future()
    joined = FreshJoin()

    def on_text(payload, received_at):
        message = decode(payload)
        if message["type"] == protocol.WELCOME:
            joined.welcomed, joined.seq = True, message["seq"]
        elif message["type"] == protocol.SNAPSHOT:
            for stroke in message["strokes"]:
                joined.strokes[(stroke[1], stroke[0])] = stroke
            if message["index"] + len(message["strokes"]) >= message["total"] and not complete.done():
                joined.total = message["total"]
                complete.set_result(None)

    try:
        socket = await open_raw(f"{board_url}?token=", origin, on_text)
    except (OSError, HandshakeFailed, TimeoutError) as error:
        joined.failure = f"{type(error).__name__}: {error}"
        return joined
    try:
        await asyncio.wait([complete, socket.closed], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if complete.done():
            # A board that fails a joiner does so right after its snapshot, too.
            await asyncio.wait([socket.closed], timeout=0.5)
        elif not socket.closed.done():
            joined.failure = f"no complete snapshot in {timeout} s"
        if socket.closed.done():
            joined.close_code = socket.close_code
    finally:
        await socket.close()
    return joined


# The board's reads over HTTP, under /b/<board>/.
BOARD_READS = ("export.png", "export.svg", "snapshot")


def board_reads(http_url, board):
    """{read: HTTP status} of each of the board's BOARD_READS."""
    return {read: http_status(f"{http_url}/b/{board}/{read}", timeout=60) for read in BOARD_READS}


# --- one run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileSpec:
    """How hard and how long to attack."""

    sockets: int = 6
    frames: int = 4200
    seconds: float = 18.0  # the attack stops at this time limit, its quota spent or not
    paced: bool = True  # spread each socket's frames over `seconds`, or send as fast as answered
    quiet_seconds: float = 0.0  # honest drawing before the attack, for a latency baseline
    seed: int = 1
    separate_process: bool = False  # attack from a process of its own


@dataclass
class HostileRun:
    drawer: HonestDrawer
    viewer: HonestViewer
    hostile: dict
    fresh_join: FreshJoin  # a browser joining after the attack
    board_reads: dict  # {read: HTTP status} after the attack
    attack_seconds: float
    drawer_close: int | None
    viewer_close: int | None

    @property
    def snapshot(self):
        return self.fresh_join.strokes

    @property
    def snapshot_seq(self):
        return self.fresh_join.seq

    def internal_error_closes(self):
        """Sockets the server closed with 1011, hostile, honest and the fresh join's together."""
        honest = (self.drawer_close, self.viewer_close, self.fresh_join.close_code)
        return self.hostile["internal_error_closes"] + honest.count(CLOSE_INTERNAL_ERROR)

    def poison_seen(self):
        """Refs of the poison sent that reached anyone: relayed live, committed, or on the board."""
        seen = (
            self.viewer.begun | {stroke for _, stroke in self.viewer.events} | {s for _, s in self.snapshot}
        )
        return sorted(seen & set(self.hostile["poison_refs"]))

    def honest_strokes(self, phase=None):
        return {
            stroke: drawn
            for stroke, drawn in self.drawer.strokes.items()
            if phase is None or self.drawer.phases[stroke] == phase
        }

    def lost(self):
        """Honest stroke ids not acked, not seen exactly once by the viewer, or not on the final board."""
        lost = []
        author = self.drawer.you
        for stroke, (plan, points) in self.drawer.strokes.items():
            event = self.viewer.honest_events.get(stroke)
            on_board = self.snapshot.get((author, stroke))
            if (
                stroke not in self.drawer.acks
                or self.viewer.events[(author, stroke)] != 1
                or event is None
                or event["points"] != points
                or on_board is None
                or on_board[2:4] != [marker(plan.color, plan.width), points]
            ):
                lost.append(stroke)
        return lost


async def run(ws_base, origin, board, spec, on_attack_start=None, on_attack_end=None):
    """An honest drawer and viewer on `board`; after `spec.quiet_seconds`, the attack beside them."""
    loop = asyncio.get_running_loop()
    board_url = f"{ws_base}/ws/boards/{board}/"
    viewer = HonestViewer(board_url, origin)
    await viewer.join()
    drawer = HonestDrawer(board_url, origin, spec.seed)
    await drawer.join()
    viewer.author = drawer.you
    if spec.quiet_seconds:
        quiet_until = loop.time() + spec.quiet_seconds
        viewer.windows.append(("quiet", loop.time(), quiet_until))
        await drawer.draw("quiet", lambda: loop.time() >= quiet_until)
    attack_args = (board_url, origin, spec.sockets, spec.frames, spec.seconds, spec.paced, spec.seed)
    if on_attack_start:
        on_attack_start()
    started = loop.time()
    viewer.windows.append(("attack", started, float("inf")))
    attacking = asyncio.ensure_future((attack_in_process if spec.separate_process else attack)(*attack_args))
    await drawer.draw("attack", attacking.done)
    hostile = await attacking
    attack_seconds = loop.time() - started
    if on_attack_end:
        on_attack_end()
    await drawer.wait_acked(timeout=15)
    await viewer.wait_for(drawer.strokes, timeout=15)
    fresh_join = await join_fresh(board_url, origin)
    # The origin is the site's own address, under which its HTTP reads are.
    reads = await asyncio.to_thread(board_reads, origin, board)
    drawer_close, viewer_close = drawer.close_code, viewer.close_code
    await drawer.close()
    await viewer.close()
    return HostileRun(drawer, viewer, hostile, fresh_join, reads, attack_seconds, drawer_close, viewer_close)


def healthz(http_url, timeout=5):
    """The body of /healthz, or the error that came instead."""
    try:
        with urllib.request.urlopen(f"{http_url}/healthz", timeout=timeout) as response:
            return response.read().decode()
    except OSError as error:
        return f"{type(error).__name__}: {error}"


def http_status(url, timeout=5):
    """The status a GET of `url` answered, or the error that came instead of an answer."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return f"{type(error).__name__}: {error}"


# --- the benchmark ---------------------------------------------------------------------------------

BENCH_SPEC = HostileSpec(
    sockets=8, frames=100_000, seconds=600.0, paced=False, quiet_seconds=15.0, separate_process=True
)


def run_benchmark(data_dir, log_dir, spec=BENCH_SPEC):
    """`python -m bench hostile`: one Daphne, one honest drawer and viewer, `spec.frames` hostile frames."""
    from bench.clients import SKETCHSITE
    from bench.servers import ServerGroup

    wait_for_quiet_machine(max_wait=30)
    with ServerGroup(SKETCHSITE, 1, "memory", data_dir, log_dir) as servers:
        server = servers.servers[0]
        pid = server.pid
        marks = {"rss_before": rss_bytes([pid])}

        def attack_started():
            marks["cpu_before"] = cpu_seconds([pid])[pid]
            marks["machine_before"] = machine_busy_seconds()
            marks["honest_before"] = _own_cpu()
            marks["at_start"] = time.monotonic()

        def attack_ended():
            marks["cpu_seconds"] = cpu_seconds([pid])[pid] - marks["cpu_before"]
            busy, softirq = machine_busy_seconds()
            marks["machine_seconds"] = busy - marks["machine_before"][0]
            marks["softirq_seconds"] = softirq - marks["machine_before"][1]
            marks["honest_seconds"] = _own_cpu() - marks["honest_before"]
            marks["wall"] = time.monotonic() - marks["at_start"]
            marks["rss_after"] = rss_bytes([pid])

        board = f"hostile-{secrets.token_hex(4)}"
        with PeakRss([pid]) as peak:
            result = asyncio.run(run(server.url, server.origin, board, spec, attack_started, attack_ended))
        marks["rss_peak"] = peak.peak
        alive = server.process.poll() is None
        health = healthz(server.origin)
    tracebacks = server.log_path.read_text(errors="replace").count("Traceback")
    return figures(result, spec, marks, alive, health, tracebacks)


def _latency(histogram):
    summary = (histogram or Histogram()).summary_ms()
    return {
        "points": summary["count"],
        "p50_ms": summary["p50"],
        "p99_ms": summary["p99"],
        "max_ms": summary["max"],
    }


def figures(result, spec, marks, alive, health, tracebacks):
    hostile = result.hostile
    lost = result.lost()
    attack_strokes = result.honest_strokes("attack")
    return {
        "spec": {
            "sockets": spec.sockets,
            "frames": spec.frames,
            "paced": spec.paced,
            "quiet_seconds": spec.quiet_seconds,
        },
        "hostile_frames_sent": hostile["frames_sent"],
        "hostile_frames_by_kind": hostile["sent"],
        "hostile_connections": hostile["connections"],
        "errors_by_code": hostile["errors"],
        "closes_by_code": hostile["closes"],
        "close_frames_lost": hostile["close_frames_lost"],
        "unexpected_closes": hostile["unexpected_closes"],
        "attack_seconds": round(result.attack_seconds, 1),
        "hostile_frames_per_s": round(hostile["frames_sent"] / result.attack_seconds),
        "attacker_cpu_seconds": hostile["attacker_cpu_seconds"],
        "honest_strokes_drawn": len(result.drawer.strokes),
        "honest_strokes_drawn_during_attack": len(attack_strokes),
        "honest_strokes_acked": sum(1 for stroke in result.drawer.strokes if stroke in result.drawer.acks),
        "honest_strokes_lost": len(lost),
        "honest_errors": len(result.drawer.errors) + len(result.viewer.errors),
        "honest_closes": [code for code in (result.drawer_close, result.viewer_close) if code is not None],
        "viewer_gaps": len(result.viewer.gaps),
        "latency_quiet": _latency(result.viewer.latency.get("quiet")),
        "latency_attack": _latency(result.viewer.latency.get("attack")),
        "server_rss_mb_before": round(marks["rss_before"] / 2**20, 1),
        "server_rss_mb_after": round(marks["rss_after"] / 2**20, 1),
        "server_rss_mb_peak": round(marks["rss_peak"] / 2**20, 1),
        "server_cpu_percent": round(100 * marks["cpu_seconds"] / marks["wall"]),
        "machine_cpu_percent": round(100 * marks["machine_seconds"] / marks["wall"]),
        "attacker_cpu_percent": round(100 * hostile["attacker_cpu_seconds"] / marks["wall"]),
        "honest_clients_cpu_percent": round(100 * marks["honest_seconds"] / marks["wall"]),
        "softirq_cpu_percent": round(100 * marks["softirq_seconds"] / marks["wall"]),
        # What no process of the run used: other work on the machine disturbing the figures.
        "other_cpu_percent": round(
            100
            * (
                marks["machine_seconds"]
                - marks["cpu_seconds"]
                - hostile["attacker_cpu_seconds"]
                - marks["honest_seconds"]
                - marks["softirq_seconds"]
            )
            / marks["wall"]
        ),
        "server_alive": alive,
        "healthz": health,
        "server_log_tracebacks": tracebacks,
        "final_board_strokes": len(result.snapshot),
        "final_seq": result.snapshot_seq,
        "poison_frames_sent": sum(hostile["sent"].get(kind, 0) for kind in POISON_KINDS),
        "poison_refused": hostile["poison_refused"],
        "poison_misanswered": hostile["poison_misanswered"],
        "poison_acked": len(hostile["poison_acked"]),
        "poison_seen": len(result.poison_seen()),
        "lookalikes_acked": hostile["lookalikes_acked"],
        "lookalikes_refused": hostile["lookalikes_refused"],
        "internal_error_closes": result.internal_error_closes(),
        "fresh_join": result.fresh_join.summary(),
        "board_reads": result.board_reads,
    }


POISON_KINDS = ("poison_text", "poison_string", "lax_colour")


def table(figures):
    """The hostile run's figures as text."""
    spec = figures["spec"]

    def counts(by_code):
        return ", ".join(f"{code} {count:,}" for code, count in sorted(by_code.items())) or "none"

    def fresh_join(joined):
        if joined["complete"]:
            return f"welcome and a snapshot of {joined['strokes']:,} strokes"
        return (
            f"{'welcome' if joined['welcomed'] else 'no welcome'}, {joined['strokes']:,} of "
            f"{joined['announced']} strokes, closed {joined['close_code']}, {joined['failure'] or 'no error'}"
        )

    def latency(phase):
        latency = figures[phase]
        return (
            f"p50 {latency['p50_ms']} ms, p99 {latency['p99_ms']} ms, max {latency['max_ms']} ms "
            f"({latency['points']:,} points)"
        )

    rows = (
        (
            "hostile frames sent",
            f"{figures['hostile_frames_sent']:,} in {figures['attack_seconds']} s "
            f"({figures['hostile_frames_per_s']:,}/s) on {figures['hostile_connections']:,} connections",
        ),
        ("errors by code", counts(figures["errors_by_code"])),
        ("closes by code", counts(figures["closes_by_code"])),
        (
            "closes not as earned",
            f"{figures['close_frames_lost']} close frames reset away (seen as 1006), "
            f"{len(figures['unexpected_closes'])} unexpected",
        ),
        (
            "honest strokes",
            f"drawn {figures['honest_strokes_drawn']} ({figures['honest_strokes_drawn_during_attack']} "
            f"during the attack), acked {figures['honest_strokes_acked']}, "
            f"lost {figures['honest_strokes_lost']}",
        ),
        ("honest errors, closes", f"{figures['honest_errors']}, {figures['honest_closes'] or 'none'}"),
        ("honest latency, no attack", latency("latency_quiet")),
        ("honest latency, attack", latency("latency_attack")),
        (
            "server RSS",
            f"{figures['server_rss_mb_before']} MB before, {figures['server_rss_mb_after']} MB after, "
            f"{figures['server_rss_mb_peak']} MB peak",
        ),
        ("server CPU, attack", f"{figures['server_cpu_percent']} % of one core"),
        (
            "machine CPU, attack",
            f"{figures['machine_cpu_percent']} % of {100 * os.cpu_count()}: attacker "
            f"{figures['attacker_cpu_percent']} %, honest clients {figures['honest_clients_cpu_percent']} %, "
            f"softirq {figures['softirq_cpu_percent']} %, other processes {figures['other_cpu_percent']} %",
        ),
        ("server alive, /healthz", f"{figures['server_alive']}, {figures['healthz']!r}"),
        ("server log tracebacks", f"{figures['server_log_tracebacks']}"),
        ("final board", f"{figures['final_board_strokes']:,} strokes on show, seq {figures['final_seq']}"),
        (
            "poison refused bad_field",
            f"{sum(figures['poison_refused'].values()):,} of {figures['poison_frames_sent']:,} frames sent "
            f"({counts(figures['poison_refused'])}); acked {figures['poison_acked']}, "
            f"reached anyone {figures['poison_seen']}, "
            f"answered otherwise: {counts(figures['poison_misanswered'])}",
        ),
        (
            "look-alikes that are valid",
            f"acked: {counts(figures['lookalikes_acked'])}; refused: {counts(figures['lookalikes_refused'])}",
        ),
        ("a fresh join after", fresh_join(figures["fresh_join"])),
        (
            "board reads after",
            ", ".join(f"{read} {status}" for read, status in figures["board_reads"].items()),
        ),
        ("closes 1011, all sockets", f"{figures['internal_error_closes']}"),
    )
    title = (
        f"hostile: {spec['sockets']} hostile sockets, {spec['frames']:,} frames, "
        "1 honest drawer, 1 viewer, 1 Daphne, in-memory layer"
    )
    return "\n".join([title, *(f"  {label:<27}{value}" for label, value in rows)])
