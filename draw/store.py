"""Boards in the database: committing events to the log and reading the board back.

Synchronous Django ORM code; consumers call it through database_sync_to_async. Each
process keeps a BoardHistory per board in memory and brings it up to date from the
log before every read and inside every commit, so several processes writing to one
PostgreSQL board still resolve undo and erase against the same, complete history.
"""

import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from draw.history import STROKE, BoardHistory, EditRefused
from draw.models import Board, BoardEvent


class CommitRefused(Exception):
    """The event was not stored; `code` and `reason` go back to its author."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


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


def _locked_board(name):
    """The board row, locked until the transaction ends (a board's pk never changes)."""
    pk = _board_ids.get(name)
    if pk is None:
        pk = board_for(name).pk
    board = Board.objects.select_for_update().filter(pk=pk).first()
    if board is None or board.name != name:
        # The database was reset under this process (tests do that); look the name up again.
        board = Board.objects.select_for_update().get(pk=board_for(name).pk)
    return board


def history_for(board):
    """This process's history of `board`, caught up with every committed event."""
    with _lock:
        history = _histories.get(board.pk)
        if history is None or history.seq > board.last_seq:
            # Unknown board, or a database that was reset under this process.
            history = _histories[board.pk] = BoardHistory()
        if history.seq < board.last_seq:
            for event in BoardEvent.objects.filter(board=board).since(history.seq).iterator():
                history.apply(event.as_history_event())
        return history


def read_board(name):
    """(board row, up-to-date history) for a joining client or an export."""
    board = board_for(name)
    return board, history_for(board)


def events_since(board, seq, limit):
    """Up to `limit` committed events after `seq`, as history events."""
    return [event.as_history_event() for event in BoardEvent.objects.filter(board=board).since(seq)[:limit]]


def commit(name, kind, author, client_id, request):
    """Append one event to a board's log, or return the stored one if `client_id` was seen before."""
    board = None
    try:
        with transaction.atomic():
            # The row lock serialises writers of one board across processes: seqs stay
            # gap-free (a failed insert rolls the bump back) and ordered.
            board = _locked_board(name)
            existing = BoardEvent.objects.filter(board=board, client_id=client_id).first()
            if existing is not None:
                return _duplicate(existing, author)
            history = history_for(board)
            if kind == STROKE and board.stroke_count >= settings.SKETCHSITE["MAX_STROKES_PER_BOARD"]:
                raise CommitRefused(
                    "board_full",
                    f"this board is full ({board.stroke_count} strokes); start a new board or clear this one",
                )
            try:
                effect = history.resolve(kind, author, request)
            except EditRefused as refused:
                raise CommitRefused(refused.code, refused.reason) from None
            seq = board.last_seq + 1
            BoardEvent.objects.create(
                board=board, seq=seq, kind=kind, author=author, client_id=client_id, effect=effect
            )
            board.last_seq = seq
            board.stroke_count += kind == STROKE
            board.save(update_fields=["last_seq", "stroke_count", "updated_at"])
    except IntegrityError:
        if board is None:
            raise
        # Another process stored the same client id first.
        existing = BoardEvent.objects.filter(board=board, client_id=client_id).first()
        if existing is None:
            raise
        return _duplicate(existing, author)
    event = {"seq": seq, "kind": kind, "author": author, **effect}
    with _lock:
        history.apply(event)
    return Commit(seq=seq, event=event, duplicate=False)


def _duplicate(existing, author):
    if existing.author != author:
        raise CommitRefused("duplicate_id", "another participant already used that id on this board")
    return Commit(seq=existing.seq, event=existing.as_history_event(), duplicate=True)


def forget_cached_boards():
    """Drop every cached history and board id (tests that reset the database between runs)."""
    with _lock:
        _histories.clear()
        _board_ids.clear()
