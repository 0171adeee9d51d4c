"""Class mode on the board socket: roles, the policy's every rule, pens down, removal, laser, presence."""

import pytest
from channels.db import database_sync_to_async

from draw import protocol
from draw.participants import new_participant_id, token_for
from draw.store import default_store
from tests import site
from tests.relayed import BoardCommunicator

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")
BOARD = "lesson"


async def hosted_board(name=BOARD):
    """A board with a host: its host key."""
    return await database_sync_to_async(default_store().create)(name, hosted=True)


async def board_state(name=BOARD):
    return await database_sync_to_async(default_store().read)(name)


async def join(query="", board=BOARD, client_class=BoardCommunicator):
    """A client that has read its welcome and the board's state; the welcome."""
    client = client_class(site.current.application, f"/ws/boards/{board}/?{query}", headers=[ORIGIN])
    connected, _ = await client.connect()
    assert connected
    welcome = await client.receive_json_from(timeout=5)
    assert welcome["type"] == "welcome", welcome
    while True:
        frame = await client.receive_json_from(timeout=5)
        if frame["type"] == "snapshot" and frame["index"] + len(frame["strokes"]) >= frame["total"]:
            break
    return client, welcome


def student_query(name):
    return f"token={token_for(new_participant_id(), name)}"


async def next_message(client, timeout=3):
    """The next message, out of its batch if it came in one."""
    frame = await client.receive_json_from(timeout=timeout)
    if frame["type"] == "batch":
        assert len(frame["messages"]) >= 1
        client.__dict__.setdefault("queued", []).extend(frame["messages"][1:])
        return frame["messages"][0]
    return frame


async def message_of(client, kind, timeout=3):
    """The next message of this type, others passed over."""
    queued = client.__dict__.setdefault("queued", [])
    while queued:
        message = queued.pop(0)
        if message["type"] == kind:
            return message
    while True:
        message = await next_message(client, timeout)
        if message["type"] == kind:
            return message


async def draw(client, stroke, color="#e03131", points=(10, 20, 30, 40)):
    await client.send_json_to(
        {
            "type": "stroke.begin",
            "stroke": stroke,
            "item": {"kind": "marker", "color": color, "width": 8},
            "points": list(points[:2]),
        }
    )
    await client.send_json_to({"type": "stroke.end", "stroke": stroke, "points": list(points[2:])})
    return await message_of(client, "ack")


async def refused(client, message):
    await client.send_json_to(message)
    error = await message_of(client, "error")
    return error["code"]


async def close_all(*clients):
    for client in clients:
        await client.disconnect()


async def test_the_host_key_makes_a_host_a_wrong_key_a_student_and_view_a_viewer():
    key = await hosted_board()
    host, host_welcome = await join(f"host={key}")
    student, student_welcome = await join("host=not-the-key")
    viewer, viewer_welcome = await join("view=1")
    assert [host_welcome["role"], student_welcome["role"], viewer_welcome["role"]] == [
        "host",
        "student",
        "viewer",
    ]
    assert host_welcome["class"]["hosted"] is True
    assert host_welcome["v"] == protocol.PROTOCOL_VERSION == 5
    await close_all(host, student, viewer)


async def test_a_token_with_a_name_brings_the_same_participant_and_name_back():
    await hosted_board()
    query = student_query("Ada")
    first, welcome = await join(query)
    assert welcome["name"] == "Ada"
    await first.disconnect()
    again, welcome_again = await join(f"token={welcome['token']}")
    assert (welcome_again["you"], welcome_again["name"]) == (welcome["you"], "Ada")
    await again.disconnect()


async def test_forged_host_actions_of_a_student_are_forbidden_and_reach_nobody():
    key = await hosted_board()
    host, host_welcome = await join(f"host={key}")
    student, student_welcome = await join(student_query("Eve"))
    await draw(host, "h1")
    await message_of(student, "event")
    await message_of(host, "event")
    assert await refused(student, {"type": "clear", "id": "c1"}) == "forbidden"
    erase = {"type": "erase", "id": "e1", "strokes": [[host_welcome["you"], "h1"]]}
    assert await refused(student, erase) == "forbidden"
    assert await refused(student, {"type": "remove", "participant": "abcdefghij"}) == "forbidden"
    assert (
        await refused(student, {"type": "remove.ink", "id": "r1", "participant": "abcdefghij"}) == "forbidden"
    )
    assert await refused(student, {"type": "class", "set": {"pens_down": True}}) == "forbidden"
    assert await refused(student, {"type": "laser", "at": [10, 10]}) == "forbidden"
    # Nothing of it reached the host, and the board is as it was.
    assert await host.receive_nothing(timeout=0.3)
    state = await board_state()
    assert state.seq == 1 and len(state.strokes) == 1
    assert student_welcome["role"] == "student"
    await close_all(host, student)


