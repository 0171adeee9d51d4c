"""Ink, shapes and text drawn with the tools in one browser reach another, the exports, and go
with the eraser; select and move moves them for everyone."""

import io
import time

import pytest
from PIL import Image

from tests.browser.conftest import wait_until
from tests.browser.test_live_canvas import LAPTOP, board_view, near, pixel, to_page, to_screen

pytestmark = pytest.mark.browser

INK = (0x1E, 0x1E, 0x1E)
BLUE = (0x19, 0x71, 0xC2)
WHITE = (255, 255, 255)


def choose(page, tool):
    page.locator(f"[data-tool={tool}]").click()


def committed(page, kind):
    """The committed items of `kind` on the page's board, as {author, id, item, points}."""
    return page.evaluate(
        """(kind) => [...window.sketchsite.board.strokes.values()]
            .filter((s) => s.committed && s.visible && s.item.kind === kind)
            .map((s) => ({author: s.author, id: s.id, item: s.item, points: s.points}))""",
        kind,
    )


def wait_for_items(page, kind, count=1, timeout=10.0):
    assert wait_until(lambda: len(committed(page, kind)) >= count, timeout), f"no {kind} on the page"
    return committed(page, kind)


def drag_tool(page, start, end, steps=10):
    view = board_view(page)
    page.mouse.move(*to_page(view, *start))
    page.mouse.down()
    page.mouse.move(*to_page(view, (start[0] + end[0]) / 2, (start[1] + end[1]) / 2), steps=steps)
    page.mouse.move(*to_page(view, *end), steps=steps)
    page.mouse.up()


def pen_stroke(page, board_points, pressures):
    """A stylus drawn through board points with these pressures (0..1), as a tablet's pen sends them."""
    view = board_view(page)
    cdp = page.context.new_cdp_session(page)
    path = [to_page(view, x, y) for x, y in board_points]

    def send(kind, at, force, buttons=1):
        cdp.send(
            "Input.dispatchMouseEvent",
            {
                "type": kind,
                "x": at[0],
                "y": at[1],
                "button": "left",
                "buttons": buttons,
                "clickCount": 1,
                "pointerType": "pen",
                "force": force,
            },
        )

    send("mousePressed", path[0], pressures[0])
    for at, force in zip(path[1:], pressures[1:], strict=True):
        send("mouseMoved", at, force)
        time.sleep(0.005)
    send("mouseReleased", path[-1], pressures[-1], buttons=0)


def ink_thickness(page, board_x, top, bottom):
    """How many CSS pixels of a vertical line through board x, between two board ys, show ink."""
    view = board_view(page)
    x, y0 = to_screen(view, board_x, top)
    _, y1 = to_screen(view, board_x, bottom)
    return page.evaluate(
        """([x, y0, y1]) => {
            let dark = 0;
            for (let y = y0; y <= y1; y += 0.5) {
                const [r, g, b] = window.sketchsite.sketch.readPixel(x, y);
                if (r + g + b < 300) dark += 0.5;
            }
            return dark;
        }""",
        [x, y0, y1],
    )


def test_a_pen_stroke_with_pressure_arrives_thin_where_light_and_thick_where_hard(server, open_page):
    board = "pressure-ink"
    tablet = open_page(f"{server.http_url}/b/{board}/", "tablet", **LAPTOP)
    watcher = open_page(f"{server.http_url}/b/{board}/", "watcher", **LAPTOP)
    tablet.get_by_role("button", name="Thick", exact=True).click()
    points = [(200 + 20 * step, 450) for step in range(61)]
    pressures = [0.05 + 0.95 * step / 60 for step in range(61)]
    pen_stroke(tablet, points, pressures)

    (ink,) = wait_for_items(watcher, "ink")
    # On the board's one page, as the browser drew it there (docs/protocol.md, Pages of a lesson).
    assert ink["item"] == {"kind": "ink", "color": "#1e1e1e", "width": 20, "page": "1"}
    kept = ink["points"][2::3]
    assert min(kept) <= 15 and max(kept) >= 90, kept
    assert wait_until(lambda: ink_thickness(watcher, 1200, 400, 500) > 0)
    light = ink_thickness(watcher, 400, 400, 500)
    hard = ink_thickness(watcher, 1200, 400, 500)
    assert 0 < light and hard > 1.8 * light, (light, hard)


