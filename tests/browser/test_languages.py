"""The pages speak the browser's language, and the switch on each page changes it."""

import re

import pytest

from tests.browser.test_live_canvas import LAPTOP

pytestmark = pytest.mark.browser


def tool_names(page):
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-tool]')].map("
        "(button) => [button.dataset.tool, button.getAttribute('aria-label') ?? button.textContent]))"
    )


def command_names(page):
    return page.locator("[data-command]").all_text_contents()


def test_a_german_browser_gets_the_board_in_german_and_the_switch_makes_it_spanish(server, open_page):
    page = open_page(f"{server.http_url}/b/sprachen/", "german", locale="de-DE", **LAPTOP)
    assert page.evaluate("() => document.documentElement.lang") == "de"
    assert tool_names(page) | {"pen": "Stift", "eraser": "Radierer"} == tool_names(page)
    assert command_names(page) == ["Rückgängig", "Wiederholen", "Leeren"]
    page.get_by_role("button", name="Dunkle Tafel").wait_for()
    page.get_by_role("button", name="Blau", exact=True).wait_for()
    assert page.get_by_role("navigation", name="Zeichenwerkzeuge").is_visible()
    assert page.locator("[data-role=status]").text_content() == "Live"

    page.get_by_label("Sprache").select_option("es")
    page.get_by_role("button", name="Wechseln").click()
    page.wait_for_url(re.compile(r".*/b/sprachen/$"))
    page.locator("[data-role=status][data-state=online]").wait_for(timeout=10_000)
    assert page.evaluate("() => document.documentElement.lang") == "es"
    assert tool_names(page) | {"pen": "Lápiz", "eraser": "Goma"} == tool_names(page)
    assert command_names(page) == ["Deshacer", "Rehacer", "Borrar todo"]
    page.get_by_role("button", name="Pizarra oscura").wait_for()
    # The choice is remembered over the browser's own language.
    page.reload()
    assert command_names(page) == ["Deshacer", "Rehacer", "Borrar todo"]


def test_an_english_browser_gets_english(server, open_page):
    page = open_page(f"{server.http_url}/b/sprachen/", "english", **LAPTOP)
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert tool_names(page) | {"pen": "Pen", "eraser": "Eraser"} == tool_names(page)
    assert command_names(page) == ["Undo", "Redo", "Clear"]


def test_the_join_page_in_german(server, open_page):
    page = open_page(f"{server.http_url}/j/", "join", wait_online=False, locale="de-DE", **LAPTOP)
    assert page.evaluate("() => document.documentElement.lang") == "de"
    assert page.get_by_role("heading", level=1).text_content() == "Einer Tafel beitreten"
    page.get_by_label("Beitrittscode").fill("nothing")
    page.get_by_role("button", name="Weiter").click()
    page.get_by_text("Keine Tafel hat diesen Code.").wait_for()
    # The switch keeps the person on the page they were on.
    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    page.get_by_role("heading", name="Join a board").wait_for()
    assert "/j/" in page.url
