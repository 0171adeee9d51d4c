"""`python -m bench export-served`: a big ink board's exports as a reader gets them, over HTTP.

`python -m bench export-ink` times the renderers in one process; this times what a teacher who
presses "Download" waits for: a real Daphne (SQLite, the in-memory layer, the export workers
and their warming as `bin/serve` runs them) serving a board of INK_STROKES ink strokes of
INK_POINTS points (bench/exports.py ink_stroke), written into its database before it starts.

The board is read once through `/b/<board>/snapshot` (a class joining), then, for each server:

- **first**: `export.png`, then `export.svg`, the first exports of the board;
- **a stroke later**: one more stroke committed (by another process, through the database, as a
  second server would), both exports again;
- **an erase later**: one stroke hidden, both again.

Each is timed from the request to the last byte of the answer. Two servers run one after the
other: warming off (`SKETCHSITE_EXPORT_WARM_INTERVAL_S=0`), and warming on, whose first exports
are asked for once the warmer has had its rounds (WARM_SETTLE_S after the metric
`sketchsite_export_strokes_warmed_total` reaches the board's ink).
"""

import json
import os
import random
import sys
import time
import urllib.request

from bench.exports import INK_POINTS, INK_STROKES, SEED, django_child, ink_stroke
from bench.servers import ChannelLayer, Daphne

EXPORT_SERVED = "export-served"
BOARD = "export-served"
WARM_INTERVAL_S = 5
# Rounds of the warmer left to it after the board's ink is warmed (what else it does in a round).
WARM_SETTLE_S = 3 * WARM_INTERVAL_S
WARM_TIMEOUT_S = 300
REQUEST_TIMEOUT_S = 120
BUILD_TIMEOUT_S = 600
FORMATS = ("png", "svg")
WARMED_METRIC = "sketchsite_export_strokes_warmed_total"


def build_board(name, strokes):
    """Write a board of `strokes` ink strokes straight into the database (bulk inserts of the
    events store commits would write): ready in seconds, not the minutes of one commit each."""
    from django.conf import settings
    from django.db import transaction

    from draw.models import Board, BoardEvent
    from draw.store import default_store

    width, height = settings.SKETCHSITE["BOARD_WIDTH"], settings.SKETCHSITE["BOARD_HEIGHT"]
    default_store().create(name, hosted=False)
    board = Board.objects.get(name=name)
    rng = random.Random(SEED)
    events = [
        BoardEvent(
            board=board,
            seq=index + 1,
            kind="stroke",
            author=f"drawer{index % 30}",
            client_id=f"c{index}",
            effect=ink_stroke(rng, index, width, height),
        )
        for index in range(strokes)
    ]
    with transaction.atomic():
        BoardEvent.objects.bulk_create(events, batch_size=500)
        Board.objects.filter(pk=board.pk).update(last_seq=strokes, stroke_count=strokes)
    return {"board": name, "strokes": strokes}


def change_board(name, change):
    """One more stroke ("stroke") or the first stroke erased ("erase"), committed through the store."""
    from django.conf import settings

    from draw.participants import Participant
    from draw.store import default_store

    width, height = settings.SKETCHSITE["BOARD_WIDTH"], settings.SKETCHSITE["BOARD_HEIGHT"]
    drawer = Participant("drawer0")
    store = default_store()
    if change == "stroke":
        request = ink_stroke(random.Random(SEED + 1), INK_STROKES + 1, width, height)
        store.commit(name, "stroke", drawer, f"late-{time.time_ns()}", request)
    else:
        store.commit(name, "erase", drawer, f"erase-{time.time_ns()}", {"strokes": [["drawer0", "i0"]]})
    return {"board": name, "changed": change}


def _in_child(data_dir, *arguments):
    return django_child(data_dir, "bench.exportserved", arguments, timeout=BUILD_TIMEOUT_S)


def _fetch(url):
    """(seconds to the last byte, bytes) of a GET."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_S) as response:
        body = response.read()
    return time.perf_counter() - started, len(body)


def _warmed_strokes(origin):
    with urllib.request.urlopen(f"{origin}/metrics", timeout=REQUEST_TIMEOUT_S) as response:
        text = response.read().decode()
    for line in text.splitlines():
        if line.startswith(WARMED_METRIC + " "):
            return float(line.split()[1])
    return 0.0


def _exports(origin, board):
    row = {}
    for format in FORMATS:
        seconds, size = _fetch(f"{origin}/b/{board}/export.{format}")
        row[format] = {"seconds": seconds, "bytes": size}
    return row


def measure_server(data_dir, log_dir, warm_interval_s, label):
    """The three rounds of exports on one fresh server with warming every `warm_interval_s` (0: off)."""
    board = f"{BOARD}-{'warm' if warm_interval_s else 'cold'}"
    _progress(f"{label}: writing {INK_STROKES:,} ink strokes")
    _in_child(data_dir, "--build", board)
    saved = {key: os.environ.get(key) for key in ("SKETCHSITE_EXPORT_WARM_INTERVAL_S", "SKETCHSITE_METRICS")}
    os.environ["SKETCHSITE_EXPORT_WARM_INTERVAL_S"] = str(warm_interval_s)
    os.environ["SKETCHSITE_METRICS"] = "on"
    layer = ChannelLayer.create("memory")
    server = Daphne("sketchsite", data_dir, layer, log_dir)
    try:
        server.start()
        origin = server.origin
        snapshot_s, _ = _fetch(f"{origin}/b/{board}/snapshot")
        warm_s = None
        if warm_interval_s:
            started = time.monotonic()
            while _warmed_strokes(origin) < INK_STROKES:
                if time.monotonic() - started > WARM_TIMEOUT_S:
                    raise TimeoutError(f"the warmer did not reach {INK_STROKES} strokes")
                time.sleep(0.5)
            warm_s = time.monotonic() - started
            time.sleep(WARM_SETTLE_S)
        _progress(f"{label}: first exports")
        rounds = {"first": _exports(origin, board)}
        for change in ("stroke", "erase"):
            _in_child(data_dir, "--change", board, change)
            if warm_interval_s:
                # What a class gives the warmer between two changes and an export, at least.
                time.sleep(WARM_SETTLE_S)
            _progress(f"{label}: a{'n' if change == 'erase' else ''} {change} later")
            rounds[f"{change} later"] = _exports(origin, board)
        return {"server": label, "snapshot_s": snapshot_s, "warmed_after_s": warm_s, "rounds": rounds}
    finally:
        server.stop()
        layer.clean_up()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(data_dir, log_dir):
    return {
        "board": f"{INK_STROKES:,} ink strokes of {INK_POINTS} points",
        "servers": [
            measure_server(data_dir, log_dir, 0, "warming off"),
            measure_server(data_dir, log_dir, WARM_INTERVAL_S, "warming on"),
        ],
    }


def table(result):
    lines = [
        f"{result['board']}, over HTTP from one Daphne",
        "",
        "| server | exports | PNG | SVG | SVG size |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for server in result["servers"]:
        for name, row in server["rounds"].items():
            png, svg = row["png"], row["svg"]
            lines.append(
                f"| {server['server']} | {name} | {png['seconds']:.2f} s | {svg['seconds']:.2f} s | "
                f"{svg['bytes'] / 1e6:.2f} MB |"
            )
    return "\n".join(lines)


def _progress(text):
    print(f"[{time.strftime('%H:%M:%S')}] export-served: {text}", file=sys.stderr, flush=True)


def main(argv):
    import django

    django.setup()
    if argv[0] == "--build":
        return build_board(argv[1], INK_STROKES)
    return change_board(argv[1], argv[2])


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
