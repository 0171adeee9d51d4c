"""`python -m bench join`: how long a browser takes to show a big board, from navigation to painted.

A board of STROKES random-walk strokes (about POINTS points each) is written in bulk into the
run's SQLite data folder by a child Django process, one Daphne serves it, and headless Chromium
opens the board page at the laptop viewport RUNS times, each in a new browser context (nothing
cached). The time is taken in the page, from navigation start to the first moment the board
holds every stroke at the board's seq and three marker strokes (the first, the middle and the
last committed) show their colours on the canvas. The first run meets a server that has not
read the board yet (cold); the others find its history in the server's cache (warm).

`python -m bench.join --project LABEL=DIR` measures the checkout in DIR (the code before a
change, with its own .venv, node_modules, front-end bundle from `npm run build` where it has one,
and collected static files) against the same kind of board, so before and after are measured in
one sitting. Each run's figures (in the JSON printed last) include when the page's DOM was ready
and when the snapshot's response was in, to see where a join's time goes.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.exports import COLOURS, WIDTH_WEIGHTS, WIDTHS, random_walk
from bench.servers import HOST, PROJECT_ROOT, DataDir, free_port

JOIN = "join"
# About 100 points a stroke, as bench.exports draws them (its POINTS_PER_STROKE).
STROKES = 10_000
RUNS = 5
SEED = 20261121
DRAWERS = 30
# The server's limit on strokes on show, raised to fit the board when it is bigger.
MAX_STROKES = 20_000
BOARD = "big-join"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 768}
# The random walks keep below this band of the board; the markers lie in it, apart, so each
# shows its own colour only once it is painted.
MARKER_BAND = 80
MARKER_WIDTH = 20
# Colours the toolbar does not offer, so no other stroke paints them.
MARKER_COLOURS = ("#00ff7f", "#ff00ff", "#00bfff")
BUILD_TIMEOUT = 600
# The code before the HTTP snapshot took minutes to paint a full board.
PAGE_TIMEOUT_MS = 900_000
START_TIMEOUT = 30.0


# --- the board -----------------------------------------------------------------------------


def marker(index, width):
    """The marker stroke `index` (0, 1, 2): a thick line across the middle of its third of the top band."""
    third = width / 3
    y = MARKER_BAND // 2
    left, right = round(third * index + third / 4), round(third * index + third * 3 / 4)
    return {
        "item": {"kind": "marker", "color": MARKER_COLOURS[index], "width": MARKER_WIDTH},
        "points": [left, y, right, y],
    }


def board_strokes(strokes, width, height, seed=SEED):
    """(author, request, marker index or None) of every stroke in commit order."""
    rng = random.Random(seed)
    marker_places = {0: 0, strokes // 2: 1, strokes - 1: 2}
    for index in range(strokes):
        author = f"drawer{index % DRAWERS}"
        place = marker_places.get(index)
        if place is not None:
            request = marker(place, width)
        else:
            request = {
                "item": {
                    "kind": "marker",
                    "color": rng.choice(COLOURS),
                    "width": rng.choices(WIDTHS, WIDTH_WEIGHTS)[0],
                },
                "points": random_walk(rng, width, height, top=MARKER_BAND + MARKER_WIDTH),
            }
        yield author, {"stroke": f"s{index}", **request}, place


def build_board(name, strokes, seed=SEED):
    """Write a board of `strokes` committed strokes straight into the database; a summary of it.

    Bulk inserts of the events store commits would write, and the board row's seq and count,
    so a big board is ready in seconds instead of the minutes one commit at a time takes.
    """
    from django.conf import settings
    from django.db import transaction

    from draw.models import Board, BoardEvent
    from draw.store import default_store

    width, height = settings.SKETCHSITE["BOARD_WIDTH"], settings.SKETCHSITE["BOARD_HEIGHT"]
    default_store().create(name, hosted=False)
    board = Board.objects.get(name=name)
    events, markers, points = [], [], 0
    for seq, (author, request, place) in enumerate(board_strokes(strokes, width, height, seed), start=1):
        events.append(
            BoardEvent(
                board=board, seq=seq, kind="stroke", author=author, client_id=f"c{seq}", effect=request
            )
        )
        points += len(request["points"]) // 2
        if place is not None:
            markers.append({**request, "author": author, "seq": seq})
    with transaction.atomic():
        BoardEvent.objects.bulk_create(events, batch_size=500)
        Board.objects.filter(pk=board.pk).update(last_seq=strokes, stroke_count=strokes)
    return {"board": name, "seq": strokes, "strokes": strokes, "points": points, "markers": markers}


def build_in_child(data_env, name, strokes):
    """build_board run by a child Django process against the data folder in `data_env`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sketchsite.settings",
        **data_env,
        "SKETCHSITE_MAX_STROKES_PER_BOARD": str(max(strokes, MAX_STROKES)),
    }
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [sys.executable, "-m", "bench.join", "--build", name, "--strokes", str(strokes)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        timeout=BUILD_TIMEOUT,
    )
    return json.loads(completed.stdout)


