"""Board exports for the web: finished images kept in a bounded cache, and a cap on renders at once.

A render of a big board takes seconds of CPU, so a process runs only a few at a time and
refuses the rest instead of queueing them; each slot draws in a worker process of its own
(draw/exportworker.py), which is ended when a render takes longer than the export timeout, so
one board can never hold a slot from the others. An export already rendered for a board's
current seq is served again without drawing anything. Between exports the workers work out
the ink of the boards this process holds (draw/exportwarming.py), so that a first export finds
most of its shapes ready.
"""

import logging
import threading
from collections import OrderedDict
from pathlib import Path

from django.apps import apps
from django.conf import settings

from draw import export, exportworker, metrics, store
from draw.exportmirror import BoardStrokes
from draw.exportworker import RenderTimedOut, RenderWorker

logger = logging.getLogger(__name__)

# How long an export waits for a render slot that warming holds (one chunk of shapes, a fraction
# of a second) before it is refused as when exports hold them all.
WARM_WAIT_S = 5


class RendersBusy(Exception):
    """Every render slot is taken; the export was not drawn."""


class RenderTooLong(Exception):
    """The export took longer than the export timeout (now or at an earlier try of the same
    version of the board) and was not drawn; `retry_after` is in seconds."""

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


def _in_this_process(function, *args):
    return function(*(arg.strokes if isinstance(arg, BoardStrokes) else arg for arg in args))


def board_key(board):
    """What a worker keeps a board's strokes and painted images by (draw/exportmirror.py,
    draw/exportraster.py): `board` is one page of a store.BoardState as one audience sees it."""
    paper = board.classroom
    return (board.name, board.generation, board.view, paper.page, paper.background, paper.picture)


def render(board, format, scale, run=_in_this_process):
    """The export's bytes: `board` is a store.BoardState, `format` "svg" or "png"; drawn by
    `run(function, *args)` (a RenderWorker's run draws it in the worker's process)."""
    if format not in ("svg", "png"):
        raise ValueError(f"unknown export format {format!r}")
    key = board_key(board)
    body, left_out = run(
        exportworker.draw_image,
        format,
        board.width,
        board.height,
        BoardStrokes(key, board.strokes),
        scale,
        font_paths(),
        board.classroom.background,
        picture_of(board),
        key,
    )
    _report_left_out(board, format, left_out)
    return body


def render_timelapse(board, who, page, limits, run=_in_this_process):
    """The timelapse's bytes (draw/timelapse.py): `board` a store.BoardState, whole, `who` the
    reader's audience, `page` the id of the page it plays; its log read from the store."""
    # Rows are numbered without gaps: the first board.seq of the log are those up to board.seq.
    events = store.default_store().timed_events_since(board.name, 0, board.seq)
    body, left_out = run(
        exportworker.draw_timelapse,
        board,
        events,
        who,
        page,
        limits,
        font_paths(),
        picture_of(board.on_page(page)),
    )
    _report_left_out(board, "webp", left_out)
    return body


def _report_left_out(board, format, left_out):
    if left_out:
        # Every item read back from the log was checked to draw (draw/logrows.py): this is a bug.
        metrics.EXPORT_ITEMS_LEFT_OUT.inc(len(left_out))
        keys = ", ".join(f"{stroke.author}/{stroke.stroke}" for stroke in left_out[:5])
        logger.error(
            "board %s: %d items failed to draw in its %s export (%s)", board.name, len(left_out), format, keys
        )


def font_paths():
    """(the text font's file, the fallback font's file) the renderers draw text with."""
    return (text_font_path(), fallback_font_path())


def picture_of(board):
    """The picture under the board's ink, read from the store, or None."""
    digest = board.classroom.picture
    if digest is None:
        return None
    return store.default_store().picture(board.name, digest)


def text_font_path():
    """The font file text is drawn with: the one the page is served, from node_modules."""
    return _npm_file(export.FONT_STATIC)


