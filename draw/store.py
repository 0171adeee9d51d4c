"""Boards in the database: committing events to the log and reading the board back.

Synchronous Django database code; consumers call it through database_sync_to_async.
A BoardStore keeps, per board, its row's id and a BoardHistory in a bounded cache, and
brings the history up to date from the log before every read and inside every commit,
so several processes writing to one PostgreSQL board still resolve undo and erase
against the same, complete history. A board has no row until something is committed
to it: opening a board, or connecting to any name, stores nothing.

A board's log may start with a checkpoint (draw/checkpoints.py): a history is then read from
it, and read again when the board's checkpoint is another than the one it was read from.
"""

import datetime
import logging
import secrets
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import NamedTuple

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone

from draw import audience, checkpoints, hostkeys, metrics
from draw.boards import new_join_code
from draw.classroom import PAGE_SETTINGS, ClassSettings
from draw.errors import ProtocolError
from draw.history import STROKE, BoardHistory, skipped_event
from draw.logrows import UnreadableRow
from draw.models import Board, BoardAsset, BoardEvent
from draw.outages import OutageLog
from draw.pages import page_of_item

# A board's last visit is stored at most this often: thirty students joining at once write it once.
VISIT_RESOLUTION = datetime.timedelta(minutes=1)
# Tries at a join code no board has before giving up (32^6 codes: a clash is rare already).
JOIN_CODE_ATTEMPTS = 20
# Reads of a log that a compaction may fold under them before the last one is given as it is.
_READ_ATTEMPTS = 3

logger = logging.getLogger(__name__)


def new_owner():
    """A new host's id for their list of lessons (Board.owner): random, and no secret."""
    return secrets.token_hex(16)


@dataclass(frozen=True, slots=True)
class BoardState:
    """A board's committed state read at one moment: its size, its seq and its visible strokes."""

    name: str
    exists: bool
    width: int
    height: int
    seq: int
    strokes: tuple
    classroom: ClassSettings = ClassSettings()
    host_key_hash: str = ""
    join_code: str | None = None
    removed: frozenset = frozenset()
    # Whose view of the board this is (draw/audience.py group); the whole board by default.
    view: str = audience.EVERYONE
    # Deleted by its host (draw/archive.py): it reads as no board at all until the undo.
    deleted: bool = False
    # The board's row (its id; 0 for no row): a board removed and drawn again to the same seq
    # is another generation, so no cache or ETag takes one for the other.
    generation: int = 0

    def seen_by(self, who, settings=None):
        """This state as audience `who` sees it under `settings` (the board's own by default):
        only the strokes on pages they see, named by the view it is, for caches and ETags."""
        settings = self.classroom if settings is None else settings
        view = audience.group_of(who, settings)
        if view == audience.EVERYONE:
            return self
        # Settings of another version may show other pages (a new spotlight): cached apart.
        view = f"{view}@{settings.version}"
        return replace(self, strokes=tuple(audience.view_strokes(self.strokes, who, settings)), view=view)

    def on_page(self, page=None):
        """This state as one page of its lesson shows it (the current page by default): that page's
        strokes under its paper and picture (draw/pages.py); a page it does not have shows none."""
        settings = self.classroom
        page = settings.page if page is None else page
        strokes = tuple(stroke for stroke in self.strokes if page_of_item(stroke.item) == page)
        return replace(self, strokes=strokes, classroom=settings.with_pages(settings.pages, page))


@dataclass(frozen=True, slots=True)
class Commit:
    seq: int
    event: dict
    duplicate: bool


