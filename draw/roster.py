"""A board's roster: the students who joined it with its code, in join order, and the students
whose pages the host downloads.

The names typed at the join are kept here (tokens carry them too, but the host's downloads and
grid need them after a student has gone). A student whose ink is on the board without an entry
(joined before rosters were kept or after the roster was full, or opened the board's address
without the join form, which makes a new participant) still has a page: numbered after the
roster's students, in the order of their first ink on show.
"""

from dataclasses import dataclass

from django.db import transaction

from draw.models import Board, RosterEntry
from draw.participants import is_host_participant_id


@dataclass(frozen=True, slots=True)
class Student:
    """A student of a board: their participant id, their name (None: anonymous board, or not
    known) and their 1-based place in join order."""

    participant: str
    name: str | None
    number: int

    @property
    def label(self):
        """What the host's pages call them: their name, else "Student <number>"."""
        return self.name or f"Student {self.number}"


def record_join(board, participant, name, limit):
    """Keep that `participant` joined `board` (its row) as `name`: False when the roster holds
    `limit` students already. A second join of one id keeps its place and takes the newer name."""
    with transaction.atomic():
        # The board's row lock: two joins at once cannot both take the roster's last place.
        list(Board.objects.select_for_update().filter(pk=board.pk).values_list("pk"))
        if RosterEntry.objects.filter(board_id=board.pk, participant=participant).update(name=name):
            return True
        if RosterEntry.objects.filter(board_id=board.pk).count() >= limit:
            return False
        RosterEntry.objects.create(board_id=board.pk, participant=participant, name=name)
    return True


def students(board_name, anonymous, limit):
    """The first `limit` students who joined the board, in join order; no names when `anonymous`
    (a board made anonymous after its students joined hides the names they gave)."""
    entries = (
        RosterEntry.objects.filter(board__name=board_name)
        .order_by("joined_at", "id")
        .values_list("participant", "name")[:limit]
    )
    return [
        Student(participant, None if anonymous else name, number)
        for number, (participant, name) in enumerate(entries, 1)
    ]


def pages(roster, authors, removed, limit):
    """The students who have a page, in order: the `roster`'s (a list of Student), then every
    other author of ink in `authors` but the host, numbered after them; the `removed` are left
    out, and at most `limit` are given."""
    known = {student.participant for student in roster}
    others = [
        author
        for author in dict.fromkeys(authors)
        if author not in known and not is_host_participant_id(author)
    ]
    numbered = [*roster, *(Student(author, None, len(roster) + n) for n, author in enumerate(others, 1))]
    return [student for student in numbered if student.participant not in removed][:limit]


def pages_of(state, limit):
    """The students with a page on a board as read now (a store.BoardState)."""
    roster = students(state.name, state.classroom.anonymous, limit)
    return pages(roster, (stroke.author for stroke in state.strokes), state.removed, limit)
