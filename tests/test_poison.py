"""One student's message never breaks a board: real Daphne servers, on SQLite and on PostgreSQL.

A student who joined by the code sends what once poisoned a board for everyone (a text whose
JSON spells a lone surrogate, colours only Python's int(x, 16) reads); rows that break the
rules are written straight into the log, as an older version or a bug could have. The
board still opens for a fresh host, its HTTP snapshot and both exports answer, the rows are
counted, and `manage.py check_boards --fix` sets exactly those rows aside.
"""

import asyncio
import http.cookiejar
import json
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest

from tests.relayed import connect
from tests.servers import PROJECT, DaphneServer, migrate

BOARD = "lesson"
POISONED_TEXTS = ['"x\\ud800y"', '"a\\ud83d"', '"\\ude00b"']
LAX_COLOURS = ["#+12345", "#ab_cde", "# 1234 ", "#0x1234", "#١٢٣٤٥٦", "#１２３４５６"]
MARKER = {"kind": "marker", "color": "#1e1e1e", "width": 4}


class Classroom:
    """A server with a hosted board, its host key and join code, and how to reach its database."""

    def __init__(self, env, tmp_path, database):
        self.env, self.tmp_path, self.database = env, tmp_path, database
        self.server = None
        self.starts = 0

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env={**self.server.env} if self.server else {**DaphneServer(self.env).env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def open_lesson(self):
        migrate(self.env)
        links = self.manage("hostlink", BOARD)
        assert links.returncode == 0, links.stderr
        self.host_key = re.search(r"#host=([0-9a-f]+)", links.stdout).group(1)
        self.code = re.search(r"\(code ([A-Z0-9]{6})\)", links.stdout).group(1)

    def start(self):
        self.starts += 1
        log = self.tmp_path / f"daphne-{self.starts}.log"
        port = self.server.port if self.server else None
        self.server = DaphneServer(self.env, port=port, log_path=log).start()
        return self

    def stop(self):
        if self.server:
            self.server.stop()

    def restart(self):
        self.server.stop()
        return self.start()

    # --- over HTTP ---------------------------------------------------------------------

    def get(self, path):
        """(status, body) of a GET on the server, read by the board's host (a hosted board
        answers its readers alone)."""
        request = urllib.request.Request(
            f"{self.server.http_url}{path}", headers={"Authorization": f"Bearer {self.host_key}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def student_token(self, name):
        """Join by the code with the join form, as a student's browser does: the token it gets."""
        jar = http.cookiejar.CookieJar()

        class Stay(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), Stay)
        form = opener.open(f"{self.server.http_url}/j/{self.code}", timeout=10).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "name": name}).encode()
        request = urllib.request.Request(
            f"{self.server.http_url}/j/{self.code}", data=body, headers={"Referer": self.server.http_url}
        )
        try:
            opener.open(request, timeout=10)
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 302, redirect.code
            fragment = urllib.parse.urlsplit(redirect.headers["Location"]).fragment
            return urllib.parse.unquote(dict(urllib.parse.parse_qsl(fragment))["t"])
        pytest.fail("the join form did not send the student on to the board")

    # --- over the socket -----------------------------------------------------------------

    def socket(self, query):
        return connect(f"{self.server.ws_url}/ws/boards/{BOARD}/?{query}", origin=self.server.http_url)

    async def joined(self, query):
        """(welcome, the board's strokes): a fresh socket's welcome and its whole snapshot."""
        async with self.socket(query) as socket:
            welcome = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert welcome["type"] == "welcome", welcome
            return welcome, await snapshot_strokes(socket)

    async def caught_up(self, query, since):
        """The events a socket opened with ?since= gets."""
        async with self.socket(f"{query}&since={since}") as socket:
            welcome = json.loads(await asyncio.wait_for(socket.recv(), 10))
            events = []
            while not events or events[-1]["seq"] < welcome["seq"]:
                frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
                events += [m for m in frame.get("messages", [frame]) if m["type"] == "event"]
            return events

    # --- the database, behind the server's back ----------------------------------------------

    def write_rows(self, rows):
        """Append (kind, author, client id, effect's JSON text) rows to the board's log."""
        if self.database == "sqlite":
            with sqlite3.connect(Path(self.env["SKETCHSITE_DATA_DIR"]) / "sketchsite.sqlite3") as db:
                return self._append(db, rows, "?", "")
        else:
            with psycopg.connect(self.env["DATABASE_URL"]) as db:
                return self._append(db, rows, "%s", "::jsonb")

    def _append(self, db, rows, mark, cast):
        (board_id, last_seq) = db.execute(
            f"SELECT id, last_seq FROM draw_board WHERE name = {mark}", (BOARD,)
        ).fetchone()
        seqs = []
        for kind, author, client_id, effect in rows:
            last_seq += 1
            db.execute(
                "INSERT INTO draw_boardevent (board_id, seq, kind, author, client_id, effect, created_at) "
                f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark}{cast}, CURRENT_TIMESTAMP)",
                (board_id, last_seq, kind, author, client_id, effect),
            )
            seqs.append(last_seq)
        db.execute(f"UPDATE draw_board SET last_seq = {mark} WHERE id = {mark}", (last_seq, board_id))
        db.commit()
        return seqs

    def query(self, sql):
        if self.database == "sqlite":
            with sqlite3.connect(Path(self.env["SKETCHSITE_DATA_DIR"]) / "sketchsite.sqlite3") as db:
                return db.execute(sql).fetchall()
        with psycopg.connect(self.env["DATABASE_URL"]) as db:
            return db.execute(sql).fetchall()


