"""Several real Daphne processes sharing boards through the real Redis."""

import asyncio
import json

import pytest
from channels_redis.core import RedisChannelLayer
from websockets.exceptions import ConnectionClosed

from draw import protocol
from sketchsite.channel_layers import channel_layer_config
from tests.conftest import REDIS_URL
from tests.relayed import open_client, skip_repeated_begins
from tests.servers import DaphneServer, RedisServer, migrate


async def next_batch(socket, timeout=5):
    frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=timeout))
    assert frame["type"] == "batch", frame
    return frame["messages"]


async def draw_stroke(socket, stroke):
    for message in (
        {
            "type": "stroke.begin",
            "stroke": stroke,
            "item": {"kind": "marker", "color": "#2f9e44", "width": 6},
            "points": [100, 100],
        },
        {"type": "stroke.points", "stroke": stroke, "points": [120, 110, 140, 120]},
        {"type": "stroke.end", "stroke": stroke, "points": [160, 130]},
    ):
        await socket.send(json.dumps(message))


async def collect(socket, count):
    """The next `count` relayed messages, a repeated stroke.begin skipped."""
    messages, begun = [], set()
    while len(messages) < count:
        messages += skip_repeated_begins(await next_batch(socket), begun)
    return messages


@pytest.fixture(params=["core", "pubsub"])
def two_servers(request, server_env, redis_prefix, tmp_path):
    """Two Daphne processes on one Redis, with channels-redis's core layer or its pub/sub layer."""
    env = {**server_env, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": redis_prefix, "REDIS_LAYER": request.param}
    migrate(env)
    servers = [DaphneServer(env, log_path=tmp_path / f"daphne-{index}.log").start() for index in range(2)]
    yield servers
    for server in servers:
        server.stop()


async def test_stroke_drawn_on_one_process_arrives_on_the_other(two_servers):
    first, second = two_servers
    alice, alice_welcome = await open_client(first, "shared")
    bob, _ = await open_client(second, "shared")
    await draw_stroke(alice, "across")
    messages = await collect(bob, 3)
    assert [m["type"] for m in messages] == ["stroke.begin", "stroke.points", "event"]
    assert {m["author"] for m in messages} == {alice_welcome["you"]}
    # The live preview may repeat points (a joiner is also sent open strokes directly);
    # the committed event is exact.
    assert messages[0]["points"][:2] == [100, 100]
    assert messages[2]["seq"] == 1 and messages[2]["points"] == [100, 100, 120, 110, 140, 120, 160, 130]
    await alice.close()
    await bob.close()


async def test_joiner_on_one_process_sees_a_stroke_being_drawn_on_the_other(two_servers):
    first, second = two_servers
    alice, alice_welcome = await open_client(first, "midstroke")
    begin = {
        "type": "stroke.begin",
        "stroke": "open",
        "item": {"kind": "marker", "color": "#1971c2", "width": 4},
        "points": [10, 10],
    }
    await alice.send(json.dumps(begin))
    await alice.send(json.dumps({"type": "stroke.points", "stroke": "open", "points": [20, 20, 30, 30]}))
    await asyncio.sleep(0.3)
    # Carol joins after the stroke began: the first process answers her join with it.
    carol, _ = await open_client(second, "midstroke")
    (shown,) = await next_batch(carol)
    assert shown["type"] == "stroke.begin" and shown["author"] == alice_welcome["you"]
    assert shown["points"] == [10, 10, 20, 20, 30, 30]
    await alice.send(json.dumps({"type": "stroke.end", "stroke": "open", "points": [40, 40]}))
    (committed,) = await collect(carol, 1)
    assert committed["type"] == "event" and committed["points"] == [10, 10, 20, 20, 30, 30, 40, 40]
    await alice.close()
    await carol.close()


async def test_idle_socket_outlives_the_redis_read_timeout(two_servers):
    """redis-py 8 would abort the layer's blocking read after 5 s and drop idle consumers."""
    first, second = two_servers
    alice, _ = await open_client(first, "quiet")
    bob, _ = await open_client(second, "quiet")
    await asyncio.sleep(12)
    await draw_stroke(alice, "after-quiet")
    assert len(await collect(bob, 3)) == 3
    assert alice.close_code is None and bob.close_code is None
    await alice.close()
    await bob.close()


async def test_redis_layer_delivers_a_burst_larger_than_the_default_capacity(redis_prefix):
    config = channel_layer_config(REDIS_URL, redis_prefix, capacity=2000, redis_socket_timeout=60)
    layer = RedisChannelLayer(**config["CONFIG"])
    channel = await layer.new_channel()
    await layer.group_add("capacity-check", channel)
    for index in range(500):
        await layer.group_send("capacity-check", {"type": "board.batch", "index": index})
    received = [(await asyncio.wait_for(layer.receive(channel), timeout=5))["index"] for _ in range(500)]
    assert received == list(range(500))
    await layer.flush()


async def stroke_arrives(sender, receiver, stroke, timeout):
    """Begin `stroke` on one socket; True once the other socket receives it."""
    begin = {
        "type": "stroke.begin",
        "stroke": stroke,
        "item": {"kind": "marker", "color": "#000000", "width": 4},
        "points": [5, 5],
    }
    await sender.send(json.dumps(begin))
    try:
        async with asyncio.timeout(timeout):
            while True:
                for message in await next_batch(receiver, timeout=timeout):
                    if message.get("stroke") == stroke:
                        return True
    except TimeoutError:
        return False


@pytest.mark.parametrize("layer", ["core", "pubsub"])
async def test_boards_relay_again_once_a_restarted_redis_is_back(server_env, tmp_path, layer):
    redis = RedisServer().start()
    env = {**server_env, "REDIS_URL": redis.url, "REDIS_LAYER": layer}
    migrate(env)
    servers = [DaphneServer(env, log_path=tmp_path / f"daphne-{index}.log").start() for index in range(2)]
    try:
        alice, _ = await open_client(servers[0], "outage")
        bob, _ = await open_client(servers[1], "outage")
        assert await stroke_arrives(alice, bob, "before", timeout=5)
        # Redis restarts empty: the board's group is gone from it, and every connection to it.
        redis.stop()
        await asyncio.sleep(1)
        # Joining a board new to a process needs the layer: refused while it is down with
        # 1013, try again later (the browser retries with backoff)...
        with pytest.raises(ConnectionClosed) as closed:
            await open_client(servers[1], "fresh")
        assert closed.value.rcvd.code == protocol.CLOSE_TRY_AGAIN_LATER
        redis.start()
        # Both sockets stayed open; within a few seconds of Redis returning, drawing on one
        # process reaches the other again.
        arrived = False
        for attempt in range(20):
            if await stroke_arrives(alice, bob, f"after-{attempt}", timeout=0.5):
                arrived = True
                break
        assert arrived, "no stroke crossed between the processes within 10 s of Redis returning"
        # ...and works once it is back.
        carol, _ = await open_client(servers[1], "fresh")
        await carol.close()
        await alice.close()
        await bob.close()
    finally:
        for server in servers:
            server.stop()
        redis.stop()


def new_hosted_board(server):
    """A board made with /new/ on `server`: its name and host key, from the host link."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(server.http_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    connection.request("GET", "/new/")
    location = connection.getresponse().getheader("Location")
    connection.close()
    path, _, fragment = location.partition("#host=")
    return path.strip("/").split("/")[-1], fragment


async def next_of_type(socket, kind, timeout=5):
    """The next message of this type, from a batch or alone; others passed over."""
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=timeout))
        for message in frame["messages"] if frame["type"] == "batch" else [frame]:
            if message["type"] == kind:
                return message


async def presence_where(socket, accept, timeout=5):
    """Wait for a presence frame (set aside by the client) that `accept` holds for."""
    deadline = asyncio.get_running_loop().time() + timeout
    while socket.presence is None or not accept(socket.presence):
        assert asyncio.get_running_loop().time() < deadline, f"last presence: {socket.presence}"
        try:
            await asyncio.wait_for(socket.recv(), timeout=0.05)
        except TimeoutError:
            pass
    return socket.presence


async def test_presence_and_pens_down_span_two_processes(two_servers):
    first, second = two_servers
    board, host_key = await asyncio.to_thread(new_hosted_board, first)
    host, host_welcome = await open_client(first, board, f"host={host_key}")
    assert host_welcome["role"] == "host"
    student, student_welcome = await open_client(second, board)
    assert student_welcome["role"] == "student" and student_welcome["class"]["hosted"]

    # The host, on the first process, lists the student on the second, and the student counts two.
    def lists_student(presence, online):
        people = {person["id"]: person for person in presence.get("people", [])}
        person = people.get(student_welcome["you"])
        return person is not None and person["online"] is online and person["role"] == "student"

    await presence_where(host, lambda presence: lists_student(presence, True) and presence["count"] == 2)
    await presence_where(student, lambda presence: presence["count"] == 2 and "people" not in presence)

    # Pens down on the first process locks the student on the second.
    await host.send(json.dumps({"type": "class", "set": {"pens_down": True}}))
    assert (await next_of_type(student, "class"))["class"]["pens_down"] is True
    begin = {
        "type": "stroke.begin",
        "stroke": "s1",
        "item": {"kind": "marker", "color": "#1e1e1e", "width": 3},
        "points": [1, 1],
    }
    await student.send(json.dumps(begin))
    assert (await next_of_type(student, "error"))["code"] == "locked"
    await host.send(json.dumps({"type": "class", "set": {"pens_down": False}}))
    assert (await next_of_type(student, "class"))["class"]["pens_down"] is False
    await student.send(json.dumps(begin))
    await student.send(json.dumps({"type": "stroke.end", "stroke": "s1", "points": [2, 2]}))
    assert (await next_of_type(student, "ack"))["ref"] == "s1"

    # The student leaves the second process: the host sees them away.
    await student.close()
    await presence_where(host, lambda presence: lists_student(presence, False) and presence["count"] == 1)
    await host.close()


async def frames_until_quiet(socket, quiet=1.0):
    """Every frame's text the socket is sent until none comes for `quiet` seconds."""
    texts = []
    while True:
        try:
            texts.append(await asyncio.wait_for(socket.recv(), timeout=quiet))
        except TimeoutError:
            return texts


async def test_lanes_hold_across_two_processes(two_servers):
    first, second = two_servers
    board, host_key = await asyncio.to_thread(new_hosted_board, first)
    host, _ = await open_client(first, board, f"host={host_key}")
    await host.send(json.dumps({"type": "class", "set": {"lanes": True}}))
    assert (await next_of_type(host, "class"))["class"]["lanes"] is True
    # Ann and Bob on the second process, Cat on the first with the host.
    ann, ann_welcome = await open_client(second, board)
    bob, bob_welcome = await open_client(second, board)
    cat, cat_welcome = await open_client(first, board)
    for socket, stroke in ((ann, "anns"), (bob, "bobs"), (cat, "cats"), (host, "hosts")):
        await draw_stroke(socket, stroke)
    received = {
        name: " ".join(await frames_until_quiet(socket))
        for name, socket in (("ann", ann), ("bob", bob), ("cat", cat), ("host", host))
    }
    ids = {"ann": ann_welcome["you"], "bob": bob_welcome["you"], "cat": cat_welcome["you"]}
    for name, text in received.items():
        others = [] if name == "host" else [other for other in ids if other != name]
        for other in others:
            assert ids[other] not in text and f'"{other}s"' not in text, (name, other)
        assert '"hosts"' in text, name
    for stroke in ('"anns"', '"bobs"', '"cats"'):
        assert stroke in received["host"]
    for socket in (host, ann, bob, cat):
        await socket.close()
