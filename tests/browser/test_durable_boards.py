"""Nothing drawn is lost: offline drawing, late joiners on a big board, undo, erase and export."""

import io
import re
import urllib.request

import pytest
from PIL import Image

from tests.browser.conftest import wait_until
from tests.browser.test_live_canvas import (
    BLUE,
    LAPTOP,
    RED,
    board_view,
    drag,
    near,
    pick,
    pixel,
    to_screen,
    wait_for_colour,
)

pytestmark = pytest.mark.browser
WHITE = (255, 255, 255)


def draw_line(page, start, end):
    drag(page, [start, end], steps=6)
    page.mouse.up()


def committed_count(page):
    return page.evaluate(
        "() => [...window.sketchsite.board.strokes.values()].filter(s => s.committed).length"
    )


def test_stroke_drawn_offline_reaches_the_other_page_after_reconnecting(server, open_page):
    alice = open_page(f"{server.http_url}/b/offline-test/", "alice", **LAPTOP)
    bob = open_page(f"{server.http_url}/b/offline-test/", "bob", **LAPTOP)
    bob.context.set_offline(True)
    bob.locator("[data-role=status][data-state=offline]").wait_for(timeout=10_000)
    pick(bob, "Blue")
    draw_line(bob, (300, 300), (1300, 300))
    assert "1 waiting" in bob.locator("[data-role=status]").text_content()
    assert near(wait_for_colour(alice, 800, 300, WHITE, timeout=0.5), WHITE)

    bob.context.set_offline(False)
    bob.locator("[data-role=status][data-state=online]").wait_for(timeout=20_000)
    assert near(wait_for_colour(alice, 800, 300, BLUE, timeout=10), BLUE)
    assert wait_until(lambda: bob.evaluate("() => window.sketchsite.outbox.size") == 0)
    assert bob.locator("[data-role=status]").text_content() == "Live"


def test_page_opened_after_200_strokes_shows_all_of_them(server, open_page):
    drawer = open_page(f"{server.http_url}/b/crowded/", "drawer", **LAPTOP)
    pick(drawer, "Red", "Medium")
    # What the server says back: a burst this size must not earn errors or a reconnection.
    drawer.evaluate(
        """() => {
            const connection = window.sketchsite.connection;
            const receive = connection.onMessage;
            window.heard = { errors: [], welcomes: 0 };
            connection.onMessage = (message) => {
                if (message.type === 'error') window.heard.errors.push(message.code);
                if (message.type === 'welcome') window.heard.welcomes += 1;
                receive(message);
            };
        }"""
    )
    # 200 short vertical strokes in a 20 x 10 grid, committed through the real client.
    drawer.evaluate(
        """() => new Promise((resolve) => {
            const { board } = window.sketchsite;
            let sent = 0;
            for (let row = 0; row < 10; row += 1) {
                for (let col = 0; col < 20; col += 1) {
                    const x = 40 + col * 76, y = 40 + row * 84;
                    window.sketchsite.draw([x, y, x, y + 30, x + 4, y + 60]);
                    sent += 1;
                }
            }
            resolve(sent);
        })"""
    )
    # Past the action budget's burst the strokes go whole from the outbox, paced to its rate.
    assert wait_until(lambda: committed_count(drawer) == 200, timeout=60)
    assert wait_until(lambda: drawer.evaluate("() => window.sketchsite.outbox.size") == 0, timeout=30)
    assert drawer.evaluate("() => window.heard") == {"errors": [], "welcomes": 0}

    late = open_page(f"{server.http_url}/b/crowded/", "late-joiner", **LAPTOP)
    assert wait_until(lambda: committed_count(late) == 200, timeout=15)
    assert late.locator("[data-role=status]").text_content() == "Live"
    view = board_view(late)
    for row, col in [(0, 0), (4, 7), (9, 19), (5, 12)]:
        x, y = 40 + col * 76, 40 + row * 84 + 15
        assert near(pixel(late, *to_screen(view, x, y)), RED), (row, col)