# --- the browser -----------------------------------------------------------------------------

# Run in the page before its own scripts: after each frame, once the board holds every stroke
# at its seq, look at the markers' pixels; the first time all three show, keep the time.
PROBE = """
(expected) => {
  const near = (a, b) => a.every((value, i) => Math.abs(value - b[i]) <= 40);
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  function check() {
    const app = window.sketchsite;
    const canvas = document.querySelector('canvas.board-canvas');
    const board = app?.board;
    const complete = board && board.seq === expected.seq && board.strokes.size >= expected.strokes;
    if (complete && canvas && app.sketch.view) {
      if (window.__complete === undefined) window.__complete = performance.now();
      const view = app.sketch.view;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const context = canvas.getContext('2d');
      const painted = expected.markers.every((mark) => {
        const [x0, y, x1] = mark.points;
        const x = Math.round((view.offsetX + ((x0 + x1) / 2) * view.scale) * ratio);
        const pixel = app.sketch.readPixel(x / ratio, view.offsetY + y * view.scale);
        return near([pixel[0], pixel[1], pixel[2]], rgb(mark.item.color));
      });
      if (painted) {
        window.__painted = performance.now();
        return;
      }
    }
    requestAnimationFrame(() => setTimeout(check));
  }
  requestAnimationFrame(() => setTimeout(check));
}
"""


