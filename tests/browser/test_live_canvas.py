"""Two real browsers on one board: what one draws, the other sees, live and in the same place."""

import json
import re
import time

import pytest

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
RED = (0xE0, 0x31, 0x31)
BLUE = (0x19, 0x71, 0xC2)
BOARD_SOCKETS = re.compile(r".*/ws/boards/.*")


def board_view(page):
    """The page's letterbox (scale, offsets within the canvas) and the canvas's place on the page."""
    return page.evaluate(
        """() => {
            const rect = document.querySelector('canvas.board-canvas').getBoundingClientRect();
            return {...window.sketchsite.sketch.view, left: rect.left, top: rect.top,
                    canvasWidth: rect.width, canvasHeight: rect.height};
        }"""
    )


def to_screen(view, x, y):
    """Canvas CSS pixels of a board point."""
    return view["offsetX"] + x * view["scale"], view["offsetY"] + y * view["scale"]


def to_page(view, x, y):
    """Page CSS pixels of a board point, where the mouse or a finger goes."""
    canvas_x, canvas_y = to_screen(view, x, y)
    return view["left"] + canvas_x, view["top"] + canvas_y


def pixel(page, x, y):
    """The colour the board shows at CSS pixel (x, y) of its canvas, every layer composited."""
    return tuple(page.evaluate("([x, y]) => window.sketchsite.sketch.readPixel(x, y)", [x, y]))


