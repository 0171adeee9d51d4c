"""A lesson of pages: the host uploads a 3-page PDF worksheet; its first page lies under every
student's ink and on the projector, the host's "next" turns every screen to page 2 and "previous"
brings page 1's ink back, the eraser and Clear leave the worksheet, and with lanes on each student
writes on their own copy of the page."""

import time

import pypdfium2
import pytest

from bench.pages import PAGE_COLOURS, PROBE_AT, worksheet_pdf
from tests.browser.conftest import ARTIFACTS, wait_until
from tests.browser.test_class_mode import PROJECTOR, SMALL_LAPTOP, join_in_browser
from tests.browser.test_live_canvas import LAPTOP, PHONE, touch_stroke
from tests.browser.test_picture import board_pixel
from tests.test_export_pdf import at_board, near

BLACK = (30, 30, 30)

pytestmark = pytest.mark.browser

# The worksheet the pages benchmark hands out: one colour per page, a square of it where the
# board's (100..600, 100..600) is.
IN_THE_SQUARE = PROBE_AT
BESIDE_IT = (1000, 300)


def worksheet_file(path):
    path.write_bytes(worksheet_pdf())
    return path


def shows(page, colour, at=IN_THE_SQUARE):
    pixel = board_pixel(page, *at)
    return all(abs(got - wanted) < 40 for got, wanted in zip(pixel, colour, strict=True))


def shown_ink(page):
    """The ids of the strokes a page shows now (the current page's, in its lane)."""
    return page.evaluate(
        """() => {
            const strokes = [...window.sketchsite.board.strokes.values()];
            return strokes.filter((s) => s.visible && !s.elsewhere && !s.offPage).map((s) => s.id).sort();
        }"""
    )


def inked_near(image, x, y, reach=12):
    """Whether a page of the PDF has dark ink within `reach` board units of board point (x, y)."""
    return any(
        near(at_board(image, x + dx, y + dy), BLACK, tolerance=90)
        for dx in range(-reach, reach + 1, 2)
        for dy in range(-reach, reach + 1, 2)
    )


def my_ids(page):
    return page.evaluate("() => [...window.sketchsite.board.strokes.values()].map((s) => s.id).sort()")


def settled(page):
    return wait_until(lambda: page.evaluate("() => window.sketchsite.outbox.size") == 0)