def measure_page(browser, url, expected, viewport=LAPTOP):
    """One join in a new context: {complete, painted, ...} milliseconds from navigation start."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.add_init_script(f"({PROBE})({json.dumps(expected)})")
        page.goto(url)
        page.wait_for_function("() => window.__painted !== undefined", timeout=PAGE_TIMEOUT_MS, polling=100)
        figures = page.evaluate(
            """() => {
                const navigation = performance.getEntriesByType('navigation')[0];
                const snapshot = performance.getEntriesByType('resource')
                    .find((entry) => entry.name.includes('/snapshot'));
                return {
                    complete: window.__complete,
                    painted: window.__painted,
                    dom_content_loaded: navigation.domContentLoadedEventEnd,
                    snapshot_response_end: snapshot ? snapshot.responseEnd : null,
                    snapshot_bytes: snapshot ? snapshot.transferSize : null,
                };
            }"""
        )
        if errors:
            raise RuntimeError(f"errors in the page: {errors}")
        return figures
    finally:
        context.close()


class Server:
    """Daphne serving `project`'s Sketchsite on a free port, stopped by its own pid."""

    def __init__(self, project, data_env, log_path):
        self.project = Path(project)
        self.data_env = data_env
        self.log_path = log_path
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"http://{HOST}:{self.port}"

    def __enter__(self):
        import urllib.request

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sketchsite.settings",
            **self.data_env,
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": "",
            "SKETCHSITE_MAX_STROKES_PER_BOARD": str(MAX_STROKES),
        }
        env.pop("DATABASE_URL", None)
        env.pop("PYTHONPATH", None)
        command = [
            sys.executable,
            "-c",
            "import sys; from sketchsite.daphne_command import daphne_command; "
            "import os; os.execv(sys.executable, daphne_command(sys.argv[1], int(sys.argv[2])))",
            HOST,
            str(self.port),
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=self.project, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Daphne exited on start; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"Daphne did not answer; see {self.log_path}")

    def __exit__(self, *exc_info):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def measure(project, data_dir, log_dir, strokes=STROKES, runs=RUNS, label="sketchsite"):
    """Build the board in `data_dir`, serve it from `project`, and time `runs` joins in Chromium."""
    from playwright.sync_api import sync_playwright

    name = f"{BOARD}-{label}".replace(" ", "-")[:32].strip("-")
    _progress(f"{label}: writing a board of {strokes:,} strokes")
    started = time.perf_counter()
    board = build_in_child(data_dir.environment(), name, strokes)
    build_seconds = time.perf_counter() - started
    expected = {key: board[key] for key in ("seq", "strokes", "markers")}
    results = []
    log_path = Path(log_dir) / f"daphne-join-{label.replace(' ', '-')}.log"
    with Server(project, data_dir.environment(), log_path) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for run in range(runs):
                load = os.getloadavg()[0]
                figures = measure_page(browser, f"{server.url}/b/{name}/", expected)
                figures["load"] = load
                results.append(figures)
                _progress(
                    f"{label} run {run + 1}: painted at {figures['painted']:.0f} ms "
                    f"(complete {figures['complete']:.0f} ms, load {load:.2f})"
                )
        finally:
            browser.close()
    painted = [result["painted"] for result in results]
    return {
        "label": label,
        "project": str(project),
        "board": {key: board[key] for key in ("strokes", "points")},
        "build_seconds": build_seconds,
        "runs": results,
        "cold_ms": painted[0],
        "warm_median_ms": statistics.median(painted[1:]) if len(painted) > 1 else None,
        "warm_ms": painted[1:],
    }


def run(data_dir, log_dir, projects=None, runs=RUNS, strokes=STROKES):
    """The join figures of each (label, project), the current checkout when none are given."""
    projects = projects or [("sketchsite", PROJECT_ROOT)]
    return [measure(project, data_dir, log_dir, strokes, runs, label) for label, project in projects]


def table(results):
    lines = [
        "join of a big board in Chromium at 1366×768, navigation to painted (ms)",
        "",
        "| code | board | cold (first join) | warm, median | warm runs "
        "| warm medians: DOM ready, snapshot in, complete |",
        "| --- | --- | ---: | ---: | --- | --- |",
    ]
    for result in results:
        board = result["board"]
        warm = ", ".join(f"{value:.0f}" for value in result["warm_ms"])
        median = result["warm_median_ms"]
        # Where a warm join's time goes: the page's script run, the board's response, applied.
        keys = ("dom_content_loaded", "snapshot_response_end", "complete")
        parts = ", ".join(_median_of(result["runs"][1:], key) for key in keys)
        lines.append(
            f"| {result['label']} | {board['strokes']:,} strokes, {board['points']:,} points | "
            f"{result['cold_ms']:.0f} | {'' if median is None else f'{median:.0f}'} | {warm} | {parts} |"
        )
    return "\n".join(lines)


def _median_of(runs, key):
    values = [run[key] for run in runs if run.get(key) is not None]
    return f"{statistics.median(values):.0f}" if values else "-"


def _progress(text):
    print(f"[{time.strftime('%H:%M:%S')}] join: {text}", file=sys.stderr, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.join", description=__doc__.split("\n")[0])
    parser.add_argument("--project", action="append", default=[], help="LABEL=DIR of a checkout to measure")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--strokes", type=int, default=STROKES)
    parser.add_argument("--build", metavar="BOARD", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        import django

        django.setup()
        print(json.dumps(build_board(args.build, args.strokes)))
        return 0
    projects = [tuple(item.split("=", 1)) for item in args.project] or None
    log_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    with DataDir() as data_dir:
        results = run(data_dir, log_dir, projects, args.runs, args.strokes)
    print(table(results))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
