"""The paper under the ink in a lesson: the host picks squared paper, and it shows under the ink
on a student's phone, for a late joiner, on the projector and in export.png, and no scribble,
eraser or Clear takes it away."""

import io
import time
import urllib.request

import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, wait_until
from tests.browser.test_class_mode import PROJECTOR, SMALL_LAPTOP, join_in_browser
from tests.browser.test_live_canvas import LAPTOP, PHONE, drag, pick, touch_stroke

pytestmark = pytest.mark.browser

# A vertical line of the squared paper (every 40 board units), away from every stroke below.
ON_A_LINE = (400, 620)
BETWEEN_LINES = (420, 620)
SQUARED_LINE = (0xB8, 0xCD, 0xE6)


def shows_paper(page, x, y):
    """Whether the board shows a squared-paper line at board point (x, y): a pixel near it, on
    either side (a thin line falls between screen pixels), in the paper's blue."""
    pixels = page.evaluate(
        """([x, y]) => {
            const view = window.sketchsite.sketch.view;
            const [left, top] = [view.offsetX + x * view.scale, view.offsetY + y * view.scale];
            return [-1, 0, 1].map((dx) => window.sketchsite.sketch.readPixel(left + dx, top));
        }""",
        [x, y],
    )
    return any(blue - red > 25 for red, _, blue, *_ in pixels)


def test_squared_paper_lies_under_every_page_and_nothing_rubs_it_out(server, open_page):
    host = open_page(f"{server.http_url}/new/", "host", **LAPTOP)
    board = host.evaluate("() => JSON.parse(document.getElementById('board-config').textContent).board")
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.session.role") == "host")
    host_key = host.evaluate("(board) => localStorage.getItem(`sketchsite.host.${board}`)", board)
    host.locator("[data-role=class-toggle]").click()
    panel = host.locator("[data-role=class-panel]")
    code = panel.locator("[data-role=join-code]").text_content()
    phone = join_in_browser(open_page, server, "Pia", code, "phone", PHONE)
    projector = open_page(f"{server.http_url}/b/{board}/show", "projector", wait_online=False, **PROJECTOR)
    assert wait_until(lambda: projector.evaluate("() => window.sketchsite.session.role") == "viewer")
    assert not shows_paper(phone, *ON_A_LINE)

    picked = time.monotonic()
    panel.locator("[data-setting=background]").select_option("squared")
    assert wait_until(lambda: shows_paper(phone, *ON_A_LINE), timeout=5)
    print(
        f"\nsquared paper on the phone {1000 * (time.monotonic() - picked):.0f} ms after the host picked it"
    )
    assert not shows_paper(phone, *BETWEEN_LINES)
    assert wait_until(lambda: shows_paper(projector, *ON_A_LINE))
    late = join_in_browser(open_page, server, "Lars", code, "late", SMALL_LAPTOP)
    assert wait_until(lambda: shows_paper(late, *ON_A_LINE))
    assert panel.locator("[data-setting=background]").input_value() == "squared"

    # A scribble across the line, rubbed out by its author; then the host clears the board.
    touch_stroke(phone, [(300 + step * 25, 600 + step * 4) for step in range(9)])
    assert wait_until(lambda: phone.evaluate("() => window.sketchsite.outbox.size") == 0)
    phone.get_by_role("button", name="Eraser", exact=True).click()
    touch_stroke(phone, [(390, 612), (410, 620), (430, 628)])
    assert wait_until(
        lambda: phone.evaluate("() => [...window.sketchsite.board.strokes.values()].every((s) => !s.visible)")
    )
    pick(host, "Red")
    drag(host, [(800, 200), (1000, 260)])
    host.mouse.up()
    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="Clear", exact=True).click()
    assert wait_until(
        lambda: phone.evaluate("() => [...window.sketchsite.board.strokes.values()].every((s) => !s.visible)")
    )
    for page in (phone, late, projector):
        assert wait_until(lambda page=page: shows_paper(page, *ON_A_LINE))
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=ARTIFACTS / "paper-squared-phone.png")

    # The export draws it too, as the host reads it.
    request = urllib.request.Request(
        f"{server.http_url}/b/{board}/export.png", headers={"Authorization": f"Bearer {host_key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        image = Image.open(io.BytesIO(response.read())).convert("RGB")
    assert image.getpixel(ON_A_LINE) == SQUARED_LINE
    assert image.getpixel(BETWEEN_LINES) == (255, 255, 255)
