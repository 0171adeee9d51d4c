"""A joiner's snapshot plus the events after it always add up to the board the database holds."""

import asyncio
import json
import random
import sqlite3
from pathlib import Path

import pytest
from channels.db import database_sync_to_async

from draw.history import BoardHistory
from tests import site
from tests.relayed import connect as connect_socket
from tests.servers import DaphneServer, migrate
from tests.test_consumers import connect, join, read_snapshot
from tests.test_durable_boards import draw, next_of_type


class JoinerBoard:
    """Committed strokes as a joining browser builds them: a snapshot, then events in seq order."""

    def __init__(self):
        self.seq = self.joined_at = None
        self.strokes = {}
        self.received = 0
        self.needs_snapshot = False
        # Broken promises of the protocol, each described; a consistent board has none.
        self.faults = []

    @property
    def complete(self):
        return self.seq is not None

    def snapshot(self, part):
        if part["index"] != self.received:
            self.faults.append(f"snapshot part at {part['index']} after {self.received} strokes")
        for stroke_id, author, _item, points, _seq in part["strokes"]:
            self.strokes[(author, stroke_id)] = {"points": points, "visible": True}
        self.received += len(part["strokes"])
        if self.received >= part["total"]:
            self.seq = self.joined_at = part["seq"]

    def event(self, event):
        if event["seq"] <= self.seq or self.needs_snapshot:
            return
        if event["seq"] != self.seq + 1:
            self.faults.append(f"event {event['seq']} after {self.seq}: a gap")
        if any(tuple(key) not in self.strokes for key in event.get("show", ())):
            # Hidden before this joiner's snapshot, which carries visible strokes only: as the
            # browser does, it asks for a fresh snapshot, which has the stroke.
            self.needs_snapshot = True
            return
        self.seq = event["seq"]
        if event["kind"] == "stroke":
            self.strokes[(event["author"], event["stroke"])] = {"points": event["points"], "visible": True}
            return
        for author, stroke_id in event.get("hide", ()):
            if (author, stroke_id) in self.strokes:
                self.strokes[(author, stroke_id)]["visible"] = False
        for author, stroke_id in event.get("show", ()):
            self.strokes[(author, stroke_id)]["visible"] = True

    def frame(self, frame):
        if frame["type"] == "snapshot":
            self.snapshot(frame)
        elif frame["type"] == "batch" and self.complete:
            for message in frame["messages"]:
                if message["type"] == "event":
                    self.event(message)
        elif frame["type"] == "event" and self.complete:
            self.event(frame)
        elif frame["type"] in ("batch", "event"):
            self.faults.append(f"a {frame['type']} frame before the snapshot was complete")

    def visible(self):
        return {key: stroke["points"] for key, stroke in self.strokes.items() if stroke["visible"]}


# --- a stroke shown again after someone joined ---------------------------------------------


async def ack_of(client, ref):
    while True:
        frame = await next_of_type(client, "ack")
        if frame["ref"] == ref:
            return frame


def shown_in_store(board):
    return {stroke.key: stroke.points for stroke in site.current.store.read(board).strokes}


