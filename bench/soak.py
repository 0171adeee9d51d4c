"""`python -m bench soak --minutes 60`: a class of 30 on one board for an hour, measured every minute.

One Daphne (the embedded default, as `bin/serve` runs it: SQLite in a fresh data folder and the
in-memory channel layer) serves one hosted board. The host and STUDENTS students join it; the
students draw ink at a hand's pace (POINTS_PER_SECOND while the pen moves, a pause of
PAUSE_SECONDS between strokes). Mixed in, over the whole run: students leave for good and new
ones join (an HTTP snapshot, then the socket from its seq, as the board page does), students
reload (the same token; half of them from the seq they held, half from an HTTP snapshot), the
host puts pens down and up again, and students erase some of their own strokes and undo their
last change. Every client of the run lives in this one process, so a point's drawn time is
known to every receiver.

Each interval (a minute by default) gives a row: the server's RSS (VmRSS of the Daphne process,
from /proc), p50 and p99 of live points (drawn to arrival, at every other client that was on the
board when the stroke began), live points lost, committed strokes lost, the actions done, and the
board's stored bytes (the SQLite file with its WAL, and the log's rows). At the end the board is
read over HTTP: it must hold exactly the acknowledged strokes that the run's own record of its
erases and undos leaves on show, and every client still on the board must show the same.

Targets (missed: exit status 1): RSS at the end within RSS_GROWTH_LIMIT of RSS at minute
RSS_BASELINE_MINUTE (or the first row, in a shorter run), and no loss of any kind.
"""

import asyncio
import json
import os
import random
import sqlite3
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from bench.classes import seats
from bench.grid import percentile
from bench.servers import ChannelLayer, Daphne
from bench.wsclient import open_socket

try:
    from orjson import loads as decode
except ImportError:  # requirements-bench.txt not installed: slower, not wrong
    decode = json.loads

SOAK = "soak"
STUDENTS = 30
MINUTES = 60.0
INTERVAL = 60.0
SEED = 20261207
# A hand on a tablet: about 60 points a second while the pen moves, strokes of 20..60 points,
# a pause between strokes (looking, thinking, listening) of PAUSE_SECONDS.
POINTS_PER_SECOND = 60
SEND_INTERVAL = 0.033
STROKE_POINTS = (20, 60)
PAUSE_SECONDS = (4.0, 12.0)
# Per student and stroke: the chance of erasing one of their strokes on show, and of an undo.
ERASE_CHANCE = 0.12
UNDO_CHANCE = 0.06
# Seconds between class events, each drawn from these ranges.
LEAVE_EVERY = (20.0, 60.0)
RELOAD_EVERY = (10.0, 30.0)
PENS_DOWN_EVERY = (90.0, 180.0)
PENS_DOWN_FOR = (10.0, 30.0)
# An acknowledged stroke is owed to a client once this long has passed since its ack.
DELIVERY_GRACE = 5.0
# Whoever leaves is replaced this long after.
REJOIN_DELAY = 2.0
EVENT_SCALE_MINUTES = 10.0
RSS_BASELINE_MINUTE = 5
RSS_GROWTH_LIMIT = 0.10
JOIN_TIMEOUT = 30.0
ACK_TIMEOUT = 15.0
DRAIN_SECONDS = 5.0
BOARD_SIZE = (1600, 900)
COLOURS = ("#1e1e1e", "#e03131", "#1971c2", "#2f9e44", "#f08c00", "#7048e8")


def rss_kib(pid):
    """VmRSS of process `pid` in KiB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ValueError(f"no VmRSS for process {pid}")


def stored_bytes(data_dir):
    """The SQLite file with its WAL and shared memory, and the rows and bytes of the board's log."""
    files = sorted(Path(data_dir.path).glob("sketchsite.sqlite3*"))
    figures = {"file_bytes": sum(path.stat().st_size for path in files), "log_rows": None, "log_bytes": None}
    database = Path(data_dir.path) / "sketchsite.sqlite3"
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            columns = [row[1] for row in connection.execute("PRAGMA table_info(draw_boardevent)")]
            sizes = " + ".join(f"coalesce(length({column}), 0)" for column in columns)
            rows, size = connection.execute(f"SELECT count(*), sum({sizes}) FROM draw_boardevent").fetchone()
        figures.update(log_rows=rows, log_bytes=size or 0)
    except sqlite3.Error:
        pass  # busy while the server writes: the file's size still stands
    return figures