def test_a_pdf_worksheet_becomes_pages_the_host_turns_for_everyone(server, open_page, tmp_path):
    host = open_page(f"{server.http_url}/new/", "host", **LAPTOP)
    board = host.evaluate("() => JSON.parse(document.getElementById('board-config').textContent).board")
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.session.role") == "host")
    host.locator("[data-role=class-toggle]").click()
    panel = host.locator("[data-role=class-panel]")
    code = panel.locator("[data-role=join-code]").text_content()
    # The lesson's replay is a link away, in a tab of its own.
    assert panel.locator("[data-role=replay-link]").get_attribute("href") == f"/b/{board}/replay"
    pia = join_in_browser(open_page, server, "Pia", code, "pia", PHONE)
    lars = join_in_browser(open_page, server, "Lars", code, "lars", SMALL_LAPTOP)
    projector = open_page(f"{server.http_url}/b/{board}/show", "projector", wait_online=False, **PROJECTOR)
    assert wait_until(lambda: projector.evaluate("() => window.sketchsite.session.role") == "viewer")
    # One page: a student sees no page bar; the host has one, to add pages.
    assert pia.locator("[data-role=page-bar]").is_hidden()
    assert host.locator("[data-role=page-add]").is_visible()

    chosen = time.monotonic()
    panel.locator("[data-role=picture-file]").set_input_files(str(worksheet_file(tmp_path / "worksheet.pdf")))
    for page in (pia, lars):
        assert wait_until(lambda page=page: shows(page, PAGE_COLOURS[0]), timeout=15)
    print(
        f"\n3-page PDF: page 1 on both students {1000 * (time.monotonic() - chosen):.0f} ms"
        " after the host chose it"
    )
    assert wait_until(lambda: shows(projector, PAGE_COLOURS[0]))
    assert not shows(pia, PAGE_COLOURS[0], at=BESIDE_IT)
    assert wait_until(lambda: pia.locator("[data-role=page-label]").text_content() == "Page 1 of 3")
    # A student follows the class: no turning, adding or removing.
    assert (
        pia.locator("[data-role=page-next]").is_hidden() and pia.locator("[data-role=page-add]").is_hidden()
    )

    # Pia writes on page 1, across the square.
    touch_stroke(pia, [(300 + step * 30, 330 + step * 5) for step in range(8)])
    settled(pia)
    (first_answer,) = my_ids(pia)
    assert wait_until(lambda: shown_ink(lars) == [first_answer])

    host.locator("[data-role=page-next]").click()
    for page in (pia, lars, projector):
        assert wait_until(lambda page=page: shows(page, PAGE_COLOURS[1]))
        assert wait_until(lambda page=page: shown_ink(page) == [])
    assert pia.locator("[data-role=page-label]").text_content() == "Page 2 of 3"
    # Page 2's ink: Pia's answer there.
    touch_stroke(pia, [(200 + step * 40, 700 + step % 2 * 60) for step in range(12)])
    settled(pia)
    (second_answer,) = set(my_ids(pia)) - {first_answer}
    assert wait_until(lambda: shown_ink(lars) == [second_answer])
    ARTIFACTS.mkdir(exist_ok=True)
    pia.screenshot(path=ARTIFACTS / "pages-phone.png")
    assert wait_until(lambda: shown_ink(projector) == [second_answer])
    projector.screenshot(path=ARTIFACTS / "pages-projector.png")

    host.locator("[data-role=page-previous]").click()
    for page in (pia, lars, projector):
        assert wait_until(lambda page=page: shows(page, PAGE_COLOURS[0]))
        assert wait_until(lambda page=page: shown_ink(page) == [first_answer])

    # Lars rubs out Pia's line? Students erase their own only: he scribbles and rubs out his own,
    # then the host clears page 1. The worksheet stays under it all, and page 2 keeps its ink.
    touch_stroke(lars, [(250 + step * 40, 250 + step * 20) for step in range(10)])
    settled(lars)
    lars.get_by_role("button", name="Eraser", exact=True).click()
    touch_stroke(lars, [(300 + step * 10, 200 + step * 10) for step in range(31)])
    settled(lars)
    assert wait_until(lambda: shown_ink(pia) == [first_answer])
    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="Clear", exact=True).click()
    for page in (pia, lars, projector):
        assert wait_until(lambda page=page: shown_ink(page) == [])
        assert shows(page, PAGE_COLOURS[0])
    host.locator("[data-role=page-next]").click()
    assert wait_until(lambda: shows(pia, PAGE_COLOURS[1]) and shown_ink(pia) == [second_answer])

    # A reload, and a late joiner, land on the class's page with its ink.
    lars.reload()
    assert wait_until(lambda: shows(lars, PAGE_COLOURS[1]) and shown_ink(lars) == [second_answer])

    # Own page each: on page 3, each student writes on their own copy of the worksheet.
    host.locator("[data-role=page-next]").click()
    panel.locator("[data-setting=lanes]").check()
    for page in (pia, lars):
        assert wait_until(lambda page=page: page.evaluate("() => window.sketchsite.session.settings.lanes"))
        assert wait_until(lambda page=page: shows(page, PAGE_COLOURS[2]))
    touch_stroke(pia, [(200 + step * 40, 750) for step in range(6)])
    lars.get_by_role("button", name="Pen", exact=True).click()
    touch_stroke(lars, [(900 + step * 40, 750) for step in range(6)])
    settled(pia)
    settled(lars)
    pia_own = set(my_ids(pia)) - {first_answer, second_answer}
    lars_own = set(shown_ink(lars))
    assert len(pia_own) == 1 and len(lars_own) == 1
    assert wait_until(lambda: set(shown_ink(pia)) == pia_own)
    assert set(shown_ink(lars)) == lars_own
    assert wait_until(lambda: set(shown_ink(host)) == pia_own | lars_own)

    # The lesson as one PDF: three pages in order, each its worksheet page, the ink where it was drawn.
    host_key = host.evaluate("(board) => localStorage.getItem(`sketchsite.host.${board}`)", board)
    response = host.request.get(
        f"{server.http_url}/b/{board}/export.pdf", headers={"Authorization": f"Bearer {host_key}"}
    )
    assert response.ok
    document = pypdfium2.PdfDocument(response.body())
    assert len(document) == 3
    pages = [document[index].render(scale=2).to_pil().convert("RGB") for index in range(3)]
    document.close()
    for image, colour in zip(pages, PAGE_COLOURS, strict=True):
        assert near(at_board(image, *IN_THE_SQUARE), colour)
    for number, image in enumerate(pages, 1):
        image.save(ARTIFACTS / f"pages-export-{number}.png")
    # Page 1 was cleared; page 2 holds Pia's zigzag, x 200..640 about y 730; page 3 both answers.
    assert not inked_near(pages[0], 420, 730, reach=30) and inked_near(pages[1], 420, 730, reach=30)
    assert inked_near(pages[2], 300, 750) and inked_near(pages[2], 1000, 750)

    # The lesson replayed: its pages' worksheets under the ink, the page following the strokes.
    replay = host.context.new_page()
    replay.goto(f"{server.http_url}/b/{board}/replay")
    assert wait_until(lambda: replay.evaluate("() => window.sketchsite.replay.events.length") > 0)
    assert wait_until(lambda: shows(replay, PAGE_COLOURS[2]))
    # Back from the end: Pia's answer on page 3, Lars's scribble on page 1, Pia's on page 2.
    for colour in (PAGE_COLOURS[2], PAGE_COLOURS[0], PAGE_COLOURS[1]):
        replay.keyboard.press("ArrowLeft")
        assert wait_until(lambda colour=colour: shows(replay, colour))
    replay.close()