def test_shapes_and_text_reach_another_page_and_the_exports_and_go_with_the_eraser(server, open_page):
    board = "shapes-and-text"
    author = open_page(f"{server.http_url}/b/{board}/", "author", **LAPTOP)
    other = open_page(f"{server.http_url}/b/{board}/", "other", **LAPTOP)

    author.get_by_role("button", name="Blue", exact=True).click()
    choose(author, "rect")
    drag_tool(author, (200, 200), (600, 500))
    choose(author, "arrow")
    drag_tool(author, (800, 300), (1300, 300))
    choose(author, "text")
    view = board_view(author)
    author.mouse.click(*to_page(view, 300, 700))
    author.get_by_role("textbox", name="Text to put on the board").fill("2 < 3 & <b>bold</b>")
    author.keyboard.press("Enter")

    (rect,) = wait_for_items(other, "rect")
    (arrow,) = wait_for_items(other, "arrow")
    (text,) = wait_for_items(other, "text")
    assert rect["item"]["color"] == "#1971c2" and len(rect["points"]) == 4
    assert abs(rect["points"][0] - 200) <= 1 and abs(rect["points"][3] - 500) <= 1
    assert abs(arrow["points"][2] - 1300) <= 1
    assert text["item"]["text"] == "2 < 3 & <b>bold</b>" and text["points"] == [300, 700]
    # On the other screen: the rectangle's edge, the arrow's shaft and the text are blue ink,
    # the rectangle's inside is board.
    other_view = board_view(other)
    assert wait_until(lambda: near(pixel(other, *to_screen(other_view, 200, 350)), BLUE))
    assert wait_until(lambda: near(pixel(other, *to_screen(other_view, 1000, 300)), BLUE))
    assert near(pixel(other, *to_screen(other_view, 400, 350)), WHITE, 5)
    assert wait_until(lambda: text_ink(other, 300, 700, text["item"]["size"]) > 20)

    svg = other.request.get(f"{server.http_url}/b/{board}/export.svg").text()
    assert "2 &lt; 3 &amp; &lt;b&gt;bold&lt;/b&gt;" in svg and "<b>" not in svg
    assert svg.count("#1971c2") >= 3
    png = Image.open(io.BytesIO(other.request.get(f"{server.http_url}/b/{board}/export.png").body())).convert(
        "RGB"
    )
    assert near(png.getpixel((200, 350)), BLUE)
    assert near(png.getpixel((1000, 300)), BLUE)
    assert near(png.getpixel((400, 350)), WHITE, 5)
    assert sum(near(png.getpixel((x, y)), BLUE, 80) for x in range(300, 500) for y in range(700, 740)) > 20

    # The eraser rubbed over the rectangle's edge and across the text takes both away, everywhere.
    choose(author, "eraser")
    drag_tool(author, (180, 300), (230, 300))
    drag_tool(author, (320, 690), (320, 730))
    assert wait_until(lambda: not committed(other, "rect") and not committed(other, "text"))
    assert committed(other, "arrow")
    assert wait_until(lambda: near(pixel(other, *to_screen(board_view(other), 200, 350)), WHITE, 5))
    svg = other.request.get(f"{server.http_url}/b/{board}/export.svg").text()
    assert "bold" not in svg and svg.count("#1971c2") >= 1


def text_ink(page, x, y, size):
    """Pixels of ink in the text's first few letters' box."""
    view = board_view(page)
    left, top = to_screen(view, x, y)
    right, bottom = to_screen(view, x + 3 * size, y + size)
    return page.evaluate(
        """([left, top, right, bottom]) => {
            let dark = 0;
            for (let x = left; x < right; x += 2) for (let y = top; y < bottom; y += 2) {
                const [r, g, b] = window.sketchsite.sketch.readPixel(x, y);
                if (r + g + b < 600) dark += 1;
            }
            return dark;
        }""",
        [left, top, right, bottom],
    )


def test_select_and_move_moves_an_item_for_everyone(server, open_page):
    board = "select-and-move"
    author = open_page(f"{server.http_url}/b/{board}/", "author", **LAPTOP)
    other = open_page(f"{server.http_url}/b/{board}/", "other", **LAPTOP)
    choose(author, "rect")
    drag_tool(author, (200, 200), (400, 400))
    wait_for_items(other, "rect")

    choose(author, "select")
    drag_tool(author, (200, 300), (500, 400))
    assert wait_until(lambda: (committed(other, "rect") or [{}])[0].get("points") == [500, 300, 700, 500])
    # The keyboard moves what is selected too.
    author.keyboard.press("Shift+ArrowLeft")
    assert wait_until(lambda: committed(other, "rect")[0]["points"] == [450, 300, 650, 500])
    assert wait_until(lambda: near(pixel(other, *to_screen(board_view(other), 450, 400)), INK))
    # Undo takes the last move back.
    author.keyboard.press("Control+z")
    assert wait_until(lambda: committed(other, "rect")[0]["points"] == [500, 300, 700, 500])