class Ledger:
    """What the run did and what every client received, shared by every client of the process."""

    def __init__(self):
        self.drawn = {}  # stroke key -> monotonic time each point was drawn
        self.begun_at = {}  # stroke key -> when its begin was sent
        self.acked_at = {}  # stroke key -> when its ack came
        self.on_show = set()  # keys the run's own erases and undos leave on show
        self.latencies = []
        self.live_points = 0
        self.live_lost = 0
        self.committed_owed = 0
        self.committed_lost = 0
        self.gaps = 0
        self.lost_keys = []  # (client, author, stroke) of each acknowledged stroke that never came
        self.errors = {}
        self.counts = dict.fromkeys(
            ("strokes", "erases", "undos", "joins", "leaves", "reloads", "pens_down", "refused"), 0
        )

    def take_interval(self):
        latencies, self.latencies = self.latencies, []
        figures = {
            "p50_ms": 1000 * percentile(latencies, 0.5) if latencies else None,
            "p99_ms": 1000 * percentile(latencies, 0.99) if latencies else None,
            "latency_samples": len(latencies),
            "live_points": self.live_points,
            "live_lost": self.live_lost,
            "committed_owed": self.committed_owed,
            "committed_lost": self.committed_lost,
            "gaps": self.gaps,
            **self.counts,
        }
        self.live_points = self.live_lost = self.committed_owed = self.committed_lost = self.gaps = 0
        self.counts = dict.fromkeys(self.counts, 0)
        return figures


