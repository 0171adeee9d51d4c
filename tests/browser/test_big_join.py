"""A 10,000-stroke board joined in a laptop browser: every stroke on the board and painted.

The board is written in bulk into the server's database (bench/join.py), with three marker
strokes in a band no other stroke touches: the first, the middle and the last committed. The
time from navigation to painted is printed (run with -s to see it), not asserted: speed is
the benchmark's business (`python -m bench join`, docs/performance.md).
"""

import json
import subprocess
import sys
import urllib.request

import pytest

from bench.join import PROBE, STROKES, build_in_child
from draw.session import MAX_CATCH_UP_EVENTS
from tests.browser.conftest import wait_until
from tests.browser.test_live_canvas import near, pixel, to_screen
from tests.servers import PROJECT

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PAINT_TIMEOUT_MS = 60_000
# Strokes committed while a browser is away, in the marker band, apart from the markers.
AWAY = [
    {
        "stroke": f"away{index}",
        "item": {"kind": "marker", "color": "#8b4513", "width": 20},
        "points": [x, 70, x + 200, 70],
    }
    for index, x in enumerate((100, 600, 1100))
]


@pytest.fixture(scope="module")
def big_board(server):
    """The board's name and what the page must show: its seq, stroke count and markers."""
    data_env = {name: server.env[name] for name in ("SKETCHSITE_DATA_DIR", "SECRET_KEY")}
    return build_in_child(data_env, "big-join", STROKES)


def now_on(server, board):
    """`board` with the seq and stroke count the server has now (a test before may have added some)."""
    with urllib.request.urlopen(f"{server.http_url}/b/{board['board']}/snapshot") as response:
        message = json.loads(response.read())
    return {**board, "seq": message["seq"], "strokes": message["total"]}


def open_timed(context, url, board):
    """A page of `context` opened at `url`, timed by bench/join.py's probe; {complete, painted} ms."""
    page = context.new_page()
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    expected = {key: board[key] for key in ("seq", "strokes", "markers")}
    page.add_init_script(f"({PROBE})({json.dumps(expected)})")
    page.goto(url)
    page.wait_for_function("() => window.__painted !== undefined", timeout=PAINT_TIMEOUT_MS, polling=100)
    return page, sockets, page.evaluate("() => ({complete: window.__complete, painted: window.__painted})")


def assert_painted(page, strokes):
    """Each stroke's middle shows its colour on the canvas, once any repaint is over."""
    assert wait_until(lambda: page.evaluate("() => window.sketchsite.sketch.progress === null"), timeout=20)
    view = page.evaluate("() => window.sketchsite.sketch.view")
    for stroke in strokes:
        x0, y, x1 = stroke["points"][:3]
        colour = pixel(page, *to_screen(view, (x0 + x1) / 2, y))
        expected = tuple(int(stroke["item"]["color"][i : i + 2], 16) for i in (1, 3, 5))
        assert near(colour, expected), (stroke["stroke"], colour)


def board_keys(page):
    return page.evaluate("() => [...window.sketchsite.board.strokes.values()].map((s) => s.id)")


def commit_while_away(board_name, data_env, strokes=AWAY):
    """Commit `strokes` through the store in a process of its own, as another server would."""
    script = (
        "import json, sys; import django; django.setup(); "
        "from draw import store; from draw.participants import Participant; "
        "[store.commit(sys.argv[1], 'stroke', Participant('drawer7'), 'c-' + s['stroke'], s) "
        "for s in json.loads(sys.argv[2])]"
    )
    subprocess.run(
        [sys.executable, "-c", script, board_name, json.dumps(strokes)],
        cwd=PROJECT,
        env={**data_env, "DJANGO_SETTINGS_MODULE": "sketchsite.settings"},
        check=True,
    )


def test_a_joining_laptop_has_every_stroke_of_a_big_board_painted(server, browser, big_board):
    board = now_on(server, big_board)
    context = browser.new_context(**LAPTOP)
    try:
        page, sockets, timing = open_timed(context, f"{server.http_url}/b/big-join/", board)
        print(
            f"\njoin of {STROKES:,} strokes ({big_board['points']:,} points): complete at "
            f"{timing['complete']:.0f} ms, painted at {timing['painted']:.0f} ms from navigation"
        )
        ids = board_keys(page)
        assert len(ids) == board["strokes"] and {f"s{index}" for index in range(STROKES)} <= set(ids)
        assert page.evaluate("() => window.sketchsite.board.seq") == board["seq"]
        assert_painted(page, board["markers"])
        # The board came over HTTP; the socket was asked only for what came after it.
        assert page.evaluate(
            "() => performance.getEntriesByName(location.origin + '/b/big-join/snapshot').length"
        )
        assert wait_until(lambda: sockets)
        assert f"since={board['seq']}" in sockets[0]
        status = page.locator("[data-role=status]")
        assert wait_until(lambda: status.get_attribute("data-state") == "online")
    finally:
        context.close()


