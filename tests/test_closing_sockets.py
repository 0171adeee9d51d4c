"""A browser whose socket is closing must not cost anyone else their live drawing (real Daphne)."""

import asyncio
import base64
import json
import os
import socket

import pytest

from tests.relayed import open_client
from tests.servers import DaphneServer, migrate


def silent_client(server, board, receive_buffer=None):
    """A websocket that completes its handshake and then never reads again.

    When the server closes it, the closing handshake never finishes on its side, so the
    server holds it in the closing state (about a second) while the board goes on.
    """
    raw = socket.socket()
    if receive_buffer:
        # Small, so the server's unsent frames pile up on its side rather than in this kernel.
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    raw.settimeout(5)
    raw.connect(("127.0.0.1", server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    raw.sendall(
        (
            f"GET /ws/boards/{board}/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {server.http_url}\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += raw.recv(4096)
    assert response.startswith(b"HTTP/1.1 101"), response
    return raw


def masked_text_frame(text):
    payload = text.encode()
    assert len(payload) < 126
    mask = os.urandom(4)
    return bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


async def stroke_ids_received(socket_, count, timeout=5):
    ids = []
    while len(ids) < count:
        frame = json.loads(await asyncio.wait_for(socket_.recv(), timeout=timeout))
        ids += [m["stroke"] for m in frame.get("messages", []) if m["type"] == "stroke.begin"]
    return ids


@pytest.fixture
def server(server_env, tmp_path):
    env = {**server_env, "SKETCHSITE_MAX_ERRORS_PER_MINUTE": "2"}
    migrate(env)
    daphne = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    yield daphne
    daphne.stop()


async def test_a_socket_closed_for_misbehaving_does_not_stop_the_board_for_others(server):
    board = "closing"
    # Joined first, so the relay writes to it before the others.
    rude = silent_client(server, board)
    drawer, _ = await open_client(server, board)
    watcher, _ = await open_client(server, board)
    for _ in range(3):  # the third bad message is over the error budget: close 4008
        rude.sendall(masked_text_frame('{"type": "nope"}'))
    await asyncio.sleep(0.2)
    for number, stroke in enumerate(("first", "second")):
        begin = {
            "type": "stroke.begin",
            "stroke": stroke,
            "item": {"kind": "marker", "color": "#000000", "width": 4},
        }
        await drawer.send(json.dumps({**begin, "points": [number, 1]}))
        assert await stroke_ids_received(watcher, 1) == [stroke]
        # The second stroke comes after the closing socket is gone: the board still relays.
        await asyncio.sleep(1.5)
    rude.close()
    await drawer.close()
    await watcher.close()
