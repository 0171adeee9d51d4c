"""Own page each in a lesson: a host, a projector, three students in browsers and 25 on sockets.

Each of the 28 students draws their own answer with lanes on; every student's browser holds only
their own ink and the host's question; the host sees all 28; the spotlight puts Student 12's page
on the projector; revealing shows every page there; switching lanes off gives back the shared board.
"""

import json
import urllib.request

import pytest

from tests.browser.conftest import ARTIFACTS, wait_until
from tests.browser.test_class_mode import (
    PROJECTOR,
    SMALL_LAPTOP,
    SOCKET_STUDENTS,
    TABLET,
    circle,
    join_in_browser,
    join_token,
    socket_clients,  # noqa: F401 - the fixture, used by name
)
from tests.browser.test_live_canvas import LAPTOP, PHONE, drag, pick, touch_stroke

pytestmark = pytest.mark.browser

BROWSER_STUDENTS = {"phone": "Pia on a phone", "tablet": "Theo on a tablet", "laptop": "Lars on a laptop"}


def authors_on(page):
    """The authors of the committed strokes a page's board shows, each once."""
    return set(
        page.evaluate(
            "() => [...window.sketchsite.board.strokes.values()]"
            ".filter((s) => s.committed && s.visible && !s.elsewhere).map((s) => s.author)"
        )
    )


def committed_items(page):
    """(author, id, points) of every committed item a page's board shows."""
    return sorted(
        tuple(item)
        for item in page.evaluate(
            "() => [...window.sketchsite.board.strokes.values()]"
            ".filter((s) => s.committed && s.visible && !s.elsewhere)"
            ".map((s) => [s.author, s.id, s.points.join()])"
        )
    )


def own_snapshot_items(server, board, token):
    """(author, id, points) of every item of the board a participant reads over HTTP with their token."""
    request = urllib.request.Request(
        f"{server.http_url}/b/{board}/snapshot", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        snapshot = json.loads(response.read())
    return sorted(
        (author, id, ",".join(map(str, points))) for id, author, _, points, _ in snapshot["strokes"]
    )


def tile_versions(grid):
    """{page id: how many times its tile was painted} of the grid."""
    return grid.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-tile]')]"
        ".map((tile) => [tile.dataset.tile, Number(tile.dataset.version ?? 0)]))"
    )


def me(page):
    return page.evaluate("() => window.sketchsite.session.me")


