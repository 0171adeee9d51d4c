"""A host's lessons: the boards they made, kept, duplicated, deleted with an undo, and pruned.

A host is known by a host key of one board. Boards made by one host, or duplicated or begun
from one of theirs, share an `owner` (Board.owner, random, no secret), so a host key of any of
them opens the list of all of them, and another host's key opens only theirs. No HTTP here
(draw/archiveviews.py); the database is the store's.

Deleting is undone within DELETE_UNDO_DAYS: the board reads as no board at all meanwhile
(draw/store.py), and `manage.py prune_boards` removes it for good afterwards, as it removes the
boards nobody hosts that nobody opened for BOARD_RETENTION_DAYS. A request never deletes
anything for good.
"""

import datetime
import itertools
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from draw import hostkeys, store
from draw.boards import random_board_name
from draw.models import Board, BoardAsset
from draw.pages import FIRST_PAGE

# Readable names tried before a random tail is added to them.
READABLE_NAME_ATTEMPTS = 3
# What a duplicated lesson keeps of the one it was made from: its size, its worksheet (pages,
# paper, pictures) and how the class is run. Not its ink, its students or the moment's state
# (pens down, spotlight, reveal).
KEPT_BY_A_DUPLICATE = (
    "width",
    "height",
    "pages",
    "lanes",
    "anonymous",
    "names_visible",
    "student_laser",
    "badge",
    "spotlight_name",
    "dark",
)


@dataclass(frozen=True, slots=True)
class Lesson:
    """One of a host's boards as their list shows it."""

    name: str
    created_at: datetime.datetime
    drawn_at: datetime.datetime
    pages: int
    students: int
    strokes: int
    deleted_at: datetime.datetime | None
    host_key: str
    host_key_hash: str


def new_lesson(owner=None, **fields):
    """Make a hosted board under a name no board has yet, in `owner`'s lessons (a new list when
    None), with more of its columns in `fields`: (its name, its host key)."""
    for attempt in itertools.count():
        name = random_board_name()
        if attempt >= READABLE_NAME_ATTEMPTS:
            # Readable names can run short on a long-lived server; a random tail ends the search.
            name = f"{name}-{secrets.token_hex(3)}"
        key = store.default_store().create(name, hosted=True, owner=owner, **fields)
        if key is not None:
            return name, key


def owner_of(board):
    """The owner of the hosted `board` (a row), given one first when it was hosted before boards
    had owners: its list then begins with it."""
    if not board.owner:
        board.owner = store.new_owner()
        Board.objects.filter(pk=board.pk, owner="").update(owner=board.owner)
        board.owner = Board.objects.values_list("owner", flat=True).get(pk=board.pk)
    return board.owner


def lessons_of(owner, limit):
    """`owner`'s boards, newest first, at most `limit`: deleted ones too (their undo is offered)."""
    rows = (
        Board.objects.filter(owner=owner)
        .exclude(owner="")
        .annotate(students=Count("roster"))
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        Lesson(
            name=row.name,
            created_at=row.created_at,
            drawn_at=row.updated_at,
            pages=max(1, len(row.pages)),
            students=row.students,
            strokes=row.stroke_count,
            deleted_at=row.deleted_at,
            host_key=hostkeys.host_key(row.name, row.host_key_salt),
            host_key_hash=row.host_key_hash,
        )
        for row in rows
    ]


def lesson_of(owner, name):
    """`owner`'s board named `name` (a row), or None when it is nobody's or another host's."""
    if not owner:
        return None
    return Board.objects.filter(owner=owner, name=name).first()


def duplicate(board):
    """A new lesson of the same owner with `board`'s worksheet and none of its ink: (name, key)."""
    fields = {field: getattr(board, field) for field in KEPT_BY_A_DUPLICATE}
    pages = board.pages
    # The new lesson opens on its first page, whose paper and picture are the columns'.
    first = (
        pages[0]
        if pages
        else {
            "id": FIRST_PAGE,
            "background": board.background,
            "picture": board.picture,
        }
    )
    fields.update(page=first["id"], background=first["background"], picture=first["picture"] or "")
    with transaction.atomic():
        name, key = new_lesson(owner_of(board), **fields)
        copy = Board.objects.get(name=name)
        pictures = {page["picture"] for page in pages if page.get("picture")} | {board.picture}
        for asset in BoardAsset.objects.filter(board=board, digest__in=pictures - {""}):
            BoardAsset.objects.create(
                board=copy,
                digest=asset.digest,
                media_type=asset.media_type,
                width=asset.width,
                height=asset.height,
                data=asset.data,
            )
    return name, key


def delete(board, now):
    """Delete `board` (a row) for everyone until its undo: the time the undo ends."""
    Board.objects.filter(pk=board.pk, deleted_at__isnull=True).update(deleted_at=now)
    board.refresh_from_db(fields=["deleted_at"])
    return board.deleted_at


def undo_ends(deleted_at, undo_days):
    return deleted_at + datetime.timedelta(days=undo_days)


def restore(board, now, undo_days):
    """Undo the deletion of `board`: False once its undo has ended (pruning removes it then)."""
    if board.deleted_at is None:
        return True
    if now >= undo_ends(board.deleted_at, undo_days):
        return False
    Board.objects.filter(pk=board.pk).update(deleted_at=None)
    board.deleted_at = None
    return True


def prunable(now, retention_days, undo_days):
    """The boards `manage.py prune_boards` removes: deleted ones whose undo has ended, and those
    with no host that nobody opened for `retention_days` (nor drew on, for boards from before
    visits were noted)."""
    undone_by = now - datetime.timedelta(days=undo_days)
    forgotten_by = now - datetime.timedelta(days=retention_days)
    last_seen = Coalesce(F("visited_at"), F("updated_at"))
    return (
        Board.objects.annotate(last_seen=last_seen)
        .filter(Q(deleted_at__lt=undone_by) | Q(host_key_hash="", last_seen__lt=forgotten_by))
        .order_by("pk")
    )


def prune(now, retention_days, undo_days):
    """Remove the prunable boards, their logs, rosters and pictures: the names removed."""
    names = []
    for board in prunable(now, retention_days, undo_days).only("pk", "name"):
        # One at a time, each asked again as it goes: a board with a long log is one transaction,
        # and one opened or restored since the list was read stays.
        with transaction.atomic():
            removed, _ = prunable(now, retention_days, undo_days).filter(pk=board.pk).delete()
        if removed:
            names.append(board.name)
    return names