class Client:
    """One browser on the board: holds the board's visible keys as its events say, counts what arrives."""

    def __init__(self, ledger, server, board, query, name):
        self.ledger = ledger
        self.server = server
        self.board = board
        self.query = query
        self.name = name
        self.socket = None
        self.you = None
        self.seq = 0
        self.visible = set()
        self.ready_at = None  # when its state was complete: strokes begun later are owed live
        self.live = {}  # stroke key -> live points received
        self.committed = set()
        self.settled_until = float("-inf")  # acks up to this time are counted already
        self.locked_at = float("-inf")  # when the server last refused something as `locked`
        self.pens_down = False
        self.acks = {}  # ref -> future of the ack (or the error) for it
        self.state_ready = None

    async def connect(self, since=0, http_snapshot=False):
        loop = asyncio.get_running_loop()
        self.live = {}
        self.committed = set()
        self.settled_until = float("-inf")
        if http_snapshot:
            self._apply_snapshot(await asyncio.to_thread(self._read_snapshot))
            since = self.seq
        self.state_ready = loop.create_future()
        self._welcome = loop.create_future()
        url = f"{self.server.url}/ws/boards/{self.board}/?{self.query}&{urlencode({'since': since})}"
        self.socket = await open_socket(url, self.server.origin, self._on_text, JOIN_TIMEOUT)
        await asyncio.wait_for(self._welcome, JOIN_TIMEOUT)
        await asyncio.wait_for(self.state_ready, JOIN_TIMEOUT)
        self.ready_at = loop.time()

    def _read_snapshot(self):
        token = parse_qs(self.query)["token"][0]
        request = urllib.request.Request(
            f"{self.server.origin}/b/{self.board}/snapshot", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=JOIN_TIMEOUT) as response:
            return json.loads(response.read())

    async def close(self):
        if self.socket is not None:
            socket, self.socket = self.socket, None
            await socket.close()
        self.ready_at = None

    def send(self, message):
        if self.socket is not None:
            self.socket.send_text(json.dumps(message, separators=(",", ":")))

    def expect_ack(self, ref):
        future = asyncio.get_running_loop().create_future()
        self.acks[ref] = future
        return future

    # Frames

    def _on_text(self, payload, received_at):
        frame = decode(payload)
        kind = frame.get("type")
        if kind == "batch":
            for message in frame["messages"]:
                self._on_message(message, received_at)
        elif kind == "snapshot":
            self._apply_snapshot(frame)
        elif kind == "welcome":
            self.you = frame["you"]
            self.pens_down = frame["class"]["pens_down"]
            self.welcome_seq = frame["seq"]
            if self.seq >= frame["seq"] and not self._welcome.done():
                self._welcome.set_result(None)
                self.state_ready.set_result(None)
            elif not self._welcome.done():
                self._welcome.set_result(None)
        elif kind in ("event", "stroke.begin", "stroke.points"):
            self._on_message(frame, received_at)
        elif kind == "ack":
            self._settle(frame["ref"], frame)
        elif kind == "error":
            code = frame.get("code", "?")
            self.ledger.errors[code] = self.ledger.errors.get(code, 0) + 1
            if code == "locked":
                self.locked_at = asyncio.get_running_loop().time()
            if frame.get("ref"):
                self._settle(frame["ref"], frame)
        elif kind == "class":
            self.pens_down = frame["class"]["pens_down"]

    def _settle(self, ref, frame):
        future = self.acks.pop(ref, None)
        if future is not None and not future.done():
            future.set_result(frame)

    def _apply_snapshot(self, frame):
        if frame["index"] == 0:
            self.visible = set()
        self.visible.update((author, stroke) for stroke, author, *_ in frame["strokes"])
        self.seq = frame["seq"]
        if frame["index"] + len(frame["strokes"]) == frame["total"] and self.state_ready:
            if not self.state_ready.done():
                self.state_ready.set_result(None)

    def _on_message(self, message, received_at):
        kind = message["type"]
        if kind == "event":
            self._on_event(message)
            return
        if kind not in ("stroke.begin", "stroke.points") or self.ready_at is None:
            return
        key = (message["author"], message["stroke"])
        if key[0] == self.you:
            return
        begun = self.ledger.begun_at.get(key)
        if begun is None or begun < self.ready_at:
            return  # begun before this client held the board: not owed live
        before = self.live.get(key, 0)
        count = len(message["points"]) // 3
        self.live[key] = before + count
        drawn = self.ledger.drawn[key]
        self.ledger.latencies.extend(received_at - drawn[index] for index in range(before, before + count))

    def _on_event(self, event):
        seq = event["seq"]
        if seq <= self.seq:
            return
        if seq > self.seq + 1:
            self.ledger.gaps += 1
        self.seq = seq
        if (
            self.state_ready is not None
            and not self.state_ready.done()
            and self._welcome.done()
            and seq >= self.welcome_seq
        ):
            self.state_ready.set_result(None)
        if event["kind"] == "stroke":
            key = (event["author"], event["stroke"])
            self.visible.add(key)
            self.committed.add(key)
            begun = self.ledger.begun_at.get(key)
            if key[0] != self.you and begun is not None and self.ready_at and begun >= self.ready_at:
                points = len(event["points"]) // 3
                self.ledger.live_points += points
                self.ledger.live_lost += max(0, points - self.live.pop(key, 0))
        for pair in event.get("hide", ()):
            self.visible.discard(tuple(pair))
        for pair in event.get("show", ()):
            self.visible.add(tuple(pair))

    def settle_owed(self, now):
        """Count the acknowledged strokes this client was owed since the last count (begun after it
        held the board, acked at least DELIVERY_GRACE ago) and those of them that never came."""
        if self.ready_at is None:
            return
        until = now - DELIVERY_GRACE
        for key, acked in self.ledger.acked_at.items():
            if not self.settled_until < acked <= until or key[0] == self.you:
                continue
            if self.ledger.begun_at[key] >= self.ready_at:
                self.ledger.committed_owed += 1
                if key not in self.committed:
                    self.ledger.committed_lost += 1
                    self.ledger.lost_keys.append((self.name, *key))
                self.committed.discard(key)
        self.settled_until = max(self.settled_until, until)