# Edits that hide s1 (and maybe s0) of the one who drew them, each with the edit that shows them again.
HIDE_THEN_SHOW = {
    "undo of an erase": (lambda you: {"type": "erase", "id": "e1", "strokes": [[you, "s1"]]}, "undo"),
    "undo of a clear": (lambda you: {"type": "clear", "id": "c1"}, "undo"),
    "redo of an undone stroke": (lambda you: {"type": "undo", "id": "u1"}, "redo"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("hide", "show"), HIDE_THEN_SHOW.values(), ids=HIDE_THEN_SHOW.keys())
async def test_a_joiner_sees_a_stroke_hidden_before_it_joined_and_shown_after(hide, show):
    alice, welcome = await join("shown-again")
    await draw(alice, "s0")
    await draw(alice, "s1")
    await ack_of(alice, "s1")
    hiding = hide(welcome["you"])
    await alice.send_json_to(hiding)
    await ack_of(alice, hiding["id"])

    carol, _ = await connect("shown-again")
    seq, strokes = await read_snapshot(carol)
    board = JoinerBoard()
    board.snapshot({"index": 0, "total": len(strokes), "seq": seq, "strokes": strokes})
    await alice.send_json_to({"type": show, "id": "again"})
    final = (await ack_of(alice, "again"))["seq"]
    while board.seq < final and not board.needs_snapshot:
        board.frame(await carol.receive_json_from(timeout=5))
    # The show named a stroke carol never had: she reconnects for a fresh snapshot.
    assert board.needs_snapshot
    await carol.disconnect()
    carol, _ = await connect("shown-again", since=0)
    seq, strokes = await read_snapshot(carol)
    board = JoinerBoard()
    board.snapshot({"index": 0, "total": len(strokes), "seq": seq, "strokes": strokes})

    assert seq == final
    assert board.faults == []
    assert board.visible() == await database_sync_to_async(shown_in_store)("shown-again")
    await alice.disconnect()
    await carol.disconnect()


# --- joiners arriving while a stroke is committed every few milliseconds -------------------

JOINERS = 200
JOINERS_AT_ONCE = 5


class Drawer:
    """Commits strokes without pause, erasing, undoing and clearing as it goes."""

    # It never shows a stroke again (an undo of an erase, say): a joiner would then need a fresh
    # snapshot, see test_a_joiner_sees_a_stroke_hidden_before_it_joined_and_shown_after.

    def __init__(self, socket, welcome):
        self.socket, self.you = socket, welcome["you"]
        self.acked = {}
        self.errors = []
        self.sent = []
        self.visible = []
        self.random = random.Random(7)

    async def read(self):
        async for text in self.socket:
            frame = json.loads(text)
            if frame["type"] == "ack":
                self.acked[frame["ref"]] = frame["seq"]
            elif frame["type"] == "error":
                self.errors.append(frame)

    async def send(self, message):
        self.sent.append(message.get("id") or message["stroke"])
        await self.socket.send(json.dumps(message))

    async def step(self, number):
        stroke = f"s{number}"
        x, y = self.random.randrange(0, 1500), self.random.randrange(0, 800)
        begin = {
            "type": "stroke.begin",
            "stroke": stroke,
            "item": {"kind": "marker", "color": "#1e1e1e", "width": 3},
            "points": [x, y],
        }
        await self.socket.send(json.dumps(begin))
        await self.send({"type": "stroke.end", "stroke": stroke, "points": [x + 9, y + 9, x + 30, y]})
        self.visible.append(stroke)
        # Commits on one socket happen in order, so the undo takes back the stroke just drawn.
        if number % 7 == 3:
            await self.send({"type": "undo", "id": f"u{number}"})
            self.visible.pop()
        elif number % 5 == 0 and len(self.visible) > 1:
            erased = self.visible.pop(self.random.randrange(len(self.visible) - 1))
            await self.send({"type": "erase", "id": f"e{number}", "strokes": [[self.you, erased]]})
        elif number % 400 == 399:
            await self.send({"type": "clear", "id": f"c{number}"})
            self.visible = []

    async def draw_until(self, stop, steps_at_once=4, pause=0.01):
        number = 0
        while not stop.is_set():
            for _ in range(steps_at_once):
                await self.step(number)
                number += 1
            await asyncio.sleep(pause)
        for extra in range(number, number + 20):
            await self.step(extra)
        while self.sent[-1] not in self.acked and not self.errors:
            await asyncio.sleep(0.01)
        return self.acked.get(self.sent[-1])


async def joiner(server, board, joined, final, delay):
    """One browser joining mid-drawing and following the board until it reaches the final seq."""
    state = JoinerBoard()
    await asyncio.sleep(delay)
    async with connect_socket(f"{server.ws_url}/ws/boards/{board}/", origin=server.http_url) as socket:
        welcome = json.loads(await asyncio.wait_for(socket.recv(), timeout=20))
        while not state.complete:
            state.frame(json.loads(await asyncio.wait_for(socket.recv(), timeout=20)))
        if state.seq != welcome["seq"]:
            state.faults.append(f"snapshot at {state.seq}, welcome at {welcome['seq']}")
        joined.release()
        target = await final
        while state.seq < target and not state.faults and not state.needs_snapshot:
            state.frame(json.loads(await asyncio.wait_for(socket.recv(), timeout=20)))
        if state.needs_snapshot:
            state.faults.append("asked for a fresh snapshot, though no stroke was shown again")
    return state


def database_board(database, board):
    """The board's visible strokes, replayed from the rows of its log."""
    with sqlite3.connect(database) as reader:
        rows = reader.execute(
            "SELECT e.seq, e.kind, e.author, e.effect FROM draw_boardevent e "
            "JOIN draw_board b ON b.id = e.board_id WHERE b.name = ? ORDER BY e.seq",
            [board],
        ).fetchall()
    events = [
        {"seq": seq, "kind": kind, "author": author, **json.loads(effect)}
        for seq, kind, author, effect in rows
    ]
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    return {stroke.key: stroke.points for stroke in BoardHistory().apply_all(events).visible_strokes()}


async def test_every_joiner_during_continuous_commits_ends_with_the_databases_board(server_env, tmp_path):
    env = {
        **server_env,
        "SKETCHSITE_MAX_ACTIONS_PER_SECOND": "100000",
        "SKETCHSITE_MAX_ACTION_BURST": "100000",
        "SKETCHSITE_MAX_POINTS_PER_SECOND": "1000000",
        "SKETCHSITE_MAX_ERRORS_PER_MINUTE": "1000",
        # Snapshots of a few parts, so a commit can fall between the parts of one.
        "SKETCHSITE_SNAPSHOT_CHUNK": "40",
    }
    migrate(env)
    database = Path(env["SKETCHSITE_DATA_DIR"]) / "sketchsite.sqlite3"
    server = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    try:
        async with connect_socket(f"{server.ws_url}/ws/boards/busy/", origin=server.http_url) as socket:
            drawer = Drawer(socket, json.loads(await socket.recv()))
            reading = asyncio.create_task(drawer.read())
            stop, final = asyncio.Event(), asyncio.get_running_loop().create_future()
            drawing = asyncio.create_task(drawer.draw_until(stop))
            joined = asyncio.Semaphore(0)
            joiners = []
            for _ in range(JOINERS // JOINERS_AT_ONCE):
                joiners += [
                    asyncio.create_task(joiner(server, "busy", joined, final, delay=index * 0.015))
                    for index in range(JOINERS_AT_ONCE)
                ]
                for _ in range(JOINERS_AT_ONCE):
                    await asyncio.wait_for(joined.acquire(), timeout=30)
                await asyncio.sleep(0.05)
            stop.set()
            final_seq = await asyncio.wait_for(drawing, timeout=30)
            assert drawer.errors == []
            final.set_result(final_seq)
            boards = await asyncio.wait_for(asyncio.gather(*joiners), timeout=60)
            reading.cancel()
    finally:
        server.stop()

    expected = database_board(database, "busy")
    assert final_seq == max(seq for seq in drawer.acked.values())
    assert len(expected) > 10
    mismatched = [board for board in boards if board.faults or board.visible() != expected]
    assert not mismatched, (
        f"{len(mismatched)} of {len(boards)} joiners disagree with the database; first: "
        f"{mismatched[0].faults[:3]}, {len(mismatched[0].visible())} strokes vs {len(expected)}"
    )
    # The joiners joined at many different moments.
    assert len({board.joined_at for board in boards}) >= JOINERS // 2
