"""The frames the board socket writes itself: autobahn's, two writes a turn at most, on checked internals."""

import asyncio
import functools
import logging
import socket
from collections import deque

import pytest
from daphne.ws_protocol import WebSocketProtocol as DaphneWebSocket
from twisted.internet import reactor
from twisted.internet.tcp import Connection
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from draw.transport import BoardSocket, DirectWrites, _writer_of, internals_differences, text_frame


def parsed(data):
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("the frame is incomplete")


@pytest.mark.parametrize("length", [0, 1, 125, 126, 65535, 65536, 300_000])
def test_a_text_frame_of_any_length_is_one_final_unmasked_text_frame(length):
    text = "x" * length
    frame = parsed(text_frame(text))
    assert frame.opcode == Opcode.TEXT and frame.fin
    assert frame.data == text.encode()


def test_a_text_frame_carries_utf8_and_counts_its_bytes():
    text = '{"name":"Zoë ✏️"}'
    data = text_frame(text)
    assert parsed(data).data.decode() == text
    assert data[1] == len(text.encode())


def test_the_header_is_the_one_autobahn_builds():
    assert text_frame("hi") == b"\x81\x02hi"
    assert text_frame("x" * 126)[:4] == b"\x81\x7e\x00\x7e"
    assert text_frame("x" * 65536)[:10] == b"\x81\x7f" + (65536).to_bytes(8, "big")


# --- the start-up check of Twisted's and autobahn's internals --------------------------------


def test_the_pinned_versions_internals_are_the_ones_the_direct_writes_use():
    # Fails after an upgrade of Twisted, autobahn or Daphne that renames what transport.py reads.
    assert internals_differences() == []
    assert DirectWrites.configure() is True


class _BufferedElsewhere(Connection):
    """A Twisted whose write keeps its pending bytes under another name."""

    def write(self, data):
        self._pending_writes.append(data)


class _QueuedElsewhere(DaphneWebSocket):
    """An autobahn that keeps its own send queue under another name."""

    def _connectionMade(self):
        self.outgoing = []
        self._perMessageCompress = None
        self.state = self.STATE_CONNECTING


@pytest.fixture
def direct_writes():
    yield
    DirectWrites.configure()


def test_a_changed_twisted_write_turns_direct_writes_off_with_one_log_line(direct_writes, caplog):
    with caplog.at_level(logging.INFO, logger="draw.transport"):
        assert DirectWrites.configure(transport_class=_BufferedElsewhere) is False
    lines = [record for record in caplog.records if record.name == "draw.transport"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    assert "_BufferedElsewhere.write() -> _tempDataBuffer" in lines[0].getMessage()


def test_a_changed_autobahn_queue_turns_direct_writes_off(direct_writes):
    assert "_QueuedElsewhere._connectionMade() -> send_queue" in internals_differences(
        websocket_class=_QueuedElsewhere
    )
    assert DirectWrites.configure(websocket_class=_QueuedElsewhere) is False


@pytest.fixture
def open_websocket():
    """Daphne's websocket protocol, open, over a Twisted TCP connection of a real socket pair."""
    server, browser = socket.socketpair()
    server.setblocking(False)
    websocket = DaphneWebSocket()
    websocket.transport = Connection(server, websocket, reactor)
    websocket.transport.connected = 1
    websocket.state = DaphneWebSocket.STATE_OPEN
    websocket._perMessageCompress = None
    websocket.send_queue = deque()
    yield websocket, browser
    server.close()
    browser.close()


def _daphne_send(websocket):
    async def handle_reply(protocol, message):
        protocol.replies.append(message)

    websocket.replies = []
    return functools.partial(handle_reply, websocket)


async def test_with_direct_writes_off_a_frame_goes_through_daphne(direct_writes, open_websocket):
    websocket, browser = open_websocket
    DirectWrites.configure(transport_class=_BufferedElsewhere)
    board_socket = BoardSocket(max_backlog_bytes=1 << 20, backlog_seconds=5)
    board_socket.attach(_daphne_send(websocket))
    assert _writer_of(board_socket._send) is None
    await board_socket.send_text("hello")
    assert websocket.replies == [{"type": "websocket.send", "text": "hello"}]


async def test_a_turns_first_frame_goes_at_once_and_the_rest_in_one_write_in_order(open_websocket):
    websocket, browser = open_websocket
    assert DirectWrites.enabled
    write = _writer_of(_daphne_send(websocket))
    browser.setblocking(False)
    assert write("one")
    assert browser.recv(100) == text_frame("one")  # a lecture's one frame is not held back
    assert write("two") and write("three")
    with pytest.raises(BlockingIOError):
        browser.recv(100)  # the rest wait for the end of the turn
    await asyncio.sleep(0)
    assert browser.recv(100) == text_frame("two") + text_frame("three")
    assert write("four")
    assert browser.recv(100) == text_frame("four")  # a new turn
    assert websocket.replies == []


async def test_what_a_turn_wrote_goes_before_a_frame_daphne_sends(open_websocket):
    websocket, browser = open_websocket
    board_socket = BoardSocket(max_backlog_bytes=1 << 20, backlog_seconds=5)
    board_socket.attach(_daphne_send(websocket))
    await board_socket.send_text("first")
    websocket.state = DaphneWebSocket.STATE_CLOSING  # autobahn writes from now on
    await board_socket.send_text("second")
    assert browser.recv(100) == text_frame("first")
    assert websocket.replies == [{"type": "websocket.send", "text": "second"}]