def near(colour, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def wait_for_colour(page, board_x, board_y, expected, timeout=5.0):
    """Wait until the board point shows `expected` on this page; return the last colour seen."""
    deadline = time.monotonic() + timeout
    while True:
        colour = pixel(page, *to_screen(board_view(page), board_x, board_y))
        if near(colour, expected) or time.monotonic() > deadline:
            return colour
        time.sleep(0.05)


def pick(page, colour_name, width_name="Thick"):
    page.get_by_role("button", name=colour_name, exact=True).click()
    page.get_by_role("button", name=width_name, exact=True).click()


def drag(page, board_points, steps=8):
    """Drag the mouse through board points, as a person would, without releasing."""
    view = board_view(page)
    page.mouse.move(*to_page(view, *board_points[0]))
    page.mouse.down()
    for x, y in board_points[1:]:
        page.mouse.move(*to_page(view, x, y), steps=steps)


def test_stroke_drawn_on_a_laptop_appears_live_on_a_phone_in_the_same_place(server, open_page):
    laptop = open_page(f"{server.http_url}/b/live-test/", "laptop", **LAPTOP)
    phone = open_page(f"{server.http_url}/b/live-test/", "phone", **PHONE)
    pick(laptop, "Red")

    drag(laptop, [(200, 450), (600, 450)])
    # Still drawing: the first half is already on the phone before the pen lifts.
    assert near(wait_for_colour(phone, 400, 450, RED), RED)
    for x, y in [(1000, 450), (1400, 450)]:
        laptop.mouse.move(*to_page(board_view(laptop), x, y), steps=8)
    laptop.mouse.up()

    for board_x in (300, 800, 1300):
        assert near(wait_for_colour(phone, board_x, 450, RED), RED), board_x
        assert near(wait_for_colour(laptop, board_x, 450, RED), RED), board_x
    # Away from the stroke the board is still blank.
    assert near(pixel(phone, *to_screen(board_view(phone), 800, 150)), (255, 255, 255), 5)


def touch_stroke(page, board_points):
    """A finger drawn through board points on a touch screen."""
    view = board_view(page)
    path = [to_page(view, x, y) for x, y in board_points]
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": "touchStart", "touchPoints": [{"x": path[0][0], "y": path[0][1]}]},
    )
    for x, y in path[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        time.sleep(0.01)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_phone_draws_with_touch_without_scrolling_and_the_laptop_sees_it(server, open_page):
    laptop = open_page(f"{server.http_url}/b/touch-test/", "laptop", **LAPTOP)
    phone = open_page(f"{server.http_url}/b/touch-test/", "phone", **PHONE)
    pick(phone, "Blue")
    touch_stroke(phone, [(300 + step * 50, 600 - step * 20) for step in range(21)])

    for step in (2, 10, 18):
        board_point = (300 + step * 50, 600 - step * 20)
        assert near(wait_for_colour(laptop, *board_point, BLUE), BLUE), board_point
        assert near(wait_for_colour(phone, *board_point, BLUE), BLUE), board_point
    assert phone.evaluate("() => [window.scrollX, window.scrollY, visualViewport.scale]") == [0, 0, 1]


def test_resizing_the_window_keeps_the_drawing(server, open_page):
    laptop = open_page(f"{server.http_url}/b/resize-test/", "laptop", **LAPTOP)
    pick(laptop, "Red")
    drag(laptop, [(200, 200), (1400, 700)])
    laptop.mouse.up()
    assert near(wait_for_colour(laptop, 800, 450, RED), RED)
    laptop.set_viewport_size({"width": 700, "height": 900})
    assert near(wait_for_colour(laptop, 800, 450, RED), RED)
    assert near(wait_for_colour(laptop, 1100, 575, RED), RED)


def test_stroke_drawn_before_the_first_welcome_is_stored_as_the_participants(server, open_page):
    laptop = open_page(f"{server.http_url}/b/early-test/", "laptop", **LAPTOP)
    sockets = []

    def hold_the_first_socket(socket):
        # The first socket opens but hears nothing from a server; later ones reach it.
        sockets.append(socket)
        if len(sockets) > 1:
            socket.connect_to_server()

    phone = open_page(
        f"{server.http_url}/b/early-test/",
        "early",
        before_load=lambda page: page.route_web_socket(BOARD_SOCKETS, hold_the_first_socket),
        wait_online=False,
        **LAPTOP,
    )
    phone.locator("canvas.board-canvas").wait_for()
    assert phone.locator("[data-role=status]").get_attribute("data-state") == "connecting"
    pick(phone, "Red")
    drag(phone, [(200, 450), (1400, 450)])
    phone.mouse.up()
    assert "1 waiting" in phone.locator("[data-role=status]").text_content()

    sockets[0].close(code=1006)
    phone.locator("[data-role=status][data-state=online]").wait_for(timeout=10_000)
    assert near(wait_for_colour(laptop, 800, 450, RED), RED)
    me = phone.evaluate("() => window.sketchsite.session.me")
    strokes = phone.evaluate(
        "() => [...window.sketchsite.board.strokes.values()].map(s => [s.author, s.committed])"
    )
    deadline = time.monotonic() + 5
    while strokes != [[me, True]] and time.monotonic() < deadline:
        time.sleep(0.05)
        strokes = phone.evaluate(
            "() => [...window.sketchsite.board.strokes.values()].map(s => [s.author, s.committed])"
        )
    assert strokes == [[me, True]]
    assert phone.evaluate("() => window.sketchsite.outbox.size") == 0


def test_a_server_of_another_protocol_version_stops_the_page_and_asks_for_a_reload(server, open_page):
    sockets = []

    def speak_version_one(socket):
        sockets.append(socket)
        upstream = socket.connect_to_server()

        def from_server(text):
            message = json.loads(text)
            if message.get("type") == "welcome":
                message["v"] = 1
            socket.send(json.dumps(message))

        upstream.on_message(from_server)

    page = open_page(
        f"{server.http_url}/b/version-test/",
        "old-server",
        before_load=lambda page: page.route_web_socket(BOARD_SOCKETS, speak_version_one),
        wait_online=False,
        **LAPTOP,
    )
    status = page.locator("[data-role=status][data-state=failed]")
    status.wait_for(timeout=10_000)
    assert "reload" in status.text_content()
    time.sleep(2)
    assert len(sockets) == 1, "no reconnecting to a server the page cannot speak to"
    assert status.get_attribute("data-state") == "failed"


def test_bad_board_name_page_is_a_clear_404(server, browser):
    page = browser.new_page()
    response = page.goto(f"{server.http_url}/b/Not_A_Board!/")
    assert response.status == 404
    assert "Board names are 1 to 32 lowercase letters" in page.content()
    page.close()


def test_new_board_gets_a_random_readable_name(server, browser):
    page = browser.new_page()
    page.goto(f"{server.http_url}/")
    page.get_by_role("link", name="New board").click()
    page.locator("[data-role=status][data-state=online]").wait_for()
    name = page.locator("[data-role=board-name]").text_content()
    assert page.url.endswith(f"/b/{name}/")
    assert len(name.split("-")) == 3
    page.close()
