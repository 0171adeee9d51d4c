"""Budgets per participant and bounds per address, on real Daphne processes over real sockets."""

import asyncio
import json
import time
import urllib.error
import urllib.request

import pytest
from websockets.exceptions import ConnectionClosed

from draw import protocol
from tests.conftest import REDIS_URL
from tests.relayed import connect, open_client
from tests.servers import DaphneServer, migrate

# A small points budget, so the storm meets it in seconds; strokes, edits and errors not limited
# below it, so the points are what bounds a drawer.
POINTS_PER_SECOND = 200
POINTS_PER_STROKE = 20
STORM_ENV = {
    "SKETCHSITE_MAX_POINTS_PER_SECOND": str(POINTS_PER_SECOND),
    "SKETCHSITE_MAX_ACTIONS_PER_SECOND": "1000",
    "SKETCHSITE_MAX_ACTION_BURST": "1000",
    "SKETCHSITE_MAX_ERRORS_PER_MINUTE": "100000",
    # The test's sockets come from this machine, which is otherwise not bounded per address.
    "SKETCHSITE_UNBOUNDED_ADDRESSES": "none",
}
STORM_SECONDS = 3
STROKES_PER_CONNECTION = 30


@pytest.fixture
def server(request, server_env, tmp_path):
    env = {**server_env, **STORM_ENV, **getattr(request, "param", {})}
    migrate(env)
    daphne = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    yield daphne
    daphne.stop()


def stroke(name, offset):
    points = [(offset + index) % 1500 for index in range(2 * POINTS_PER_STROKE)]
    return [
        {
            "type": "stroke.begin",
            "stroke": name,
            "item": {"kind": "marker", "color": "#000000", "width": 2},
            "points": points,
        },
        # Its points all in the begin: the end spends nothing, so a begin let through is committed.
        {"type": "stroke.end", "stroke": name},
    ]


async def reconnecting_drawer(server, board, token, deadline, tag):
    """Connect, send 30 strokes as fast as the socket takes them, close, again, until `deadline`."""
    connection = 0
    while time.monotonic() < deadline:
        query = f"token={token}&since=0" if token else "since=0"
        address = f"{server.ws_url}/ws/boards/{board}/?{query}"
        # Its refusals are never read: an unbounded queue, or the client stops reading before the
        # server's close frame and waits out its close timeout.
        async with connect(address, origin=server.http_url, max_queue=None) as socket:
            await asyncio.wait_for(socket.recv(), timeout=5)
            for index in range(STROKES_PER_CONNECTION):
                for message in stroke(f"{tag}c{connection}s{index}", index):
                    await socket.send(json.dumps(message))
        connection += 1
    return connection


async def committed_strokes(server, board):
    """The board's seq as a new connection's welcome says it (every stroke a commit)."""
    async with connect(f"{server.ws_url}/ws/boards/{board}/?since=0", origin=server.http_url) as socket:
        return json.loads(await asyncio.wait_for(socket.recv(), timeout=5))["seq"]


@pytest.mark.parametrize("with_token", [True, False], ids=["one-participant", "no-token"])
async def test_two_sockets_reconnecting_every_30_strokes_draw_no_faster_than_one_honest_participant(
    server, with_token
):
    """Reconnecting refills no budget: the storm commits what one participant's points allow."""
    board = "storm"
    token = None
    if with_token:
        first, welcome = await open_client(server, board)
        token = welcome["token"]
        await first.close()
    started = time.monotonic()
    connections = await asyncio.gather(
        *(reconnecting_drawer(server, board, token, started + STORM_SECONDS, tag) for tag in ("a", "b"))
    )
    # Strokes still on their way are committed or refused by the time a later connect is answered.
    await asyncio.sleep(0.5)
    committed = await committed_strokes(server, board)
    elapsed = time.monotonic() - started
    # One participant's budget over the storm: a whole burst to start with, then the rate.
    honest = (POINTS_PER_SECOND + POINTS_PER_SECOND * elapsed) / POINTS_PER_STROKE
    assert sum(connections) >= 6, ("the storm did reconnect", connections, committed)
    assert committed <= honest, (committed, honest, connections)
    # Not refused outright either: the storm drew what the budget allowed, give or take.
    assert committed >= 0.5 * POINTS_PER_SECOND * STORM_SECONDS / POINTS_PER_STROKE, (
        committed,
        connections,
        elapsed,
    )