class Student:
    """A seat in the class: a token (its identity across reloads), its own changes for undo, its pen."""

    def __init__(self, client, rng):
        self.client = client
        self.rng = rng
        self.changes = []  # ("stroke", key) or ("erase", [keys]), the last on top: what undo reverts
        self.mine = []  # keys of its strokes the run has on show
        self.count = 0
        self.present = False
        self.busy = False  # a reload waits for the stroke or edit under way

    async def run(self, stop_at):
        loop = asyncio.get_running_loop()
        while self.present and loop.time() < stop_at:
            await asyncio.sleep(min(self.rng.uniform(*PAUSE_SECONDS), max(0.0, stop_at - loop.time())))
            if not self.present or loop.time() >= stop_at:
                return
            if self.client.pens_down or self.client.socket is None:
                continue
            self.busy = True
            try:
                await self._stroke()
                if self.mine and self.rng.random() < ERASE_CHANCE:
                    await self._erase()
                if self.changes and self.rng.random() < UNDO_CHANCE:
                    await self._undo()
            finally:
                self.busy = False

    async def _stroke(self):
        ledger = self.client.ledger
        loop = asyncio.get_running_loop()
        self.count += 1
        stroke = f"s{self.count}"
        key = (self.client.you, stroke)
        points = self.rng.randint(*STROKE_POINTS)
        x, y = self.rng.randrange(40, BOARD_SIZE[0] - 40), self.rng.randrange(40, BOARD_SIZE[1] - 40)
        item = {"kind": "ink", "color": self.rng.choice(COLOURS), "width": self.rng.choice((3, 5, 8))}
        drawn = ledger.drawn[key] = []
        ledger.begun_at[key] = loop.time()
        started = loop.time()
        sent = 0
        while sent < points:
            if self.client.locked_at >= started:
                ledger.counts["refused"] += 1  # begun as pens went down: the server refused it
                return
            due = started + len(drawn) / POINTS_PER_SECOND
            while len(drawn) < points and due <= loop.time():
                drawn.append(due)
                due = started + len(drawn) / POINTS_PER_SECOND
            fresh = []
            for index in range(sent, len(drawn)):
                x = min(BOARD_SIZE[0] - 1, max(0, x + self.rng.randint(-6, 6)))
                y = min(BOARD_SIZE[1] - 1, max(0, y + self.rng.randint(-6, 6)))
                fresh += [x, y, 40 + (index * 7) % 21]
            if fresh:
                kind = "stroke.begin" if sent == 0 else "stroke.points"
                message = {"type": kind, "stroke": stroke, "points": fresh}
                if sent == 0:
                    message["item"] = item
                self.client.send(message)
                sent = len(drawn)
            await asyncio.sleep(SEND_INTERVAL)
        ack = self.client.expect_ack(stroke)
        self.client.send({"type": "stroke.end", "stroke": stroke})
        reply = await self._reply(ack)
        if reply and reply["type"] == "ack":
            ledger.acked_at[key] = loop.time()
            ledger.on_show.add(key)
            ledger.counts["strokes"] += 1
            self.changes.append(("stroke", key))
            self.mine.append(key)
        else:
            ledger.counts["refused"] += 1

    async def _erase(self):
        key = self.mine.pop(self.rng.randrange(len(self.mine)))
        self.count += 1
        ref = f"e{self.count}"
        ack = self.client.expect_ack(ref)
        self.client.send({"type": "erase", "id": ref, "strokes": [list(key)]})
        reply = await self._reply(ack)
        if reply and reply["type"] == "ack":
            self.client.ledger.on_show.discard(key)
            self.client.ledger.counts["erases"] += 1
            self.changes.append(("erase", [key]))
        else:
            self.mine.append(key)
            self.client.ledger.counts["refused"] += 1

    async def _undo(self):
        self.count += 1
        ref = f"u{self.count}"
        ack = self.client.expect_ack(ref)
        self.client.send({"type": "undo", "id": ref})
        reply = await self._reply(ack)
        ledger = self.client.ledger
        if not (reply and reply["type"] == "ack"):
            ledger.counts["refused"] += 1
            return
        ledger.counts["undos"] += 1
        change, keys = self.changes.pop()
        if change == "stroke":
            ledger.on_show.discard(keys)
            self.mine.remove(keys)
        else:
            ledger.on_show.update(keys)
            self.mine.extend(keys)

    async def _reply(self, future):
        try:
            return await asyncio.wait_for(future, ACK_TIMEOUT)
        except TimeoutError:
            return None


