"""Every page passes axe-core without a serious or critical violation, and the toolbar works by keyboard."""

import json
import re

import pytest

from tests.browser.conftest import wait_until
from tests.browser.test_live_canvas import LAPTOP, PHONE
from tests.servers import PROJECT

pytestmark = pytest.mark.browser

AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
# axe is injected as an inline script, which the site's Content-Security-Policy refuses (as it should).
AXE_CONTEXT = {"bypass_csp": True}
BLOCKING = {"serious", "critical"}


def violations(page):
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(({id, impact, help, nodes}) => ({id, impact, help,"
        " nodes: nodes.map((node) => ({target: node.target, summary: node.failureSummary}))}))"
    )
    return [violation for violation in results if violation["impact"] in BLOCKING]


def assert_accessible(page, what):
    found = violations(page)
    assert not found, f"axe on {what}:\n{json.dumps(found, indent=2, ensure_ascii=False)}"


def open_hosted_board(open_page, server, name, **device):
    """A new board from /new/, as its host: (page, board name, join code)."""
    host = open_page(f"{server.http_url}/new/", name, **AXE_CONTEXT, **device)
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.session.role") == "host")
    board = host.evaluate("() => JSON.parse(document.getElementById('board-config').textContent).board")
    code = host.evaluate("() => JSON.parse(document.getElementById('board-config').textContent).join.code")
    return host, board, code


def test_the_host_board_with_the_class_panel_open_passes_axe(server, open_page):
    host, _, _ = open_hosted_board(open_page, server, "host", **LAPTOP)
    host.locator("[data-role=class-toggle]").click()
    panel = host.locator("[data-role=class-panel]")
    panel.locator("[data-role=join-code]").wait_for()
    assert wait_until(lambda: panel.locator("[data-role=people] li").count() >= 1)
    assert_accessible(host, "the host's board with the class panel open")


def test_the_join_pages_and_a_student_board_pass_axe(server, open_page):
    _, _, code = open_hosted_board(open_page, server, "host", **LAPTOP)
    student = open_page(f"{server.http_url}/j/", "student", wait_online=False, **AXE_CONTEXT, **PHONE)
    assert_accessible(student, "/j/")
    student.get_by_label("Join code").fill("NOPE99")
    student.get_by_role("button", name="Next").click()
    student.get_by_role("alert").wait_for()
    assert_accessible(student, "/j/ with an unknown code")
    student.goto(f"{server.http_url}/j/{code}")
    assert_accessible(student, f"/j/{code}")
    student.get_by_label("Your name").fill("Ada")
    student.get_by_role("button", name="Join").click()
    student.locator("[data-role=status][data-state=online]").wait_for(timeout=10_000)
    assert wait_until(lambda: student.evaluate("() => window.sketchsite.session.role") == "student")
    assert_accessible(student, "a student's board")


def test_the_projector_page_passes_axe(server, open_page):
    _, board, _ = open_hosted_board(open_page, server, "host", **LAPTOP)
    projector = open_page(f"{server.http_url}/b/{board}/show", "projector", wait_online=False, **AXE_CONTEXT)
    projector.locator("[data-role=badge]").wait_for()
    assert_accessible(projector, "the projector page")


def focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement; return {tool: e.dataset.tool ?? null,"
        " role: e.dataset.role ?? null, pressed: e.getAttribute('aria-pressed'),"
        " outline: getComputedStyle(e).outlineStyle, tag: e.tagName}; }"
    )


def tab_to(page, accept, limit=80):
    """Press Tab until the focused element is one `accept` takes; its description."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if accept(now):
            return now
    raise AssertionError("Tab never reached the element")


def test_tab_reaches_the_tools_and_enter_or_space_chooses_one(server, open_page):
    page = open_page(f"{server.http_url}/b/keyboard/", "keyboard", **LAPTOP)
    first = tab_to(page, lambda element: element["tool"] is not None)
    assert first["tool"] == "pen" and first["pressed"] == "true"
    # Where the keyboard is can be seen.
    assert first["outline"] not in ("none", "")

    eraser = tab_to(page, lambda element: element["tool"] == "eraser")
    assert eraser["pressed"] == "false"
    page.keyboard.press("Enter")
    assert focused(page)["pressed"] == "true"
    assert page.evaluate("() => window.sketchsite.toolbar.tool()") == "eraser"
    assert page.locator("[data-tool=pen]").get_attribute("aria-pressed") == "false"

    for _ in range(20):
        page.keyboard.press("Shift+Tab")
        if focused(page)["tool"] in ("pen", None):
            break
    assert focused(page)["tool"] == "pen"
    page.keyboard.press(" ")
    assert page.locator("[data-tool=pen]").get_attribute("aria-pressed") == "true"
    assert page.locator("[data-tool=eraser]").get_attribute("aria-pressed") == "false"
    assert page.evaluate("() => window.sketchsite.toolbar.tool()") == "pen"


def test_the_dark_board_toggle_works_by_keyboard_and_is_remembered(server, open_page):
    page = open_page(f"{server.http_url}/b/keyboard/", "theme", **LAPTOP)
    assert page.evaluate("() => window.sketchsite.toolbar.theme()") == "light"
    tab_to(page, lambda element: element["role"] == "theme-toggle")
    page.keyboard.press("Enter")
    toggle = page.locator("[data-role=theme-toggle]")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.evaluate("() => document.documentElement.dataset.boardTheme") == "dark"
    page.reload()
    page.locator("[data-role=status][data-state=online]").wait_for(timeout=10_000)
    assert page.evaluate("() => window.sketchsite.toolbar.theme()") == "dark"
    assert toggle.get_attribute("aria-pressed") == "true"


def test_the_class_panel_opens_and_closes_by_keyboard(server, open_page):
    host, _, _ = open_hosted_board(open_page, server, "host", **LAPTOP)
    tab_to(host, lambda element: element["role"] == "class-toggle")
    host.keyboard.press("Enter")
    panel = host.locator("[data-role=class-panel]")
    panel.wait_for()
    assert host.locator("[data-role=class-toggle]").get_attribute("aria-expanded") == "true"
    # The keyboard is in the panel, and moves on through its controls.
    assert host.evaluate(
        "() => document.querySelector('[data-role=class-panel]').contains(document.activeElement)"
    )
    host.keyboard.press("Tab")
    assert host.evaluate(
        "() => document.querySelector('[data-role=class-panel]').contains(document.activeElement)"
    )
    host.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    assert focused(host)["role"] == "class-toggle"
    assert host.locator("[data-role=class-toggle]").get_attribute("aria-expanded") == "false"


def test_the_toolbar_fits_a_phone(server, open_page):
    """On a 390 px phone every control of the toolbar is on screen, none over another."""
    page = open_page(f"{server.http_url}/b/keyboard/", "phone", **PHONE)
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('#toolbar button, #toolbar a, #toolbar select')]"
        ".filter((e) => e.offsetParent !== null).map((e) => { const r = e.getBoundingClientRect();"
        " return {name: e.getAttribute('aria-label') ?? e.textContent.trim(), left: r.left, right: r.right,"
        " top: r.top, bottom: r.bottom}; })"
    )
    assert boxes
    for box in boxes:
        assert box["left"] >= 0 and box["right"] <= 390, box
    for index, a in enumerate(boxes):
        for b in boxes[index + 1 :]:
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            assert apart, (a, b)
    assert re.fullmatch(
        r"\d+(\.\d+)?", str(page.evaluate("() => document.querySelector('#board').clientHeight"))
    )
