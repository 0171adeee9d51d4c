"""`python -m bench grid`: the host's grid in headless Chromium while a class draws in lanes.

One Daphne (the embedded default: SQLite and the in-memory layer) serves a hosted board with
own page each on. STUDENTS sockets draw at once, each on their own page, as a browser does: a
stroke begun, its points sent every POINTS_EVERY_MS in pairs (a pen at about 60 points a
second), ended after POINTS_PER_STROKE points, and the next begun. The grid (/b/<board>/grid)
is open in Chromium at the laptop viewport with the host key; after WARMUP seconds the page's
own timings are kept for DURATION seconds:

- frame interval: the time between animation frames, what the teacher's screen feels like
  (16.7 ms is 60 frames a second);
- paint time: how long the grid took, in the frames it painted, to paint the tiles whose pages
  changed (ui/grid.js keeps these);
- tiles painted a second, and points the students sent a second.
"""

import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import unquote

from bench.join import CHROMIUM, CHROMIUM_ARGS, LAPTOP, Server
from bench.servers import PROJECT_ROOT, DataDir

GRID = "grid"
STUDENTS = 30
WARMUP = 3.0
DURATION = 10.0
POINTS_EVERY_MS = 33
POINTS_PER_STROKE = 40
# Strokes a student draws before starting again at the top of their part of the page: the
# board's limits stay far away however long the run.
STROKES_BEFORE_WRAP = 12

# Run in the page before its scripts: every animation frame's interval, from the first frame on.
FRAME_PROBE = """
() => {
  window.__frames = [];
  let last = null;
  function frame(now) {
    if (last !== null) window.__frames.push(now - last);
    last = now;
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
}
"""


def new_hosted_board(url):
    """A board made by /new/ and its host key, from the host link's fragment."""

    class KeepRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    try:
        urllib.request.build_opener(KeepRedirect).open(f"{url}/new/", timeout=10)
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    else:
        raise RuntimeError("/new/ did not redirect to the host link")
    board = location.split("/b/", 1)[1].split("/", 1)[0]
    return board, unquote(location.split("#host=", 1)[1])


class Student(threading.Thread):
    """One student's socket drawing stroke after stroke on their page until told to stop."""

    def __init__(self, ws_url, origin, index, stop):
        super().__init__(daemon=True)
        self.ws_url, self.origin, self.index, self.stop = ws_url, origin, index, stop
        self.points_sent = 0
        self.error = None

    def run(self):
        from websockets.sync.client import connect

        try:
            with connect(self.ws_url, origin=self.origin, max_size=None) as socket:
                reader = threading.Thread(target=self._drain, args=(socket,), daemon=True)
                reader.start()
                self._draw(socket)
        except Exception as error:  # noqa: BLE001 - reported with the figures
            self.error = repr(error)

    def _drain(self, socket):
        try:
            for _ in socket:
                pass
        except Exception:  # noqa: BLE001 - the socket closes at the end
            pass

    def _draw(self, socket):
        column, row = self.index % 6, self.index // 6
        left, top = 40 + column * 250, 40 + row * 160
        stroke = 0
        while not self.stop.is_set():
            y = top + (stroke % STROKES_BEFORE_WRAP) * 10
            stroke_id = f"s{self.index}-{stroke}"
            item = {"kind": "marker", "color": "#1971c2", "width": 3}
            socket.send(
                json.dumps({"type": "stroke.begin", "stroke": stroke_id, "item": item, "points": [left, y]})
            )
            for step in range(1, POINTS_PER_STROKE // 2):
                if self.stop.is_set():
                    break
                time.sleep(POINTS_EVERY_MS / 1000)
                x = left + step * 10
                socket.send(
                    json.dumps({"type": "stroke.points", "stroke": stroke_id, "points": [x, y, x + 5, y + 3]})
                )
                self.points_sent += 2
            socket.send(json.dumps({"type": "stroke.end", "stroke": stroke_id}))
            stroke += 1


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else None


def summary(values):
    return {
        "count": len(values),
        "median": statistics.median(values) if values else None,
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values) if values else None,
    }


