"""A lean websocket client, so one load-generator process can hold hundreds of browsers.

websockets' sans-I/O protocol does the handshake and framing; a plain asyncio.Protocol
moves the bytes and hands each text frame to a callback the moment it arrives. No task
per socket and no queue per frame: the generator's CPU goes to the sockets, not to
its own bookkeeping.
"""

import asyncio

from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.protocol import SEND_EOF
from websockets.uri import parse_uri

NORMAL_CLOSURE = 1000


class HandshakeFailed(ConnectionError):
    """The server refused the websocket upgrade (for example a failed origin check)."""


class BoardSocket(asyncio.Protocol):
    """One websocket; `on_text(payload_bytes, received_at)` gets every text message."""

    def __init__(self, url, origin, on_text):
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._ws = ClientProtocol(parse_uri(url), origin=origin, max_size=None)
        self._on_text = on_text
        self._transport = None
        self._fragments = []
        self.opened = loop.create_future()
        self.closed = loop.create_future()

    # asyncio.Protocol

    def connection_made(self, transport):
        self._transport = transport
        self._ws.send_request(self._ws.connect())
        self._write_pending()

    def data_received(self, data):
        received_at = self._loop.time()
        self._ws.receive_data(data)
        self._write_pending()
        for event in self._ws.events_received():
            if isinstance(event, Response):
                self._handshake_done()
            elif event.opcode is Opcode.TEXT or event.opcode is Opcode.CONT:
                self._text_frame(event, received_at)

    def eof_received(self):
        self._ws.receive_eof()
        self._write_pending()
        return False

    def connection_lost(self, exc):
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("connection closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(self.close_code)

    # Public API

    @property
    def close_code(self):
        return self._ws.close_code

    def send_text(self, text):
        self._ws.send_text(text.encode("utf-8"))
        self._write_pending()

    async def close(self, timeout=5.0):
        if self._transport is None or self._transport.is_closing():
            return
        if self._ws.close_sent is None:
            self._ws.send_close(NORMAL_CLOSURE)
            self._write_pending()
        try:
            await asyncio.wait_for(asyncio.shield(self.closed), timeout)
        except TimeoutError:
            self._transport.abort()

    # Internals

    def _handshake_done(self):
        if self._ws.handshake_exc is not None:
            self.opened.set_exception(HandshakeFailed(str(self._ws.handshake_exc)))
            self._transport.close()
        else:
            self.opened.set_result(None)

    def _text_frame(self, frame, received_at):
        if not frame.fin:
            self._fragments.append(frame.data)
            return
        if self._fragments:
            self._fragments.append(frame.data)
            payload = b"".join(self._fragments)
            self._fragments = []
        else:
            payload = frame.data
        self._on_text(payload, received_at)

    def _write_pending(self):
        for chunk in self._ws.data_to_send():
            if chunk != SEND_EOF:
                self._transport.write(chunk)
            elif self._transport.can_write_eof():
                self._transport.write_eof()


async def open_socket(url, origin, on_text, timeout=30.0, socket_class=None):
    """Connect, finish the handshake, and return the open socket (a BoardSocket, or `socket_class`)."""
    socket_class = socket_class or BoardSocket
    uri = parse_uri(url)
    loop = asyncio.get_running_loop()
    _, socket = await asyncio.wait_for(
        loop.create_connection(lambda: socket_class(url, origin, on_text), uri.host, uri.port), timeout
    )
    await asyncio.wait_for(asyncio.shield(socket.opened), timeout)
    return socket
