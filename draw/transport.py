"""The socket side of a board consumer: Channels' websocket consumer, cut to what a board needs.

It mirrors `channels.generic.websocket.AsyncWebsocketConsumer` of Channels 4.3.2 (the
connect, receive and disconnect handlers, accept, close, send), with four differences:

- It reads its socket alone. Channels also gives every consumer a channel-layer channel
  and waits on it and the socket together, a fresh task and a two-way wait per frame; a
  board's traffic from other browsers comes through its process's relay (draw/relay.py).
- A frame sent to a socket that is closing is dropped. Between a close frame and the end
  of the connection Daphne raises autobahn's Disconnected for every send; such a frame has
  nowhere to go, and the error must not end the consumer, nor the relay loop writing to it.
- It watches what the server holds unsent for the socket. Daphne (4.2.3) writes every frame
  at once into Twisted's transport, which buffers without bound for a browser that stops
  reading; past SKETCHSITE_MAX_BACKLOG_BYTES, or above a quarter of that for
  SKETCHSITE_BACKLOG_SECONDS, the socket is closed with 4011.
- It writes an open socket's text frames itself. A relay flush writes the same text to
  every socket of the board; through Daphne each write would go through its reply path,
  autobahn's framing and a Twisted write that registers the socket with the selector
  until the next turn of the loop. Here the frame is built once for all of them, exactly as
  autobahn builds an uncompressed, unfragmented text frame, and written to the socket at
  once when nothing waits before it (else behind what waits, through Twisted). Anything
  this cannot do as autobahn would (a socket not open, compression, TLS) goes through
  Daphne as before. docs/performance.md has what it saves.
"""

import asyncio
import functools
import logging
import time

from autobahn.exception import Disconnected
from autobahn.websocket.protocol import WebSocketProtocol
from twisted.internet.tcp import Connection

from draw import metrics, protocol

logger = logging.getLogger(__name__)

# Live sends between two looks at the socket's backlog.
_SENDS_PER_BACKLOG_CHECK = 4
# How often a paced send looks whether the socket has drained.
_DRAIN_POLL_SECONDS = 0.002


def text_frame(text):
    """One final, unmasked websocket text frame of `text` (RFC 6455 5.2), as a server sends it."""
    payload = text.encode("utf-8")
    length = len(payload)
    if length <= 125:
        header = bytes((0x81, length))
    elif length <= 0xFFFF:
        header = bytes((0x81, 126)) + length.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + length.to_bytes(8, "big")
    return header + payload


class _LastFrame:
    """The frame of the text written last: the relay writes one text to every socket in a row."""

    text = None
    frame = None

    @classmethod
    def of(cls, text):
        if text is not cls.text:
            cls.text, cls.frame = text, text_frame(text)
        return cls.frame


# What the direct writes read and call of the pinned versions' objects (Twisted 26.10.0,
# autobahn 26.11.1, Daphne 4.2.3), each checked at start-up by direct_writes_possible().
_TRANSPORT_CLASS_ATTRIBUTES = ("dataBuffer", "offset", "_writeDisconnected", "connected", "disconnecting")
# Set on each connection by Twisted's FileDescriptor.__init__ and kept by its write/doWrite.
_TRANSPORT_INSTANCE_ATTRIBUTES = {"__init__": ("_tempDataLen", "_tempDataBuffer")}
_TRANSPORT_WRITES = {"write": ("_tempDataBuffer", "_tempDataLen"), "doWrite": ("dataBuffer", "offset")}
# Set on each websocket by autobahn's WebSocketProtocol._connectionMade; send_queue holds what
# autobahn itself still has to write, in order.
_WEBSOCKET_INSTANCE_ATTRIBUTES = {"_connectionMade": ("_perMessageCompress", "send_queue", "state")}
_WEBSOCKET_SENDS = {"sendData": ("send_queue", "transport")}