class _CommitStatements:
    """The SQL of a commit, written once per database vendor.

    The ORM builds every query anew, which was most of a stroke commit's time
    (docs/performance.md), spent in the one database thread while holding the GIL the
    event loop needs. Table and column names still come from the models.
    """

    def __init__(self, connection):
        quote = connection.ops.quote_name
        board, event = Board._meta, BoardEvent._meta

        def column(meta, field):
            return quote(meta.get_field(field).column)

        # SQLite has no FOR UPDATE; its IMMEDIATE transaction already holds the write lock.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        self.lock_board = (
            f"SELECT {column(board, 'last_seq')}, {column(board, 'checkpoint_seq')}, "
            f"{column(board, 'deleted_at')} FROM {quote(board.db_table)} "
            f"WHERE {quote(board.pk.column)} = %s{lock}"
        )
        self.find_event = (
            f"SELECT {quote(event.pk.column)} FROM {quote(event.db_table)} "
            f"WHERE {column(event, 'board')} = %s AND {column(event, 'author')} = %s "
            f"AND {column(event, 'client_id')} = %s"
        )
        event_columns = ("board", "seq", "kind", "author", "client_id", "effect", "created_at")
        names = ", ".join(column(event, name) for name in event_columns)
        placeholders = ", ".join(["%s"] * len(event_columns))
        self.insert_event = f"INSERT INTO {quote(event.db_table)} ({names}) VALUES ({placeholders})"
        self.bump_board = (
            f"UPDATE {quote(board.db_table)} SET {column(board, 'last_seq')} = %s, "
            f"{column(board, 'stroke_count')} = %s, {column(board, 'updated_at')} = %s "
            f"WHERE {quote(board.pk.column)} = %s"
        )
        self.effect_field = event.get_field("effect")
        self.time_field = event.get_field("created_at")


_STATE_FIELDS = (
    "pk",
    "width",
    "height",
    "last_seq",
    "checkpoint_seq",
    "host_key_hash",
    "join_code",
    "removed_participants",
    "class_version",
    "deleted_at",
    *ClassSettings.__dataclass_fields__.keys() - {"hosted", "version"},
)


class _BoardRow(NamedTuple):
    pk: int
    width: int
    height: int


class _CachedBoard:
    """A board's row id and its history as far as this process has read the log, from the
    board's checkpoint of `checkpoint_seq` (0: from the first row)."""

    __slots__ = ("board_id", "width", "height", "history", "checkpoint_seq")

    def __init__(self, board_id, width, height, history):
        self.board_id = board_id
        self.width = width
        self.height = height
        self.history = history
        self.checkpoint_seq = history.seq


class UnreadableRows:
    """The rows of boards' logs this process has left out, each logged and counted once.

    Remembered for the `max_boards` boards that had one last; a board forgotten loses its
    `/metrics` count too (a counter that starts again), so neither grows with every board.
    """

    def __init__(self, max_boards):
        self.max_boards = max_boards
        self._boards = OrderedDict()
        self._lock = threading.Lock()

    def left_out(self, board, seq, reason):
        with self._lock:
            seqs = self._boards.get(board)
            if seqs is None:
                seqs = self._boards[board] = set()
            self._boards.move_to_end(board)
            while len(self._boards) > self.max_boards:
                forgotten, _ = self._boards.popitem(last=False)
                metrics.UNREADABLE_ROWS.remove(forgotten)
            if seq in seqs:
                return
            seqs.add(seq)
        metrics.UNREADABLE_ROWS.labels(board).inc()
        logger.error(
            "board %s: row %s of its log is left out (%s); `manage.py check_boards --fix` sets it aside",
            board,
            seq,
            reason,
        )

    def of(self, board):
        """The seqs of `board`'s rows left out so far."""
        with self._lock:
            return frozenset(self._boards.get(board, ()))


