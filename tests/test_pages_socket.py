"""Pages of a lesson on the board socket: the host turns every screen, a stroke or an edit that
names no page lands on the class's page, and what names a page the board lacks is refused."""

import pytest

from tests.test_class_mode import (
    board_state,
    close_all,
    draw,
    hosted_board,
    join,
    message_of,
    refused,
    student_query,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def event_of(client, kind):
    """The next committed event of `kind`, others passed over."""
    while True:
        event = await message_of(client, "event")
        if event["kind"] == kind:
            return event


PAGES = [{"id": "1", "background": "squared"}, {"id": "two", "background": "lined"}]


async def test_the_hosts_page_turn_reaches_everyone_and_unstamped_ink_lands_on_the_classs_page():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    student, welcome = await join(student_query("Ada"))
    assert welcome["class"]["pages"] == [{"id": "1", "background": "plain", "picture": None}]
    assert welcome["class"]["page"] == "1"

    await host.send_json_to({"type": "class", "set": {"pages": PAGES, "page": "two"}})
    told = (await message_of(student, "class"))["class"]
    assert [page["id"] for page in told["pages"]] == ["1", "two"] and told["page"] == "two"
    assert told["background"] == "lined"

    # A client that knows nothing of pages draws where the class is.
    await draw(student, "unstamped")
    # A stroke stamped with page 1 (drawn before the turn reached it) stays there.
    await student.send_json_to(
        {
            "type": "stroke.begin",
            "stroke": "stamped",
            "item": {"kind": "marker", "color": "#000000", "width": 4, "page": "1"},
            "points": [5, 5],
        }
    )
    await student.send_json_to({"type": "stroke.end", "stroke": "stamped", "points": [9, 9]})
    await message_of(student, "ack")
    pages = {stroke.stroke: stroke.item.get("page", "1") for stroke in (await board_state()).strokes}
    assert pages == {"unstamped": "two", "stamped": "1"}

    # Clear without a page clears the class's page only; the host's undo names it and brings it back.
    await host.send_json_to({"type": "clear", "id": "c1"})
    event = await event_of(student, "clear")
    assert event["page"] == "two" and event["hide"] == [[welcome["you"], "unstamped"]]
    await host.send_json_to({"type": "undo", "id": "u1", "page": "1"})
    assert (await message_of(host, "error"))["code"] == "nothing_to_undo"
    await host.send_json_to({"type": "undo", "id": "u2"})
    assert (await event_of(student, "undo"))["show"] == [[welcome["you"], "unstamped"]]
    await close_all(host, student)


async def test_a_page_the_board_lacks_is_refused_and_a_student_turns_no_page():
    key = await hosted_board()
    host, _ = await join(f"host={key}")
    student, _ = await join(student_query("Bea"))
    marker = {"kind": "marker", "color": "#000000", "width": 4, "page": "nine"}
    assert await refused(
        student, {"type": "stroke.begin", "stroke": "s", "item": marker, "points": [1, 1]}
    ) == ("bad_field")
    assert await refused(student, {"type": "undo", "id": "u", "page": "nine"}) == "bad_field"
    assert await refused(host, {"type": "class", "set": {"page": "nine"}}) == "bad_field"
    assert await refused(host, {"type": "class", "set": {"pages": [{"id": "1", "picture": "ab" * 32}]}}) == (
        "bad_field"
    )
    assert await refused(student, {"type": "class", "set": {"page": "1"}}) == "forbidden"
    assert (await board_state()).classroom.pages[0].picture is None
    await close_all(host, student)
