"""Ink shapes worked out ahead of the export that needs them.

Most of a big board's first export is its ink: each stroke's outline (draw/freehand.py), its
SVG path and its pixels, about half a millisecond a stroke, five seconds for a lesson of
10,000 strokes. The export workers keep what they work out (draw/exportworker.py), so a board
exported again costs only the drawing. This warms them beforehand: every `interval_s` it looks
which boards this process holds have new strokes since it last looked, and has an idle export
worker work out the new ink strokes' shapes, `chunk_points` points a call, so the first export of a
board the class has been drawing on finds them ready. A chunk holds a render slot for a
fraction of a second; an export that finds the slots held by chunks waits for one
(draw/exporter.Exporter) instead of being refused.

Each worker keeps its own shapes and loses them when it is ended, so what was warmed is
remembered per worker process; a board whose strokes were all warmed costs one look a round.
"""

import logging
import threading

from django.db import close_old_connections

from draw import exportworker, metrics
from draw.exporter import RendersBusy
from draw.outages import OutageLog

logger = logging.getLogger(__name__)


class ExportWarmer:
    """A daemon thread warming the export workers with the ink of the boards `store` holds."""

    def __init__(self, exporter, store, interval_s, chunk_points):
        self.exporter = exporter
        self.store = store
        self.interval_s = interval_s
        self.chunk_points = chunk_points
        # (worker pid, board) -> the (generation, seq) warmed (seq None: part of it), and the
        # ink strokes warmed.
        self._warmed = {}
        self.strokes_warmed = 0
        # Per board, the ink strokes a worker died of or ran out of time on: never sent again.
        self._refused = {}
        # Logged once per outage (the database away), not every round.
        self._outage = OutageLog(logger, "warming the export workers")
        self._stop = threading.Event()
        self._thread = None
        self._lock = threading.Lock()

    def start(self):
        """Start warming (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None or self.interval_s <= 0:
                return
            self._thread = threading.Thread(target=self._run, name="export-warmer", daemon=True)
            self._thread.start()

    def stop(self):
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=self.interval_s + 5)

    def _run(self):
        while not self._stop.wait(self.interval_s):
            try:
                self.warm_once()
            except Exception as error:  # noqa: BLE001 - a head start: the export works without it
                self._outage.failed(error)
            else:
                self._outage.recovered()
            finally:
                # A thread of its own holds a database connection of its own: not past a round.
                close_old_connections()

    def warm_once(self):
        """One round: the new ink of every board held here, sent to idle workers; how many
        strokes were warmed."""
        warmed = 0
        for name, at in self.store.cached_seqs().items():
            if self._stop.is_set():
                break
            warmed += self._warm_board(name, at)
        self._forget_gone(set(self.store.cached_seqs()))
        return warmed

    def _warm_board(self, name, at):
        """Warm the next worker with the board's ink it lacks; how many strokes it was sent."""
        # None: no worker idle (the round skips the board) or the next one not started yet.
        pid = self.exporter.next_worker_pid()
        done_at, done = self._warmed.get((pid, name), (None, frozenset()))
        if done_at == at:
            return 0
        if done_at is not None and done_at[0] != at[0]:
            # The board was deleted and drawn again: the same stroke ids, other strokes.
            done = frozenset()
        board = self.store.read(name)
        if not board.exists:
            return 0
        ink = [stroke for stroke in board.strokes if stroke.item.get("kind") == "ink"]
        refused = self._refused.get(name, frozenset())
        new = [stroke for stroke in ink if (stroke.author, stroke.stroke) not in done | refused]
        warmed = 0
        for part in _chunks(new, self.chunk_points):
            if self._stop.is_set():
                return warmed
            try:
                ran_on = self.exporter.warm(exportworker.warm_shapes, part)
            except RendersBusy:
                # No slot free now: the next round goes on from here.
                return warmed
            if ran_on is None:
                # Its worker died of it or ran out of time: not sent again. Their export meets
                # the same and is answered 503 (draw/exporter.py); the next round starts anew.
                self._refused[name] = refused | _keys(part)
                return warmed
            if pid is not None and ran_on != pid:
                # Another worker than the one warmed so far: the next round starts on it.
                return warmed
            pid = ran_on
            done = done | _keys(part)
            # Kept after each chunk: a round cut short goes on where it stopped.
            self._warmed[(pid, name)] = ((board.generation, None), done)
            warmed += len(part)
            self.strokes_warmed += len(part)
            metrics.EXPORT_STROKES_WARMED.inc(len(part))
        # Strokes erased since are left out, so the set stays as big as the board's ink.
        self._warmed[(pid, name)] = ((board.generation, board.seq), frozenset(done & _keys(ink)))
        return warmed

    def _forget_gone(self, held):
        pids = self.exporter.worker_pids()
        for key in list(self._warmed):
            pid, name = key
            if name not in held or pid not in pids:
                del self._warmed[key]
        for name in list(self._refused):
            if name not in held:
                del self._refused[name]


def _chunks(strokes, max_points):
    """The strokes in runs of at most `max_points` points (a longer stroke alone)."""
    part, points = [], 0
    for stroke in strokes:
        count = len(stroke.points) // 3
        if part and points + count > max_points:
            yield part
            part, points = [], 0
        part.append(stroke)
        points += count
    if part:
        yield part


def _keys(strokes):
    return {(stroke.author, stroke.stroke) for stroke in strokes}
