"""A lesson: a host, a projector and 28 students on one hosted board, through the host's controls."""

import contextlib
import http.cookiejar
import io
import json
import math
import re
import threading
import urllib.error
import urllib.request
from urllib.parse import unquote, urlencode

import pytest
import zxingcpp
from PIL import Image
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.browser.conftest import ARTIFACTS, wait_until
from tests.browser.test_live_canvas import LAPTOP, PHONE, board_view, near, to_page, touch_stroke

pytestmark = pytest.mark.browser

PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
TABLET = {"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True}
SMALL_LAPTOP = {"viewport": {"width": 1366, "height": 768}}
BROWSER_STUDENTS = {"phone": "Pia on a phone", "tablet": "Theo on a tablet", "laptop": "Lars on a laptop"}
SOCKET_STUDENTS = 25
# Student 7's ink: a colour no palette button gives, so the export shows whether it is there.
STUDENT_7_COLOUR = "#ff00cc"
STUDENT_COLOURS = ["#e03131", "#f08c00", "#2f9e44", "#0c8599", "#7048e8", "#8b5a2b", "#1e1e1e"]
BLUE = (0x19, 0x71, 0xC2)
WHITE = (255, 255, 255)


def board_socket(server, board, **query):
    """A websocket to the board as a browser opens it (token=, view=), to use in a `with`."""
    return connect(f"{server.ws_url}/ws/boards/{board}/?{urlencode(query)}", origin=server.http_url)


class SocketClient:
    """A board socket driven by the test; a thread reads every frame, so the server never waits on it.

    Presence is set aside (the newest in `.presence`) and batches are unpacked, so `.messages`
    holds what the test is about, in order.
    """

    def __init__(self, socket):
        self.socket = socket
        self.messages = []
        self.presence = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.welcome = self.wait_for(lambda message: message["type"] == "welcome")

    def _read(self):
        try:
            for text in self.socket:
                frame = json.loads(text)
                for message in frame["messages"] if frame["type"] == "batch" else [frame]:
                    if message["type"] == "presence":
                        self.presence = message
                    else:
                        self.messages.append(message)
        except ConnectionClosed:
            pass

    def send(self, message):
        self.socket.send(json.dumps(message))

    def wait_for(self, accept, timeout=10.0):
        """The first message so far, or to come, for which accept(message) holds."""
        found = []

        def seen():
            found.extend(message for message in list(self.messages) if accept(message))
            return bool(found)

        assert wait_until(seen, timeout), f"no such message within {timeout} s; got {self.messages[-5:]}"
        return found[0]

    def error_about(self, ref):
        return self.wait_for(lambda message: message["type"] == "error" and message.get("ref") == ref)

    def draw(self, stroke, colour, points, width=8):
        """One whole stroke, as a browser sends it; returns once it is stored."""
        self.send(
            {
                "type": "stroke.begin",
                "stroke": stroke,
                "item": {"kind": "marker", "color": colour, "width": width},
                "points": points[:2],
            }
        )
        self.send({"type": "stroke.end", "stroke": stroke, "points": points[2:]})
        self.wait_for(lambda message: message["type"] == "ack" and message["ref"] == stroke)


@pytest.fixture
def socket_clients(server):
    """Opens SocketClients on a board (`board`, token=, view=); all closed at the end of the test."""
    with contextlib.ExitStack() as stack:
        yield lambda board, **query: SocketClient(stack.enter_context(board_socket(server, board, **query)))


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    # The join page's redirect carries the token in its fragment: read it, do not follow it.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def join_token(server, code, name):
    """A student's token for `name`, by the join page's form, as a student's browser gets it."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _KeepRedirects
    )
    url = f"{server.http_url}/j/{code}"
    with opener.open(url, timeout=10) as response:
        form = response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urlencode({"csrfmiddlewaretoken": csrf, "name": name}).encode()
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(url, data=body, timeout=10)
    assert redirect.value.code == 302, redirect.value.read()
    return unquote(redirect.value.headers["Location"].split("#t=", 1)[1])


def export_svg(server, board, host_key):
    """(seq, SVG text) of the board's export as its host reads it; the ETag starts with the board's seq."""
    request = urllib.request.Request(
        f"{server.http_url}/b/{board}/export.svg", headers={"Authorization": f"Bearer {host_key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.headers["ETag"].strip('"').split("-")[0]), response.read().decode()


def circle(centre_x, centre_y, radius=42, steps=24):
    """A closed ring of board points, flat [x, y, x, y, ...]."""
    points = []
    for step in range(steps + 1):
        angle = 2 * math.pi * step / steps
        points += [round(centre_x + radius * math.cos(angle)), round(centre_y + radius * math.sin(angle))]
    return points


def board_colour(page, x, y):
    """The colour the board canvas shows at board point (x, y)."""
    return tuple(
        page.evaluate(
            """([x, y]) => {
                const view = window.sketchsite.sketch.view;
                const [left, top] = [view.offsetX + x * view.scale, view.offsetY + y * view.scale];
                return window.sketchsite.sketch.readPixel(left, top);
            }""",
            [x, y],
        )
    )


def visible_strokes_of(page, author):
    return page.evaluate(
        "(author) => [...window.sketchsite.board.strokes.values()]"
        ".filter((s) => s.author === author && s.visible).length",
        author,
    )


def visible_strokes(page):
    return page.evaluate(
        "() => [...window.sketchsite.board.strokes.values()].filter((s) => s.visible)"
        ".map((s) => `${s.author} ${s.id}`).sort()"
    )


def committed_strokes(page):
    return page.evaluate("() => [...window.sketchsite.board.strokes.values()].filter((s) => s.committed)")


def seq(page):
    return page.evaluate("() => window.sketchsite.board.seq")


def online(page):
    page.locator("[data-role=status][data-state=online]").wait_for(timeout=10_000)


def new_lesson(open_page, server, device):
    """A host's browser on a board made by /new/, its Class panel open: (page, board, panel, join code)."""
    host = open_page(f"{server.http_url}/new/", "host", **device)
    board = host.evaluate("() => JSON.parse(document.getElementById('board-config').textContent).board")
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.session.role") == "host")
    host.locator("[data-role=class-toggle]").click()
    panel = host.locator("[data-role=class-panel]")
    return host, board, panel, panel.locator("[data-role=join-code]").text_content()


def join_in_browser(open_page, server, name, code, label, device):
    """A student's browser: the code typed on /j/ (in lower case, as people do), then a name."""
    page = open_page(f"{server.http_url}/j/", label, wait_online=False, **device)
    page.get_by_label("Join code").fill(code.lower())
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    online(page)
    return page


def test_a_lesson_with_a_host_a_projector_and_twenty_eight_students(server, open_page, socket_clients):
    # The host opens a new board from /new/ and lands on it as its host.
    host = open_page(f"{server.http_url}/new/", "host", **LAPTOP)
    board = host.evaluate("() => JSON.parse(document.getElementById('board-config').textContent).board")
    assert re.fullmatch(rf"/b/{re.escape(board)}/", host.evaluate("() => location.pathname"))
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.session.role") == "host")
    host_key = host.evaluate("(board) => localStorage.getItem(`sketchsite.host.${board}`)", board)
    host.locator("[data-role=class-toggle]").click()
    panel = host.locator("[data-role=class-panel]")
    code = panel.locator("[data-role=join-code]").text_content()
    join_url = panel.locator("[data-role=join-url]").get_attribute("href")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code) and join_url.endswith(f"/j/{code}")

    # The projector's status pill hides once it is online, so it is asked instead.
    projector = open_page(f"{server.http_url}/b/{board}/show", "projector", wait_online=False, **PROJECTOR)
    assert wait_until(lambda: projector.evaluate("() => window.sketchsite.session.role") == "viewer")

    students = []
    for number in range(1, SOCKET_STUDENTS + 1):
        token = join_token(server, code, f"Student {number}")
        students.append(socket_clients(board, token=token))
    student_7 = students[6]
    assert student_7.welcome["role"] == "student" and student_7.welcome["name"] == "Student 7"

    pages = {}
    for label, device in [("phone", PHONE), ("tablet", TABLET), ("laptop", SMALL_LAPTOP)]:
        pages[label] = join_in_browser(open_page, server, BROWSER_STUDENTS[label], code, label, device)
    phone, laptop = pages["phone"], pages["laptop"]
    student_pages = list(pages.values())

    # Everyone is in: the host sees every student by name within 5 s of the last one joining.
    expected = {f"Student {number}" for number in range(1, SOCKET_STUDENTS + 1)} | set(
        BROWSER_STUDENTS.values()
    )
    people = panel.locator("[data-role=people] li[data-person-role=student][data-online=true] .person-name")
    assert wait_until(lambda: set(people.all_text_contents()) == expected, timeout=5.0), expected ^ set(
        people.all_text_contents()
    )

    # Projectors are listed for the host but, as in every count, not counted as people.
    assert wait_until(lambda: host.locator("[data-role=people-count]").text_content() == "29 people here")
    assert wait_until(lambda: panel.get_by_role("heading", name="People (29 here)").is_visible())
    assert panel.locator("li[data-person-role=viewer] .person-name").all_text_contents() == ["Projector"]

    # The projector: the board, the whole screen wide, no tools, and a QR code one can scan.
    assert projector.locator("[data-role=tools], [data-tool], [data-command]").count() == 0
    view = board_view(projector)
    assert view["canvasWidth"] >= 0.95 * 1920 or view["canvasHeight"] >= 0.95 * 1080, view
    assert view["width"] >= 0.95 * 1920 or view["height"] >= 0.95 * 1080, view
    badge = projector.locator("[data-role=badge]")
    badge.wait_for()
    assert wait_until(lambda: badge.locator("[data-role=people-count]").text_content() == "29 people here")
    assert badge.locator("[data-role=join-code]").text_content() == code
    badge_url = badge.locator("[data-role=join-url]").text_content()
    assert join_url.endswith(f"://{badge_url}")
    assert wait_until(
        lambda: projector.evaluate("() => document.querySelector('[data-role=join-qr]').naturalWidth > 0")
    )
    scanned = zxingcpp.read_barcodes(Image.open(io.BytesIO(projector.screenshot())))
    assert [result.text for result in scanned] == [join_url]

    # Every socket student draws a ring; Student 7 two, in a colour of their own.
    for index, student in enumerate(students):
        centre = (110 + (index % 5) * 190, 110 + (index // 5) * 170)
        colour = STUDENT_7_COLOUR if student is student_7 else STUDENT_COLOURS[index % len(STUDENT_COLOURS)]
        student.draw("ring", colour, circle(*centre))
    student_7.draw("dot", STUDENT_7_COLOUR, circle(1250, 560, radius=10, steps=8), width=20)
    student_7_id = student_7.welcome["you"]
    every_page = [host, projector, *student_pages]
    for page in every_page:
        assert wait_until(lambda page=page: visible_strokes_of(page, student_7_id) == 2), page
        assert wait_until(lambda page=page: len(visible_strokes(page)) == SOCKET_STUDENTS + 1), page

    # Pens down: every student page says so, and the server refuses a stroke.
    host.locator("[data-role=pens-toggle]").click()
    for page in student_pages:
        page.locator("[data-role=pens-down]").get_by_text("Pens down").wait_for(timeout=10_000)
    students[0].send(
        {
            "type": "stroke.begin",
            "stroke": "paused",
            "item": {"kind": "marker", "color": "#1e1e1e", "width": 8},
            "points": [],
        }
    )
    assert students[0].error_about("paused")["code"] == "locked"

    # Pens up: a finger on the phone draws again, and the host sees it.
    host.locator("[data-role=pens-toggle]").click()
    for page in student_pages:
        page.locator("[data-role=pens-down]").wait_for(state="hidden", timeout=10_000)
    phone.get_by_role("button", name="Blue", exact=True).click()
    phone.get_by_role("button", name="Thick", exact=True).click()
    touch_stroke(phone, [(1150 + step * 20, 200 + step * 10) for step in range(16)])
    assert wait_until(lambda: near(board_colour(host, 1250, 250), BLUE))
    # Stored, not only seen live: what follows compares the board's seq.
    assert wait_until(lambda: len(committed_strokes(host)) == SOCKET_STUDENTS + 2)

    # What a role may not do is refused, and the board stays as it was.
    seq_before, svg_before = export_svg(server, board, host_key)
    strokes_before = visible_strokes(host)
    assert seq(host) == seq_before
    students[1].send({"type": "clear", "id": "forged-clear"})
    assert students[1].error_about("forged-clear")["code"] == "forbidden"
    viewer = socket_clients(board, view="1")
    assert viewer.welcome["role"] == "viewer"
    viewer.send(
        {
            "type": "stroke.begin",
            "stroke": "watching",
            "item": {"kind": "marker", "color": "#1e1e1e", "width": 8},
            "points": [5, 5],
        }
    )
    assert viewer.error_about("watching")["code"] == "forbidden"
    # One projector on the host's people list is the room as it is.
    viewer.socket.close()
    phone_id = phone.evaluate("() => window.sketchsite.session.me")
    students[2].send({"type": "remove", "participant": phone_id})
    refusal = students[2].wait_for(lambda message: message["type"] == "error")
    assert refusal["code"] == "forbidden"
    assert export_svg(server, board, host_key) == (seq_before, svg_before)
    assert seq(host) == seq_before and visible_strokes(host) == strokes_before
    assert phone.locator("[data-role=status]").get_attribute("data-state") == "online"

    # "Remove ink" of Student 7: gone from every page and from the export; the host's undo brings it back.
    assert STUDENT_7_COLOUR in svg_before and f'id="s-{student_7_id}-ring"' in svg_before
    assert wait_until(lambda: near(board_colour(projector, 1260, 560), (0xFF, 0x00, 0xCC)))
    panel.locator(f"li[data-participant='{student_7_id}'] [data-action=remove-ink]").click()
    for page in every_page:
        assert wait_until(lambda page=page: visible_strokes_of(page, student_7_id) == 0), page
        assert wait_until(lambda page=page: len(visible_strokes(page)) == SOCKET_STUDENTS), page
    assert wait_until(lambda: near(board_colour(projector, 1260, 560), WHITE, 5))
    _, svg = export_svg(server, board, host_key)
    assert STUDENT_7_COLOUR not in svg and f"s-{student_7_id}-" not in svg
    assert "#1971c2" in svg  # the phone's stroke stays

    host.locator("[data-command=undo]").click()
    for page in every_page:
        assert wait_until(lambda page=page: visible_strokes_of(page, student_7_id) == 2), page
    _, svg = export_svg(server, board, host_key)
    assert STUDENT_7_COLOUR in svg and f'id="s-{student_7_id}-ring"' in svg

    # The laser: on the projector while held, gone 2 s after release, and nothing stored.
    seq_before, _ = export_svg(server, board, host_key)
    host.locator("[data-tool=laser]").click()
    # The host circles Student 7's ring with the laser.
    view = board_view(host)
    ring = circle(300, 280, radius=80, steps=32)
    around = [to_page(view, x, y) for x, y in zip(ring[::2], ring[1::2], strict=True)]
    host.mouse.move(*around[0])
    host.mouse.down()
    for point in around[1:12]:
        host.mouse.move(*point, steps=3)
    assert wait_until(lambda: projector.evaluate("() => window.sketchsite.overlay.lasers.size") > 0)
    for point in around[12:]:
        host.mouse.move(*point, steps=3)
    # For the README: the projector with the laser's trail, the host with the people of the class panel.
    ARTIFACTS.mkdir(exist_ok=True)
    projector.screenshot(path=ARTIFACTS / "lesson-projector.png")
    panel.evaluate("(panel) => { panel.scrollTop = panel.querySelector('.people-list').offsetTop - 48; }")
    host.screenshot(path=ARTIFACTS / "lesson-host.png")
    host.mouse.up()
    assert wait_until(
        lambda: projector.evaluate("() => window.sketchsite.overlay.lasers.size") == 0, timeout=2.0
    )
    assert export_svg(server, board, host_key)[0] == seq_before and seq(host) == seq_before

    # The host removes the laptop student: their page says so and their token is refused for good.
    laptop_id = laptop.evaluate("() => window.sketchsite.session.me")
    token = laptop.evaluate(f"() => sessionStorage.getItem('sketchsite.token.{board}')")
    host.once("dialog", lambda dialog: dialog.accept())
    panel.locator(f"li[data-participant='{laptop_id}'] [data-action=remove]").click()
    laptop.get_by_text("The host removed you from this board").first.wait_for(timeout=10_000)
    with pytest.raises(ConnectionClosed) as closed, board_socket(server, board, token=token) as returning:
        returning.recv(timeout=10)
    assert closed.value.rcvd.code == 4010
