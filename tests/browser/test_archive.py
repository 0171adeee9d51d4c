"""The host's lessons in the browser: reached from the Class panel, each lesson with its thumbnail,
duplicated with its worksheet and no ink, deleted for everyone on it, and brought back by Undo."""

import pytest

from tests.browser.conftest import ARTIFACTS, wait_until
from tests.browser.test_class_mode import join_in_browser, new_lesson
from tests.browser.test_live_canvas import LAPTOP, PHONE, touch_stroke

pytestmark = pytest.mark.browser


def test_the_host_finds_duplicates_deletes_and_brings_back_a_lesson(server, open_page):
    host, board, panel, code = new_lesson(open_page, server, LAPTOP)
    pia = join_in_browser(open_page, server, "Pia", code, "pia", PHONE)
    touch_stroke(pia, [(300 + step * 40, 300 + step * 10) for step in range(8)])
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.board.seq") == 1)

    lessons = host.context.new_page()
    lessons.goto(f"{server.http_url}{panel.locator('[data-role=lessons-link]').get_attribute('href')}")
    tile = lessons.locator(f"[data-board={board}]")
    tile.wait_for(timeout=10_000)
    assert tile.locator("[data-role=lesson-facts]").text_content() == "1 page · 1 student"
    # The thumbnail is the board's PNG, drawn by the server: it shows Pia's ink.
    thumbnail = tile.locator("img")
    assert wait_until(lambda: thumbnail.evaluate("(image) => image.naturalWidth") == 320, timeout=15)

    tile.locator("[data-action=duplicate]").click()
    assert wait_until(lambda: lessons.locator("[data-role=lessons] .lesson").count() == 2)
    copy = lessons.locator("[data-role=lessons] .lesson").first
    assert copy.get_attribute("data-board") != board
    assert copy.locator("[data-role=lesson-facts]").text_content() == "1 page · 0 students"
    ARTIFACTS.mkdir(exist_ok=True)
    lessons.screenshot(path=ARTIFACTS / "lessons.png")

    # Deleted: gone for Pia at once, and kept for the host's Undo.
    tile.locator("[data-action=delete]").click()
    deleted = lessons.locator(f"[data-role=deleted] [data-board={board}]")
    deleted.wait_for(timeout=10_000)
    assert wait_until(
        lambda: pia.locator("[data-role=status]").text_content() == "The host deleted this board", timeout=10
    )
    deleted.locator("[data-action=restore]").click()
    lessons.locator(f"[data-role=lessons] [data-board={board}]").wait_for(timeout=10_000)
    assert lessons.locator("[data-role=deleted] .lesson").count() == 0

    # Opened again from the list, as its host, with its ink.
    lessons.locator(f"[data-role=lessons] [data-board={board}] [data-action=open]").click()
    assert wait_until(lambda: lessons.evaluate("() => window.sketchsite?.session?.role") == "host")
    assert wait_until(lambda: lessons.evaluate("() => window.sketchsite.board.strokes.size") == 1)
