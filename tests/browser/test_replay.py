"""The replay page: three strokes drawn two seconds apart play back in order at 8x, the end of the
replay is the board as it is, and scrubbing back shows the board as it was."""

import io
import json
import time
import urllib.request

import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, wait_until
from tests.browser.test_class_mode import join_token, new_lesson, socket_clients  # noqa: F401 - the fixture, used by name
from tests.browser.test_live_canvas import LAPTOP
from tests.browser.test_picture import board_pixel

pytestmark = pytest.mark.browser

BOARD = "replay-test"
COLOURS = {"red": (224, 49, 49), "green": (47, 158, 68), "blue": (25, 113, 194)}
LINES = {"red": 200, "green": 450, "blue": 700}


def shows(page, name):
    pixel = board_pixel(page, 800, LINES[name])
    return all(abs(got - wanted) < 40 for got, wanted in zip(pixel, COLOURS[name], strict=True))


def test_a_replay_plays_the_strokes_in_order_at_their_pace_and_scrubs_back(
    server,
    open_page,
    socket_clients,  # noqa: F811 - the fixture imported above
):
    drawer = socket_clients(BOARD)
    for name, hex_colour in (("red", "#e03131"), ("green", "#2f9e44"), ("blue", "#1971c2")):
        drawer.draw(f"line-{name}", hex_colour, [200, LINES[name], 1400, LINES[name]], width=24)
        time.sleep(2)

    page = open_page(f"{server.http_url}/b/{BOARD}/replay", "replay", wait_online=False, **LAPTOP)
    assert wait_until(lambda: page.evaluate("() => window.sketchsite.replay.events.length") == 3)
    # Opened at the end: the board as it is now.
    assert wait_until(lambda: all(shows(page, name) for name in COLOURS))
    assert page.locator("[data-role=replay-position]").text_content() == "3 of 3"

    page.locator("[data-role=replay-squeeze]").uncheck()
    page.locator("[data-role=replay-speed]").select_option("8")
    page.locator("[data-role=replay-play]").click()
    assert wait_until(
        lambda: len(page.evaluate("() => window.sketchsite.replay.strokeTimes")) == 3, timeout=10
    )
    played = page.evaluate("() => window.sketchsite.replay.strokeTimes")
    assert [entry["stroke"] for entry in played] == ["line-red", "line-green", "line-blue"]
    # Two seconds apart at 8x: a quarter of a second apart, within a generous window.
    gaps = [later["at"] - earlier["at"] for earlier, later in zip(played, played[1:], strict=False)]
    assert all(120 <= gap <= 900 for gap in gaps), gaps
    assert wait_until(lambda: all(shows(page, name) for name in COLOURS))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "replay.png")
    # The last frame is the board as its export draws it: the same colour at every point of a
    # grid over the board (on the lines, beside them and between them).
    with urllib.request.urlopen(f"{server.http_url}/b/{BOARD}/export.png", timeout=10) as response:
        exported = Image.open(io.BytesIO(response.read())).convert("RGB")
    samples = [(x, y) for x in range(100, 1600, 100) for y in (*LINES.values(), 100, 325, 575, 850)]
    for x, y in samples:
        replayed, drawn = board_pixel(page, x, y)[:3], exported.getpixel((x, y))
        assert all(abs(a - b) < 40 for a, b in zip(replayed, drawn, strict=True)), (x, y, replayed, drawn)

    # Back to after the first stroke, by the previous-stroke control: the board as it was then.
    page.locator("[data-role=replay-previous]").click()
    page.locator("[data-role=replay-previous]").click()
    assert page.locator("[data-role=replay-position]").text_content() == "1 of 3"
    assert wait_until(lambda: shows(page, "red") and not shows(page, "green") and not shows(page, "blue"))
    page.keyboard.press("ArrowRight")
    assert wait_until(lambda: shows(page, "green") and not shows(page, "blue"))