def fallback_font_path():
    """The font file for the characters the text font lacks, from node_modules."""
    return _npm_file(export.FALLBACK_FONT_STATIC)


def _npm_file(static_path):
    return Path(settings.NPM_ROOT) / settings.NPM_STATIC_FILES[static_path]


class Exporter:
    """Exports of boards, cached by (board, seq, scale, format, view, page), at most `max_renders` drawn
    at once; timelapses alike, by their limits in place of a scale.

    Thread-safe: under ASGI, Django runs the views of concurrent requests in threads of their own.
    """

    def __init__(
        self,
        max_renders,
        cache_entries,
        cache_bytes,
        timeout_s=None,
        warm_chunk_points=10000,
        worker_boards=exportworker.WORKER_BOARDS,
    ):
        self.max_renders = max_renders
        self.render_slots = threading.BoundedSemaphore(max_renders)
        # One worker process a slot, or every render in this process when there is no timeout.
        self.timeout_s = timeout_s
        self._all_workers = (
            [RenderWorker(timeout_s, worker_boards) for _ in range(max_renders)] if timeout_s else []
        )
        # The idle ones; the last is the next taken, so the one warmed last draws the next export.
        self._workers = list(self._all_workers)
        self.warm_chunk_points = warm_chunk_points
        self.warmer = None
        # Render slots held by warming now.
        self._warming = 0
        # The versions that took too long, refused at once when asked for again: drawing them
        # again would only hold a slot as long once more.
        self._too_long = OrderedDict()
        self.timed_out = 0
        self.cache_entries = cache_entries
        self.cache_bytes = cache_bytes
        self._cache = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()
        self.renders = 0
        self.cache_hits = 0
        self.refused = 0

    @classmethod
    def from_settings(cls, config):
        """An exporter sized by the SKETCHSITE settings."""
        return cls(
            config["EXPORT_MAX_RENDERS"],
            config["EXPORT_CACHE_ENTRIES"],
            config["EXPORT_CACHE_BYTES"],
            config["EXPORT_TIMEOUT_S"] or None,
            config["EXPORT_WARM_CHUNK_POINTS"],
            config["EXPORT_WORKER_BOARDS"],
        )

    def start_warming(self, store, interval_s):
        """Warm the workers with the ink of the boards `store` holds every `interval_s`
        (draw/exportwarming.py), where there are workers and an interval."""
        from draw.exportwarming import ExportWarmer

        if not self._all_workers or interval_s <= 0 or self.warmer is not None:
            return
        self.warmer = ExportWarmer(self, store, interval_s, self.warm_chunk_points)
        self.warmer.start()

    def close(self):
        """Stop warming and end the export workers (the process is stopping)."""
        if self.warmer is not None:
            self.warmer.stop()
        for worker in self._all_workers:
            worker.end()

    def next_worker_pid(self):
        """The process id of the worker the next render takes (None: none idle, or not started)."""
        with self._lock:
            return self._workers[-1].pid if self._workers else None

    def worker_pids(self):
        """The process ids of the running workers."""
        return {worker.pid for worker in self._all_workers} - {None}

    def warm(self, function, *args):
        """`function(*args)` in an idle worker, mostly for what it keeps: (the pid of the worker it
        ran in, its value), or None when it failed there (the worker ended); RendersBusy when no
        slot is free."""
        if not self._all_workers or not self.render_slots.acquire(blocking=False):
            raise RendersBusy("no render slot is free to warm")
        with self._lock:
            worker = self._workers.pop()
            self._warming += 1
        try:
            value = worker.run(function, *args)
            return worker.pid, value
        except (RenderTimedOut, RuntimeError) as error:
            logger.warning("warming an export worker failed: %s", error)
            return None
        finally:
            with self._lock:
                self._workers.append(worker)
                self._warming -= 1
            self.render_slots.release()

    def export(self, board, format, scale=1.0):
        """The board's export, from the cache or drawn now; RendersBusy when no render slot is free,
        RenderTooLong when it took longer than the export timeout."""
        # The page, its paper and its picture are class settings, not events: a new one draws
        # other bytes at the same seq.
        paper = board.classroom
        # The seq within the board's generation: the newer of two always compares greater.
        at = (board.generation, board.seq)
        key = (board.name, at, scale, format, board.view, paper.page, paper.background, paper.picture)
        return self._cached_or_drawn(key, format, lambda run: render(board, format, scale, run))

    def timelapse(self, board, who, page, limits):
        """The timelapse of page `page` of `board` (a store.BoardState, whole) as audience `who` sees
        it, from the cache or drawn now within `limits` (draw/timelapse.TimelapseLimits); RendersBusy
        when no render slot is free."""
        shown = board.seen_by(who).on_page(page)
        paper = shown.classroom
        at = (board.generation, board.seq)
        key = (board.name, at, limits, "webp", shown.view, page, paper.background, paper.picture)
        return self._cached_or_drawn(key, "webp", lambda run: render_timelapse(board, who, page, limits, run))

    def _cached_or_drawn(self, key, format, draw):
        """The cached bytes of `key` (its board's name and seq first), or `draw(run)` in a render
        slot, `run` drawing in that slot's worker."""
        with self._lock:
            body = self._cache.get(key)
            if body is not None:
                self._cache.move_to_end(key)
                self.cache_hits += 1
                return body
            if key in self._too_long:
                raise RenderTooLong("this version of the board took too long to draw", self.timeout_s)
        if not self.render_slots.acquire(blocking=False) and not (
            self._warming and self.render_slots.acquire(timeout=WARM_WAIT_S)
        ):
            with self._lock:
                self.refused += 1
            metrics.EXPORT_REFUSED.inc()
            raise RendersBusy(f"{self.max_renders} exports are being drawn already")
        worker = None
        try:
            if self.timeout_s:
                with self._lock:
                    worker = self._workers.pop()
            body = draw(worker.run if worker is not None else _in_this_process)
        except RenderTimedOut:
            metrics.EXPORT_REFUSED.inc()
            logger.warning(
                "board %s: its %s export took longer than %s s and was ended", key[0], format, self.timeout_s
            )
            with self._lock:
                self.timed_out += 1
                self._too_long[key] = True
                while len(self._too_long) > max(1, self.cache_entries):
                    self._too_long.popitem(last=False)
            raise RenderTooLong("the export took too long to draw", self.timeout_s) from None
        finally:
            if worker is not None:
                with self._lock:
                    self._workers.append(worker)
            self.render_slots.release()
        metrics.EXPORT_RENDERS.labels(format=format).inc()
        with self._lock:
            self.renders += 1
            self._keep(key, body)
            metrics.EXPORT_CACHE_ENTRIES.set(len(self._cache))
        return body

    def cached(self):
        """The keys of the cached exports, least recently used first."""
        with self._lock:
            return list(self._cache)

    @property
    def cached_bytes(self):
        return self._cached_bytes

    def _keep(self, key, body):
        name, seq = key[:2]
        # Only a board's latest seq is asked for again (board_state reads the latest); a
        # render that finished after a newer one of the same board is not kept.
        seqs = {k: k[1] for k in self._cache if k[0] == name}
        if any(other > seq for other in seqs.values()):
            return
        for stale, other in seqs.items():
            if other < seq:
                self._forget(stale)
        if len(body) > self.cache_bytes or self.cache_entries == 0:
            return
        if key in self._cache:
            self._forget(key)
        self._cache[key] = body
        self._cached_bytes += len(body)
        while len(self._cache) > self.cache_entries or self._cached_bytes > self.cache_bytes:
            self._forget(next(iter(self._cache)))

    def _forget(self, key):
        self._cached_bytes -= len(self._cache.pop(key))


def default_exporter():
    """This process's exporter, owned by the draw app (tests give the app one of their own)."""
    return apps.get_app_config("draw").exporter
