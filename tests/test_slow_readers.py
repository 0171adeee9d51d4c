"""A browser that stops reading is closed with 4011, and the server's memory stays bounded (real Daphne)."""

import asyncio
import json
import urllib.request

import psutil
import pytest
from prometheus_client.parser import text_string_to_metric_families

from draw import protocol
from tests.relayed import open_client
from tests.servers import DaphneServer, migrate
from tests.test_closing_sockets import silent_client

SILENT_SOCKETS = 8
STROKES = 120
POINTS_PER_STROKE = 2000
MAX_BACKLOG_BYTES = 262144


def closes_by_code(server):
    with urllib.request.urlopen(f"{server.http_url}/metrics", timeout=5) as response:
        text = response.read().decode()
    found = {}
    for family in text_string_to_metric_families(text):
        if family.name == "sketchsite_closes":
            for sample in family.samples:
                if sample.name.endswith("_total"):
                    found[sample.labels["code"]] = sample.value
    return found


@pytest.fixture
def server(server_env, tmp_path):
    env = {
        **server_env,
        "SKETCHSITE_MAX_BACKLOG_BYTES": str(MAX_BACKLOG_BYTES),
        "SKETCHSITE_BACKLOG_SECONDS": "3",
        "SKETCHSITE_METRICS": "on",
        # One drawer sends as much as eight slow classmates could ever be behind on.
        "SKETCHSITE_MAX_POINTS_PER_SECOND": "1000000",
        "SKETCHSITE_MAX_ACTIONS_PER_SECOND": "1000",
        "SKETCHSITE_MAX_ACTION_BURST": "1000",
    }
    migrate(env)
    daphne = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    yield daphne
    daphne.stop()


async def draw_heavily(drawer, count):
    chunk = 500
    for index in range(count):
        points = [
            (index * 7 + i) % 1600 if i % 2 == 0 else (i * 3) % 900 for i in range(POINTS_PER_STROKE * 2)
        ]
        stroke = f"heavy-{index}"
        begin = {
            "type": "stroke.begin",
            "stroke": stroke,
            "item": {"kind": "marker", "color": "#1e1e1e", "width": 4},
        }
        await drawer.send(json.dumps({**begin, "points": points[: chunk * 2]}))
        for start in range(chunk * 2, len(points), chunk * 2):
            await drawer.send(
                json.dumps(
                    {"type": "stroke.points", "stroke": stroke, "points": points[start : start + chunk * 2]}
                )
            )
        await drawer.send(json.dumps({"type": "stroke.end", "stroke": stroke}))


async def read_everything(client):
    """A browser that reads all it is sent (the drawer sees its own strokes come back)."""
    async for _ in client:
        pass


async def committed_strokes(client, count, timeout=60):
    seen = []
    async with asyncio.timeout(timeout):
        while len(seen) < count:
            frame = json.loads(await client.recv())
            for message in frame.get("messages", []):
                if message["type"] == "event" and message["kind"] == "stroke":
                    seen.append(message["stroke"])
    return seen


async def drawing_cost(server, board, silent_sockets):
    """Server memory growth while a drawer draws heavily on `board` beside silent sockets."""
    daphne = psutil.Process(server.process.pid)
    viewer, _ = await open_client(server, board)
    drawer, _ = await open_client(server, board)
    silent = [silent_client(server, board, receive_buffer=4096) for _ in range(silent_sockets)]
    await asyncio.sleep(0.5)
    memory_before = daphne.memory_info().rss
    watching = asyncio.create_task(committed_strokes(viewer, STROKES))
    reading = asyncio.create_task(read_everything(drawer))
    await draw_heavily(drawer, STROKES)
    seen = await watching
    # The reading viewer got every stroke, once, and neither it nor the drawer was closed.
    assert seen == [f"heavy-{index}" for index in range(STROKES)]
    assert viewer.close_code is None and drawer.close_code is None
    for _ in range(100):
        if closes_by_code(server).get(str(protocol.CLOSE_TOO_SLOW), 0) >= silent_sockets:
            break
        await asyncio.sleep(0.1)
    growth = daphne.memory_info().rss - memory_before
    # The server let go of the silent sockets: reading them now ends in a closed connection.
    for raw in silent:
        raw.settimeout(10)
        try:
            while raw.recv(65536):
                pass
        except (ConnectionResetError, TimeoutError):
            pass
        raw.close()
    await viewer.close()
    await drawer.close()
    await reading
    return growth


async def test_sockets_that_stop_reading_are_closed_and_memory_stays_bounded(server):
    alone = await drawing_cost(server, "calm", silent_sockets=0)
    assert closes_by_code(server) == {}
    beside_silent = await drawing_cost(server, "firehose", silent_sockets=SILENT_SOCKETS)
    assert closes_by_code(server) == {str(protocol.CLOSE_TOO_SLOW): SILENT_SOCKETS}
    # Each silent socket was sent megabytes (live points and committed strokes); held without
    # bound that would add their sum to the server. It keeps about the backlog bound for each.
    sent_to_each = STROKES * POINTS_PER_STROKE * 2 * 5 * 2
    assert sent_to_each > 16 * MAX_BACKLOG_BYTES
    extra = beside_silent - alone
    assert extra < SILENT_SOCKETS * 4 * MAX_BACKLOG_BYTES, (
        f"server grew {alone} bytes drawing alone, {beside_silent} beside {SILENT_SOCKETS} silent sockets"
    )