def test_undo_and_redo_from_the_keyboard_reach_everyone(server, open_page):
    alice = open_page(f"{server.http_url}/b/undo-test/", "alice", **LAPTOP)
    bob = open_page(f"{server.http_url}/b/undo-test/", "bob", **LAPTOP)
    pick(alice, "Red")
    draw_line(alice, (200, 450), (1400, 450))
    assert near(wait_for_colour(bob, 800, 450, RED), RED)
    alice.keyboard.press("Control+z")
    assert near(wait_for_colour(bob, 800, 450, WHITE), WHITE)
    assert near(wait_for_colour(alice, 800, 450, WHITE), WHITE)
    alice.keyboard.press("Control+Shift+z")
    assert near(wait_for_colour(bob, 800, 450, RED), RED)


def test_a_clear_undone_after_someone_joined_brings_the_drawing_back_for_them_too(server, open_page):
    """The late page never had the cleared strokes: it fetches a fresh snapshot to show them."""
    alice = open_page(f"{server.http_url}/b/undo-clear-test/", "alice", **LAPTOP)
    pick(alice, "Red")
    draw_line(alice, (200, 450), (1400, 450))
    alice.once("dialog", lambda dialog: dialog.accept())
    alice.get_by_role("button", name="Clear", exact=True).click()
    assert near(wait_for_colour(alice, 800, 450, WHITE), WHITE)
    late = open_page(f"{server.http_url}/b/undo-clear-test/", "late", **LAPTOP)
    assert near(wait_for_colour(late, 800, 450, WHITE), WHITE)
    alice.keyboard.press("Control+z")
    assert near(wait_for_colour(late, 800, 450, RED), RED)
    assert near(wait_for_colour(alice, 800, 450, RED), RED)


def test_eraser_removes_the_whole_stroke_for_everyone(server, open_page):
    alice = open_page(f"{server.http_url}/b/erase-test/", "alice", **LAPTOP)
    bob = open_page(f"{server.http_url}/b/erase-test/", "bob", **LAPTOP)
    pick(alice, "Blue")
    draw_line(alice, (200, 200), (1400, 200))
    draw_line(alice, (200, 600), (1400, 600))
    assert near(wait_for_colour(bob, 800, 600, BLUE), BLUE)
    bob.get_by_role("button", name="Eraser", exact=True).click()
    draw_line(bob, (800, 560), (800, 640))  # rub across the lower line only
    assert near(wait_for_colour(alice, 300, 600, WHITE), WHITE)
    assert near(wait_for_colour(alice, 1300, 600, WHITE), WHITE)
    assert near(wait_for_colour(alice, 800, 200, BLUE), BLUE)


def draw_with_id(page, stroke_id, colour, points):
    """Draw a stroke with a chosen id through the page's own drawing path."""
    page.evaluate(
        """([id, color, points]) => {
            const { session } = window.sketchsite;
            const item = { kind: 'marker', color, width: 20 };
            session.emit({ type: 'stroke.begin', stroke: id, item, points: points.slice(0, 2) });
            session.emit({ type: 'stroke.points', stroke: id, points: points.slice(2) });
            session.emit({ type: 'stroke.end', stroke: id, points: [] });
        }""",
        [stroke_id, colour, points],
    )


def test_two_people_using_one_stroke_id_keep_two_strokes_and_erase_only_their_own(server, open_page):
    alice = open_page(f"{server.http_url}/b/same-id-test/", "alice", **LAPTOP)
    bob = open_page(f"{server.http_url}/b/same-id-test/", "bob", **LAPTOP)
    draw_with_id(alice, "same-id", "#e03131", [200, 300, 1400, 300])
    draw_with_id(bob, "same-id", "#1971c2", [200, 600, 1400, 600])
    for page in (alice, bob):
        assert wait_until(lambda page=page: committed_count(page) == 2)
        assert near(wait_for_colour(page, 800, 300, RED), RED)
        assert near(wait_for_colour(page, 800, 600, BLUE), BLUE)

    bob.get_by_role("button", name="Eraser", exact=True).click()
    draw_line(bob, (800, 560), (800, 640))  # rub across his own line only
    for page in (alice, bob):
        assert near(wait_for_colour(page, 300, 600, WHITE), WHITE)
        assert near(wait_for_colour(page, 300, 300, RED), RED)
    assert wait_until(lambda: bob.evaluate("() => window.sketchsite.outbox.size") == 0)