def test_the_host_replays_one_students_ink_and_plays_the_lesson_on_the_projector(
    server,
    open_page,
    socket_clients,  # noqa: F811 - the fixture imported above
):
    host, board, panel, code = new_lesson(open_page, server, LAPTOP)
    for name, colour in (("Ada", "red"), ("Bea", "green"), ("Cem", "blue")):
        student = socket_clients(board, token=join_token(server, code, name))
        hex_colour = "#{:02x}{:02x}{:02x}".format(*COLOURS[colour])
        student.draw(f"line-{colour}", hex_colour, [200, LINES[colour], 1400, LINES[colour]], width=24)

    # The host's replay offers each participant by name; Bea's alone shows her line only.
    replay = host.context.new_page()
    replay.goto(f"{server.http_url}/b/{board}/replay")
    assert wait_until(lambda: all(shows(replay, name) for name in COLOURS))
    whose = replay.locator("[data-role=replay-participant]")
    assert wait_until(whose.is_visible)
    assert whose.locator("option").all_text_contents() == ["Everyone", "Ada", "Bea", "Cem"]
    whose.select_option(label="Bea")
    assert wait_until(lambda: [name for name in COLOURS if shows(replay, name)] == ["green"])
    # Stepping goes through Bea's strokes: back before her one, the board is empty of her ink.
    replay.locator("[data-role=replay-previous]").click()
    assert wait_until(lambda: not any(shows(replay, name) for name in COLOURS))
    replay.locator("[data-role=replay-next]").click()
    assert replay.locator("[data-role=replay-position]").text_content() == "2 of 3"
    whose.select_option(label="Everyone")
    assert wait_until(lambda: [name for name in COLOURS if shows(replay, name)] == ["red", "green"])
    replay.close()

    # The Class panel's projector replay: a projector with no key plays the lesson from its start.
    present = panel.locator("[data-role=present-replay-link]")
    assert wait_until(present.is_visible)
    address = present.get_attribute("href")
    assert "/show?replay=" in address and "link=" in address
    projector = open_page(address, "projector", wait_online=False, **LAPTOP)
    assert projector.locator("[data-role=replay-bar]").is_hidden()
    assert wait_until(
        lambda: len(projector.evaluate("() => window.sketchsite.replay.strokeTimes")) == 3, timeout=15
    )
    played = projector.evaluate("() => window.sketchsite.replay.strokeTimes")
    assert [entry["stroke"] for entry in played] == ["line-red", "line-green", "line-blue"]
    assert wait_until(lambda: all(shows(projector, name) for name in COLOURS))
    projector.screenshot(path=ARTIFACTS / "replay-projector.png")


def test_a_students_replay_in_lanes_holds_their_own_page_and_the_hosts_ink_only(
    server,
    open_page,
    socket_clients,  # noqa: F811 - the fixture imported above
):
    host, board, panel, code = new_lesson(open_page, server, LAPTOP)
    key = host.evaluate("(board) => localStorage.getItem(`sketchsite.host.${board}`)", board)
    panel.locator("[data-setting=lanes]").check()
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.session.settings.lanes"))
    tokens = {name: join_token(server, code, name) for name in ("Ada", "Bea")}
    for name, colour in (("Ada", "red"), ("Bea", "green")):
        hex_colour = "#{:02x}{:02x}{:02x}".format(*COLOURS[colour])
        points = [200, LINES[colour], 1400, LINES[colour]]
        socket_clients(board, token=tokens[name]).draw(f"line-{colour}", hex_colour, points, width=24)
    socket_clients(board, host=key).draw(
        "line-blue", "#1971c2", [200, LINES["blue"], 1400, LINES["blue"]], width=24
    )

    # Ada replays her own page: her ink and the host's, never Bea's; the host replays all three.
    ada = open_page(
        f"{server.http_url}/b/{board}/replay#t={tokens['Ada']}", "ada", wait_online=False, **LAPTOP
    )
    assert wait_until(lambda: ada.evaluate("() => window.sketchsite.replay.events.length") == 3)
    assert wait_until(lambda: [name for name in COLOURS if shows(ada, name)] == ["red", "blue"])
    assert "line-green" not in json.dumps(ada.evaluate("() => window.sketchsite.replay.events"))
    ada.locator("[data-role=replay-play]").click()
    assert wait_until(lambda: ada.evaluate("() => window.sketchsite.replay.shown") == 3, timeout=10)
    # Painted on the sketch's next frame.
    assert wait_until(lambda: [name for name in COLOURS if shows(ada, name)] == ["red", "blue"])
    # Only the host is offered the filter.
    assert ada.locator("[data-role=replay-participant]").is_hidden()
    everyone = host.context.new_page()
    everyone.goto(f"{server.http_url}/b/{board}/replay")
    assert wait_until(lambda: all(shows(everyone, name) for name in COLOURS))
