"""Scale-out as deployed: Debian's nginx through deploy/nginx.conf in front of two Daphne
processes on Redis and PostgreSQL, and `manage.py serve --workers` sharing one port."""

import asyncio
import json
import re
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from deploy.nginx import SITE
from tests.conftest import REDIS_URL
from tests.relayed import open_client
from tests.servers import ServeCommand, behind_nginx, open_sockets
from tests.test_scale_out import collect, draw_stroke

DEPLOY_DOC = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers, response.read()


async def sockets_where(servers, accept, timeout=5):
    """Open sockets per process once `accept` holds for them, or as they are after `timeout`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        counts = [await asyncio.to_thread(open_sockets, server) for server in servers]
        if accept(counts) or asyncio.get_running_loop().time() > deadline:
            return counts
        await asyncio.sleep(0.05)


@pytest.fixture
def scaled_out(server_env, redis_prefix, postgres_url, tmp_path):
    """nginx in front of two Daphne processes sharing boards through Redis and PostgreSQL."""
    env = {
        **server_env,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": redis_prefix,
        "DATABASE_URL": postgres_url,
        "SKETCHSITE_METRICS": "on",
    }
    with behind_nginx(env, tmp_path) as (nginx, servers):
        yield nginx, servers


def test_deploy_doc_shows_the_configuration_the_tests_serve_through():
    assert f"```nginx\n{SITE.read_text()}```" in DEPLOY_DOC.read_text()


async def test_sockets_through_nginx_land_on_both_processes_and_see_each_others_strokes(scaled_out):
    nginx, servers = scaled_out
    alice, alice_welcome = await open_client(nginx, "behind-nginx")
    first = await sockets_where(servers, lambda counts: sum(counts) == 1)
    assert sorted(first) == [0, 1], f"open sockets per process after one join: {first}"
    bob, bob_welcome = await open_client(nginx, "behind-nginx")
    # nginx sends the second socket to the process without one (least_conn).
    assert await sockets_where(servers, lambda counts: counts == [1, 1]) == [1, 1]

    await draw_stroke(alice, "from-alice")
    messages = await collect(bob, 3)
    assert [m["type"] for m in messages] == ["stroke.begin", "stroke.points", "event"]
    assert {m["author"] for m in messages} == {alice_welcome["you"]}
    await draw_stroke(bob, "from-bob")
    # Alice's own stroke comes back committed (an ack) before Bob's arrives; read until his.
    deadline = asyncio.get_running_loop().time() + 5
    seen = []
    while not any(m.get("stroke") == "from-bob" and m["type"] == "event" for m in seen):
        assert asyncio.get_running_loop().time() < deadline, seen
        frame = json.loads(await asyncio.wait_for(alice.recv(), timeout=5))
        seen += frame["messages"] if frame["type"] == "batch" else [frame]
    assert {m["author"] for m in seen if m.get("stroke") == "from-bob"} == {bob_welcome["you"]}
    await alice.close()
    await bob.close()


def test_nginx_serves_static_files_itself_and_passes_pages_and_probes_on(scaled_out):
    nginx, servers = scaled_out
    assert get(f"{nginx.http_url}/b/through-nginx/")[0] == 200
    status, headers, _ = get(f"{nginx.http_url}/static/favicon.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml"
    assert get(f"{nginx.http_url}/readyz")[0] == 200
    # The access log names the process that answered each request; the static file, none.
    log = nginx.access_log.read_text()
    assert re.search(r'"GET /static/favicon.svg HTTP/1.1" 200 upstream=-$', log, re.MULTILINE), log
    ports = {server.port for server in servers}
    answered = {int(port) for port in re.findall(r'"GET /(?:b/|readyz).*upstream=127\.0\.0\.1:(\d+)', log)}
    assert answered and answered <= ports, log


async def test_serve_with_workers_runs_processes_that_share_one_port_and_its_boards(
    server_env, redis_prefix, tmp_path
):
    env = {**server_env, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": redis_prefix}
    serve = await asyncio.to_thread(ServeCommand(env, 2, tmp_path / "serve.log").start)
    try:
        workers = serve.workers_pids()
        # A worker still starting takes no connection yet: the kernel hands them all to the
        # other. Open sockets until both workers hold some, as they do once both are up.
        clients, placed = [], []
        deadline = time.monotonic() + 30
        while set(placed) != set(workers) and time.monotonic() < deadline:
            batch = [await open_client(serve, "one-port") for _ in range(6)]
            clients += batch
            holder = holders(workers, serve.port)
            placed = [holder[socket.local_address[1]] for socket, _ in clients]
            await asyncio.sleep(0.2)
        assert set(placed) == set(workers), f"every socket on one worker of {workers}: {placed}"
        sender = clients[placed.index(workers[0])][0]
        receiver = clients[placed.index(workers[1])][0]
        await draw_stroke(sender, "across-workers")
        assert [m["type"] for m in await collect(receiver, 3)] == ["stroke.begin", "stroke.points", "event"]
        for socket, _ in clients:
            await socket.close()
    finally:
        code = await asyncio.to_thread(serve.stop)
    assert code == 0, serve.log_path.read_text()
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie" for pid in workers)


def holders(workers, port):
    """Which worker holds each socket to `port`, by the client's port: the one with its connection."""
    holder = {}
    for pid in workers:
        for connection in psutil.Process(pid).net_connections("tcp"):
            if connection.status == psutil.CONN_ESTABLISHED and connection.laddr.port == port:
                holder[connection.raddr.port] = pid
    return holder


def test_serve_refuses_several_workers_without_redis(server_env, tmp_path):
    refused = ServeCommand({**server_env, "REDIS_URL": ""}, 2, tmp_path / "serve.log").run()
    assert refused.returncode != 0
    assert "--workers 2 needs REDIS_URL" in refused.stderr
    assert "its own boards in memory" in refused.stderr
