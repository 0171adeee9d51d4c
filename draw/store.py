"""Boards in the database: committing events to the log and reading the board back.

Synchronous Django ORM code; consumers call it through database_sync_to_async. Each
process keeps a BoardHistory per board in memory and brings it up to date from the
log before every read and inside every commit, so several processes writing to one
PostgreSQL board still resolve undo and erase against the same, complete history.
"""

import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone

from draw.history import STROKE, BoardHistory, EditRefused
from draw.models import Board, BoardEvent


class CommitRefused(Exception):
    """The event was not stored; `code` and `reason` go back to its author."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class BoardState:
    """A board's committed state read at one moment: its size, its seq and its visible strokes."""

    name: str
    exists: bool
    width: int
    height: int
    seq: int
    strokes: tuple


@dataclass(frozen=True, slots=True)
class Commit:
    seq: int
    event: dict
    duplicate: bool


_histories = {}
_board_ids = {}
_lock = threading.Lock()


def board_for(name):
    """The board row, created with the configured size on first use."""
    board, _ = Board.objects.get_or_create(
        name=name,
        defaults={
            "width": settings.SKETCHSITE["BOARD_WIDTH"],
            "height": settings.SKETCHSITE["BOARD_HEIGHT"],
        },
    )
    _board_ids[name] = board.pk
    return board


class _CommitStatements:
    """The SQL of a commit, written once per database vendor.

    The ORM builds every query anew: for a stroke commit that was about 1.2 of its 1.4 ms
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
            f"SELECT {column(board, 'name')}, {column(board, 'last_seq')}, {column(board, 'stroke_count')} "
            f"FROM {quote(board.db_table)} WHERE {quote(board.pk.column)} = %s{lock}"
        )
        self.find_event = (
            f"SELECT {quote(event.pk.column)} FROM {quote(event.db_table)} "
            f"WHERE {column(event, 'board')} = %s AND {column(event, 'client_id')} = %s"
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


_statements = {}


def _statements_for(connection):
    statements = _statements.get(connection.vendor)
    if statements is None:
        statements = _statements[connection.vendor] = _CommitStatements(connection)
    return statements


def _lock_board(cursor, sql, name):
    """(pk, last_seq, stroke_count) of the board, its row locked until the transaction ends."""
    for attempt in range(2):
        pk = _board_ids.get(name)
        if pk is None or attempt:
            pk = board_for(name).pk
        cursor.execute(sql.lock_board, [pk])
        row = cursor.fetchone()
        # A board's pk never changes, unless the database was reset under this process
        # (tests do that): then the name is looked up again.
        if row is not None and row[0] == name:
            return pk, row[1], row[2]
    raise Board.DoesNotExist(name)


def history_for(board_id, last_seq):
    """This process's history of a board, caught up with every committed event up to `last_seq`."""
    with _lock:
        history = _histories.get(board_id)
        if history is None or history.seq > last_seq:
            # Unknown board, or a database that was reset under this process.
            history = _histories[board_id] = BoardHistory()
        if history.seq < last_seq:
            for event in BoardEvent.objects.filter(board_id=board_id).since(history.seq).iterator():
                history.apply(event.as_history_event())
        return history


def read_board(name):
    """(board row, up-to-date history) for a joining client or an export."""
    board = board_for(name)
    return board, history_for(board.pk, board.last_seq)


def board_state(name):
    """The board's committed state, read consistently; `exists` is False for a board never drawn on."""
    board, history = read_board(name)
    with _lock:
        return BoardState(name, True, board.width, board.height, history.seq, tuple(history.visible_strokes()))


def events_since(board, seq, limit):
    """Up to `limit` committed events after `seq`, as history events."""
    return [event.as_history_event() for event in BoardEvent.objects.filter(board=board).since(seq)[:limit]]


def commit(name, kind, author, client_id, request):
    """Append one event to a board's log, or return the stored one if `client_id` was seen before."""
    connection = connections[DEFAULT_DB_ALIAS]
    sql = _statements_for(connection)
    board_id = None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # The row lock serialises writers of one board across processes: seqs stay
            # gap-free (a failed insert rolls the bump back) and ordered.
            board_id, last_seq, stroke_count = _lock_board(cursor, sql, name)
            cursor.execute(sql.find_event, [board_id, client_id])
            if cursor.fetchone() is not None:
                return _duplicate(_stored_event(board_id, client_id), author)
            history = history_for(board_id, last_seq)
            if kind == STROKE and stroke_count >= settings.SKETCHSITE["MAX_STROKES_PER_BOARD"]:
                raise CommitRefused(
                    "board_full",
                    f"this board is full ({stroke_count} strokes); start a new board or clear this one",
                )
            try:
                effect = history.resolve(kind, author, request)
            except EditRefused as refused:
                raise CommitRefused(refused.code, refused.reason) from None
            seq = last_seq + 1
            now = sql.time_field.get_db_prep_save(timezone.now(), connection)
            stored_effect = sql.effect_field.get_db_prep_save(effect, connection)
            cursor.execute(sql.insert_event, [board_id, seq, kind, author, client_id, stored_effect, now])
            cursor.execute(sql.bump_board, [seq, stroke_count + (kind == STROKE), now, board_id])
    except IntegrityError:
        # Another process stored the same client id first (anything else is re-raised).
        existing = _stored_event(board_id, client_id) if board_id is not None else None
        if existing is None:
            raise
        return _duplicate(existing, author)
    event = {"seq": seq, "kind": kind, "author": author, **effect}
    with _lock:
        history.apply(event)
    return Commit(seq=seq, event=event, duplicate=False)


def _stored_event(board_id, client_id):
    return BoardEvent.objects.filter(board_id=board_id, client_id=client_id).first()


def _duplicate(existing, author):
    """A client id seen before: its stored event again, or refused if someone else used it."""
    if existing.author != author:
        raise CommitRefused("duplicate_id", "another participant already used that id on this board")
    return Commit(seq=existing.seq, event=existing.as_history_event(), duplicate=True)


def forget_cached_boards():
    """Drop every cached history and board id (tests that reset the database between runs)."""
    with _lock:
        _histories.clear()
        _board_ids.clear()
