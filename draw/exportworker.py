"""Exports drawn in a child process of their own, ended when one takes too long.

A render is CPU in Python and Pillow: drawn in the server's process it holds the GIL beside
live drawing, and nothing can stop it half way. Each render slot has one worker process that
draws what it is sent (a module-level function and its arguments, pure data read from the
store beforehand) and keeps what it worked out for the next export: the boards' strokes
(draw/exportmirror.py: the next export sends what changed), the ink shapes (draw/freehand.py)
and the painted PNG images (draw/exportraster.py). A render past its time is ended with the
process, and the next one starts anew.
"""

import logging
import os
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

from draw.exportmirror import BoardStrokes, Changes, MirroredBoards, MirrorMissing, SentBoards

logger = logging.getLogger(__name__)

# How long a new worker may take to import the renderers and say it is ready.
START_TIMEOUT_S = 60
# How long an ended worker is given to go before it is killed.
END_GRACE_S = 2
# Where `python -m draw.exportworker` is found.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Boards whose strokes a worker keeps when none is said (SKETCHSITE_EXPORT_WORKER_BOARDS).
WORKER_BOARDS = 8


class RenderTimedOut(Exception):
    """The render took longer than its time; its worker was ended."""


class RenderWorker:
    """One child process drawing one render at a time; started when first needed."""

    def __init__(self, timeout_s, max_boards=WORKER_BOARDS):
        self.timeout_s = timeout_s
        self._process = None
        self._connection = None
        # The boards' strokes the worker holds, by what this side sent it.
        self._sent = SentBoards(max_boards)

    @property
    def pid(self):
        """The running worker's process id, or None."""
        return self._process.pid if self._process is not None and self._process.poll() is None else None

    def run(self, function, *args):
        """`function(*args)` in the worker: its value, its exception raised again here, or
        RenderTimedOut (the worker ended) once it has taken longer than `timeout_s`. A BoardStrokes
        argument reaches the function as the list of its strokes, sent as what changed since the
        worker last had that board."""
        try:
            return self._run(function, args)
        except MirrorMissing:
            # The worker lost what this side thought it held: everything once more.
            self._sent.failed()
            return self._run(function, args)

    def _run(self, function, args):
        if self.pid is None:
            self._start()
        started = time.monotonic()
        sent = tuple(self._sent.changes(arg) if isinstance(arg, BoardStrokes) else arg for arg in args)
        try:
            self._connection[1].send((function, sent))
            if not self._connection[0].poll(self.timeout_s):
                self.end()
                raise RenderTimedOut(f"the render took longer than {self.timeout_s} s")
            failed, value = self._connection[0].recv()
        except (EOFError, OSError):
            # The worker died under the render (out of memory, killed): the next one starts anew.
            self.end()
            raise RuntimeError("the export worker ended during a render") from None
        except Exception:
            # Nothing was sent (what could not be pickled) or the worker was ended: it holds
            # nothing this side may count on.
            self._sent.failed()
            raise
        name = getattr(function, "__name__", function)
        logger.debug("%s drawn in %.2f s", name, time.monotonic() - started)
        if failed:
            self._sent.failed()
            raise value
        self._sent.answered()
        return value

    def end(self):
        """Stop the worker now, whatever it is doing."""
        process, self._process = self._process, None
        connection, self._connection = self._connection, None
        self._sent.failed()
        if connection is not None:
            for end in connection:
                end.close()
        if process is not None:
            process.terminate()
            try:
                process.wait(END_GRACE_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _start(self):
        # A fresh interpreter, not a fork: the server's process has threads, an event loop and
        # sockets that a forked child would hold copies of; and not multiprocessing's spawn, which
        # runs the server's own __main__ (Daphne's) again in the child.
        process = subprocess.Popen(
            [sys.executable, "-m", "draw.exportworker"],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        replies = Connection(os.dup(process.stdout.fileno()), writable=False)
        requests = Connection(os.dup(process.stdin.fileno()), readable=False)
        process.stdout.close()
        process.stdin.close()
        if not replies.poll(START_TIMEOUT_S) or replies.recv() != "ready":
            process.kill()
            process.wait()
            raise RuntimeError("the export worker did not start")
        self._process, self._connection = process, (replies, requests)
        self._sent.failed()


def _serve(requests, replies):
    """The worker's loop: draw each (function, args) it is sent and send back (failed, value)."""
    # Django set up for the board states a timelapse is sent (draw/store.py), and the renderers
    # imported, before saying ready: no render's time goes on imports. The worker never opens
    # the database; what it draws was read from the store by the server.
    import django

    django.setup()
    from django.conf import settings

    from draw import export, freehand, timelapse  # noqa: F401

    freehand.keep_shapes(settings.SKETCHSITE["EXPORT_SHAPE_CACHE_BYTES"])
    # Below the server in the CPU's queue: on a machine of two cores a render, or the warming of
    # a board just erased (draw/exportwarming.py), takes what live drawing leaves, not its share.
    os.nice(settings.SKETCHSITE["EXPORT_WORKER_NICENESS"])

    replies.send("ready")
    while True:
        try:
            function, args = requests.recv()
        except EOFError:
            return
        try:
            args = tuple(_mirrored.strokes(arg) if isinstance(arg, Changes) else arg for arg in args)
            reply = (False, function(*args))
        except Exception as error:  # noqa: BLE001 - sent back and raised in the server
            reply = (True, error)
        replies.send(reply)


def draw_image(format, width, height, strokes, scale, font_paths, background, picture, board_key=None):
    """(bytes, items left out) of one board's export (draw/export.py), `format` "svg" or "png";
    a PNG is painted on the image last painted under `board_key` (draw/exportraster.py) when its
    strokes come first in this one's drawing order."""
    from draw import export

    left_out = []
    if format == "svg":
        body = export.to_svg(
            width, height, strokes, left_out=left_out, background=background, picture=picture
        )
        return body.encode(), left_out
    if format == "png":
        if board_key is None:
            font_path, fallback_font_path = font_paths
            body = export.to_png(
                width,
                height,
                strokes,
                scale,
                font_path=font_path,
                fallback_font_path=fallback_font_path,
                left_out=left_out,
                background=background,
                picture=picture,
            )
            return body, left_out
        return _painted_png(board_key, width, height, strokes, scale, font_paths, background, picture)
    raise ValueError(f"unknown export format {format!r}")


def warm_board(board_key, width, height, strokes, font_paths, background, picture, budget_points):
    """Paint the board's PNG at scale 1 further by about `budget_points` points, as its export
    would (draw/exportwarming.py), working out each ink stroke's SVG path beside its pixels:
    (strokes painted, ink strokes among them, all painted)."""
    from draw import export

    painted = []

    def prepare(part):
        painted.extend(part)
        export.prepare_ink(part)

    _, _, complete = _painted(
        board_key, width, height, strokes, 1.0, font_paths, background, picture, prepare, budget_points
    )
    ink = sum(1 for stroke in painted if stroke.item.get("kind") == "ink")
    return len(painted), ink, complete


def _painted_png(board_key, width, height, strokes, scale, font_paths, background, picture):
    """(PNG bytes, items left out), painted on the image kept under `board_key` (draw/exportraster.py)."""
    from draw import export

    body, left_out, _ = _painted(
        board_key, width, height, strokes, scale, font_paths, background, picture, finish=export.png_bytes
    )
    return body, left_out


def _painted(
    board_key,
    width,
    height,
    strokes,
    scale,
    font_paths,
    background,
    picture,
    prepare=None,
    budget_points=None,
    finish=None,
):
    """PaintedBoards.paint of a board's page at `scale`; `prepare(part)` runs before each part is drawn."""
    from draw import export

    def draw(image, part, left_out):
        if prepare is not None:
            prepare(part)
        export.draw_items(image, part, scale, *font_paths, left_out=left_out)

    return _painted_boards().paint(
        (board_key, width, height, scale),
        strokes,
        lambda: export.paper_image(width, height, scale, background, picture),
        draw,
        budget_points,
        finish,
    )


# The boards' strokes a worker was sent (draw/exportmirror.py).
_mirrored = MirroredBoards()
# The painted images this process keeps (a worker's, or the server's when it draws exports itself).
_painted_images = None


def _painted_boards():
    global _painted_images
    if _painted_images is None:
        from django.conf import settings

        from draw.exportraster import PaintedBoards

        _painted_images = PaintedBoards(settings.SKETCHSITE["EXPORT_RASTER_CACHE_BYTES"])
    return _painted_images


def draw_timelapse(board, events, who, page, limits, font_paths, picture):
    """(bytes, items left out) of a timelapse (draw/timelapse.py to_webp)."""
    from draw import timelapse

    left_out = []
    font_path, fallback_font_path = font_paths
    body = timelapse.to_webp(
        board,
        events,
        who,
        page,
        limits,
        font_path=font_path,
        fallback_font_path=fallback_font_path,
        picture=picture,
        left_out=left_out,
    )
    return body, left_out


if __name__ == "__main__":
    # The replies go on the first stdout; what anything prints goes to stderr instead.
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    # Served by the module under its own name, not as __main__: the functions the server sends are
    # draw.exportworker's, and what they keep between calls must be the one copy _serve uses.
    from draw import exportworker

    exportworker._serve(Connection(os.dup(0), writable=False), replies)