def _names_used(function):
    """Every attribute name a function's code reads or sets, nested code included."""
    names = set()
    codes = [getattr(function, "__code__", None)]
    while codes:
        code = codes.pop()
        if code is None:
            continue
        names.update(code.co_names)
        codes.extend(const for const in code.co_consts if hasattr(const, "co_names"))
    return names


def _used_by(cls, method):
    """The names `cls.method` uses, following it into the base classes' while it hands over."""
    bases = {base.__name__ for base in cls.__mro__}
    used = set()
    for base in cls.__mro__:
        function = vars(base).get(method)
        if function is None:
            continue
        names = _names_used(function)
        used |= names
        if "super" not in names and not names & bases:
            break
    return used


def internals_differences(transport_class=Connection, websocket_class=WebSocketProtocol, daphne_server=None):
    """What the direct writes expect of Twisted's, autobahn's and Daphne's classes and they lack.

    Empty on the pinned versions. The writes read Twisted's write buffers and autobahn's state
    and queue, which are no public interface: an upgrade may rename or drop any of them.
    """
    if daphne_server is None:
        from daphne.server import Server as daphne_server
    missing = []
    for name in _TRANSPORT_CLASS_ATTRIBUTES:
        if not hasattr(transport_class, name):
            missing.append(f"{transport_class.__name__}.{name}")
    for checked, expected in (
        (_TRANSPORT_INSTANCE_ATTRIBUTES, transport_class),
        (_TRANSPORT_WRITES, transport_class),
        (_WEBSOCKET_INSTANCE_ATTRIBUTES, websocket_class),
        (_WEBSOCKET_SENDS, websocket_class),
    ):
        for method, names in checked.items():
            if not callable(getattr(expected, method, None)):
                missing.append(f"{expected.__name__}.{method}()")
                continue
            used = _used_by(expected, method)
            missing.extend(f"{expected.__name__}.{method}() -> {name}" for name in names if name not in used)
    if not isinstance(getattr(websocket_class, "STATE_OPEN", None), int):
        missing.append(f"{websocket_class.__name__}.STATE_OPEN")
    if "socket" not in _used_by(transport_class, "__init__"):
        missing.append(f"{transport_class.__name__}.__init__() -> socket")
    # The application's send is partial(server.handle_reply, protocol): the socket's protocol.
    if "partial" not in _used_by(daphne_server, "create_application"):
        missing.append(f"{daphne_server.__name__}.create_application() -> partial")
    return missing


class DirectWrites:
    """Whether sockets are written directly, decided once at start-up; otherwise through Daphne."""

    enabled = False

    @classmethod
    def configure(cls, **classes):
        """Check the internals (see internals_differences) and log the outcome in one line."""
        missing = internals_differences(**classes)
        cls.enabled = not missing
        if missing:
            logger.warning(
                "direct websocket writes are off, frames go through Daphne: "
                "Twisted/autobahn internals differ from the pinned versions (%s)",
                ", ".join(missing),
            )
        else:
            logger.info("direct websocket writes are on (Twisted and autobahn internals as pinned)")
        return cls.enabled


class _Coalesced:
    """A socket's first frame of a turn of the event loop goes out at once; the rest of that
    turn's frames for it wait and go out together at the end of the turn.

    A relay flush writes a frame to every socket of a board, and a turn may deliver several
    flushes (batches from other processes, a volatile batch beside the durable one). A lecture's
    fan-out is one frame per socket, and holding that one to the end of the turn would make
    the first sockets wait for the last; a turn of several frames costs a socket two system
    calls however many frames it got.
    """

    waiting = {}  # writer -> the frames after its first of this turn, in order
    scheduled = False

    @classmethod
    def add(cls, writer, frame):
        frames = cls.waiting.get(writer)
        if frames is not None:
            frames.append(frame)
            return
        cls.waiting[writer] = []
        if not cls.scheduled:
            cls.scheduled = True
            asyncio.get_running_loop().call_soon(cls.flush)
        cls._send(writer, frame)

    @classmethod
    def flush(cls):
        waiting, cls.waiting = cls.waiting, {}
        cls.scheduled = False
        for writer, frames in waiting.items():
            if frames:
                cls._send(writer, frames[0] if len(frames) == 1 else b"".join(frames))

    @classmethod
    def flush_one(cls, writer):
        """Send one socket's waiting frames now: something else is about to be written to it."""
        frames = cls.waiting.pop(writer, None)
        if frames:
            writer.send(b"".join(frames))

    @staticmethod
    def _send(writer, data):
        try:
            writer.send(data)
        except Exception:
            # One socket's failure must not cost the others their frames.
            logger.exception("could not write to one websocket")