def test_each_student_draws_on_their_own_page_and_the_host_shows_one_or_all(
    server,
    open_page,
    socket_clients,  # noqa: F811 - the fixture imported above
):
    host = open_page(f"{server.http_url}/new/", "host", **LAPTOP)
    board = host.evaluate("() => JSON.parse(document.getElementById('board-config').textContent).board")
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.session.role") == "host")
    # The host's question, on every page.
    pick(host, "Red")
    drag(host, [(700, 60), (900, 60), (900, 110)])
    host.mouse.up()
    host.locator("[data-role=class-toggle]").click()
    panel = host.locator("[data-role=class-panel]")
    code = panel.locator("[data-role=join-code]").text_content()
    projector = open_page(f"{server.http_url}/b/{board}/show", "projector", wait_online=False, **PROJECTOR)
    assert wait_until(lambda: projector.evaluate("() => window.sketchsite.session.role") == "viewer")

    tokens = [join_token(server, code, f"Student {number}") for number in range(1, SOCKET_STUDENTS + 1)]
    students = [socket_clients(board, token=token) for token in tokens]
    pages = {
        label: join_in_browser(open_page, server, BROWSER_STUDENTS[label], code, label, device)
        for label, device in [("phone", PHONE), ("tablet", TABLET), ("laptop", SMALL_LAPTOP)]
    }
    host_id = me(host)

    # Own page each, from the Class panel.
    if panel.is_hidden():
        host.locator("[data-role=class-toggle]").click()
    panel.locator("[data-setting=lanes]").check()
    for page in [projector, *pages.values()]:
        assert wait_until(lambda page=page: page.evaluate("() => window.sketchsite.session.settings.lanes"))
    for student in students:
        student.wait_for(lambda message: message["type"] == "class" and message["class"]["lanes"])

    # Every student draws an answer: the socket students a ring each, the browsers a line.
    for index, student in enumerate(students):
        student.draw("answer", "#1971c2", circle(110 + (index % 5) * 190, 200 + (index // 5) * 130))
    touch_stroke(pages["phone"], [(300 + step * 20, 800) for step in range(10)])
    touch_stroke(pages["tablet"], [(700 + step * 20, 800) for step in range(10)])
    pick(pages["laptop"], "Green")
    drag(pages["laptop"], [(1100, 800), (1300, 820), (1400, 850)])
    pages["laptop"].mouse.up()

    student_ids = {student.welcome["you"] for student in students} | {me(page) for page in pages.values()}
    assert len(student_ids) == 28
    assert wait_until(lambda: authors_on(host) == student_ids | {host_id}, timeout=10), (
        authors_on(host) ^ (student_ids | {host_id}),
        {label: me(page) for label, page in pages.items()},
    )
    for label, page in pages.items():
        assert wait_until(lambda page=page: authors_on(page) == {host_id, me(page)}), (
            label,
            authors_on(page),
        )
    for student in students:
        relayed = {m.get("author") for m in student.messages if m["type"] in ("event", "stroke.begin")}
        assert relayed - {"", host_id, student.welcome["you"]} == set(), student.welcome["name"]
    assert wait_until(lambda: authors_on(projector) == {host_id})

    # The spotlight puts Student 12's page on the projector, and only there.
    student_12 = students[11].welcome["you"]
    panel.locator(f"li[data-participant='{student_12}'] [data-action=spotlight]").click()
    assert wait_until(lambda: authors_on(projector) == {host_id, student_12})
    # What the projector shows is Student 12's own page, as their own export of it has it.
    assert committed_items(projector) == own_snapshot_items(server, board, tokens[11])
    caption = projector.locator("[data-role=spotlight-name]")
    caption.wait_for()
    assert caption.text_content() == "The page of Student 12"
    for page in pages.values():
        assert authors_on(page) == {host_id, me(page)}
    ARTIFACTS.mkdir(exist_ok=True)
    projector.screenshot(path=ARTIFACTS / "lanes-projector-spotlight.png")
    panel.evaluate("(panel) => { panel.scrollTop = 0; }")
    host.screenshot(path=ARTIFACTS / "lanes-host.png")
    # A link to click: signed for the host's view, no key in it, opening the PNG without a credential.
    host.locator("[data-role=copy-read-link]").click()
    notice = host.locator("[data-role=notice]")
    assert wait_until(lambda: "Link copied" in notice.text_content() or "?link=" in notice.text_content())
    host_key = host.evaluate("(board) => localStorage.getItem(`sketchsite.host.${board}`)", board)
    request = urllib.request.Request(
        f"{server.http_url}/b/{board}/links", headers={"Authorization": f"Bearer {host_key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        png_link = json.loads(response.read())["png"]
    assert host_key not in png_link
    with urllib.request.urlopen(f"{server.http_url}{png_link}", timeout=10) as response:
        assert response.headers["Content-Type"] == "image/png"

    # The grid: one live, named tile per student page.
    grid = host.context.new_page()
    grid.goto(f"{server.http_url}/b/{board}/grid")
    grid.locator("[data-role=status][data-state=online]").wait_for(state="attached", timeout=10_000)
    assert wait_until(lambda: grid.locator("[data-tile]").count() == 28, timeout=10)
    expected_names = {f"Student {n}" for n in range(1, 26)} | set(BROWSER_STUDENTS.values())
    assert wait_until(lambda: set(grid.locator(".tile-name").all_text_contents()) == expected_names), (
        grid.locator(".tile-name").all_text_contents()
    )
    names = grid.locator(".tile-name").all_text_contents()
    assert names.index("Student 2") < names.index("Student 10")
    assert wait_until(lambda: tile_versions(grid) and min(tile_versions(grid).values()) >= 1)
    grid.screenshot(path=ARTIFACTS / "lanes-grid.png", full_page=True)
    # The spotlight without the name, from the grid: the projector shows the page, no name.
    grid.locator("[data-role=spotlight-name]").click()
    caption.wait_for(state="hidden")
    assert authors_on(projector) == {host_id, student_12}
    grid.locator("[data-role=spotlight-name]").click()
    caption.wait_for()
    # A stroke changes its own tile, and only it, within a second.
    before = tile_versions(grid)
    student_5 = students[4].welcome["you"]
    students[4].draw("second", "#2f9e44", circle(400, 600))
    assert wait_until(lambda: tile_versions(grid)[student_5] > before[student_5], timeout=1.0)
    changed = {id for id, version in tile_versions(grid).items() if version != before[id]}
    assert changed == {student_5}

    # Student 5's page, large: the host's note lands on that page alone, and its eraser reaches it only.
    grid.locator(f"[data-tile='{student_5}'] .tile-open").click()
    grid.locator("[data-role=page-banner]").wait_for()
    grid.locator("[data-role=status][data-state=online]").wait_for(timeout=10_000)
    assert wait_until(lambda: authors_on(grid) == {host_id, student_5})
    pick(grid, "Red")
    drag(grid, [(1100, 300), (1300, 420)])
    grid.mouse.up()
    event = students[4].wait_for(lambda m: m["type"] == "event" and m["author"] == host_id and m["seq"] > 30)
    note = event["stroke"]
    assert event["item"]["lane"] == student_5
    for other in (students[3], students[5]):
        assert not any(m.get("stroke") == note for m in other.messages)
    for page in pages.values():
        assert note not in page.evaluate(
            "() => [...window.sketchsite.board.strokes.values()].map((s) => s.id)"
        )
    grid.screenshot(path=ARTIFACTS / "lanes-large-page.png")
    # Rubbed out there, it goes from that page; the question on every page stays.
    grid.get_by_role("button", name="Eraser", exact=True).click()
    drag(grid, [(1200, 330), (1200, 390)])
    grid.mouse.up()
    erased = students[4].wait_for(lambda m: m["type"] == "event" and m["kind"] == "erase")
    assert erased["hide"] == [[host_id, note]]
    assert wait_until(lambda: authors_on(grid) == {host_id, student_5})
    grid.go_back()

    # Every page shown to everyone, then hidden again.
    panel.locator("[data-setting=reveal]").check()
    assert wait_until(lambda: authors_on(projector) == student_ids | {host_id}, timeout=10)
    assert wait_until(lambda: authors_on(pages["phone"]) == student_ids | {host_id}, timeout=10)
    projector.screenshot(path=ARTIFACTS / "lanes-projector-reveal.png")
    panel.locator("[data-setting=reveal]").uncheck()
    assert wait_until(lambda: authors_on(pages["phone"]) == {host_id, me(pages["phone"])}, timeout=10)
    assert wait_until(lambda: authors_on(projector) == {host_id, student_12}, timeout=10)

    # Lanes off: the shared board, everything on it, for every student.
    panel.locator("[data-setting=lanes]").uncheck()
    for label, page in pages.items():
        assert wait_until(lambda page=page: authors_on(page) == student_ids | {host_id}, timeout=10), label