async def test_a_viewer_may_send_nothing_at_all():
    await hosted_board()
    viewer, _ = await join("view=1")
    begin = {
        "type": "stroke.begin",
        "stroke": "v1",
        "item": {"kind": "marker", "color": "#1e1e1e", "width": 3},
        "points": [1, 1],
    }
    assert await refused(viewer, begin) == "forbidden"
    assert await refused(viewer, {"type": "undo", "id": "u1"}) == "forbidden"
    assert await refused(viewer, {"type": "laser", "at": [5, 5]}) == "forbidden"
    assert (await board_state()).seq == 0
    await viewer.disconnect()


async def test_a_student_erases_and_undoes_their_own_strokes_and_the_host_anyones():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    student, student_welcome = await join(student_query("Ada"))
    me = student_welcome["you"]
    await draw(student, "s1")
    await draw(student, "s2")
    await student.send_json_to({"type": "erase", "id": "e1", "strokes": [[me, "s1"]]})
    assert (await message_of(student, "ack"))["ref"] == "e1"
    await student.send_json_to({"type": "undo", "id": "u1"})
    assert (await message_of(student, "ack"))["ref"] == "u1"
    await host.send_json_to({"type": "erase", "id": "e2", "strokes": [[me, "s1"], [me, "s2"]]})
    assert (await message_of(host, "ack"))["ref"] == "e2"
    assert (await board_state()).strokes == ()
    await close_all(host, student)


async def test_pens_down_refuses_a_students_new_stroke_as_locked_but_commits_the_one_in_progress():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    student, _ = await join(student_query("Ada"))
    begin = {
        "type": "stroke.begin",
        "stroke": "mid",
        "item": {"kind": "marker", "color": "#1971c2", "width": 4},
        "points": [5, 5],
    }
    await student.send_json_to(begin)
    await host.send_json_to({"type": "class", "set": {"pens_down": True}})
    change = await message_of(student, "class")
    assert change["class"]["pens_down"] is True
    await student.send_json_to({"type": "stroke.end", "stroke": "mid", "points": [6, 6]})
    assert (await message_of(student, "ack"))["ref"] == "mid"
    assert await refused(student, {**begin, "stroke": "late"}) == "locked"
    # Nor may undo and redo bring ink back while pens are down.
    assert await refused(student, {"type": "undo", "id": "u1"}) == "locked"
    # The host draws on, and the setting outlives the connection.
    await draw(host, "h1")
    await student.disconnect()
    again, welcome = await join(student_query("Ada"))
    assert welcome["class"]["pens_down"] is True
    await host.send_json_to({"type": "class", "set": {"pens_down": False}})
    assert (await message_of(again, "class"))["class"]["pens_down"] is False
    await draw(again, "after")
    await close_all(host, again)


async def test_the_hosts_remove_ink_hides_one_participants_strokes_and_the_hosts_undo_shows_them():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    student, student_welcome = await join(student_query("Student 7"))
    me = student_welcome["you"]
    await draw(student, "s1")
    await draw(student, "s2")
    await draw(host, "h1")
    await host.send_json_to({"type": "remove.ink", "id": "r1", "participant": me})
    event = await message_of(student, "event")
    while event["kind"] != "remove_ink":
        event = await message_of(student, "event")
    assert sorted(event["hide"]) == [[me, "s1"], [me, "s2"]]
    assert [stroke.stroke for stroke in (await board_state()).strokes] == ["h1"]
    await host.send_json_to({"type": "undo", "id": "u1"})
    while (await message_of(host, "ack"))["ref"] != "u1":
        pass
    assert len((await board_state()).strokes) == 3
    assert await refused(host, {"type": "remove.ink", "id": "r2", "participant": "nobody1234"}) == (
        "nothing_to_remove"
    )
    await close_all(host, student)


async def test_a_removed_student_is_closed_4010_and_its_token_refused_from_then_on():
    key = await hosted_board()
    host, host_welcome = await join(f"host={key}")
    student, student_welcome = await join(student_query("Mallory"))
    await host.send_json_to({"type": "remove", "participant": student_welcome["you"]})
    closed = await student.receive_output(timeout=3)
    assert closed == {
        "type": "websocket.close",
        "code": protocol.CLOSE_REMOVED,
        "reason": "removed by the host",
    }
    again = BoardCommunicator(
        site.current.application, f"/ws/boards/{BOARD}/?token={student_welcome['token']}", headers=[ORIGIN]
    )
    await again.connect()
    assert (await again.receive_output(timeout=3))["code"] == protocol.CLOSE_REMOVED
    assert await refused(host, {"type": "remove", "participant": host_welcome["you"]}) == "bad_field"
    await host.disconnect()