def measure(data_dir, log_dir, students=STUDENTS, warmup=WARMUP, duration=DURATION, browser=None):
    """The grid's figures; `browser`, a Playwright Chromium, is launched here when not given."""
    from playwright.sync_api import sync_playwright

    if browser is None:
        with sync_playwright() as playwright:
            own = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return measure(data_dir, log_dir, students, warmup, duration, own)
            finally:
                own.close()
    log_path = os.path.join(str(log_dir), "daphne-grid.log")
    with Server(PROJECT_ROOT, data_dir.environment(), log_path) as server:
        board, key = new_hosted_board(server.url)
        ws_base = server.url.replace("http://", "ws://")
        from websockets.sync.client import connect

        with connect(f"{ws_base}/ws/boards/{board}/?host={key}", origin=server.url) as host:
            host.send(json.dumps({"type": "class", "set": {"lanes": True}}))
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                message = json.loads(host.recv(timeout=10))
                if message["type"] == "class" and message["class"]["lanes"]:
                    break
        stop = threading.Event()
        drawers = [
            Student(f"{ws_base}/ws/boards/{board}/", server.url, index, stop) for index in range(students)
        ]
        context = browser.new_context(viewport=LAPTOP)
        try:
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.add_init_script(f"({FRAME_PROBE})()")
            page.goto(f"{server.url}/b/{board}/grid#host={key}")
            page.wait_for_function("() => window.sketchsite?.session?.role === 'host'", timeout=30_000)
            for drawer in drawers:
                drawer.start()
            page.wait_for_function(
                f"() => document.querySelectorAll('[data-tile]').length >= {students}", timeout=30_000
            )
            time.sleep(warmup)
            start = page.evaluate(
                "() => ({frames: window.__frames.length, paints: window.sketchsite.grid.frameTimes.length,"
                " tiles: [...document.querySelectorAll('[data-tile]')]"
                ".reduce((sum, tile) => sum + Number(tile.dataset.version ?? 0), 0)})"
            )
            points_before = sum(drawer.points_sent for drawer in drawers)
            time.sleep(duration)
            end = page.evaluate(
                "(start) => ({frames: window.__frames.slice(start.frames),"
                " paints: window.sketchsite.grid.frameTimes.slice(-(window.sketchsite.grid.frameTimes.length"
                " - start.paints)), tiles: [...document.querySelectorAll('[data-tile]')]"
                ".reduce((sum, tile) => sum + Number(tile.dataset.version ?? 0), 0),"
                " shown: document.querySelectorAll('[data-tile]').length})",
                start,
            )
            points = sum(drawer.points_sent for drawer in drawers) - points_before
        finally:
            stop.set()
            for drawer in drawers:
                drawer.join(timeout=5)
            context.close()
    if errors:
        raise RuntimeError(f"errors in the grid page: {errors}")
    failed = [drawer.error for drawer in drawers if drawer.error]
    return {
        "students": students,
        "tiles": end["shown"],
        "duration_s": duration,
        "frame_interval_ms": summary(end["frames"]),
        "paint_ms": summary(end["paints"]),
        "frames_per_second": len(end["frames"]) / duration,
        "tiles_painted_per_second": (end["tiles"] - start["tiles"]) / duration,
        "points_sent_per_second": points / duration,
        "student_errors": failed,
        "load": os.getloadavg()[0],
    }


def run(data_dir, log_dir, students=STUDENTS, warmup=WARMUP, duration=DURATION):
    _progress(f"{students} students drawing in lanes, the grid open in Chromium")
    return measure(data_dir, log_dir, students, warmup, duration)


def table(result):
    frame, paint = result["frame_interval_ms"], result["paint_ms"]

    def row(name, figures):
        return (
            f"| {name} | {figures['median']:.1f} | {figures['p95']:.1f} | {figures['p99']:.1f} | "
            f"{figures['max']:.1f} | {figures['count']:,} |"
        )

    return "\n".join(
        [
            f"the host's grid in Chromium at 1366×768: {result['students']} students drawing in lanes, "
            f"{result['tiles']} tiles, {result['duration_s']:.0f} s measured",
            "",
            "| per frame (ms) | median | p95 | p99 | max | frames |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            row("interval between frames", frame),
            row("painting the changed tiles", paint),
            "",
            f"{result['frames_per_second']:.1f} frames a second; "
            f"{result['tiles_painted_per_second']:.0f} tiles painted a second; "
            f"the students sent {result['points_sent_per_second']:.0f} points a second"
            + (f"; student errors: {result['student_errors']}" if result["student_errors"] else ""),
        ]
    )


def _progress(text):
    print(f"[{time.strftime('%H:%M:%S')}] grid: {text}", file=sys.stderr, flush=True)


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.grid", description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=STUDENTS)
    parser.add_argument("--duration", type=float, default=DURATION)
    parser.add_argument("--warmup", type=float, default=WARMUP)
    args = parser.parse_args(argv)
    with DataDir() as data_dir:
        result = run(data_dir, os.environ.get("TMPDIR", "/tmp"), args.students, args.warmup, args.duration)
    print(table(result))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
