"""`python -m bench export`: how long a full board takes to export, beside the renderers it replaced.

A board of STROKES random-walk strokes is committed through draw.store into the run's SQLite
data folder, read back with store.board_state, and exported as PNG at each of PNG_SCALES and
as SVG. The same board is drawn by the per-point renderer draw/export.py used before, and by
Pillow's joint="curve", the alternative looked at and not used. The measuring runs in a child
Python process set up with Django against that folder, so the benchmark's own process never
loads Django.
"""

import io
import json
import math
import os
import random
import subprocess
import sys
import time

from bench.servers import PROJECT_ROOT

EXPORT = "export"
EXPORT_INK = "export-ink"
STROKES = 20_000
POINTS_PER_STROKE = (50, 150)
PNG_SCALES = (1, 4)
SEED = 20261121
# As the toolbar offers them (frontend/ui/toolbar.js); white is left out, it draws nothing visible.
COLOURS = ("#1e1e1e", "#e03131", "#f08c00", "#fab005", "#2f9e44", "#0c8599", "#1971c2", "#7048e8", "#d6336c")
WIDTHS = (3, 8, 20)
WIDTH_WEIGHTS = (3, 5, 2)
DRAWERS = 30
# A hand's pen: a few board units between pointer events, a heading that drifts.
STEP = (2.0, 9.0)
TURN = 0.35
RUN_TIMEOUT = 3600

SKETCHSITE = "sketchsite"
PER_POINT = "per-point (before)"
CURVE_JOINTS = 'joint="curve" (not used)'


def run(data_dir):
    """The export figures, measured in a child process against `data_dir` (a migrated bench DataDir)."""
    # The board is fuller than a lesson's limits let one grow: as full as the stroke limit allows.
    limits = {
        "SKETCHSITE_MAX_STROKES_PER_BOARD": str(STROKES),
        "SKETCHSITE_MAX_POINTS_PER_BOARD": str(STROKES * POINTS_PER_STROKE[1]),
    }
    return _measured_in_child(data_dir, limits)


def _measured_in_child(data_dir, settings, *arguments):
    """`python -m bench.exports *arguments` against `data_dir` with `settings`: its JSON figures."""
    return django_child(data_dir, "bench.exports", arguments, settings)


def django_child(data_dir, module, arguments, settings=None, timeout=RUN_TIMEOUT):
    """`python -m module *arguments`, a Django process against `data_dir` (SQLite, whatever
    DATABASE_URL the shell has) with `settings` in its environment: the JSON it prints."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sketchsite.settings", **data_dir.environment()}
    env.update(settings or {})
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        timeout=timeout,
    )
    return json.loads(completed.stdout)


def table(result):
    board = result["board"]
    lines = [
        f"export of one board: {board['strokes']:,} strokes, {board['points']:,} points "
        f"(committed in {board['build_seconds']:.1f} s)",
        "",
        "| export | renderer | seconds | size |",
        "| --- | --- | ---: | ---: |",
    ]
    for render in result["renders"]:
        lines.append(
            f"| {render['export']} | {render['renderer']} | {render['seconds']:.2f} | "
            f"{render['bytes'] / 1e6:.2f} MB |"
        )
    return "\n".join(lines)


# --- in the child process ---------------------------------------------------------------


def random_walk(rng, width, height, top=0):
    """A stroke's flat point list: a pen wandering as a hand does, kept between `top` and `height`."""
    x, y = rng.uniform(0, width), rng.uniform(top, height)
    heading = rng.uniform(0, 2 * math.pi)
    points = []
    for _ in range(rng.randint(*POINTS_PER_STROKE)):
        points += (round(x), round(y))
        heading += rng.gauss(0, TURN)
        step = rng.uniform(*STEP)
        x += step * math.cos(heading)
        y += step * math.sin(heading)
        if not 0 <= x <= width:
            x, heading = min(max(x, 0), width), math.pi - heading
        if not top <= y <= height:
            y, heading = min(max(y, top), height), -heading
    return points


def random_stroke(rng, index, width, height):
    """The `stroke.begin` request of stroke number `index`: a marker of a toolbar colour and width
    along a random walk, as the benchmarks that build a board commit it."""
    return {
        "stroke": f"s{index}",
        "item": {
            "kind": "marker",
            "color": rng.choice(COLOURS),
            "width": rng.choices(WIDTHS, WIDTH_WEIGHTS)[0],
        },
        "points": random_walk(rng, width, height),
    }


