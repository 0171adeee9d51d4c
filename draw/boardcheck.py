"""Checking boards' logs against today's rules, and setting aside the rows that break them.

What `manage.py check_boards` runs. A row breaks the rules when it cannot be read back as an
event (draw/logrows.py: the forms of its item, its strings, its points) or when its item fails
to draw in an export. A running server already leaves such rows out; setting one aside moves
it whole into QuarantinedEvent and leaves a `skipped` row of the same seq in the log, so the
board's seqs stay gap-free and nothing is deleted.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from draw import checkpoints, export
from draw.exporter import fallback_font_path, text_font_path
from draw.history import SKIPPED, STROKE, skipped_event
from draw.logrows import UnreadableRow
from draw.models import Board, BoardEvent, QuarantinedEvent

# Rows read from the database at a time.
ROWS_PER_FETCH = 2000
# The PNG a board is drawn at to find items that fail to draw: small, as only failures count.
CHECK_SCALE = 0.25


@dataclass(frozen=True, slots=True)
class BadRow:
    seq: int
    kind: str
    author: str
    client_id: str
    reason: str


@dataclass
class BoardReport:
    board: str
    rows: int = 0
    bad: list = field(default_factory=list)
    set_aside: int = 0


def check_board(board):
    """A BoardReport of the board's log (a Board): every row that breaks today's rules."""
    report = BoardReport(board.name)
    history = _from_checkpoint(board)
    rows = BoardEvent.objects.filter(board=board).since(history.seq)
    for row in rows.iterator(chunk_size=ROWS_PER_FETCH):
        report.rows += 1
        try:
            event = row.as_history_event()
        except UnreadableRow as unreadable:
            report.bad.append(BadRow(row.seq, row.kind, row.author, row.client_id, unreadable.reason))
            event = skipped_event(row.seq)
        history.apply(event)
    report.bad.extend(_undrawable(board, history, {bad.seq for bad in report.bad}))
    report.bad.sort(key=lambda bad: bad.seq)
    return report


def _undrawable(board, history, known):
    """BadRows of the stroke rows whose items fail to draw in either export."""
    # Every stroke ever drawn, hidden ones too: an undo may show it again.
    strokes = list(history.strokes.values())
    left_out = []
    export.to_svg(board.width, board.height, strokes, left_out=left_out)
    export.to_png(
        board.width,
        board.height,
        strokes,
        CHECK_SCALE,
        font_path=text_font_path(),
        fallback_font_path=fallback_font_path(),
        left_out=left_out,
    )
    seqs = sorted({stroke.seq for stroke in left_out} - known)
    rows = BoardEvent.objects.filter(board=board, seq__in=seqs).order_by("seq")
    return [
        BadRow(row.seq, row.kind, row.author, row.client_id, "its item fails to draw in an export")
        for row in rows
    ]


def set_aside(board, report):
    """Move the report's bad rows of `board` into QuarantinedEvent, each leaving a `skipped` row."""
    seqs = [bad.seq for bad in report.bad]
    reasons = {bad.seq: bad.reason for bad in report.bad}
    with transaction.atomic():
        # Writers of the board wait: no seq is taken while its rows change.
        Board.objects.select_for_update().filter(pk=board.pk).first()
        rows = (
            BoardEvent.objects.filter(board=board, seq__in=seqs)
            .exclude(kind=SKIPPED)
            .annotate(stored_text=Cast("effect", TextField()))
        )
        moved = 0
        for row in rows:
            QuarantinedEvent.objects.create(
                board=board,
                seq=row.seq,
                kind=row.kind,
                author=row.author,
                client_id=row.client_id,
                stored_effect=row.stored_text,
                reason=reasons[row.seq],
                created_at=row.created_at,
            )
            BoardEvent.objects.filter(pk=row.pk).update(kind=SKIPPED, effect={})
            moved += 1
        Board.objects.filter(pk=board.pk).update(stroke_count=_visible_count(board))
    report.set_aside = moved
    return moved


def _visible_count(board):
    history = _from_checkpoint(board)
    for row in BoardEvent.objects.filter(board=board).since(history.seq).iterator(chunk_size=ROWS_PER_FETCH):
        try:
            history.apply(row.as_history_event())
        except UnreadableRow:
            history.apply(skipped_event(row.seq))
    return history.visible_count


def _from_checkpoint(board):
    """The board's history at its checkpoint (draw/checkpoints.py; empty without), unbounded:
    the rows after it are checked, as the rows it folded were before."""
    return checkpoints.read_history(
        board.pk, width=board.width, height=board.height, max_visible=2**62, max_visible_points=2**62
    )


def boards(names=()):
    """The boards to check: those named, or all, by name."""
    chosen = Board.objects.order_by("name")
    return chosen.filter(name__in=names) if names else chosen


def describe(bad):
    """One line of the report for a bad row."""
    what = "stroke" if bad.kind == STROKE else bad.kind
    return f"  seq {bad.seq}: {what} by {bad.author!r} (id {bad.client_id!r}): {bad.reason}"