@pytest.fixture(params=["sqlite", "postgres"])
def classroom(request, server_env, tmp_path):
    env = {**server_env, "SKETCHSITE_METRICS": "on"}
    if request.param == "postgres":
        env["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    room = Classroom(env, tmp_path, request.param)
    room.open_lesson()
    room.start()
    yield room
    room.stop()


async def snapshot_strokes(socket):
    strokes = []
    while True:
        part = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert part["type"] == "snapshot", part
        strokes += part["strokes"]
        if len(strokes) >= part["total"]:
            return strokes


async def answer_to(socket, ref):
    """The ack or error the server sends about `ref`, other frames passed over."""
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
        for message in frame.get("messages", [frame]):
            if message["type"] in ("ack", "error") and message.get("ref") == ref:
                return message


def begin_text(stroke, text_json):
    return (
        f'{{"type":"stroke.begin","stroke":"{stroke}","item":{{"kind":"text","color":"#1e1e1e",'
        f'"size":44,"text":{text_json}}},"points":[100,100]}}'
    )


def begin_marker(stroke, color, points=(10, 10)):
    return json.dumps(
        {
            "type": "stroke.begin",
            "stroke": stroke,
            "item": {**MARKER, "color": color},
            "points": list(points),
        },
        ensure_ascii=False,
    )


def end(stroke, points=()):
    return json.dumps({"type": "stroke.end", "stroke": stroke, "points": list(points)})


def poisoned_frames():
    """(stroke id, its stroke.begin frame) of every poison this test sends."""
    frames = [(f"t{i}", begin_text(f"t{i}", text)) for i, text in enumerate(POISONED_TEXTS)]
    frames += [(f"c{i}", begin_marker(f"c{i}", colour)) for i, colour in enumerate(LAX_COLOURS)]
    return frames


async def board_is_whole(room, honest):
    """A fresh host gets the board with every honest stroke; the HTTP snapshot and exports answer."""
    welcome, strokes = await room.joined(f"host={room.host_key}")
    assert welcome["role"] == "host"
    assert {stroke[0] for stroke in strokes} == honest
    status, body = room.get(f"/b/{BOARD}/snapshot")
    assert status == 200
    assert {stroke[0] for stroke in json.loads(body)["strokes"]} == honest
    for export in ("png", "svg"):
        status, body = room.get(f"/b/{BOARD}/export.{export}")
        assert status == 200, (export, body[:200])
    assert body.count(b'<polyline id="s-') == sum(1 for stroke in honest if stroke.startswith("h"))
    return welcome


async def test_poisoned_messages_are_refused_and_the_board_stays_whole(classroom):
    token = urllib.parse.quote(classroom.student_token("Ada"))
    honest = set()
    async with classroom.socket(f"token={token}") as student:
        welcome = json.loads(await student.recv())
        assert welcome["role"] == "student"
        await snapshot_strokes(student)
        for number, (stroke, begin) in enumerate(poisoned_frames()):
            await student.send(begin)
            await student.send(end(stroke))
            refused = await answer_to(student, stroke)
            assert refused["type"] == "error" and refused["code"] == "bad_field", (begin, refused)
            # The stroke drawn after it is stored as ever.
            good = f"h{number}"
            await student.send(begin_marker(good, "#e03131", (20 + number, 20)))
            await student.send(end(good, (200, 200)))
            assert (await answer_to(student, good))["type"] == "ack"
            honest.add(good)
    await board_is_whole(classroom, honest)
    classroom.restart()
    welcome = await board_is_whole(classroom, honest)
    assert welcome["seq"] == len(honest)
    stored = classroom.query("SELECT client_id FROM draw_boardevent")
    assert {client_id for (client_id,) in stored} == honest


def bad_rows(database):
    """(kind, author, client id, effect's JSON text, why) of rows no server accepts any more."""
    rows = [
        (
            "stroke",
            "mallory1",
            "c1",
            json.dumps({"stroke": "c1", "item": {**MARKER, "color": "#+12345"}, "points": [5, 5]}),
            "colour",
        ),
        (
            "stroke",
            "mallory1",
            "c2",
            json.dumps({"stroke": "c2", "item": {**MARKER, "color": "#١٢٣٤٥٦"}, "points": [5, 5]}),
            "colour",
        ),
        (
            "stroke",
            "mallory1",
            "w1",
            json.dumps({"stroke": "w1", "item": {"kind": "marker", "color": "#000000"}, "points": [5, 5]}),
            "width",
        ),
        ("erase", "mallory1", "e1", json.dumps("not an object"), "not a JSON object"),
    ]
    if database == "sqlite":
        # PostgreSQL's jsonb refuses the escape itself; SQLite keeps the text as it is given.
        text = {"kind": "text", "color": "#1e1e1e", "size": 44, "text": "x\ud800y"}
        rows.insert(
            0,
            (
                "stroke",
                "mallory1",
                "t1",
                json.dumps({"stroke": "t1", "item": text, "points": [9, 9]}),
                "surrogate",
            ),
        )
    return rows


def unreadable_count(room):
    status, body = room.get("/metrics")
    assert status == 200
    found = re.search(
        rf'^sketchsite_unreadable_rows_total{{board="{BOARD}"}} (\S+)$', body.decode(), re.MULTILINE
    )
    return 0 if found is None else int(float(found.group(1)))


async def test_rows_that_break_the_rules_are_left_out_counted_and_set_aside(classroom):
    host = f"host={classroom.host_key}"
    async with classroom.socket(host) as socket:
        await socket.recv()
        await snapshot_strokes(socket)
        for stroke in ("h1", "h2"):
            await socket.send(begin_marker(stroke, "#1971c2"))
            await socket.send(end(stroke, (300, 300)))
            assert (await answer_to(socket, stroke))["type"] == "ack"
    rows = bad_rows(classroom.database)
    written = classroom.write_rows([row[:4] for row in rows])
    async with classroom.socket(host) as socket:
        await socket.recv()
        await snapshot_strokes(socket)
        await socket.send(begin_marker("h3", "#2f9e44"))
        await socket.send(end("h3", (400, 400)))
        ack = await answer_to(socket, "h3")
        assert ack["type"] == "ack" and ack["seq"] == written[-1] + 1

    welcome = await board_is_whole(classroom, {"h1", "h2", "h3"})
    assert welcome["seq"] == written[-1] + 1
    # A browser that saw seq 2 catches up with a skipped event for each bad row: no gap, nothing drawn.
    events = await classroom.caught_up(host, since=2)
    assert [event["seq"] for event in events] == [*written, written[-1] + 1]
    assert [event["kind"] for event in events] == ["skipped"] * len(written) + ["stroke"]
    assert unreadable_count(classroom) == len(written)

    report = classroom.manage("check_boards")
    assert report.returncode == 1, report.stdout + report.stderr
    assert f"{BOARD}: {written[-1] + 1} rows, {len(written)} break the rules" in report.stdout
    for seq, row in zip(written, rows, strict=True):
        line = next(line for line in report.stdout.splitlines() if line.startswith(f"  seq {seq}:"))
        assert row[4] in line, line
    fixed = classroom.manage("check_boards", "--fix")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert f"set aside {len(written)} rows" in fixed.stdout
    quarantined = classroom.query("SELECT seq, client_id FROM draw_quarantinedevent ORDER BY seq")
    assert quarantined == [(seq, row[2]) for seq, row in zip(written, rows, strict=True)]
    kinds = dict(classroom.query("SELECT seq, kind FROM draw_boardevent"))
    assert [kinds[seq] for seq in written] == ["skipped"] * len(written)
    assert kinds[1] == kinds[2] == kinds[written[-1] + 1] == "stroke"
    again = classroom.manage("check_boards")
    assert again.returncode == 0 and "0 rows on 0 boards break the rules" in again.stdout

    classroom.restart()
    await board_is_whole(classroom, {"h1", "h2", "h3"})
    # Set aside, the rows are no longer read as bad: nothing more is counted.
    assert unreadable_count(classroom) == 0