class Soak:
    def __init__(self, server, data_dir, minutes, interval, students, seed):
        self.server = server
        self.data_dir = data_dir
        self.minutes = minutes
        self.interval = interval
        self.students_count = students
        self.rng = random.Random(seed)
        self.ledger = Ledger()
        self.board = f"bench-soak-{os.getpid()}"
        # Seats for everyone who will ever sit in the class: the first students, every newcomer, the host.
        leavers = int(EVENT_SCALE_MINUTES * 60 / LEAVE_EVERY[0]) + int(minutes * 60 / LEAVE_EVERY[0]) + 2
        self.seats = seats(self.board, students + leavers + 1, students + leavers, data_dir)
        self.next_seat = 0
        self.students = []
        self.rows = []
        # A run shorter than EVENT_SCALE_MINUTES has its leaves, reloads and pens down that much
        # closer together, so a short run (the test's) has some of each.
        self.event_scale = min(1.0, minutes / EVENT_SCALE_MINUTES)

    def _new_student(self):
        seat = self.seats[self.next_seat]
        self.next_seat += 1
        client = Client(self.ledger, self.server, self.board, seat.query.lstrip("?"), seat.name)
        return Student(client, random.Random(self.rng.random()))

    async def run(self):
        loop = asyncio.get_running_loop()
        self.host = Client(self.ledger, self.server, self.board, self.seats[-1].query.lstrip("?"), "host")
        await self.host.connect()
        first = [self._new_student() for _ in range(self.students_count)]
        await asyncio.gather(*(student.client.connect() for student in first))
        started = loop.time()
        self.stop_at = started + self.minutes * 60
        self.tasks = set()
        for student in first:
            self._seat(student)
        sampler = asyncio.ensure_future(self._sample(started))
        await asyncio.gather(self._leaves(), self._reloads(), self._pens())
        await asyncio.gather(*list(self.tasks), return_exceptions=True)
        await asyncio.sleep(DRAIN_SECONDS)
        sampler.cancel()
        self._row(started, loop.time())
        final = await self._final_check()
        for student in self.students:
            await student.client.close()
        await self.host.close()
        return final

    def _seat(self, student):
        student.present = True
        self.students.append(student)
        task = asyncio.ensure_future(student.run(self.stop_at))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _sample(self, started):
        loop = asyncio.get_running_loop()
        next_at = started + self.interval
        while True:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            self._row(started, next_at)
            next_at += self.interval

    def _row(self, started, at):
        now = asyncio.get_running_loop().time()
        for client in [self.host, *(student.client for student in self.students)]:
            client.settle_owed(now)
        row = {
            "minute": round((at - started) / 60, 2),
            "rss_kib": rss_kib(self.server.pid),
            "clients": 1 + sum(1 for student in self.students if student.client.socket is not None),
            **self.ledger.take_interval(),
            **stored_bytes(self.data_dir),
        }
        self.rows.append(row)
        print(row_line(row), flush=True)

    async def _leaves(self):
        loop = asyncio.get_running_loop()
        while loop.time() < self.stop_at:
            if not await self._wait(LEAVE_EVERY):
                return
            leaving = self.rng.choice(self.students)
            leaving.present = False
            while leaving.busy:
                await asyncio.sleep(0.05)
            self.students.remove(leaving)
            leaving.client.settle_owed(loop.time())
            await leaving.client.close()
            self.ledger.counts["leaves"] += 1
            await asyncio.sleep(REJOIN_DELAY)
            newcomer = self._new_student()
            await newcomer.client.connect(http_snapshot=True)
            self.ledger.counts["joins"] += 1
            self._seat(newcomer)

    async def _reloads(self):
        loop = asyncio.get_running_loop()
        while loop.time() < self.stop_at:
            if not await self._wait(RELOAD_EVERY):
                return
            student = self.rng.choice(self.students)
            while student.busy:
                await asyncio.sleep(0.05)
            held = student.client.seq
            student.client.settle_owed(loop.time())
            await student.client.close()
            if self.rng.random() < 0.5:
                await student.client.connect(since=held)
            else:
                await student.client.connect(http_snapshot=True)
            self.ledger.counts["reloads"] += 1

    async def _pens(self):
        loop = asyncio.get_running_loop()
        while loop.time() < self.stop_at:
            if not await self._wait(PENS_DOWN_EVERY):
                return
            self.host.send({"type": "class", "set": {"pens_down": True}})
            self.ledger.counts["pens_down"] += 1
            await self._wait(PENS_DOWN_FOR)
            self.host.send({"type": "class", "set": {"pens_down": False}})

    async def _wait(self, seconds):
        """Sleep a time drawn from `seconds` (scaled in a short run), at most until the end; False then."""
        loop = asyncio.get_running_loop()
        delay = self.rng.uniform(*seconds) * self.event_scale
        await asyncio.sleep(max(0.0, min(delay, self.stop_at - loop.time())))
        return loop.time() < self.stop_at

    async def _final_check(self):
        stored = await asyncio.to_thread(self.host._read_snapshot)
        stored_keys = {(author, stroke) for stroke, author, *_ in stored["strokes"]}
        expected = self.ledger.on_show
        clients = [self.host, *(student.client for student in self.students)]
        differing = [client.name for client in clients if client.visible != stored_keys]
        return {
            "stored_strokes": len(stored_keys),
            "expected_strokes": len(expected),
            "missing_from_store": len(expected - stored_keys),
            "unexpected_in_store": len(stored_keys - expected),
            "clients_differing": differing,
            "errors": dict(self.ledger.errors),
            "lost": [list(entry) for entry in self.ledger.lost_keys[:20]],
        }