def test_a_reconnecting_laptop_gets_what_it_missed_and_a_reload_the_board_again(server, browser, big_board):
    data_env = {name: server.env[name] for name in ("SKETCHSITE_DATA_DIR", "SECRET_KEY")}
    board = now_on(server, big_board)
    context = browser.new_context(**LAPTOP)
    try:
        page, sockets, _ = open_timed(context, f"{server.http_url}/b/big-join/", board)
        context.set_offline(True)
        status = page.locator("[data-role=status]")
        assert wait_until(lambda: status.get_attribute("data-state") != "online")
        commit_while_away("big-join", data_env)
        context.set_offline(False)
        assert wait_until(lambda: len(board_keys(page)) == board["strokes"] + len(AWAY), timeout=20)
        assert len(sockets) > 1 and f"since={board['seq']}" in sockets[-1]
        assert_painted(page, [*board["markers"], *AWAY])

        # A reload: the browser holds the snapshot it had and the server says whether it changed.
        after = now_on(server, board)
        assert after["seq"] == board["seq"] + len(AWAY)
        page.close()
        page, sockets, timing = open_timed(context, f"{server.http_url}/b/big-join/", after)
        print(
            f"\nreload of {after['strokes']:,} strokes: painted at {timing['painted']:.0f} ms from navigation"
        )
        assert len(board_keys(page)) == after["strokes"]
        assert_painted(page, [*board["markers"], *AWAY])
        assert f"since={after['seq']}" in sockets[0]
    finally:
        context.close()


def test_the_socket_brings_the_whole_board_when_the_http_snapshot_fails(server, browser, big_board):
    context = browser.new_context(**LAPTOP)
    try:
        board = now_on(server, big_board)
        context.route("**/snapshot", lambda route: route.fulfill(status=503, body="busy"))
        page, sockets, timing = open_timed(context, f"{server.http_url}/b/big-join/", board)
        print(f"\njoin over the socket alone: painted at {timing['painted']:.0f} ms from navigation")
        assert len(board_keys(page)) == board["strokes"]
        assert "since=0" in sockets[0]
        assert_painted(page, board["markers"])
    finally:
        context.close()


def test_a_laptop_away_for_more_than_the_catch_up_gets_the_board_over_http_again(server, browser, big_board):
    data_env = {name: server.env[name] for name in ("SKETCHSITE_DATA_DIR", "SECRET_KEY")}
    board = now_on(server, big_board)
    # More events than a socket catches up with: the server would send the whole board.
    far = [
        {**AWAY[index % len(AWAY)], "stroke": f"far{index}", "item": {**AWAY[0]["item"], "color": "#2e8b57"}}
        for index in range(MAX_CATCH_UP_EVENTS + 1)
    ]
    context = browser.new_context(**LAPTOP)
    try:
        page, sockets, _ = open_timed(context, f"{server.http_url}/b/big-join/", board)
        snapshots = "() => performance.getEntriesByName(location.origin + '/b/big-join/snapshot').length"
        assert page.evaluate(snapshots) == 1
        context.set_offline(True)
        status = page.locator("[data-role=status]")
        assert wait_until(lambda: status.get_attribute("data-state") != "online")
        commit_while_away("big-join", data_env, far)
        after = now_on(server, board)
        context.set_offline(False)
        assert wait_until(lambda: len(board_keys(page)) == after["strokes"], timeout=30)
        assert page.evaluate("() => window.sketchsite.board.seq") == after["seq"]
        # The socket that asked from the old seq was left for a fetch, and the next one asked
        # from the seq of the board that came over HTTP.
        assert page.evaluate(snapshots) == 2
        assert f"since={board['seq']}" in sockets[1]
        assert f"since={after['seq']}" in sockets[-1]
        assert wait_until(lambda: status.get_attribute("data-state") == "online")
        assert_painted(page, [*board["markers"], far[-1]])
    finally:
        context.close()