async def test_a_laser_is_relayed_with_its_author_and_never_stored():
    key = await hosted_board()
    host, host_welcome = await join(f"host={key}")
    student, _ = await join(student_query("Ada"))
    for x in (100, 110, 120):
        await host.send_json_to({"type": "laser", "at": [x, 50]})
    await host.send_json_to({"type": "laser", "at": None})
    lasers = []
    while not lasers or lasers[-1]["at"] is not None:
        lasers.append(await message_of(student, "laser"))
    assert {laser["author"] for laser in lasers} == {host_welcome["you"]}
    assert (await board_state()).seq == 0
    # Students may point too once the host allows it.
    await host.send_json_to({"type": "class", "set": {"student_laser": True}})
    await message_of(student, "class")
    await student.send_json_to({"type": "laser", "at": [10, 10]})
    laser = await message_of(host, "laser")
    while laser["author"] == host_welcome["you"]:  # everyone hears every laser, its author too
        laser = await message_of(host, "laser")
    assert laser["at"] == [10, 10]
    await close_all(host, student)


async def test_a_live_stroke_carries_its_authors_name_unless_the_board_is_anonymous():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    student, _ = await join(student_query("Ada"))
    await student.send_json_to(
        {
            "type": "stroke.begin",
            "stroke": "s1",
            "item": {"kind": "marker", "color": "#e03131", "width": 8},
            "points": [1, 1],
        }
    )
    assert (await message_of(host, "stroke.begin"))["name"] == "Ada"
    await host.send_json_to({"type": "class", "set": {"anonymous": True}})
    await message_of(student, "class")
    await student.send_json_to(
        {
            "type": "stroke.begin",
            "stroke": "s2",
            "item": {"kind": "marker", "color": "#e03131", "width": 8},
            "points": [1, 1],
        }
    )
    assert "name" not in await message_of(host, "stroke.begin")
    await close_all(host, student)


async def test_the_host_sees_everyones_names_and_a_student_only_the_count_unless_names_are_visible():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    ada, _ = await join(student_query("Ada"))
    grace, _ = await join(student_query("Grace"))
    projector, _ = await join("view=1")

    def everyone_here(presence):
        return presence["count"] == 3

    seen = await host.wait_for_presence(lambda p: everyone_here(p) and len(p.get("people", [])) == 4)
    # The projector has no name; it is listed as a viewer.
    assert sorted((person["name"] or "", person["role"]) for person in seen["people"]) == [
        ("", "viewer"),
        ("Ada", "student"),
        ("Grace", "student"),
        ("Teacher", "host"),
    ]
    counted = await ada.wait_for_presence(everyone_here)
    assert "people" not in counted
    assert "people" not in await projector.wait_for_presence(everyone_here)
    await host.send_json_to({"type": "class", "set": {"names_visible": True}})
    named = await ada.wait_for_presence(lambda p: "people" in p)
    assert {person["name"] for person in named["people"]} >= {"Ada", "Grace"}
    # Grace leaves: she is listed away, and no longer counted.
    await grace.disconnect()
    away = await host.wait_for_presence(lambda p: p["count"] == 2)
    assert {person["name"]: person["online"] for person in away["people"] if person["name"]}["Grace"] is False
    await close_all(host, ada, projector)


async def test_the_hosts_clear_stays_undoable_from_a_reloaded_page_or_another_device():
    key = await hosted_board()
    host, host_welcome = await join(f"host={key}")
    assert host_welcome["name"] == "Teacher"
    await draw(host, "h1")
    await host.send_json_to({"type": "clear", "id": "c1"})
    while (await message_of(host, "ack"))["ref"] != "c1":
        pass
    await host.disconnect()
    # The teacher's tablet, with the host link and no token of its own: the same host.
    tablet, tablet_welcome = await join(f"host={key}")
    assert tablet_welcome["you"] == host_welcome["you"]
    await tablet.send_json_to({"type": "undo", "id": "u1"})
    assert (await message_of(tablet, "ack"))["ref"] == "u1"
    assert [stroke.stroke for stroke in (await board_state()).strokes] == ["h1"]
    await tablet.disconnect()


async def test_a_reset_host_key_closes_the_hosts_by_the_old_key_who_come_back_as_students():
    from draw import hosting

    old_key = await hosted_board()
    host, _ = await join(f"host={old_key}")
    student, _ = await join(student_query("Ada"))
    new_key = await database_sync_to_async(hosting.host_key)(BOARD, reset=True)
    assert new_key != old_key
    closed = await host.receive_output(timeout=3)
    while closed["type"] == "websocket.send":  # the class settings come first
        closed = await host.receive_output(timeout=3)
    assert (closed["type"], closed["code"]) == ("websocket.close", protocol.CLOSE_HOST_KEY_CHANGED)
    again, welcome = await join(f"host={old_key}")
    assert welcome["role"] == "student"
    assert (await message_of(student, "class"))["class"]["hosted"] is True
    await close_all(again, student)


async def test_an_open_board_given_a_host_tells_its_students_at_once():
    from draw import hosting

    student, welcome = await join(student_query("Ada"))
    assert welcome["class"]["hosted"] is False
    await draw(student, "s1")
    await database_sync_to_async(hosting.host_key)(BOARD)
    assert (await message_of(student, "class"))["class"]["hosted"] is True
    assert await refused(student, {"type": "clear", "id": "c1"}) == "forbidden"
    await student.disconnect()