def row_line(row):
    p50 = "-" if row["p50_ms"] is None else f"{row['p50_ms']:.1f}"
    p99 = "-" if row["p99_ms"] is None else f"{row['p99_ms']:.1f}"
    return (
        f"| {row['minute']:6.2f} | {row['rss_kib'] / 1024:7.1f} | {row['clients']:3d} | {p50:>6} | {p99:>6} "
        f"| {row['live_points']:7d} | {row['live_lost']:4d} | {row['committed_owed']:6d} "
        f"| {row['committed_lost']:4d} | {row['strokes']:5d} | {row['erases']:3d} | {row['undos']:3d} "
        f"| {row['joins']:2d}/{row['leaves']:2d} | {row['reloads']:3d} | {row['pens_down']:2d} "
        f"| {row['file_bytes'] / 1e6:7.2f} | {row['log_rows'] if row['log_rows'] is not None else '-'} |"
    )


HEADER = (
    "| minute | RSS MiB | on | p50 ms | p99 ms | live pts | lost | owed | lost | strokes | er | un "
    "| in/out | rel | pd | store MB | log rows |\n"
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
    "| ---: | ---: | ---: |"
)


def verdicts(rows, final):
    """The soak's targets, each with what was measured and whether it was met."""
    baseline_rows = [row for row in rows if row["minute"] >= RSS_BASELINE_MINUTE] or rows
    baseline, end = baseline_rows[0]["rss_kib"], rows[-1]["rss_kib"]
    growth = (end - baseline) / baseline
    live_lost = sum(row["live_lost"] for row in rows)
    committed_lost = sum(row["committed_lost"] for row in rows)
    gaps = sum(row["gaps"] for row in rows)
    store_loss = final["missing_from_store"] + final["unexpected_in_store"] + len(final["clients_differing"])
    checks = [
        (
            f"RSS growth from minute {baseline_rows[0]['minute']:g} to the end <= 10 %",
            growth,
            growth <= RSS_GROWTH_LIMIT,
        ),
        ("live points lost = 0", live_lost, live_lost == 0),
        ("acknowledged strokes not delivered = 0", committed_lost, committed_lost == 0),
        ("gaps in the event stream = 0", gaps, gaps == 0),
        (
            "stored board and every client = the strokes acknowledged and not erased/undone",
            store_loss,
            store_loss == 0,
        ),
    ]
    return [
        {"target": name, "measured": measured, "verdict": "met" if ok else "missed"}
        for name, measured, ok in checks
    ]