class _DirectWriter:
    """Writes text frames straight to one socket, while autobahn would write the same bytes:
    the websocket is open, without compression or a queue of its own, over plain TCP."""

    __slots__ = ("websocket", "transport", "__weakref__")

    def __init__(self, websocket, transport):
        self.websocket = websocket
        self.transport = transport

    def writable(self):
        websocket, transport = self.websocket, self.transport
        return not (
            websocket.state != WebSocketProtocol.STATE_OPEN
            or websocket._perMessageCompress is not None
            or websocket.send_queue
            or not transport.connected
            or transport.disconnecting
            or transport._writeDisconnected
        )

    def __call__(self, text):
        """Queue `text`'s frame for the end of this turn (True), or False: send it through Daphne."""
        if not self.writable():
            return False
        _Coalesced.add(self, _LastFrame.of(text))
        return True

    def flush(self):
        _Coalesced.flush_one(self)

    def send(self, data):
        transport = self.transport
        if not transport.connected or transport.disconnecting or transport._writeDisconnected:
            # Closed since the frames were queued: Twisted drops writes to it too.
            return
        if transport._tempDataLen or transport.offset != len(transport.dataBuffer):
            # Behind what waits: Twisted writes it in order.
            transport.write(data)
            return
        try:
            sent = transport.socket.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            # Twisted meets the same error on its write and closes the connection.
            sent = 0
        if sent < len(data):
            transport.write(data[sent:])


def _writer_of(send):
    """A _DirectWriter for this socket, or None where direct writes are off or the socket unknown."""
    if not DirectWrites.enabled or not isinstance(send, functools.partial) or not send.args:
        return None
    websocket = send.args[0]
    transport = getattr(websocket, "transport", None)
    if not isinstance(transport, Connection) or not isinstance(websocket, WebSocketProtocol):
        return None
    return _DirectWriter(websocket, transport)


def _backlog_of(send):
    """A function giving the bytes buffered unsent for this socket, or None where unknown.

    Daphne hands the application `partial(server.handle_reply, protocol)`; the protocol's
    Twisted TCP transport keeps what the kernel has not taken yet in its write buffers.
    """
    if not isinstance(send, functools.partial) or not send.args:
        return None
    transport = getattr(send.args[0], "transport", None)
    if not all(hasattr(transport, name) for name in ("dataBuffer", "offset", "_tempDataLen")):
        return None
    return lambda: len(transport.dataBuffer) - transport.offset + transport._tempDataLen


