"""`python -m bench replay`: a 10,000-stroke lesson replayed in Chromium, and scrubbed.

A board of STROKES strokes (the export benchmark's random-walk strokes, with an erase every
ERASE_EVERY strokes and an undo of it now and then, so the log holds more than strokes) is
committed through draw.store into the run's SQLite folder, in a child process. One Daphne serves
it; headless Chromium opens its replay page (/b/<board>/replay), which reads the whole log over
HTTP and builds its checkpoints. Then the page is scrubbed to SEEKS points of the lesson, chosen
at random, each as the scrubber does it (showAt), and each timed from the seek to the frame
after it was painted (two animation frames: the paint has reached the screen).

Figures: the time from opening the page to the lesson read and shown; the log's bytes; and the
seek-to-painted time's median, p95 and worst.
"""

import os
import random
import subprocess
import sys
import time

from bench.grid import percentile
from bench.join import CHROMIUM, CHROMIUM_ARGS, LAPTOP, Server
from bench.servers import PROJECT_ROOT

REPLAY = "replay"
STROKES = 10_000
ERASE_EVERY = 20
SEEKS = 60
SEED = 20261207
SETUP_TIMEOUT = 1800
TIMEOUT_MS = 300_000

# In the replay page: the board at event `count`, timed to the frame after its paint.
SEEK_PROBE = """
(count) => new Promise((resolve) => {
  const started = performance.now();
  window.sketchsite.replay.showAt(count);
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
})
"""


def run(data_dir, log_dir, strokes=STROKES):
    board = f"bench-replay-{os.getpid()}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sketchsite.settings", **data_dir.environment()}
    env.pop("DATABASE_URL", None)
    env["SKETCHSITE_MAX_STROKES_PER_BOARD"] = str(strokes)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench.replay", board, str(strokes)],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        timeout=SETUP_TIMEOUT,
    )
    build_seconds = time.perf_counter() - started
    return {"strokes": strokes, "build_seconds": build_seconds, **measure(board, data_dir, log_dir)}


def measure(board, data_dir, log_dir):
    from playwright.sync_api import sync_playwright

    log_path = os.path.join(str(log_dir), "daphne-replay.log")
    with Server(PROJECT_ROOT, data_dir.environment(), log_path) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=LAPTOP).new_page()
            log_bytes = []
            page.on(
                "response",
                lambda response: log_bytes.append(len(response.body())) if "/log?" in response.url else None,
            )
            opened = time.perf_counter()
            page.goto(f"{server.url}/b/{board}/replay")
            page.wait_for_function(
                "() => window.sketchsite?.replay?.events.length > 0"
                " && document.querySelector('[data-role=status]').hidden",
                timeout=TIMEOUT_MS,
            )
            ready_ms = 1000 * (time.perf_counter() - opened)
            events = page.evaluate("() => window.sketchsite.replay.events.length")
            rng = random.Random(SEED)
            seeks = [page.evaluate(SEEK_PROBE, rng.randrange(events + 1)) for _ in range(SEEKS)]
        finally:
            browser.close()
    return {
        "events": events,
        "log_bytes": sum(log_bytes),
        "ready_ms": ready_ms,
        "seeks": len(seeks),
        "seek_ms": {
            "median": percentile(seeks, 0.5),
            "p95": percentile(seeks, 0.95),
            "max": max(seeks),
        },
    }


def table(result):
    seek = result["seek_ms"]
    return "\n".join(
        [
            f"replay of one lesson: {result['strokes']:,} strokes, {result['events']:,} events, "
            f"log {result['log_bytes'] / 1e6:.1f} MB (committed in {result['build_seconds']:.0f} s)",
            "",
            "| figure | ms |",
            "| --- | ---: |",
            f"| page opened to lesson shown (log read, checkpoints built) | {result['ready_ms']:,.0f} |",
            f"| seek to painted, median of {result['seeks']} | {seek['median']:.1f} |",
            f"| seek to painted, p95 | {seek['p95']:.1f} |",
            f"| seek to painted, worst | {seek['max']:.1f} |",
        ]
    )


def _build(board, strokes):
    """In the child: `strokes` strokes by 30 drawers, an erase every ERASE_EVERY, some undone."""
    import django

    django.setup()
    from django.conf import settings

    from bench.exports import DRAWERS, random_stroke
    from draw import store
    from draw.participants import Participant

    rng = random.Random(SEED)
    width, height = settings.SKETCHSITE["BOARD_WIDTH"], settings.SKETCHSITE["BOARD_HEIGHT"]
    drawers = [Participant(f"drawer{index}") for index in range(DRAWERS)]
    for index in range(strokes):
        drawer = drawers[index % DRAWERS]
        store.commit(board, "stroke", drawer, f"c{index}", random_stroke(rng, index, width, height))
        if index % ERASE_EVERY == ERASE_EVERY - 1:
            erase = {"strokes": [[drawer.id, f"s{index}"]], "lane": None}
            store.commit(board, "erase", drawer, f"e{index}", erase)
            if index % (4 * ERASE_EVERY) == ERASE_EVERY - 1:
                store.commit(board, "undo", drawer, f"u{index}", {})
        if index % 2000 == 1999:
            print(f"  committed {index + 1:,} strokes", file=sys.stderr, flush=True)


if __name__ == "__main__":
    _build(sys.argv[1], int(sys.argv[2]))