def run(data_dir, log_dir, minutes=MINUTES, interval=INTERVAL, students=STUDENTS, seed=SEED):
    layer = ChannelLayer.create("memory")
    server = Daphne("sketchsite", data_dir, layer, log_dir).start()
    try:
        print(
            f"soak: {students} students and their host on one board for {minutes:g} min, a row every "
            f"{interval:g} s; Daphne pid {server.pid}",
            flush=True,
        )
        print(HEADER, flush=True)
        soak = Soak(server, data_dir, minutes, interval, students, seed)
        final = asyncio.run(soak.run())
    finally:
        server.stop()
    rows = soak.rows
    p99s = [row["p99_ms"] for row in rows if row["p99_ms"] is not None]
    rss = [row["rss_kib"] for row in rows]
    return {
        "minutes": minutes,
        "interval": interval,
        "students": students,
        "rows": rows,
        "final": final,
        "summary": {
            "rss_kib_min": min(rss),
            "rss_kib_max": max(rss),
            "p99_ms_min": min(p99s, default=None),
            "p99_ms_max": max(p99s, default=None),
            "live_points": sum(row["live_points"] for row in rows),
            "live_lost": sum(row["live_lost"] for row in rows),
            "committed_owed": sum(row["committed_owed"] for row in rows),
            "committed_lost": sum(row["committed_lost"] for row in rows),
            "stored_file_bytes": rows[-1]["file_bytes"],
            "log_rows": rows[-1]["log_rows"],
            "log_bytes": rows[-1]["log_bytes"],
            **{name: sum(row[name] for row in rows) for name in Ledger().counts},
        },
        "targets": verdicts(rows, final),
    }


def table(result):
    summary, final = result["summary"], result["final"]
    lines = [
        f"soak summary: RSS {summary['rss_kib_min'] / 1024:.1f}..{summary['rss_kib_max'] / 1024:.1f} MiB; "
        f"p99 per row {summary['p99_ms_min']:.1f}..{summary['p99_ms_max']:.1f} ms; "
        f"live points {summary['live_points']:,} ({summary['live_lost']} lost); "
        f"acknowledged strokes owed {summary['committed_owed']:,} ({summary['committed_lost']} lost); "
        f"stored {summary['stored_file_bytes'] / 1e6:.2f} MB, {summary['log_rows']} log rows "
        f"({(summary['log_bytes'] or 0) / 1e6:.2f} MB)",
        f"board at the end: {final['stored_strokes']} strokes stored, {final['expected_strokes']} expected; "
        f"missing {final['missing_from_store']}, unexpected {final['unexpected_in_store']}, "
        f"clients differing {len(final['clients_differing'])}; errors {final['errors']}",
        "",
        "| target | measured | verdict |",
        "| --- | ---: | --- |",
    ]
    for check in result["targets"]:
        measured = check["measured"]
        shown = f"{measured:+.1%}" if isinstance(measured, float) else str(measured)
        lines.append(f"| {check['target']} | {shown} | {check['verdict']} |")
    return "\n".join(lines)
