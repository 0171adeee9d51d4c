"""A client's side of the board socket, shared by the consumer and real-server tests.

Presence frames come whenever someone joins or leaves, in between everything else: the
clients here set them aside (the newest in `.presence`) so a test reads the frames it is
about, and tests of presence read `.presence` or wait with `wait_for_presence()`.
"""

import asyncio
import json
import time

from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as connect_websocket

_PRESENCE_PREFIX = '{"type":"presence"'


class BoardConnection(ClientConnection):
    """A websockets client connection that sets presence frames aside."""

    presence = None

    async def recv(self, decode=None):
        while True:
            frame = await super().recv(decode)
            if isinstance(frame, str) and frame.startswith(_PRESENCE_PREFIX):
                self.presence = json.loads(frame)
                continue
            return frame


def connect(uri, **options):
    """websockets' connect, with presence frames set aside."""
    return connect_websocket(uri, create_connection=BoardConnection, **options)


class BoardCommunicator(WebsocketCommunicator):
    """Channels' test communicator, with presence frames set aside."""

    presence = None

    async def receive_output(self, timeout=1):
        while True:
            output = await super().receive_output(timeout)
            if not self._set_aside(output):
                return output

    async def receive_nothing(self, timeout=0.1, interval=0.01):
        await asyncio.sleep(timeout)
        kept = []
        while not self.output_queue.empty():
            output = self.output_queue.get_nowait()
            if not self._set_aside(output):
                kept.append(output)
        for output in kept:
            self.output_queue.put_nowait(output)
        return not kept

    async def wait_for_presence(self, accept, timeout=5):
        """The first presence (already set aside, or to come) for which accept(presence) holds."""
        deadline = time.monotonic() + timeout
        while self.presence is None or not accept(self.presence):
            if time.monotonic() > deadline:
                raise AssertionError(f"no such presence within {timeout} s; last: {self.presence}")
            await self.receive_nothing(timeout=0.05)
        return self.presence

    def _set_aside(self, output):
        text = output.get("text") if output.get("type") == "websocket.send" else None
        if text is not None and text.startswith(_PRESENCE_PREFIX):
            self.presence = json.loads(text)
            return True
        return False


async def open_client(server, board, query=""):
    """A socket to a real server that has read its welcome and the board's (empty) snapshot."""
    socket = await connect(f"{server.ws_url}/ws/boards/{board}/?{query}", origin=server.http_url)
    welcome = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
    assert welcome["type"] == "welcome"
    snapshot = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
    assert snapshot["type"] == "snapshot" and snapshot["total"] == 0
    return socket, welcome


def skip_repeated_begins(messages, begun):
    """`messages` without a stroke.begin already seen (`begun` remembers across calls).

    A client that joins while someone draws is sent the open strokes directly, so it may
    see one stroke.begin twice; clients ignore the repeat.
    """
    kept = []
    for message in messages:
        if message["type"] == "stroke.begin":
            key = (message["author"], message["stroke"])
            if key in begun:
                continue
            begun.add(key)
        kept.append(message)
    return kept
