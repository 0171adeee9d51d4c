"""`python -m bench repaint`: how long a big board takes to show an erase, an undo, a redo, a move,
a dropped preview and a zoom, in Chromium.

A board of STROKES random-walk strokes (bench/join.py's) is written in bulk into the run's SQLite
data folder; one Daphne serves it; headless Chromium opens it at the laptop viewport and waits
until it is painted. Then each action is done ROUNDS times on strokes picked at random, each
through the path a message from the server takes (session.receive: an erase event, an undo
showing the stroke again, a redo hiding it, a move event, a live stroke begun and dropped by
someone else), and a zoom step in and back out through the viewport, as the zoom buttons do.
Each is timed in the page from the action to the animation frame after the one whose paint
finished it (the repaint is over: sketch.progress is null), and the longest frame while it
was under way is taken too (what the page's pointer waits for at worst).

`python -m bench.repaint --project LABEL=DIR` measures the checkout in DIR (the code before a
change, with its own .venv, node_modules and collected static files) beside this one, on the
same board in one sitting.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from bench.grid import percentile
from bench.join import CHROMIUM, CHROMIUM_ARGS, LAPTOP, Server, build_in_child
from bench.servers import PROJECT_ROOT, DataDir

REPAINT = "repaint"
STROKES = 10_000
ROUNDS = 10
SEED = 20261207
BOARD = "bench-repaint"
PAGE_TIMEOUT_MS = 600_000
ACTIONS = ("erase", "undo", "redo", "move", "dropped preview", "zoom settle")

# In the page: do `action` to stroke `index`, then wait for the frame after the repaint ended;
# {ms, longest_frame_ms}. A frame is counted from one animation frame to the next; the first two
# are always waited for, since the sketch's own frame may come before or after this one's.
ACTION_PROBE = """
async ([action, index]) => {
  const { board, session, sketch } = window.sketchsite;
  const strokes = [...board.strokes.values()].filter((s) => s.committed);
  // The move takes the next stroke: the one erased, undone and redone is hidden again by then.
  const stroke = strokes[(index + (action === 'move' ? 1 : 0)) % strokes.length];
  const pair = [[stroke.author, stroke.id]];
  const event = (fields) =>
    session.receive({ type: 'event', seq: board.seq + 1, author: stroke.author, ...fields });
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await frame();
  const started = performance.now();
  const zoom = action === 'zoom settle';
  if (action === 'erase' || action === 'redo') event({ kind: action, hide: pair });
  else if (action === 'undo') event({ kind: 'undo', show: pair });
  else if (action === 'move') event({ kind: 'move', move: pair, by: [index % 2 ? 7 : -7, 5] });
  else if (action === 'dropped preview') {
    const live = { author: 'bench-visitor', stroke: `live${index}` };
    session.receive({ type: 'stroke.begin', ...live, item: { kind: 'marker', color: '#e03131', width: 6 },
      points: stroke.points.slice(0, 20) });
    session.receive({ type: 'stroke.drop', ...live });
  } else if (zoom) window.sketchsite.viewport.zoomAt(index % 2 ? 1 / 1.25 : 1.25);
  let last = started;
  let longest = 0;
  let frames = 0;
  // A zoom waits for the view to settle (sketch.js SETTLE_MS) before it repaints.
  const settleBy = zoom ? started + 400 : started;
  for (;;) {
    const now = await frame();
    longest = Math.max(longest, now - last);
    last = now;
    frames += 1;
    if (frames >= 2 && now >= settleBy && sketch.progress === null) {
      return { ms: now - started, longest_frame_ms: longest };
    }
  }
}
"""


def run(data_dir, log_dir, projects=None, strokes=STROKES, rounds=ROUNDS):
    """The figures of each (label, project) on one board; the current checkout when none are given."""
    projects = projects or [("sketchsite", PROJECT_ROOT)]
    _progress(f"writing a board of {strokes:,} strokes")
    board = build_in_child(data_dir.environment(), BOARD, strokes)
    return [measure(label, project, board, data_dir, log_dir, rounds) for label, project in projects]


def measure(label, project, board, data_dir, log_dir, rounds):
    from playwright.sync_api import sync_playwright

    log_path = Path(log_dir) / f"daphne-repaint-{label.replace(' ', '-')}.log"
    rng = random.Random(SEED)
    picks = [rng.randrange(board["strokes"]) for _ in range(rounds)]
    times = {action: [] for action in ACTIONS}
    with Server(project, data_dir.environment(), log_path) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=LAPTOP).new_page()
            page.goto(f"{server.url}/b/{board['board']}/")
            page.wait_for_function(
                f"() => window.sketchsite?.board.strokes.size >= {board['strokes']}"
                " && window.sketchsite.sketch.progress === null",
                timeout=PAGE_TIMEOUT_MS,
                polling=100,
            )
            for round_number, index in enumerate(picks):
                for action in ACTIONS:
                    times[action].append(page.evaluate(ACTION_PROBE, [action, index]))
                _progress(f"{label}: round {round_number + 1} of {rounds}")
        finally:
            browser.close()
    return {
        "label": label,
        "project": str(project),
        "strokes": board["strokes"],
        "rounds": rounds,
        "load": os.getloadavg()[0],
        "actions": {action: _summary(samples) for action, samples in times.items()},
    }


def _summary(samples):
    painted = [sample["ms"] for sample in samples]
    frames = [sample["longest_frame_ms"] for sample in samples]
    return {
        "median_ms": statistics.median(painted),
        "p95_ms": percentile(painted, 0.95),
        "longest_frame_median_ms": statistics.median(frames),
        "longest_frame_max_ms": max(frames),
    }


def table(results):
    first = results[0]
    lines = [
        f"repaint after one change on a board of {first['strokes']:,} strokes, Chromium at "
        f"{LAPTOP['width']}×{LAPTOP['height']}, {first['rounds']} rounds: action to painted frame, "
        "and the longest frame meanwhile (ms)",
        "",
        "| action | "
        + " | ".join(f"{result['label']}: painted, median (p95) | longest frame" for result in results)
        + " |",
        "| --- |" + " ---: | ---: |" * len(results),
    ]
    for action in ACTIONS:
        cells = []
        for result in results:
            figures = result["actions"][action]
            cells.append(f"{figures['median_ms']:.0f} ({figures['p95_ms']:.0f})")
            longest, worst = figures["longest_frame_median_ms"], figures["longest_frame_max_ms"]
            cells.append(f"{longest:.0f} (max {worst:.0f})")
        lines.append(f"| {action} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _progress(text):
    print(f"[{time.strftime('%H:%M:%S')}] repaint: {text}", file=sys.stderr, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.repaint", description=__doc__.split("\n")[0])
    parser.add_argument("--project", action="append", default=[], help="LABEL=DIR of a checkout to measure")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--strokes", type=int, default=STROKES)
    args = parser.parse_args(argv)
    projects = [tuple(item.split("=", 1)) for item in args.project] or None
    log_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    with DataDir() as data_dir:
        results = run(data_dir, log_dir, projects, args.strokes, args.rounds)
    print(table(results))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
