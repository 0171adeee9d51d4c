"""A board's PNG painted, and its ink's shapes worked out, ahead of the export that needs them.

Most of a big board's first export is its ink: each stroke's outline (draw/freehand.py), its
SVG path and its pixels, about half a millisecond a stroke, five seconds for a lesson of
10,000 strokes, then Pillow's filling, most of a second more. The export workers keep what they
work out (draw/exportworker.py): the board's strokes, the shapes and the painted image, so an
export finding them ready costs what changed since and the PNG's encoding. This readies them
beforehand: every `interval_s` it looks which boards this process holds have changed since it
last looked, and has an idle export worker paint the page on show further, `chunk_points`
points a call, until it is painted whole. A call holds a render slot for a fraction of a
second; an export that finds the slots held by warming waits for one (draw/exporter.Exporter)
instead of being refused. The first call sends the board's strokes, the next ones only what
changed (draw/exportmirror.py).

Each worker keeps its own and loses it when it is ended, so what was warmed is remembered per
worker process; a board warmed at its seq costs one look a round. A board whose warming ended
its worker (a render past its time) is not warmed again while it is the same board: its export
meets the same cost and is answered 503 (draw/exporter.py).
"""

import logging
import threading

from django.db import close_old_connections

from draw import exportworker, metrics
from draw.exporter import RendersBusy, board_key, font_paths, picture_of
from draw.exportmirror import BoardStrokes
from draw.outages import OutageLog

logger = logging.getLogger(__name__)


class ExportWarmer:
    """A daemon thread painting the boards `store` holds in the export workers."""

    def __init__(self, exporter, store, interval_s, chunk_points):
        self.exporter = exporter
        self.store = store
        self.interval_s = interval_s
        self.chunk_points = chunk_points
        # (worker pid, board) -> the (generation, seq) painted whole in that worker.
        self._warmed = {}
        self.strokes_warmed = 0
        # Per board, the generation whose warming a worker died of or ran out of time on.
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
        """One round: every board held here that changed painted further in idle workers; how many
        ink strokes were worked out."""
        warmed = 0
        held = self.store.cached_seqs()
        # What other processes committed since this one last read a board counts too: the next
        # export here reads it.
        stored = self.store.stored_seqs(held)
        for name, at in held.items():
            if self._stop.is_set():
                break
            warmed += self._warm_board(name, stored.get(name, at))
        self._forget_gone(set(self.store.cached_seqs()))
        return warmed

    def _warm_board(self, name, at):
        """Paint the board in the next worker until it is painted whole there (or no slot is
        free); how many ink strokes were worked out on the way."""
        # None: no worker idle (the round skips the board) or the next one not started yet.
        pid = self.exporter.next_worker_pid()
        if self._warmed.get((pid, name)) == at or self._refused.get(name) == at[0]:
            return 0
        board = self.store.read(name)
        if not board.exists:
            return 0
        # The page on show, as its host sees it: what a Download of the board draws.
        shown = board.on_page()
        key = board_key(shown)
        arguments = (
            key,
            shown.width,
            shown.height,
            BoardStrokes(key, shown.strokes),
            font_paths(),
            shown.classroom.background,
            picture_of(shown),
            self.chunk_points,
        )
        warmed = 0
        while not self._stop.is_set():
            try:
                ran = self.exporter.warm(exportworker.warm_board, *arguments)
            except RendersBusy:
                # No slot free now: the next round goes on from here.
                return warmed
            if ran is None:
                # Its worker died of it or ran out of time: this board is not warmed again.
                self._refused[name] = board.generation
                return warmed
            ran_on, (_, ink, complete) = ran
            warmed += ink
            self.strokes_warmed += ink
            metrics.EXPORT_STROKES_WARMED.inc(ink)
            if complete:
                self._warmed[(ran_on, name)] = (board.generation, board.seq)
                return warmed
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