def test_exported_png_and_svg_contain_the_strokes(server, open_page):
    page = open_page(f"{server.http_url}/b/export-test/", "drawer", **LAPTOP)
    pick(page, "Red")
    draw_line(page, (100, 450), (1500, 450))
    pick(page, "Blue")
    draw_line(page, (800, 100), (800, 800))
    assert wait_until(
        lambda: committed_count(page) == 2 and page.evaluate("window.sketchsite.outbox.size") == 0
    )

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PNG").click()
    image = Image.open(download_info.value.path()).convert("RGB")
    assert image.size == (1600, 900)
    assert near(image.getpixel((300, 450)), RED)
    assert near(image.getpixel((800, 200)), BLUE)
    assert near(image.getpixel((300, 200)), WHITE, 5)

    # The timelapse: bare paper, then each stroke, at half the board's size.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Timelapse").click()
    assert download_info.value.suggested_filename == "export-test.webp"
    with Image.open(download_info.value.path()) as timelapse:
        assert (timelapse.format, timelapse.n_frames, timelapse.size) == ("WEBP", 3, (800, 450))
        timelapse.seek(1)
        after_red = timelapse.convert("RGB")
    assert near(after_red.getpixel((150, 225)), RED) and near(after_red.getpixel((400, 100)), WHITE, 5)

    with urllib.request.urlopen(f"{server.http_url}/b/export-test/export.svg") as response:
        svg = response.read().decode()
    # The pen draws ink: each stroke is its outline, filled.
    outlines = re.findall(r'<path id="s-[^"]+" d="M[^"]+Z" fill="(#[0-9a-f]{6})"/>', svg)
    assert sorted(outlines) == ["#1971c2", "#e03131"]
    with urllib.request.urlopen(f"{server.http_url}/b/export-test/export.png?scale=0.5") as response:
        assert Image.open(io.BytesIO(response.read())).size == (800, 450)


def test_open_pages_resync_after_the_server_is_killed_and_restarted(browser, tmp_path, open_page):
    import signal

    from tests.servers import DaphneServer, migrate

    env = {"SKETCHSITE_DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "restart-secret"}
    migrate(env)
    server = DaphneServer(env, log_path=tmp_path / "first.log").start()
    alice = open_page(f"{server.http_url}/b/restart-test/", "alice", **LAPTOP)
    bob = open_page(f"{server.http_url}/b/restart-test/", "bob", **LAPTOP)
    pick(alice, "Red")
    draw_line(alice, (200, 300), (1400, 300))
    assert wait_until(lambda: committed_count(bob) == 1)

    server.stop(signal.SIGKILL)
    bob.locator("[data-role=status][data-state=reconnecting]").wait_for(timeout=10_000)
    pick(alice, "Blue")
    draw_line(alice, (200, 600), (1400, 600))  # drawn while the server is down
    restarted = DaphneServer(env, port=server.port, log_path=tmp_path / "second.log").start()
    try:
        for page in (alice, bob):
            page.locator("[data-role=status][data-state=online]").wait_for(timeout=20_000)
        assert near(wait_for_colour(bob, 800, 600, BLUE, timeout=10), BLUE)
        assert near(wait_for_colour(bob, 800, 300, RED), RED)
        assert wait_until(lambda: committed_count(bob) == 2 and committed_count(alice) == 2)
    finally:
        restarted.stop()