class BoardStore:
    """The boards of one process: commits, consistent reads, and a bounded cache of histories."""

    def __init__(self, limits, max_cached_boards, undo_depth=None):
        self.limits = limits
        self.max_cached_boards = max_cached_boards
        # Actions each author's undo stack of a page keeps (draw/history.py); None: all.
        self.undo_depth = undo_depth
        self.unreadable = UnreadableRows(max_cached_boards)
        self._cache = OrderedDict()
        self._lock = threading.Lock()
        self._statements = {}
        # Boards whose database work is failing, each logged once per outage.
        self._outages = {}

    # --- reading ---------------------------------------------------------------

    def read(self, name):
        """The board's state now: its seq and visible strokes taken under one lock, so they agree."""
        with self._watching(name):
            return self._read(name)

    def _read(self, name):
        board = Board.objects.filter(name=name).values(*_STATE_FIELDS).first()
        if board is None:
            return BoardState(name, False, self.limits.board_width, self.limits.board_height, 0, ())
        if board["deleted_at"] is not None:
            return BoardState(
                name, False, self.limits.board_width, self.limits.board_height, 0, (), deleted=True
            )
        cached = self._caught_up(
            name, board["pk"], board["width"], board["height"], board["last_seq"], board["checkpoint_seq"]
        )
        with self._lock:
            strokes = tuple(cached.history.visible_strokes())
            seq = cached.history.seq
        return BoardState(
            name,
            True,
            cached.width,
            cached.height,
            seq,
            strokes,
            classroom=ClassSettings.from_row(board),
            host_key_hash=board["host_key_hash"],
            join_code=board["join_code"],
            removed=frozenset(board["removed_participants"]),
            generation=board["pk"],
        )

    def timed_events_since(self, name, seq, limit):
        """Up to `limit` entries of the board's log after `seq`, each with `at`: when it was
        committed, in ms since the epoch (the replay's clock, frontend/replay.js). When rows
        after `seq` were folded, the first entry is the board's checkpoint (draw/compaction.py)."""
        for _ in range(_READ_ATTEMPTS):
            board = Board.objects.filter(name=name).values("pk", "checkpoint_seq").first()
            if board is None:
                return []
            entries, after = [], seq
            if seq < board["checkpoint_seq"]:
                entry = checkpoints.log_entry_of(board["pk"])
                if entry is not None and entry["seq"] > seq:
                    entries, after = [entry], entry["seq"]
            rows = BoardEvent.objects.filter(board_id=board["pk"]).since(after)[
                : max(0, limit - len(entries))
            ]
            events = [
                {**self._event_of(name, row), "at": int(row.created_at.timestamp() * 1000)} for row in rows
            ]
            if not events or events[0]["seq"] == after + 1 or not self._folded_after(board["pk"], after):
                return entries + events
            # A compaction folded the rows after the checkpoint read: read the new one.
        return entries + events

    def events_since(self, name, seq, limit):
        """Up to `limit` committed events of the board after `seq`, as history events (a row that
        cannot be read as its `skipped` stand-in); None when some of them are folded into the
        board's checkpoint, and only a snapshot brings a reader there."""
        board = Board.objects.filter(name=name).values("pk", "checkpoint_seq").first()
        if board is None:
            return []
        if seq < board["checkpoint_seq"]:
            return None
        rows = BoardEvent.objects.filter(board_id=board["pk"]).since(seq)[:limit]
        events = [self._event_of(name, row) for row in rows]
        if events and events[0]["seq"] != seq + 1 and self._folded_after(board["pk"], seq):
            return None
        return events

    def compact(self, name, keep_events, min_folded):
        """Fold the board's old rows into a checkpoint (draw/checkpoints.py); the Compacted, or
        None. This process's history of the board is read again from the checkpoint."""
        with self._watching(name):
            row = Board.objects.filter(name=name).values("width", "height").first()
            if row is None:
                return None
            done = checkpoints.compact(
                name,
                lambda event_row: self._event_of(name, event_row),
                keep_events,
                min_folded,
                **self._history_limits(row["width"], row["height"]),
            )
        if done is not None:
            with self._lock:
                self._cache.pop(name, None)
        return done

    @property
    def cached_boards(self):
        return len(self._cache)

    def cached_seqs(self):
        """{name: (generation, seq)} of the boards this process holds, as far as it has read them."""
        with self._lock:
            return {name: (cached.board_id, cached.history.seq) for name, cached in self._cache.items()}

    def stored_seqs(self, names):
        """{name: (generation, seq)} of the boards `names` as the database has them now (another
        process may have committed since this one last read them), in one query."""
        rows = Board.objects.filter(name__in=list(names)).values_list("name", "pk", "last_seq")
        return {name: (pk, last_seq) for name, pk, last_seq in rows}

    # --- committing --------------------------------------------------------------

    def commit(self, name, kind, participant, client_id, request):
        """Append one event to a board's log, or return the stored one if the author sent it before.

        Raises ProtocolError when the history refuses it (nothing to undo, board full...) and
        DatabaseError when the database fails (the caller may send it again later).
        """
        with self._watching(name):
            return self._commit(name, kind, participant, client_id, request)

    def _commit(self, name, kind, participant, client_id, request):
        connection = connections[DEFAULT_DB_ALIAS]
        sql = self._statements_for(connection)
        author = participant.id
        # The cached row spares the ORM lookup, which costs more than the rest of a commit.
        board = self._cached_row(name) or self._row_for(name, kind)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # The row lock serialises writers of one board across processes: seqs stay
                # gap-free (a failed insert rolls the bump back) and ordered.
                cursor.execute(sql.lock_board, [board.pk])
                locked = cursor.fetchone()
                if locked is None:
                    # Deleted since it was cached (the admin can delete a board).
                    board = self._row_for(name, kind)
                    cursor.execute(sql.lock_board, [board.pk])
                    locked = cursor.fetchone()
                last_seq, checkpoint_seq, deleted_at = locked
                if deleted_at is not None:
                    # Its sockets are being closed (CLOSE_BOARD_DELETED); one that has not heard yet
                    # writes nothing on a board its host took away.
                    raise ProtocolError("forbidden", "the host deleted this board")
                cursor.execute(sql.find_event, [board.pk, author, client_id])
                if cursor.fetchone() is not None:
                    return self._duplicate(name, board.pk, author, client_id)
                cached = self._caught_up(name, board.pk, board.width, board.height, last_seq, checkpoint_seq)
                history = cached.history
                with self._lock:
                    effect = history.resolve(kind, author, request)
                    visible = history.visible_count_after(kind, effect)
                seq = last_seq + 1
                now = sql.time_field.get_db_prep_save(timezone.now(), connection)
                stored_effect = sql.effect_field.get_db_prep_save(effect, connection)
                cursor.execute(sql.insert_event, [board.pk, seq, kind, author, client_id, stored_effect, now])
                cursor.execute(sql.bump_board, [seq, visible, now, board.pk])
        except IntegrityError:
            # The same author's id stored by another process first (anything else is re-raised).
            if not BoardEvent.objects.filter(board_id=board.pk, author=author, client_id=client_id).exists():
                raise
            return self._duplicate(name, board.pk, author, client_id)
        # Applied only once stored, so a reader never sees an event the database rolled back.
        event = {"seq": seq, "kind": kind, "author": author, **effect}
        with self._lock:
            history.apply(event)
        return Commit(seq=seq, event=event, duplicate=False)

    def visited(self, name):
        """Note that a page of the board was opened now, at most once per VISIT_RESOLUTION: what
        `manage.py prune_boards` measures a board's age by (draw/archive.py)."""
        now = timezone.now()
        stale = Q(visited_at__isnull=True) | Q(visited_at__lt=now - VISIT_RESOLUTION)
        Board.objects.filter(stale, name=name).update(visited_at=now)

    # --- class mode ----------------------------------------------------------------

    def create(self, name, hosted=True, owner=None, **fields):
        """Make a board's row (its join code, and a host key when `hosted`); the host key, or None.

        None too when the board exists already: its host link is the host's to share. A hosted
        board joins `owner`'s lessons (draw/archive.py), or begins a list of its own; `fields`
        are more of its columns (a duplicated lesson's pages).
        """
        try:
            with transaction.atomic():
                board = self._new_row(name, hosted, owner, **fields)
        except IntegrityError:
            if Board.objects.filter(name=name).exists():
                return None
            raise
        return hostkeys.host_key(name, board.host_key_salt) if hosted else None

    def host_key(self, name, reset=False):
        """The board's host key, given it a host first if it has none (or a new one on `reset`)."""
        with transaction.atomic():
            board = Board.objects.select_for_update().filter(name=name).first()
            if board is None:
                board = self._new_row(name, hosted=True)
            elif reset or not board.host_key_hash:
                board.host_key_salt = hostkeys.new_salt()
                key = hostkeys.host_key(name, board.host_key_salt)
                board.host_key_hash = hostkeys.key_hash(key)
                board.class_version += 1
                # A board given its first host begins a list of lessons of its own.
                board.owner = board.owner or new_owner()
                board.save(
                    update_fields=["host_key_salt", "host_key_hash", "class_version", "owner", "updated_at"]
                )
            return hostkeys.host_key(name, board.host_key_salt)

    def set_class(self, name, changes):
        """Store changed class settings; the board's ClassSettings afterwards."""
        with self._watching(name), transaction.atomic():
            board = Board.objects.select_for_update().filter(name=name).first()
            if board is None:
                board = self._new_row(name, hosted=False)
            settings = ClassSettings.from_row(board).changed(changes)
            for setting in changes.keys() - PAGE_SETTINGS:
                value = getattr(settings, setting)
                # The column keeps "" for no spotlight.
                setattr(board, setting, "" if value is None else value)
            stored = [*changes.keys() - PAGE_SETTINGS]
            if changes.keys() & PAGE_SETTINGS:
                board.pages = [page.to_wire() for page in settings.pages]
                board.page = settings.page
                board.background = settings.background
                board.picture = settings.picture or ""
                stored += ["pages", "page", "background", "picture"]
            board.class_version = settings.version
            board.save(update_fields=[*stored, "class_version", "updated_at"])
            return settings

    def has_picture(self, name, digest):
        """Whether a picture of that digest was uploaded to the board (draw/uploadviews.py)."""
        with self._watching(name):
            return BoardAsset.objects.filter(board__name=name, digest=digest).exists()

    def picture(self, name, digest):
        """(media type, bytes, width, height) of one of the board's pictures, or None."""
        with self._watching(name):
            row = (
                BoardAsset.objects.filter(board__name=name, digest=digest)
                .values_list("media_type", "data", "width", "height")
                .first()
            )
        return None if row is None else (row[0], bytes(row[1]), row[2], row[3])

    def remove_participant(self, name, participant_id, max_removed):
        """Refuse this participant's token on the board from now on (the newest `max_removed` kept)."""
        with self._watching(name), transaction.atomic():
            board = Board.objects.select_for_update().filter(name=name).first()
            if board is None:
                board = self._new_row(name, hosted=False)
            removed = [pid for pid in board.removed_participants if pid != participant_id]
            board.removed_participants = [*removed, participant_id][-max_removed:]
            board.save(update_fields=["removed_participants", "updated_at"])

    def _new_row(self, name, hosted, owner=None, **more):
        """A new board row with a join code no other board has (inside the caller's transaction)."""
        salt = hostkeys.new_salt() if hosted else ""
        fields = {
            **more,
            "owner": (owner or new_owner()) if hosted else "",
            "name": name,
            "width": self.limits.board_width,
            "height": self.limits.board_height,
            "host_key_salt": salt,
            "host_key_hash": hostkeys.key_hash(hostkeys.host_key(name, salt)) if hosted else "",
        }
        for _ in range(JOIN_CODE_ATTEMPTS):
            code = new_join_code()
            if not Board.objects.filter(join_code=code).exists():
                return Board.objects.create(join_code=code, **fields)
        raise RuntimeError("no free join code found")

    # --- internals -----------------------------------------------------------------

    @contextmanager
    def _watching(self, name):
        """Log a board's database failures once per outage, and when they end."""
        try:
            yield
        except DatabaseError as error:
            with self._lock:
                outage = self._outages.get(name)
                if outage is None:
                    outage = self._outages[name] = OutageLog(logger, f"database for board {name}")
            outage.failed(error)
            raise
        else:
            if self._outages:
                with self._lock:
                    outage = self._outages.pop(name, None)
                if outage is not None:
                    outage.recovered()

    def _cached_row(self, name):
        """The board's row id and size as this process last read them, or None."""
        with self._lock:
            cached = self._cache.get(name)
        return None if cached is None else _BoardRow(cached.board_id, cached.width, cached.height)

    def _row_for(self, name, kind):
        """The board's row, made with the configured size by the first stroke committed to it."""
        if kind != STROKE:
            board = Board.objects.filter(name=name).first()
            if board is None:
                # An edit of a board nobody drew on changes nothing: refused, and nothing stored.
                BoardHistory().resolve(kind, "", {"strokes": []})
            return board
        board = Board.objects.filter(name=name).first()
        if board is None:
            # A board made by its first stroke has nobody hosting it (an open canvas).
            self.create(name, hosted=False)
            board = Board.objects.get(name=name)
        return board

    def _caught_up(self, name, board_id, width, height, last_seq, checkpoint_seq):
        """The cached board, its history brought up to `last_seq` from the log."""
        with self._lock:
            cached = self._cache.get(name)
            # New to this process, the board deleted and made again since, or its log compacted
            # since: read from its checkpoint, which holds less than the history read before.
            if cached is None or cached.board_id != board_id or cached.checkpoint_seq != checkpoint_seq:
                cached = self._loaded(board_id, width, height)
                self._cache[name] = cached
            self._cache.move_to_end(name)
            while len(self._cache) > self.max_cached_boards:
                self._cache.popitem(last=False)
            if cached.history.seq < last_seq and not self._read_rows(name, cached):
                # Rows it needed were folded meanwhile (only a read, holding no lock, meets that).
                cached = self._cache[name] = self._loaded(board_id, width, height)
                self._read_rows(name, cached)
            return cached

    def _loaded(self, board_id, width, height):
        history = checkpoints.read_history(board_id, **self._history_limits(width, height))
        return _CachedBoard(board_id, width, height, history)

    def _read_rows(self, name, cached):
        """Apply the rows after the history's seq; False when the next of them is folded."""
        history = cached.history
        for row in BoardEvent.objects.filter(board_id=cached.board_id).since(history.seq).iterator():
            if row.seq != history.seq + 1 and self._folded_after(cached.board_id, history.seq):
                return False
            history.apply(self._event_of(name, row))
        return True

    def _folded_after(self, board_id, seq):
        """Whether rows after `seq` are folded into the board's checkpoint now."""
        return Board.objects.filter(pk=board_id, checkpoint_seq__gt=seq).exists()

    def _history_limits(self, width, height):
        return {
            "width": width,
            "height": height,
            "max_visible": self.limits.max_strokes_per_board,
            "max_visible_points": self.limits.max_points_per_board,
            "undo_depth": self.undo_depth,
        }

    def _event_of(self, name, row):
        """The row's event, or, when it breaks today's rules, its `skipped` stand-in: one bad row
        must not keep the board from opening (draw/logrows.py)."""
        try:
            return row.as_history_event()
        except UnreadableRow as unreadable:
            self.unreadable.left_out(name, row.seq, unreadable.reason)
            return skipped_event(row.seq)

    def _duplicate(self, name, board_id, author, client_id):
        existing = BoardEvent.objects.get(board_id=board_id, author=author, client_id=client_id)
        return Commit(seq=existing.seq, event=self._event_of(name, existing), duplicate=True)

    def _statements_for(self, connection):
        statements = self._statements.get(connection.vendor)
        if statements is None:
            statements = self._statements[connection.vendor] = _CommitStatements(connection)
        return statements


def default_store():
    """The store of this process, owned by the draw app (tests install one of their own)."""
    return apps.get_app_config("draw").store


# For code that reads or writes one board without holding a store (views, admin, tests).


def board_state(name):
    return default_store().read(name)


def commit(name, kind, participant, client_id, request):
    return default_store().commit(name, kind, participant, client_id, request)
