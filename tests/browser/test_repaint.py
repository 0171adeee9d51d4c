"""A change on a big board repaints only where it shows, and the board looks as a whole repaint paints it.

The board (bench/join.py's random walks, written in bulk) is opened in Chromium; items are
erased, undone, redone and moved through the path a server's event takes, one is erased with
the eraser and one moved with the select tool by the mouse, a preview is begun and dropped,
and the view zoomed and settled. After each, both committed layers are read and painted again
whole (sketch.repaintNow()), and the pixels compared: the same, but for the shade of the
anti-aliased edges Chromium paints a little apart under a clip (EDGE_SHADE).
"""

import pytest

from bench.join import build_in_child
from tests.browser.conftest import wait_until
from tests.browser.test_live_canvas import to_screen

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
STROKES = 4_000
PAINT_TIMEOUT_MS = 120_000

# Chromium's rasterizer shades the anti-aliased edges of a line painted under a clip a little
# apart from the same line painted whole: a pixel may differ by this much at most, and only on
# this share of the layers' pixels. A line missing, extra or out of order differs by far more
# across its whole width.
EDGE_SHADE = 64
EDGE_SHARE = 0.01

# Keep both committed layers' pixels as `name`.
KEEP_LAYERS = """(name) => {
  window.__layers ??= {};
  window.__layers[name] = [...document.querySelectorAll('.board-layer')].map((canvas) =>
    canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data);
}"""

# How the layers now differ from those kept as `name`: {differing, most, pixels}.
COMPARE_LAYERS = """(name) => {
  const kept = window.__layers[name];
  let differing = 0;
  let most = 0;
  let pixels = 0;
  [...document.querySelectorAll('.board-layer')].forEach((canvas, index) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    pixels += data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      let delta = 0;
      for (let c = 0; c < 4; c += 1) delta = Math.max(delta, Math.abs(data[i + c] - kept[index][i + c]));
      if (delta) differing += 1;
      most = Math.max(most, delta);
    }
  });
  return { differing, most, pixels };
}"""

# An event as the server would send it, for the stroke `id` of `author`.
RECEIVE_EVENT = """([fields]) => {
  const { board, session } = window.sketchsite;
  session.receive({ type: 'event', seq: board.seq + 1, ...fields });
}"""


@pytest.fixture(scope="module")
def big_board(server):
    data_env = {name: server.env[name] for name in ("SKETCHSITE_DATA_DIR", "SECRET_KEY")}
    return build_in_child(data_env, "big-repaint", STROKES)


@pytest.fixture
def board_page(big_board, open_page, server):
    page = open_page(f"{server.http_url}/b/{big_board['board']}/", "laptop", **LAPTOP)
    page.wait_for_function(
        # By its seq: an item erased by a test before is not in the snapshot any more.
        f"() => window.sketchsite.board.seq >= {big_board['seq']}"
        " && window.sketchsite.sketch.progress === null",
        timeout=PAINT_TIMEOUT_MS,
        polling=100,
    )
    return page


