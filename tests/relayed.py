"""A client's side of the board socket, shared by the consumer and real-server tests."""

import asyncio
import json

from websockets.asyncio.client import connect


async def open_client(server, board):
    """A socket to a real server that has read its welcome and the board's (empty) snapshot."""
    socket = await connect(f"{server.ws_url}/ws/boards/{board}/", origin=server.http_url)
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
