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
import time

from autobahn.exception import Disconnected
from autobahn.websocket.protocol import WebSocketProtocol
from twisted.internet.tcp import Connection

from draw import metrics, protocol

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


def _writer_of(send):
    """A function writing a text frame straight to this socket (True), or None where that is unknown.

    It writes only while autobahn would write the same bytes: the websocket is open, without
    compression or a queue of its own, over a plain TCP connection.
    """
    if not isinstance(send, functools.partial) or not send.args:
        return None
    websocket = send.args[0]
    transport = getattr(websocket, "transport", None)
    if not isinstance(transport, Connection) or not isinstance(websocket, WebSocketProtocol):
        return None
    open_state = WebSocketProtocol.STATE_OPEN

    def write(text):
        if (
            websocket.state != open_state
            or websocket._perMessageCompress is not None
            or websocket.send_queue
            or not transport.connected
            or transport.disconnecting
            or transport._writeDisconnected
        ):
            return False
        frame = _LastFrame.of(text)
        if transport._tempDataLen or transport.offset != len(transport.dataBuffer):
            # Behind what waits: Twisted writes it in order.
            transport.write(frame)
            return True
        try:
            sent = transport.socket.send(frame)
        except BlockingIOError:
            sent = 0
        except OSError:
            # Twisted meets the same error on its write and closes the connection.
            sent = 0
        if sent < len(frame):
            transport.write(frame[sent:])
        return True

    return write


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
        self._send = send
        self._backlog = _backlog_of(send)
        self._write = _writer_of(send)
        self._backlog_watermark = self.max_backlog_bytes // 4
        self._sends_unchecked = 0
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
        try:
            await self._send({"type": "websocket.close", "code": code, "reason": reason})
        except Disconnected:
            pass

    async def send_text(self, text):
        """Send one frame now; a socket whose browser stopped reading is closed instead."""
        if self.closing:
            return
        if self._write is None or not self._write(text):
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
