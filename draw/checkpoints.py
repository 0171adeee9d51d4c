"""Boards' checkpoints in the database: a history read from one, and a board's log compacted
into one (draw/compaction.py has the rule of what may be folded).

A compaction writes the checkpoint, deletes the rows it folds and moves the board's
`checkpoint_seq`, all in one transaction under the board's row lock, the lock every commit
takes: a process killed in the middle leaves the old log or the new one, never a mix, and a
commit of another process waits and lands after it.
"""

from dataclasses import dataclass

from django.db import transaction

from draw.compaction import checkpoint_state, folding, history_from, log_entry
from draw.history import BoardHistory
from draw.models import Board, BoardCheckpoint, BoardEvent


@dataclass(frozen=True, slots=True)
class Compacted:
    """What one compaction of a board did: its checkpoint's seq, the rows deleted and kept, and
    the items left out of the checkpoint."""

    board: str
    seq: int
    rows_deleted: int
    rows_kept: int
    folded: int
    items_kept: int


def read_history(board_id, **limits):
    """The board's history at its checkpoint (empty at seq 0 without one), with `limits` as
    BoardHistory takes them."""
    row = BoardCheckpoint.objects.filter(board_id=board_id).values_list("state", flat=True).first()
    return BoardHistory(**limits) if row is None else history_from(row, **limits)


def log_entry_of(board_id):
    """The board's checkpoint as its log gives it out (draw/compaction.log_entry), or None."""
    row = BoardCheckpoint.objects.filter(board_id=board_id).values_list("state", "at").first()
    return None if row is None else log_entry(row[0], int(row[1].timestamp() * 1000))


def compact(name, event_of, keep_events, min_folded, **limits):
    """Fold the board's log but its newest `keep_events` rows into a checkpoint, when that leaves
    out at least `min_folded` items; the Compacted, or None when it is not worth it (or another
    compaction of the board came first). `event_of(row)` reads a row as the store does."""
    board = Board.objects.filter(name=name).values("pk", "last_seq", "checkpoint_seq").first()
    if board is None:
        return None
    seq = board["last_seq"] - keep_events
    if seq <= board["checkpoint_seq"]:
        return None
    # The rows up to `seq` never change: they are read before the lock, so commits wait only
    # for the writing.
    history = read_history(board["pk"], **limits)
    rows = BoardEvent.objects.filter(board_id=board["pk"], seq__lte=seq).since(history.seq)
    for row in rows.iterator(chunk_size=2000):
        history.apply(event_of(row))
    if history.seq != seq:
        return None
    left_out = folding(history)
    if len(left_out.folded) < min_folded:
        return None
    at = BoardEvent.objects.filter(board_id=board["pk"], seq=seq).values_list("created_at", flat=True).get()
    state = checkpoint_state(history)
    with transaction.atomic():
        locked = (
            Board.objects.select_for_update().filter(pk=board["pk"]).values_list("checkpoint_seq", flat=True)
        )
        if locked.first() != board["checkpoint_seq"]:
            return None
        BoardCheckpoint.objects.update_or_create(
            board_id=board["pk"], defaults={"seq": seq, "state": state, "at": at}
        )
        deleted, _ = BoardEvent.objects.filter(board_id=board["pk"], seq__lte=seq).delete()
        Board.objects.filter(pk=board["pk"]).update(checkpoint_seq=seq)
        kept = BoardEvent.objects.filter(board_id=board["pk"]).count()
    return Compacted(name, seq, deleted, kept, len(left_out.folded), left_out.kept)
