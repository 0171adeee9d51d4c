"""Own page each (lanes) on the board socket and over HTTP: a student is sent the host's ink and
their own, and nothing of anyone else's, by any read path; the host is sent everything."""

import asyncio
import gzip
import json

import pytest
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient
from prometheus_client import REGISTRY

from tests import site
from tests.relayed import BoardCommunicator
from tests.test_class_mode import (
    ORIGIN,
    board_state,
    close_all,
    draw,
    hosted_board,
    join,
    message_of,
    student_query,
)

pytestmark = pytest.mark.django_db(transaction=True)

BOARD = "lesson"


class RecordingCommunicator(BoardCommunicator):
    """A client that keeps the text of every frame it was sent, presence frames included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.received = []

    async def receive_output(self, timeout=1):
        while True:
            output = await WebsocketCommunicator.receive_output(self, timeout)
            if output.get("type") == "websocket.send":
                self.received.append(output["text"])
            if not self._set_aside(output):
                return output

    def messages(self, kind):
        """The messages of `kind` it was sent, out of their batches, in order."""
        return [message for frame in self.received for message in _messages(frame) if message["type"] == kind]

    def snapshot_strokes(self):
        """The compact strokes of every snapshot part it was sent."""
        return [stroke for part in self.messages("snapshot") for stroke in part["strokes"]]

    async def drain(self, quiet=0.4):
        """Read every frame until none comes for `quiet` seconds. (A receive that times out
        would cancel the application: the queue is read as it stands instead.)"""
        while True:
            await asyncio.sleep(quiet)
            if self.output_queue.empty():
                return
            while not self.output_queue.empty():
                output = self.output_queue.get_nowait()
                if output.get("type") == "websocket.send":
                    self.received.append(output["text"])
                self._set_aside(output)


async def join_recording(query):
    return await join(query, client_class=RecordingCommunicator)


async def catch_up_recording(query):
    """A client that asked for the events after a seq: its welcome, then all it is sent."""
    client = RecordingCommunicator(site.current.application, f"/ws/boards/{BOARD}/?{query}", headers=[ORIGIN])
    connected, _ = await client.connect()
    assert connected
    await client.drain()
    assert json.loads(client.received[0])["type"] == "welcome"
    return client


async def set_class(host, everyone, changes):
    await host.send_json_to({"type": "class", "set": changes})
    for client in everyone:
        message = await message_of(client, "class")
        assert all(message["class"][name] == value for name, value in changes.items())


async def draw_live(client, stroke, points=(10, 20, 30, 40, 50, 60), page=None):
    """A stroke drawn as a browser draws it: begun, points on the way, ended; on one student's
    `page` when given (the host in the grid's large view)."""
    item = {"kind": "marker", "color": "#1971c2", "width": 4, **({"lane": page} if page else {})}
    await client.send_json_to(
        {"type": "stroke.begin", "stroke": stroke, "item": item, "points": list(points[:2])}
    )
    await client.send_json_to({"type": "stroke.points", "stroke": stroke, "points": list(points[2:4])})
    await client.send_json_to({"type": "stroke.end", "stroke": stroke, "points": list(points[4:])})
    return await message_of(client, "ack")


def foreign_traces(frames, others):
    """Frames holding any trace of `others` (participant ids, names and stroke ids)."""
    return [frame for frame in frames if any(trace in frame for trace in others)]


async def http_snapshot(token):
    response = await AsyncClient().get(
        f"/b/{BOARD}/snapshot", headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response, json.loads(body)


async def test_in_lanes_a_student_is_sent_nothing_of_another_students_page_by_any_path():
    key = await hosted_board()
    host, host_welcome = await join_recording(f"host={key}")
    ann, ann_welcome = await join_recording(student_query("Annika"))
    bob, bob_welcome = await join_recording(student_query("Bobbie"))
    await set_class(host, [host, ann, bob], {"lanes": True, "student_laser": True, "names_visible": True})

    await draw_live(host, "question")
    await draw_live(ann, "annsline")
    await draw_live(bob, "bobsline")
    await bob.send_json_to({"type": "laser", "at": [5, 5]})
    await bob.send_json_to(
        {"type": "erase", "id": "bobserase", "strokes": [[bob_welcome["you"], "bobsline"]]}
    )
    await message_of(bob, "ack")
    await bob.send_json_to({"type": "undo", "id": "bobsundo"})
    await message_of(bob, "ack")
    await close_all(bob)
    for client in (host, ann):
        await client.drain()

    bob_traces = [bob_welcome["you"], "Bobbie", "bobsline", "bobserase", "bobsundo"]
    print(f"\nAnn's socket: {len(ann.received)} frames; the host's: {len(host.received)}")
    assert foreign_traces(ann.received, bob_traces) == []
    # Ann had every seq, Bob's as skipped events: no gap to resync on.
    events = ann.messages("event")
    assert [event["seq"] for event in events] == list(range(1, (await board_state()).seq + 1))
    assert {event["kind"] for event in events if event["author"] == ""} == {"skipped"}
    # The host was sent Bob's ink, his laser and his name.
    assert foreign_traces(host.received, ["bobsline", "Bobbie"]) and any(
        '"laser"' in f for f in host.received
    )

    # A reconnect with since=0, and one from a seq, and the HTTP snapshot with her token.
    again, _ = await join_recording(f"token={ann_welcome['token']}&since=0")
    from_seq = await catch_up_recording(f"token={ann_welcome['token']}&since=1")
    await again.drain()
    caught_up = [event["seq"] for event in from_seq.messages("event")]
    assert caught_up == list(range(2, (await board_state()).seq + 1))
    response, snapshot = await http_snapshot(ann_welcome["token"])
    assert (
        foreign_traces([*again.received, *from_seq.received, response.content.decode("latin-1")], bob_traces)
        == []
    )
    assert sorted(stroke[0] for stroke in snapshot["strokes"]) == ["annsline", "question"]
    # Her view's snapshot is kept apart from the board's own, and counted in /metrics.
    assert REGISTRY.get_sample_value("sketchsite_snapshot_cache_views") >= 1
    assert sorted(stroke[0] for stroke in again.snapshot_strokes()) == ["annsline", "question"]

    # The host's HTTP snapshot holds every page.
    _, whole = await http_snapshot(key)
    assert sorted(stroke[0] for stroke in whole["strokes"]) == ["annsline", "bobsline", "question"]
    await close_all(host, ann, again, from_seq)


async def test_the_hosts_note_on_one_page_reaches_that_student_alone_and_its_erase_that_page_only():
    key = await hosted_board()
    host, _ = await join_recording(f"host={key}")
    ann, ann_welcome = await join_recording(student_query("Annika"))
    bob, bob_welcome = await join_recording(student_query("Bobbie"))
    ann_id, bob_id = ann_welcome["you"], bob_welcome["you"]
    await set_class(host, [host, ann, bob], {"lanes": True})
    await draw_live(ann, "annsline")
    await draw_live(bob, "bobsline")
    await draw_live(host, "wellnote", page=ann_id)

    # From Ann's page, the host's eraser reaches neither Bob's ink nor the shared board's.
    await host.send_json_to(
        {"type": "erase", "id": "wrongpage", "strokes": [[bob_id, "bobsline"]], "lane": ann_id}
    )
    assert (await message_of(host, "error"))["code"] == "forbidden"
    # A student may not name a page, not even their own.
    await ann.send_json_to(
        {
            "type": "stroke.begin",
            "stroke": "mine",
            "item": {"kind": "marker", "color": "#000000", "width": 2, "lane": ann_id},
            "points": [1, 1],
        }
    )
    assert (await message_of(ann, "error"))["code"] == "forbidden"
    await host.send_json_to({"type": "clear", "id": "annsclear", "lane": ann_id})
    assert (await message_of(host, "ack"))["ref"] == "annsclear"
    await host.send_json_to({"type": "undo", "id": "annsundo"})
    await message_of(host, "ack")
    for client in (host, ann, bob):
        await client.drain()

    # Ann was sent the note live (its begin and its points) and committed, Bob nothing of it.
    assert any("wellnote" in frame and "stroke.points" in frame for frame in ann.received)
    assert foreign_traces(bob.received, ["wellnote", ann_id, "annsline"]) == []
    # Bob had every seq: the clear and its undo reached no item of his page.
    seqs = [event["seq"] for event in bob.messages("event")]
    assert seqs == list(range(1, (await board_state()).seq + 1))
    state = await board_state()
    assert sorted(stroke.stroke for stroke in state.strokes) == ["annsline", "bobsline", "wellnote"]
    await close_all(host, ann, bob)


def _messages(frame):
    message = json.loads(frame)
    return message["messages"] if message["type"] == "batch" else [message]


async def test_switching_lanes_off_brings_back_the_shared_board_with_everything_on_it():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    ann, ann_welcome = await join(student_query("Ann"))
    bob, _ = await join(student_query("Bob"))
    await set_class(host, [host, ann, bob], {"lanes": True})
    await draw(ann, "a1")
    await draw(bob, "b1")
    await set_class(host, [host, ann, bob], {"lanes": False})
    back, _ = await join_recording(f"token={ann_welcome['token']}&since=0")
    assert sorted(stroke[0] for stroke in back.snapshot_strokes()) == ["a1", "b1"]
    # Live again too: Bob's next stroke reaches Ann.
    await draw(bob, "b2")
    assert (await message_of(ann, "event"))["stroke"] == "b2"
    await close_all(host, ann, bob, back)


async def test_a_student_may_not_reach_another_page_nor_set_lanes_and_a_spotlight_must_be_a_student_here():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    ann, ann_welcome = await join(student_query("Ann"))
    bob, bob_welcome = await join(student_query("Bob"))
    await set_class(host, [host, ann, bob], {"lanes": True})
    await draw(bob, "b1")
    for message in (
        {"type": "erase", "id": "e1", "strokes": [[bob_welcome["you"], "b1"]]},
        {"type": "move", "id": "m1", "strokes": [[bob_welcome["you"], "b1"]], "by": [5, 5]},
        {"type": "class", "set": {"lanes": False}},
        {"type": "class", "set": {"reveal": True}},
        {"type": "class", "set": {"spotlight": ann_welcome["you"]}},
    ):
        await ann.send_json_to(message)
        assert (await message_of(ann, "error"))["code"] == "forbidden", message
    await host.send_json_to({"type": "class", "set": {"spotlight": "nobody12345"}})
    assert (await message_of(host, "error"))["code"] == "bad_field"
    assert (await board_state()).classroom.spotlight is None
    await set_class(host, [host, ann, bob], {"spotlight": bob_welcome["you"]})
    assert (await board_state()).classroom.spotlight == bob_welcome["you"]
    await close_all(host, ann, bob)


async def test_the_projector_sees_the_hosts_ink_then_the_spotlit_page_then_every_page():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    ann, ann_welcome = await join(student_query("Ann"))
    bob, bob_welcome = await join(student_query("Bob"))
    await set_class(host, [host, ann, bob], {"lanes": True})
    await draw(host, "q1")
    await draw(ann, "a1")
    await draw(bob, "b1")

    async def projector_strokes():
        projector, _ = await join_recording("view=1&since=0")
        await projector.drain(quiet=0.2)
        await close_all(projector)
        return sorted(stroke[0] for stroke in projector.snapshot_strokes())

    assert await projector_strokes() == ["q1"]
    await set_class(host, [host], {"spotlight": bob_welcome["you"]})
    assert await projector_strokes() == ["b1", "q1"]
    await set_class(host, [host], {"reveal": True})
    assert await projector_strokes() == ["a1", "b1", "q1"]
    await close_all(host, ann, bob)


async def test_the_projector_is_told_the_spotlit_students_name_alone_and_only_when_the_host_lets_it():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    ann, _ = await join(student_query("Ann"))
    bob, bob_welcome = await join(student_query("Bob"))
    projector, _ = await join("view=1")
    await set_class(host, [host, projector], {"lanes": True, "spotlight": bob_welcome["you"]})
    named = await projector.wait_for_presence(lambda presence: presence.get("people"))
    assert [(person["id"], person["name"]) for person in named["people"]] == [(bob_welcome["you"], "Bob")]
    assert named["count"] == 3
    # Without the name on the projector, or with no spotlight, it hears a count and nobody.
    for changes in ({"spotlight_name": False}, {"spotlight_name": True, "spotlight": None}):
        await set_class(host, [host, projector], changes)
        assert "people" not in await projector.wait_for_presence(lambda presence: "people" not in presence)
    # Ann, a student, is never told a name in lanes.
    await set_class(host, [host, projector], {"spotlight": bob_welcome["you"]})
    await projector.wait_for_presence(lambda presence: presence.get("people"))
    assert "people" not in (ann.presence or {})
    await close_all(host, ann, bob, projector)


async def test_lanes_on_off_and_on_again_lose_nothing_and_the_hosts_undo_reaches_its_own_change():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    ann, ann_welcome = await join(student_query("Ann"))
    bob, _ = await join(student_query("Bob"))
    await draw(host, "q1")
    for lanes in (True, False, True):
        await set_class(host, [host, ann, bob], {"lanes": lanes})
        await draw(ann, f"a{int(lanes)}{len((await board_state()).strokes)}")
        await draw(bob, f"b{int(lanes)}{len((await board_state()).strokes)}")
    # Every item is on the board as drawn: the settings changed views, never the log.
    state = await board_state()
    assert len(state.strokes) == 7
    # The host erases the question and undoes it, in lanes: it comes back for every page.
    await host.send_json_to({"type": "erase", "id": "e1", "strokes": [[state.strokes[0].author, "q1"]]})
    await message_of(host, "ack")
    await host.send_json_to({"type": "undo", "id": "u1"})
    await message_of(host, "ack")
    assert [stroke.stroke for stroke in (await board_state()).strokes][0] == "q1"
    page, _ = await join_recording(f"token={ann_welcome['token']}&since=0")
    strokes = page.snapshot_strokes()
    assert {s[1] for s in strokes} == {state.strokes[0].author, ann_welcome["you"]}
    assert len(strokes) == 1 + 3
    await close_all(host, ann, bob, page)
