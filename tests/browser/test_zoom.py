"""A phone zooms in on its own view and draws: the stroke lands where the finger was on the board."""

import math
import time

import pytest

from tests.browser.conftest import wait_until
from tests.browser.test_live_canvas import LAPTOP, PHONE

pytestmark = pytest.mark.browser

# Board units a committed point may be from the finger's path: the server rounds what it keeps.
TOLERANCE = 2.0

# The phone's committed strokes on a page, each as its board points [[x, y], ...]: ink keeps a
# pressure after each point, other kinds only x and y.
STROKES_BY = """(author) => [...window.sketchsite.board.strokes.values()]
    .filter((stroke) => stroke.author === author && stroke.committed && stroke.visible !== false)
    .map((stroke) => {
        const stride = stroke.item?.kind === 'ink' ? 3 : 2;
        const points = [];
        for (let i = 0; i + 1 < stroke.points.length; i += stride) {
            points.push([stroke.points[i], stroke.points[i + 1]]);
        }
        return {id: stroke.id, points};
    })"""


def phone_view(page):
    """The phone's zoomed view (scale, offsets within the canvas) and the canvas's place on the page."""
    return page.evaluate(
        """() => {
            const rect = document.querySelector('canvas.board-canvas').getBoundingClientRect();
            return {...window.sketchsite.viewport.view, zoom: window.sketchsite.viewport.zoom,
                    left: rect.left, top: rect.top, canvasWidth: rect.width, canvasHeight: rect.height};
        }"""
    )


def board_point(view, page_x, page_y):
    """The board point under page CSS pixel (page_x, page_y)."""
    return (
        (page_x - view["left"] - view["offsetX"]) / view["scale"],
        (page_y - view["top"] - view["offsetY"]) / view["scale"],
    )


def touch(cdp, kind, points):
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": kind, "touchPoints": [{"x": x, "y": y, "id": index} for index, (x, y) in points]},
    )


def pinch_open(page, centre, start_gap, end_gap, steps=12):
    """Two fingers land on either side of `centre` (page pixels) and spread apart."""
    cdp = page.context.new_cdp_session(page)
    x, y = centre
    touch(cdp, "touchStart", [(0, (x - start_gap / 2, y))])
    touch(cdp, "touchStart", [(0, (x - start_gap / 2, y)), (1, (x + start_gap / 2, y))])
    for step in range(1, steps + 1):
        gap = start_gap + (end_gap - start_gap) * step / steps
        touch(cdp, "touchMove", [(0, (x - gap / 2, y)), (1, (x + gap / 2, y))])
        time.sleep(0.01)
    touch(cdp, "touchEnd", [])
    cdp.detach()


def finger_stroke(page, path):
    """One finger drawn through page points."""
    cdp = page.context.new_cdp_session(page)
    touch(cdp, "touchStart", [(0, path[0])])
    for point in path[1:]:
        touch(cdp, "touchMove", [(0, point)])
        time.sleep(0.01)
    touch(cdp, "touchEnd", [])
    cdp.detach()


def distance_to_path(point, path):
    """Board units from `point` to the nearest place on the polyline `path`."""
    best = math.inf
    px, py = point
    for (ax, ay), (bx, by) in zip(path, path[1:], strict=False):
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
        best = min(best, math.hypot(px - (ax + t * dx), py - (ay + t * dy)))
    return best


def test_a_stroke_drawn_on_a_zoomed_in_phone_lands_under_the_finger_on_the_laptop(server, open_page):
    laptop = open_page(f"{server.http_url}/b/zoom-test/", "laptop", **LAPTOP)
    phone = open_page(f"{server.http_url}/b/zoom-test/", "phone", **PHONE)
    me = phone.evaluate("() => window.sketchsite.session.me")
    fitted = phone_view(phone)
    assert fitted["zoom"] == 1
    # The whole 16:9 board on a portrait phone is a thin strip in the middle of the canvas.
    centre = (
        fitted["left"] + fitted["offsetX"] + fitted["width"] * 0.6,
        fitted["top"] + fitted["offsetY"] + fitted["height"] / 2,
    )

    pinch_open(phone, centre, start_gap=60, end_gap=240)
    assert wait_until(lambda: phone_view(phone)["zoom"] > 3), phone_view(phone)
    # Only the phone's view zoomed: not the page, and not the laptop's view.
    assert phone.evaluate("() => [window.scrollX, window.scrollY, visualViewport.scale]") == [0, 0, 1]
    assert laptop.evaluate("() => window.sketchsite.viewport.zoom") == 1
    zoomed = phone_view(phone)
    assert zoomed["height"] > fitted["height"] * 3

    # The "+" button zooms in further, about the middle of the screen.
    phone.get_by_role("button", name="Zoom in").click()
    assert wait_until(lambda: phone_view(phone)["zoom"] > zoomed["zoom"])
    view = phone_view(phone)

    # A finger stroke across the middle of the phone's canvas, a bend in it.
    left, top = view["left"], view["top"]
    width, height = view["canvasWidth"], view["canvasHeight"]
    path = [
        (left + width * (0.2 + 0.03 * step), top + height * (0.4 + 0.01 * abs(step - 10)))
        for step in range(21)
    ]
    expected = [board_point(view, x, y) for x, y in path]
    assert all(0 <= x <= 1600 and 0 <= y <= 900 for x, y in expected), expected
    # The pinch drew nothing: its first finger's touch was held back until the second made it a pinch.
    assert phone.evaluate("() => window.sketchsite.outbox.size") == 0
    assert phone.evaluate(STROKES_BY, me) == []
    before = set()
    finger_stroke(phone, path)

    def new_strokes():
        return [stroke["id"] for stroke in phone.evaluate(STROKES_BY, me) if stroke["id"] not in before]

    assert wait_until(new_strokes), "the stroke was never committed"
    (drawn,) = new_strokes()

    def on_the_laptop():
        return [stroke for stroke in laptop.evaluate(STROKES_BY, me) if stroke["id"] == drawn]

    assert wait_until(on_the_laptop), laptop.evaluate(STROKES_BY, me)
    (stroke,) = on_the_laptop()
    points = stroke["points"]
    assert len(points) >= 2
    assert math.dist(points[0], expected[0]) <= TOLERANCE, (points[0], expected[0])
    assert math.dist(points[-1], expected[-1]) <= TOLERANCE, (points[-1], expected[-1])
    for point in points:
        assert distance_to_path(point, expected) <= TOLERANCE, point
    # The stroke spans what the finger covered, about 60 % of the phone's width in board units.
    assert math.dist(points[0], points[-1]) >= 0.9 * math.dist(expected[0], expected[-1])
    # The phone keeps its zoom while it draws.
    assert phone_view(phone)["zoom"] == view["zoom"]