class BoardSocket:
    """One websocket, handled by connect / receive_text / receive_binary / disconnected."""

    # Given with as_asgi(): SKETCHSITE_MAX_BACKLOG_BYTES and SKETCHSITE_BACKLOG_SECONDS.
    max_backlog_bytes = None
    backlog_seconds = None

    @classmethod
    def as_asgi(cls, **initkwargs):
        """An ASGI application making one instance per connection, like Channels' as_asgi."""

        async def app(scope, receive, send):
            return await cls(**initkwargs)(scope, receive, send)

        app.consumer_class = cls
        app.consumer_initkwargs = initkwargs
        return app

    def __init__(self, **initkwargs):
        for name, value in initkwargs.items():
            setattr(self, name, value)
        self.accepted = False
        self.closing = False
        self._behind_since = None

    async def __call__(self, scope, receive, send):
        self.scope = scope
        self.attach(send)
        try:
            while True:
                message = await receive()
                kind = message["type"]
                if kind == "websocket.connect":
                    await self.connect()
                elif kind == "websocket.receive":
                    if message.get("text") is not None:
                        await self.receive_text(message["text"])
                    else:
                        await self.receive_binary()
                elif kind == "websocket.disconnect":
                    return
        finally:
            if self.accepted:
                metrics.OPEN_SOCKETS.dec()
            # Also when a handler failed: what the connection holds on its board must go.
            await self.disconnected()

    def attach(self, send):
        """Write to the socket behind Daphne's `send`: directly where possible, else through it."""
        self._send = send
        self._backlog = _backlog_of(send)
        self._write = _writer_of(send)
        self._backlog_watermark = self.max_backlog_bytes // 4
        self._sends_unchecked = 0

    # --- to override -----------------------------------------------------------------

    async def connect(self):
        await self.accept()

    async def receive_text(self, text):
        pass

    async def receive_binary(self):
        pass

    async def disconnected(self):
        pass

    # --- to the socket -----------------------------------------------------------------

    async def accept(self):
        await self._send({"type": "websocket.accept"})
        metrics.OPEN_SOCKETS.inc()
        self.accepted = True

    async def close(self, code, reason=""):
        if self.closing:
            return
        self.closing = True
        metrics.CLOSES.labels(str(code)).inc()
        if self._write is not None:
            # What this turn wrote goes before the close frame.
            self._write.flush()
        try:
            await self._send({"type": "websocket.close", "code": code, "reason": reason})
        except Disconnected:
            pass

    async def send_text(self, text):
        """Send one frame now; a socket whose browser stopped reading is closed instead."""
        if self.closing:
            return
        if self._write is None or not self._write(text):
            if self._write is not None:
                self._write.flush()
            try:
                await self._send({"type": "websocket.send", "text": text})
            except Disconnected:
                self.closing = True
                return
        # Inline and only every few frames: this runs once per browser per relay tick, and a
        # backlog grows by a few frames at most between two looks.
        self._sends_unchecked += 1
        if self._sends_unchecked >= _SENDS_PER_BACKLOG_CHECK and self._backlog is not None:
            self._sends_unchecked = 0
            if self._backlog() > self._backlog_watermark:
                await self._fell_behind()
            else:
                self._behind_since = None

    def is_behind(self):
        """Whether more than a quarter of the backlog bound waits unsent (volatile frames skip it)."""
        return self._backlog is not None and self._backlog() > self._backlog_watermark

    async def send_text_paced(self, text):
        """Send one frame of a long catch-up once the socket has taken most of the previous ones.

        A big board's snapshot is larger than the backlog allowed for live traffic; paced,
        it flows as fast as the browser reads it instead of being buffered whole.
        """
        if self._backlog is not None:
            started = time.monotonic()
            while not self.closing and self._backlog() > self._backlog_watermark:
                if time.monotonic() - started > self.backlog_seconds:
                    await self.close(protocol.CLOSE_TOO_SLOW, "this connection fell too far behind")
                    return
                await asyncio.sleep(_DRAIN_POLL_SECONDS)
        await self.send_text(text)

    async def _fell_behind(self):
        """The socket holds more than a quarter of the bound unsent: close it if it stays so."""
        now = time.monotonic()
        if self._behind_since is None:
            self._behind_since = now
        if self._backlog() > self.max_backlog_bytes or now - self._behind_since > self.backlog_seconds:
            await self.close(protocol.CLOSE_TOO_SLOW, "this connection fell too far behind")


# Once, when the server loads the application.
DirectWrites.configure()