def settled(page):
    """The next frames have painted whatever was changed."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert wait_until(lambda: page.evaluate("() => window.sketchsite.sketch.progress === null"), timeout=30)


def layers_differ(page, name):
    """{differing, most, pixels} of the layers now against those kept as `name`."""
    return page.evaluate(COMPARE_LAYERS, name)


def assert_alike(compared, what):
    assert compared["most"] <= EDGE_SHADE and compared["differing"] <= EDGE_SHARE * compared["pixels"], (
        what,
        compared,
    )


def assert_as_whole_repaint(page, what):
    """The layers as painted now are those a whole repaint paints (sketch.repaintNow())."""
    settled(page)
    page.evaluate(KEEP_LAYERS, "painted")
    page.evaluate("() => window.sketchsite.sketch.repaintNow()")
    assert_alike(layers_differ(page, "painted"), what)


def stroke_at(page, index):
    return page.evaluate(
        "(index) => { const s = [...window.sketchsite.board.strokes.values()][index];"
        " return { author: s.author, id: s.id, points: s.points.slice(0, 4) }; }",
        index,
    )


def test_erase_undo_redo_and_move_events_repaint_as_a_whole_repaint_would(board_page):
    page = board_page
    page.evaluate(KEEP_LAYERS, "before")
    # Near the top, so that some of it shows.
    stroke = stroke_at(page, STROKES - 3)
    pair = [[stroke["author"], stroke["id"]]]
    page.evaluate(RECEIVE_EVENT, [{"kind": "erase", "author": stroke["author"], "hide": pair}])
    assert_as_whole_repaint(page, "erase")
    erased = layers_differ(page, "before")
    assert erased["most"] > EDGE_SHADE, ("the erase changed nothing to be seen", erased)
    page.evaluate(RECEIVE_EVENT, [{"kind": "undo", "author": stroke["author"], "show": pair}])
    assert_as_whole_repaint(page, "undo")
    assert_alike(layers_differ(page, "before"), "the undo brings back what the erase took")
    page.evaluate(RECEIVE_EVENT, [{"kind": "redo", "author": stroke["author"], "hide": pair}])
    assert_as_whole_repaint(page, "redo")
    moved = stroke_at(page, STROKES - 5)
    move = {
        "kind": "move",
        "author": moved["author"],
        "move": [[moved["author"], moved["id"]]],
        "by": [40, -25],
    }
    page.evaluate(RECEIVE_EVENT, [move])
    assert_as_whole_repaint(page, "move")


def test_a_dropped_preview_leaves_the_committed_layers_as_they_were(board_page):
    page = board_page
    page.evaluate(KEEP_LAYERS, "before")
    stroke = stroke_at(page, 10)
    live = {"author": "visitor", "stroke": "live1"}
    item = {"kind": "marker", "color": "#e03131", "width": 8}
    page.evaluate(
        "([live, item, points]) =>"
        " window.sketchsite.session.receive({ type: 'stroke.begin', ...live, item, points })",
        [live, item, stroke["points"]],
    )
    settled(page)
    page.evaluate("(live) => window.sketchsite.session.receive({ type: 'stroke.drop', ...live })", live)
    settled(page)
    # Never on the committed layers: they are untouched, to the pixel.
    assert layers_differ(page, "before")["differing"] == 0
    assert_as_whole_repaint(page, "dropped preview")


def test_the_eraser_and_a_dragged_move_repaint_as_a_whole_repaint_would(board_page):
    page = board_page
    view = page.evaluate("() => window.sketchsite.sketch.view")
    canvas = page.locator("canvas.board-canvas").bounding_box()
    # The last stroke is on top: the eraser and the select tool both reach it.
    stroke = stroke_at(page, STROKES - 1)
    x, y = to_screen(view, stroke["points"][0], stroke["points"][1])
    page.keyboard.press("e")
    page.mouse.move(canvas["x"] + x, canvas["y"] + y)
    page.mouse.down()
    page.mouse.move(canvas["x"] + x + 30, canvas["y"] + y + 10, steps=5)
    page.mouse.up()
    assert wait_until(
        lambda: page.evaluate("() => [...window.sketchsite.board.strokes.values()].some((s) => !s.visible)")
    )
    assert_as_whole_repaint(page, "eraser")
    top = stroke_at(page, STROKES - 2)
    x, y = to_screen(view, top["points"][0], top["points"][1])
    page.keyboard.press("v")
    page.mouse.move(canvas["x"] + x, canvas["y"] + y)
    page.mouse.down()
    page.mouse.move(canvas["x"] + x + 60, canvas["y"] + y + 40, steps=8)
    # Lifted off its layer while dragged.
    assert_as_whole_repaint(page, "lifted")
    page.mouse.up()
    assert_as_whole_repaint(page, "dropped where moved")


def test_a_zoom_settles_to_what_a_whole_repaint_paints(board_page):
    page = board_page
    page.evaluate("() => window.sketchsite.viewport.zoomAt(1.6, 500, 300)")
    page.wait_for_timeout(400)
    assert_as_whole_repaint(page, "zoomed in")
    page.evaluate("() => window.sketchsite.viewport.fit()")
    page.wait_for_timeout(400)
    assert_as_whole_repaint(page, "zoomed out")
