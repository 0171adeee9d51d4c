"""`python -m bench timelapse`: how long a lesson's timelapse (export.webp) takes to draw.

Each lesson of LESSONS is committed through draw.store into the run's SQLite data folder by
DRAWERS participants, random-walk strokes as `python -m bench export` draws them (bench/exports.py),
with every ERASE_EVERY-th stroke erased: in a *fresh* lesson by its author just after drawing it
(a slip put right), in an *old-ink* lesson a stroke drawn anywhere before it (the case that makes
frames be drawn again from far back). Its log is read back with the store and the timelapse drawn
by draw/timelapse.py at the default settings, once without a time limit and once with the default
one; the same frames are also written lossy, to compare the sizes. Each lesson is measured in a
child Python process of its own, so that its peak memory is its own.
"""

import json
import os
import random
import resource
import subprocess
import sys
import time

from bench.exports import POINTS_PER_STROKE, SEED, random_stroke
from bench.servers import PROJECT_ROOT

TIMELAPSE = "timelapse"
# (strokes, how its erases pick their stroke): a classroom's lesson and a long one, each both ways.
LESSONS = ((1_500, "fresh"), (10_000, "fresh"), (1_500, "old-ink"), (10_000, "old-ink"))
DRAWERS = 30
ERASE_EVERY = 10
LOSSY_QUALITY = 80
RUN_TIMEOUT = 3600


def run(data_dir):
    """The timelapse figures, each lesson measured in a child process against `data_dir`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sketchsite.settings",
        **data_dir.environment(),
    }
    env.pop("DATABASE_URL", None)
    results = []
    for strokes, erases in LESSONS:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.timelapse", str(strokes), erases],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
            timeout=RUN_TIMEOUT,
        )
        results.append(json.loads(completed.stdout))
    return {"lessons": results}


def table(result):
    lines = [
        "timelapse of a lesson (export.webp at the default settings)",
        "",
        "| lesson | events | log read | drawn, no time limit | frames | size | lossy size "
        "| with the time limit | frames | peak memory |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for lesson in result["lessons"]:
        whole, limited = lesson["unlimited"], lesson["limited"]
        lines.append(
            f"| {lesson['strokes']:,} strokes, {lesson['erases']} erases | {lesson['events']:,} "
            f"| {lesson['read_seconds']:.2f} s | {whole['seconds']:.2f} s | {whole['frames']} "
            f"| {whole['bytes'] / 1e6:.2f} MB | {lesson['lossy_bytes'] / 1e6:.2f} MB "
            f"| {limited['seconds']:.2f} s | {limited['frames']} | {lesson['peak_mb']:.0f} MB |"
        )
    return "\n".join(lines)


# --- in the child process ---------------------------------------------------------------


def build_lesson(name, strokes, erases):
    """Commit `strokes` strokes to board `name` as DRAWERS participants would, and the erases."""
    from django.conf import settings

    from draw import store
    from draw.participants import Participant

    rng = random.Random(SEED)
    width, height = settings.SKETCHSITE["BOARD_WIDTH"], settings.SKETCHSITE["BOARD_HEIGHT"]
    drawers = [Participant(f"drawer{index}") for index in range(DRAWERS)]
    drawn = []
    for index in range(strokes):
        drawer = drawers[index % DRAWERS]
        store.commit(name, "stroke", drawer, f"c{index}", random_stroke(rng, index, width, height))
        drawn.append((drawer, f"s{index}"))
        if index % ERASE_EVERY == ERASE_EVERY - 1:
            # Anyone may erase any ink on an open board.
            owner, stroke = drawn.pop() if erases == "fresh" else drawn.pop(rng.randrange(len(drawn)))
            store.commit(name, "erase", drawer, f"e{index}", {"strokes": [[owner.id, stroke]]})


def measure(strokes, erases):
    import django

    django.setup()
    from dataclasses import replace

    from django.conf import settings

    from draw import exporter, store, timelapse
    from draw.audience import HOST_AUDIENCE

    name = f"timelapse-{os.getpid()}"
    build_lesson(name, strokes, erases)
    board = store.board_state(name)
    started = time.perf_counter()
    events = store.default_store().timed_events_since(name, 0, board.seq)
    read_seconds = time.perf_counter() - started
    limits = timelapse.TimelapseLimits.from_settings(settings.SKETCHSITE)
    fonts = {"font_path": exporter.text_font_path(), "fallback_font_path": exporter.fallback_font_path()}
    page = board.classroom.page

    def timed(limits):
        started = time.perf_counter()
        body = timelapse.to_webp(board, events, HOST_AUDIENCE, page, limits, **fonts)
        seconds = time.perf_counter() - started
        return body, {"seconds": seconds, "frames": timelapse.frame_count(body), "bytes": len(body)}

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    body, unlimited = timed(replace(limits, max_seconds=RUN_TIMEOUT))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    _, limited = timed(limits)
    return {
        "strokes": strokes,
        "erases": erases,
        "events": len(events),
        "points_per_stroke": list(POINTS_PER_STROKE),
        "read_seconds": read_seconds,
        "unlimited": unlimited,
        "limited": limited,
        "max_seconds": limits.max_seconds,
        "lossy_bytes": len(lossy(body, limits.frame_ms)),
        "peak_mb": peak_kb / 1024,
    }


def lossy(body, frame_ms):
    """The frames of a timelapse written again lossy, at LOSSY_QUALITY."""
    import io

    from PIL import Image

    from draw import timelapse

    frames = []
    with Image.open(io.BytesIO(body)) as image:
        for index in range(image.n_frames):
            image.seek(index)
            frames.append(image.convert("RGB"))
    return timelapse.write_webp(frames, frame_ms, LOSSY_QUALITY)


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), sys.argv[2])))
