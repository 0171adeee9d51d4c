"""A worksheet under the ink: the host uploads a picture from the class panel; it shows under the
ink on a student's phone, for a late joiner and on the projector, stays through a scribble and a
Clear, and goes when the host takes it away."""

import time

import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.browser.conftest import ARTIFACTS, wait_until
from tests.browser.test_class_mode import PROJECTOR, SMALL_LAPTOP, join_in_browser
from tests.browser.test_live_canvas import LAPTOP, PHONE, touch_stroke

pytestmark = pytest.mark.browser

GREEN = (0, 160, 60)
# The worksheet is 800 x 450, the board's shape, so it covers the board at twice its size: its
# green box (100..300, 100..200) lies at board (200..600, 200..400).
IN_THE_BOX = (400, 300)
OUTSIDE_IT = (900, 600)


def worksheet(path):
    """A worksheet as a teacher makes one: a title, a box to colour in, a triangle to label."""
    image = Image.new("RGB", (800, 450), "white")
    draw = ImageDraw.Draw(image)
    draw.text(
        (40, 30), "Label the corners of the triangle", fill="black", font=ImageFont.load_default(size=28)
    )
    draw.rectangle((100, 100, 300, 200), fill=GREEN)
    draw.polygon(((520, 400), (760, 400), (600, 130)), outline="black", width=4)
    image.save(path, "PNG")
    return path


def board_pixel(page, x, y):
    return page.evaluate(
        """([x, y]) => {
            const view = window.sketchsite.sketch.view;
            const [left, top] = [view.offsetX + x * view.scale, view.offsetY + y * view.scale];
            return window.sketchsite.sketch.readPixel(left, top);
        }""",
        [x, y],
    )


def shows_green(page, x, y):
    red, green, blue = board_pixel(page, x, y)
    return abs(red - GREEN[0]) < 12 and abs(green - GREEN[1]) < 12 and abs(blue - GREEN[2]) < 12


def test_the_hosts_worksheet_lies_under_every_students_ink_and_nothing_rubs_it_out(
    server, open_page, tmp_path
):
    host = open_page(f"{server.http_url}/new/", "host", **LAPTOP)
    board = host.evaluate("() => JSON.parse(document.getElementById('board-config').textContent).board")
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.session.role") == "host")
    host.locator("[data-role=class-toggle]").click()
    panel = host.locator("[data-role=class-panel]")
    code = panel.locator("[data-role=join-code]").text_content()
    phone = join_in_browser(open_page, server, "Pia", code, "phone", PHONE)
    projector = open_page(f"{server.http_url}/b/{board}/show", "projector", wait_online=False, **PROJECTOR)
    assert wait_until(lambda: projector.evaluate("() => window.sketchsite.session.role") == "viewer")
    assert not shows_green(phone, *IN_THE_BOX)
    # A student has no upload control: the class panel is the host's.
    assert phone.locator("[data-role=class-toggle]").is_hidden()

    chosen = time.monotonic()
    panel.locator("[data-role=picture-file]").set_input_files(str(worksheet(tmp_path / "worksheet.png")))
    assert wait_until(lambda: shows_green(phone, *IN_THE_BOX), timeout=10)
    print(
        f"\nworksheet on the phone {1000 * (time.monotonic() - chosen):.0f} ms after the host chose the file"
    )
    assert not shows_green(phone, *OUTSIDE_IT)
    assert wait_until(lambda: shows_green(projector, *IN_THE_BOX))
    assert wait_until(lambda: shows_green(host, *IN_THE_BOX))
    late = join_in_browser(open_page, server, "Lars", code, "late", SMALL_LAPTOP)
    assert wait_until(lambda: shows_green(late, *IN_THE_BOX))

    # A scribble across the box, then the host clears the board: the worksheet stays.
    touch_stroke(phone, [(250 + step * 40, 260 + step * 10) for step in range(9)])
    touch_stroke(phone, [(1180 + step * 6, 820 - step * 4) for step in range(6)])
    assert wait_until(lambda: phone.evaluate("() => window.sketchsite.outbox.size") == 0)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=ARTIFACTS / "picture-worksheet-phone.png")
    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="Clear", exact=True).click()
    assert wait_until(
        lambda: phone.evaluate("() => [...window.sketchsite.board.strokes.values()].every((s) => !s.visible)")
    )
    for page in (phone, late, projector):
        assert wait_until(lambda page=page: shows_green(page, *IN_THE_BOX))
    projector.screenshot(path=ARTIFACTS / "picture-worksheet-projector.png")

    # A reload draws it again (from the browser's cache: the address never serves other bytes).
    late.reload()
    assert wait_until(lambda: shows_green(late, *IN_THE_BOX))

    panel.locator("[data-role=picture-remove]").click()
    for page in (phone, late, projector):
        assert wait_until(lambda page=page: not shows_green(page, *IN_THE_BOX))
