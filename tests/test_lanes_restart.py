"""Own page each across real server restarts: lanes on, off and on again, a reveal, the host's
note on one page and the host's undo, with the server killed between the switches (real Daphne
processes on PostgreSQL): no page loses an item, and every student still sees only their own."""

import asyncio
import json
import signal
import urllib.request
from urllib.parse import unquote

import pytest

from tests.relayed import connect
from tests.servers import DaphneServer, migrate

MARKER = {"kind": "marker", "color": "#1971c2", "width": 4}


class Client:
    """One participant's socket on the board: sends frames, waits for the replies it needs."""

    def __init__(self, server, board, query):
        self.url = f"{server.ws_url}/ws/boards/{board}/?{query}"
        self.origin = server.http_url

    async def __aenter__(self):
        self.socket = await connect(self.url, origin=self.origin)
        self.welcome = await self.next(lambda message: message["type"] == "welcome")
        self.strokes = {}
        total = None
        while total is None or len(self.strokes) < total:
            part = await self.next(lambda message: message["type"] == "snapshot")
            total = part["total"]
            self.strokes.update(
                {(author, stroke): points for stroke, author, _, points, _ in part["strokes"]}
            )
        return self

    async def __aexit__(self, *exc):
        await self.socket.close()

    async def next(self, accept, timeout=10):
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.socket.recv())
                for message in frame["messages"] if frame["type"] == "batch" else [frame]:
                    if accept(message):
                        return message

    async def send(self, message, reply="ack"):
        await self.socket.send(json.dumps(message))
        ref = message.get("stroke") or message.get("id")
        return await self.next(
            lambda m: m["type"] in (reply, "error") and (m.get("ref") == ref or reply == "class")
        )

    async def draw(self, stroke, x, page=None):
        item = {**MARKER, **({"lane": page} if page else {})}
        await self.socket.send(
            json.dumps({"type": "stroke.begin", "stroke": stroke, "item": item, "points": [x, 50]})
        )
        ack = await self.send({"type": "stroke.end", "stroke": stroke, "points": [x + 20, 80]})
        assert ack["type"] == "ack", ack
        return ack

    async def set_class(self, changes):
        message = await self.send({"type": "class", "set": changes}, reply="class")
        assert message["type"] == "class", message


async def lane_of(server, board, query):
    """The (author, stroke id) keys a participant is sent on joining: their page of the board."""
    async with Client(server, board, f"{query}&since=0") as client:
        return set(client.strokes)


def new_hosted_board(server):
    """A board made by /new/, and its host key, as the host's browser gets them."""

    class KeepRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(KeepRedirect)
    try:
        opener.open(f"{server.http_url}/new/", timeout=10)
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    board = location.split("/b/", 1)[1].split("/", 1)[0]
    return board, unquote(location.split("#host=", 1)[1])


async def test_lanes_switched_across_killed_servers_lose_no_item_and_keep_every_page_its_own(
    server_env, tmp_path, postgres_url
):
    env = {**server_env, "DATABASE_URL": postgres_url}
    migrate(env)
    server = DaphneServer(env, log_path=tmp_path / "first.log").start()
    board, key = new_hosted_board(server)
    host_query = f"host={key}"
    async with (
        Client(server, board, host_query) as host,
        Client(server, board, "") as ann,
        Client(server, board, "") as bob,
    ):
        me = {name: client.welcome["you"] for name, client in (("host", host), ("ann", ann), ("bob", bob))}
        tokens = {"ann": ann.welcome["token"], "bob": bob.welcome["token"]}
        await host.set_class({"lanes": True})
        await host.draw("question", 100)
        await ann.draw("annsanswer", 300)
        await bob.draw("bobsanswer", 500)
        await bob.draw("bobssecond", 700)
        await host.draw("wellnote", 900, page=me["ann"])
        # The host rubs out one of Bob's answers: its undo must still reach it after the restarts.
        erase = await host.send({"type": "erase", "id": "hosterase", "strokes": [[me["bob"], "bobssecond"]]})
        assert erase["type"] == "ack"

    question, note = (me["host"], "question"), (me["host"], "wellnote")
    anns, bobs = (me["ann"], "annsanswer"), (me["bob"], "bobsanswer")
    bobs_second = (me["bob"], "bobssecond")

    async def pages():
        return {
            "host": await lane_of(server, board, host_query),
            "ann": await lane_of(server, board, f"token={tokens['ann']}"),
            "bob": await lane_of(server, board, f"token={tokens['bob']}"),
        }

    async def restart():
        nonlocal server
        server.stop(signal.SIGKILL)
        server = DaphneServer(env, port=server.port, log_path=tmp_path / f"{len(steps)}.log").start()

    steps = []
    try:
        await restart()
        steps.append(await pages())
        assert steps[-1] == {
            "host": {question, note, anns, bobs},
            "ann": {question, note, anns},
            "bob": {question, bobs},
        }

        # Lanes off, across a restart: the shared board, everything on it, for everyone.
        async with Client(server, board, host_query) as host:
            await host.set_class({"lanes": False})
        await restart()
        steps.append(await pages())
        assert all(page == {question, note, anns, bobs} for page in steps[-1].values()), steps[-1]

        # On again, revealed and hidden, a restart between each.
        for changes in ({"lanes": True}, {"reveal": True}, {"reveal": False}):
            async with Client(server, board, host_query) as host:
                await host.set_class(changes)
            await restart()
            steps.append(await pages())
        on, revealed, hidden = steps[-3:]
        assert on == hidden == steps[0]
        assert all(page == {question, note, anns, bobs} for page in revealed.values()), revealed

        # The host's undo still reaches the host's own last change: Bob's second answer is back, on his page.
        async with Client(server, board, host_query) as host:
            undone = await host.send({"type": "undo", "id": "hostundo"})
            assert undone["type"] == "ack", undone
        await restart()
        final = await pages()
        assert final["bob"] == {question, bobs, bobs_second}
        assert final["ann"] == {question, note, anns}
        assert final["host"] == {question, note, anns, bobs, bobs_second}
    finally:
        server.stop()


@pytest.fixture
def server_env(server_env):
    # Every frame of this test is one person's; the budgets are tested elsewhere.
    return {**server_env, "SKETCHSITE_MAX_ACTIONS_PER_SECOND": "1000", "SKETCHSITE_MAX_ACTION_BURST": "1000"}