@pytest.mark.parametrize("server", [{"SKETCHSITE_MAX_CONNECTIONS_PER_ADDRESS": "61"}], indirect=True)
async def test_61_sockets_from_one_address_all_join_and_one_more_is_closed_4016_until_one_leaves(server):
    board = "classroom"
    sockets = []
    for _ in range(61):
        socket, _welcome = await open_client(server, board)
        sockets.append(socket)
    extra = await connect(f"{server.ws_url}/ws/boards/{board}/?since=0", origin=server.http_url)
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(extra.recv(), timeout=5)
    assert closed.value.rcvd.code == protocol.CLOSE_TOO_MANY_CONNECTIONS
    await sockets.pop().close()
    await asyncio.sleep(0.3)
    again, welcome = await open_client(server, board)
    assert welcome["type"] == "welcome"
    for socket in [*sockets, again]:
        await socket.close()


def test_the_default_bound_lets_a_class_of_60_behind_one_address_in():
    from django.conf import settings

    assert settings.SKETCHSITE["MAX_CONNECTIONS_PER_ADDRESS"] >= 61


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("server", [{"SKETCHSITE_MAX_NEW_BOARDS_PER_MINUTE": "3"}], indirect=True)
def test_new_boards_over_the_budget_of_an_address_are_refused_429_with_retry_after(server):
    opener = urllib.request.build_opener(NoRedirect)
    for _ in range(3):
        with pytest.raises(urllib.error.HTTPError) as made:
            opener.open(f"{server.http_url}/new/", timeout=10)
        assert made.value.code == 302, "a board made: its host link"
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(f"{server.http_url}/new/", timeout=10)
    assert refused.value.code == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60
    assert "Too many boards were started on this network" in refused.value.read().decode()


@pytest.fixture
def two_servers(server_env, redis_prefix, tmp_path):
    """Two Daphne processes keeping budgets in one Redis."""
    env = {
        **server_env,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": redis_prefix,
        "SKETCHSITE_MAX_POINTS_PER_SECOND": "10",
        "SKETCHSITE_UNBOUNDED_ADDRESSES": "none",
    }
    migrate(env)
    servers = [DaphneServer(env, log_path=tmp_path / f"daphne-{index}.log").start() for index in range(2)]
    yield servers
    for daphne in servers:
        daphne.stop()


async def first_of(socket, types, timeout=5):
    """The next frame of one of `types`, batches of others' strokes passed over."""
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=timeout))
        if frame["type"] in types:
            return frame


async def test_a_participant_that_spent_its_points_on_one_process_finds_them_spent_on_the_other(two_servers):
    first, second = two_servers
    board = "across"
    alice, welcome = await open_client(first, board)
    begin = {
        "type": "stroke.begin",
        "stroke": "a1",
        "item": {"kind": "marker", "color": "#000000", "width": 2},
        "points": [1, 1] * 10,
    }
    await alice.send(json.dumps(begin))
    await alice.close()
    await asyncio.sleep(0.1)
    again, _ = await open_client(second, board, f"token={welcome['token']}")
    await again.send(json.dumps({**begin, "stroke": "a2"}))
    refused = await first_of(again, ("error", "ack"))
    assert refused["type"] == "error" and refused["code"] == "rate_limited", refused
    # Someone else on that process has budgets of their own (a token from another board's
    # welcome: without one, this address's budgets, which Alice spent, would be spent).
    elsewhere, bob = await open_client(second, "elsewhere")
    await elsewhere.close()
    bob_socket, _ = await open_client(second, board, f"token={bob['token']}")
    await bob_socket.send(json.dumps({**begin, "stroke": "b1"}))
    await bob_socket.send(json.dumps({"type": "stroke.end", "stroke": "b1"}))
    acked = await first_of(bob_socket, ("error", "ack"))
    assert acked["type"] == "ack", acked
    await again.close()
    await bob_socket.close()


@pytest.mark.parametrize("server", [{"SKETCHSITE_MAX_ERRORS_PER_MINUTE": "1"}], indirect=True)
async def test_frames_behind_the_one_that_closed_a_socket_are_not_acted_on(server):
    """An edit committed after its socket was closed could never be acked, nor undone by its author."""
    board = "closed"
    socket, _welcome = await open_client(server, board)
    burst = ["nope", "nope", *(json.dumps(message) for message in stroke("after", 0))]
    for frame in burst:
        await socket.send(frame)
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(socket.recv(), timeout=5)
    assert closed.value.rcvd.code == protocol.CLOSE_POLICY_VIOLATION
    await asyncio.sleep(0.3)
    assert await committed_strokes(server, board) == 0