def build_board(name):
    """Commit STROKES strokes to board `name`, as DRAWERS participants would."""
    from django.conf import settings

    from draw import store
    from draw.participants import Participant

    rng = random.Random(SEED)
    width, height = settings.SKETCHSITE["BOARD_WIDTH"], settings.SKETCHSITE["BOARD_HEIGHT"]
    drawers = [Participant(f"drawer{index}") for index in range(DRAWERS)]
    for index in range(STROKES):
        request = random_stroke(rng, index, width, height)
        store.commit(name, "stroke", drawers[index % DRAWERS], f"c{index}", request)
        if index % 5000 == 4999:
            _progress(f"committed {index + 1:,} strokes")


def measure():
    import django

    django.setup()
    from draw import export, store

    name = f"export-{os.getpid()}"
    started = time.perf_counter()
    build_board(name)
    build_seconds = time.perf_counter() - started
    board = store.board_state(name)

    def timed(export_name, renderer, draw):
        _progress(f"{export_name} by {renderer}")
        started = time.perf_counter()
        body = draw()
        seconds = time.perf_counter() - started
        return {"export": export_name, "renderer": renderer, "seconds": seconds, "bytes": len(body)}

    size = (board.width, board.height, board.strokes)
    renders = []
    for scale in PNG_SCALES:
        label = f"PNG scale {scale}"
        renders.append(timed(label, SKETCHSITE, lambda scale=scale: export.to_png(*size, scale)))
        renders.append(timed(label, PER_POINT, lambda scale=scale: per_point_png(*size, scale)))
        renders.append(timed(label, CURVE_JOINTS, lambda scale=scale: curve_joint_png(*size, scale)))
    renders.append(timed("SVG", SKETCHSITE, lambda: export.to_svg(*size).encode()))
    points = sum(len(stroke.points) // 2 for stroke in board.strokes)
    return {
        "board": {
            "strokes": len(board.strokes),
            "points": points,
            "build_seconds": build_seconds,
        },
        "renders": renders,
    }


def per_point_png(width, height, strokes, scale):
    """BASELINE ONLY: the renderer draw/export.py had before, kept here to compare against.

    Pillow's joint="curve" line through a list of point tuples, then one ellipse per point,
    saved with optimize=True.
    """
    from draw.export import blank_canvas

    image, canvas = blank_canvas(width, height, scale)
    for stroke in strokes:
        line_width = max(1, round(stroke.item["width"] * scale))
        radius = line_width / 2
        xy = [
            (stroke.points[i] * scale, stroke.points[i + 1] * scale) for i in range(0, len(stroke.points), 2)
        ]
        if len(xy) > 1:
            canvas.line(xy, fill=stroke.item["color"], width=line_width, joint="curve")
        for x, y in xy:
            canvas.ellipse((x - radius, y - radius, x + radius, y + radius), fill=stroke.item["color"])
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def curve_joint_png(width, height, strokes, scale):
    """NOT USED, for comparison: Pillow's joint="curve" on each whole stroke, round caps at its two ends only.

    Pillow draws those joins in Python, a pie slice (and a gap-filling line) per point.
    """
    from draw.export import blank_canvas

    image, canvas = blank_canvas(width, height, scale)
    for stroke in strokes:
        line_width = max(1, round(stroke.item["width"] * scale))
        radius = line_width / 2
        xy = stroke.points if scale == 1 else [value * scale for value in stroke.points]
        if len(xy) > 2:
            canvas.line(xy, fill=stroke.item["color"], width=line_width, joint="curve")
        for x, y in ((xy[0], xy[1]), (xy[-2], xy[-1])):
            canvas.ellipse((x - radius, y - radius, x + radius, y + radius), fill=stroke.item["color"])
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


# --- `python -m bench export-ink`: ink boards, realistic and hostile -------------------------

# A lesson's ink: short pen strokes, pressure varying, the toolbar's widths.
INK_STROKES = 10_000
INK_POINTS = 25
# What a hostile student can send within the limits: strokes of the most points and the widest
# pen, each step in a new direction (every sample a sharp corner, the costliest outline there
# is), as long as the path bound (SKETCHSITE_MAX_STROKE_PATH) lets the whole stroke run.
HOSTILE_STROKES = 50
HOSTILE_POINTS = 5000
HOSTILE_WIDTH = 64
# The path bound on main before it was added: none, so each point anywhere on the board.
UNBOUNDED = "unbounded"


def ink_stroke(rng, index, width, height):
    """The `stroke.begin` request of ink stroke `index`: INK_POINTS points along a random walk,
    each with a pressure, of a toolbar colour and width."""
    walk = random_walk(rng, width, height)[: 2 * INK_POINTS]
    points = []
    for i in range(0, len(walk), 2):
        points += (walk[i], walk[i + 1], rng.randint(20, 90))
    item = {"kind": "ink", "color": rng.choice(COLOURS), "width": rng.choices(WIDTHS, WIDTH_WEIGHTS)[0]}
    return {"stroke": f"i{index}", "item": item, "points": points}


def hostile_stroke(rng, index, width, height, max_path):
    """The `stroke.begin` request of a hostile ink stroke: HOSTILE_POINTS points, each step of the
    same length in a random direction, the whole path `max_path` board units (or, UNBOUNDED,
    every point anywhere on the board)."""
    step = None if max_path == UNBOUNDED else max_path / HOSTILE_POINTS
    x, y = rng.uniform(0, width), rng.uniform(0, height)
    points = []
    for _ in range(HOSTILE_POINTS):
        if step is None:
            x, y = rng.uniform(0, width), rng.uniform(0, height)
        points += (round(x), round(y), rng.randint(0, 100))
        if step is not None:
            heading = rng.uniform(0, 2 * math.pi)
            # Rounded down so that the rounded points' path stays within the bound.
            x = min(max(x + (step - 1.5) * math.cos(heading), 0), width)
            y = min(max(y + (step - 1.5) * math.sin(heading), 0), height)
    item = {"kind": "ink", "color": "#1e1e1e", "width": HOSTILE_WIDTH}
    return {"stroke": f"h{index}", "item": item, "points": points}


def run_ink(data_dir):
    """The ink boards' export figures, measured in a child process against `data_dir`."""
    return _measured_in_child(data_dir, {}, EXPORT_INK)


def ink_table(result):
    lines = [
        "| board | export | first | again | size |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for render in result["renders"]:
        lines.append(
            f"| {render['board']} | {render['export']} | {render['first']:.2f} s | {render['again']:.2f} s | "
            f"{render['bytes'] / 1e6:.2f} MB |"
        )
    return "\n".join(lines)


def measure_ink():
    import django

    django.setup()
    from django.conf import settings

    from draw import export, freehand, store
    from draw.participants import Participant

    width, height = settings.SKETCHSITE["BOARD_WIDTH"], settings.SKETCHSITE["BOARD_HEIGHT"]
    # The path bound where there is one (none on the code before it).
    max_path = settings.SKETCHSITE.get("MAX_STROKE_PATH", UNBOUNDED)
    rng = random.Random(SEED)
    drawers = [Participant(f"drawer{index}") for index in range(DRAWERS)]
    boards = {
        f"ink, {INK_STROKES:,} strokes of {INK_POINTS} points": [
            ink_stroke(rng, index, width, height) for index in range(INK_STROKES)
        ],
        f"hostile, {HOSTILE_STROKES} strokes of {HOSTILE_POINTS:,} points (path {max_path})": [
            hostile_stroke(rng, index, width, height, max_path) for index in range(HOSTILE_STROKES)
        ],
    }

    def forget_shapes():
        # The shapes an export keeps (none on the code before they were kept).
        shapes = getattr(freehand, "_shapes", None)
        if shapes is not None:
            shapes.clear()

    def timed(draw):
        started = time.perf_counter()
        body = draw()
        return time.perf_counter() - started, body

    renders = []
    for label, requests in boards.items():
        name = f"ink-{os.getpid()}-{len(renders)}"
        for index, request in enumerate(requests):
            store.commit(name, "stroke", drawers[index % DRAWERS], f"c{index}", request)
        board = store.board_state(name)
        size = (board.width, board.height, board.strokes)
        for export_name, draw in (
            ("PNG scale 1", lambda size=size: export.to_png(*size, 1.0)),
            ("SVG", lambda size=size: export.to_svg(*size).encode()),
        ):
            _progress(f"{label}: {export_name}")
            forget_shapes()
            first, body = timed(draw)
            # Drawn again: what the next export of the board costs, a stroke later.
            again, _ = timed(draw)
            renders.append(
                {"board": label, "export": export_name, "first": first, "again": again, "bytes": len(body)}
            )
    return {"renders": renders}


def _progress(text):
    print(f"[{time.strftime('%H:%M:%S')}] export: {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    print(json.dumps(measure_ink() if sys.argv[1:] == [EXPORT_INK] else measure()))
