"""A board's snapshot for HTTP: one `snapshot` message holding every visible stroke, gzip-compressed.

The body is the websocket's snapshot in a single part (draw/protocol.py `snapshot`, index 0),
so the browser applies it as it applies one from the socket, then opens the socket with
`since=<seq>` for what came after. Compressing a big board whole takes longer than the rest
of a join, and a board in use changes seq with every stroke, so a body is made of pieces: the
visible strokes in runs of CHUNK_SEQS seqs, each run's JSON compressed on its own into raw
deflate blocks that end on a byte boundary (a sync flush). Deflate blocks laid end to end
are one valid stream, so a new seq costs only the runs it changed; the gzip frame around
them (a header, an empty final block, the CRC and length) is cheap to make again.
"""

import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from django.apps import apps

from draw import audience, metrics, protocol

# Strokes whose seqs fall in one run of this many are compressed together: large enough for
# deflate to find the repeats of a run, small enough that a change recompresses little.
CHUNK_SEQS = 256
# Fast compression: the body is compressed once per change of a board, on the request's time.
COMPRESS_LEVEL = 1
# An empty final fixed-Huffman block: what ends the stream of sync-flushed pieces.
_FINAL_BLOCK = b"\x03\x00"
# gzip's header with no name, no time, and an unknown operating system (RFC 1952).
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A board's snapshot at `seq`: its gzip body and the ETag that names it."""

    board: str
    seq: int
    body: bytes
    size: int
    view: str = audience.EVERYONE
    generation: int = 0

    @property
    def etag(self):
        return etag_for(self.seq, self.view, self.generation)


def etag_for(seq, view=audience.EVERYONE, generation=0):
    """The ETag of a board's snapshot at `seq`, as `view` (draw/store.BoardState.view) sees it, of
    the board's row `generation` (0: no row): a board removed and drawn again is another."""
    named = f"{seq}" if view == audience.EVERYONE else f"{seq}-{view}"
    return f'"{named}-g{generation}"' if generation else f'"{named}"'


def snapshot_message(state):
    """The `snapshot` message the HTTP body holds: every visible stroke of `state`, in one part."""
    strokes = [stroke.to_compact() for stroke in state.strokes]
    return protocol.snapshot(state.seq, strokes, 0, len(strokes))


def runs(strokes):
    """The strokes in consecutive runs sharing a seq // CHUNK_SEQS, in order."""
    run, current = [], None
    for stroke in strokes:
        chunk = stroke.seq // CHUNK_SEQS
        if run and chunk != current:
            yield run
            run = []
        current = chunk
        run.append(stroke)
    if run:
        yield run


class _Piece:
    """One run's JSON text (with a leading comma unless it opens the list), and it compressed.

    It holds its strokes, so the ids of the objects that key it stay theirs while it is kept.
    """

    __slots__ = ("strokes", "text", "deflated")

    def __init__(self, strokes, text):
        self.strokes = strokes
        self.text = text
        self.deflated = _deflate(text)


def _deflate(data):
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


class SnapshotCache:
    """Snapshots of the `max_boards` boards asked for last, each at its latest seq, and its pieces.

    Thread-safe: Django runs concurrent requests' views in threads of their own. Snapshots and
    pieces are known by the very stroke objects of the store's history, not by names and seqs:
    a board deleted and drawn again (or a test's new database) reuses those, with other strokes.
    """

    def __init__(self, max_boards, gauge=None):
        self.max_boards = max_boards
        # A /metrics gauge of how many are kept, when the cache has one.
        self.gauge = gauge
        self._boards = OrderedDict()
        self._lock = threading.Lock()
        self.builds = 0
        self.hits = 0

    @classmethod
    def from_settings(cls, config):
        return cls(config["SNAPSHOT_CACHE_BOARDS"])

    @classmethod
    def of_views_from_settings(cls, config):
        """The cache of audience views (a student's page, the projector's), apart from the
        boards' whole snapshots, so that a class in lanes does not push every board out."""
        return cls(config["SNAPSHOT_CACHE_VIEWS"], gauge=metrics.SNAPSHOT_CACHE_VIEWS)

    def snapshot(self, state):
        """The Snapshot of `state` (a store.BoardState), from the cache or made now."""
        with self._lock:
            key = (state.name, state.view)
            cached = self._boards.get(key)
            if cached is not None:
                self._boards.move_to_end(key)
                snapshot, strokes, pieces = cached
                if snapshot.seq == state.seq and _same_strokes(strokes, state.strokes):
                    self.hits += 1
                    return snapshot
            else:
                pieces = {}
        snapshot, pieces = self._build(state, pieces)
        with self._lock:
            self.builds += 1
            current = self._boards.get(key)
            # A build that finished after a newer one of the same board is not kept.
            if current is None or current[0].seq <= snapshot.seq:
                self._boards[key] = (snapshot, state.strokes, pieces)
                self._boards.move_to_end(key)
            while len(self._boards) > self.max_boards:
                self._boards.popitem(last=False)
            if self.gauge is not None:
                self.gauge.set(len(self._boards))
        return snapshot

    @property
    def cached_boards(self):
        return len(self._boards)

    def _build(self, state, known):
        # The socket's message with its list left open, so the fields and their order are the same.
        empty = protocol.encode(protocol.snapshot(state.seq, [], 0, len(state.strokes))).encode()
        head, tail = empty[:-2], empty[-2:]
        pieces = {}
        texts, deflated = [head], [_deflate(head)]
        for first, run in _with_first(runs(state.strokes)):
            key = (first, tuple(map(id, run)))
            piece = known.get(key)
            if piece is None:
                text = protocol.encode([stroke.to_compact() for stroke in run])[1:-1].encode()
                piece = _Piece(run, text if first else b"," + text)
            pieces[key] = piece
            texts.append(piece.text)
            deflated.append(piece.deflated)
        texts.append(tail)
        deflated.append(_deflate(tail))
        crc, size = 0, 0
        for text in texts:
            crc = zlib.crc32(text, crc)
            size += len(text)
        body = b"".join(
            [
                _GZIP_HEADER,
                *deflated,
                _FINAL_BLOCK,
                crc.to_bytes(4, "little"),
                (size & 0xFFFFFFFF).to_bytes(4, "little"),
            ]
        )
        return Snapshot(state.name, state.seq, body, size, state.view, state.generation), pieces


def _same_strokes(kept, strokes):
    return len(kept) == len(strokes) and all(a is b for a, b in zip(kept, strokes, strict=True))


def _with_first(items):
    for index, item in enumerate(items):
        yield index == 0, item


def default_snapshots():
    """This process's snapshot cache, owned by the draw app."""
    return apps.get_app_config("draw").snapshots


def snapshots_for(state):
    """The cache holding the snapshots of `state`'s view: the whole board's, or the audiences'."""
    app = apps.get_app_config("draw")
    return app.snapshots if state.view == audience.EVERYONE else app.view_snapshots
