"""Boards, their append-only event logs and their rosters of students."""

from django.db import models

from draw.logrows import read_event
from draw.participants import MAX_NAME_LENGTH


class Board(models.Model):
    name = models.SlugField(max_length=32, unique=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # The seq of the newest event; bumped under a row lock so seqs stay gap-free and ordered
    # even with several server processes writing to one board.
    last_seq = models.BigIntegerField(default=0)
    # Strokes on show (hidden ones are still in the log); a board is full by this count.
    stroke_count = models.PositiveIntegerField(default=0)
    # The seq of the board's checkpoint (draw/compaction.py), 0 for none: the rows up to it are
    # folded into it. A process whose history was read from another checkpoint reads it again.
    checkpoint_seq = models.BigIntegerField(default=0)
    # Class mode (draw/classroom.py). The host key itself is never stored: only its hash, and
    # the salt it is derived from (draw/hostkeys.py). No hash: nobody hosts the board.
    host_key_salt = models.CharField(max_length=32, blank=True, default="")
    host_key_hash = models.CharField(max_length=64, blank=True, default="")
    join_code = models.CharField(max_length=6, unique=True, null=True, blank=True)
    pens_down = models.BooleanField(default=False)
    anonymous = models.BooleanField(default=False)
    names_visible = models.BooleanField(default=False)
    student_laser = models.BooleanField(default=False)
    badge = models.BooleanField(default=True, help_text="The projector shows its join badge.")
    lanes = models.BooleanField(
        default=False, help_text="Own page each: a student sees the host's ink and their own."
    )
    reveal = models.BooleanField(default=False, help_text="Every student's page shown to everyone.")
    # The participant id whose page the projector shows while lanes are on; "" for none.
    spotlight = models.CharField(max_length=32, blank=True, default="")
    background = models.CharField(max_length=16, default="plain", help_text="The paper under the ink.")
    # The digest of a BoardAsset drawn under the ink; "" for none.
    picture = models.CharField(max_length=64, blank=True, default="", help_text="The picture under the ink.")
    spotlight_name = models.BooleanField(
        default=True, help_text="The spotlit student's name shown on the projector."
    )
    dark = models.BooleanField(default=False, help_text="The dark board for everyone.")
    # The lesson's pages in order, [{"id", "background", "picture"}] (draw/pages.py); [] for a
    # board of one page, whose paper and picture are the two columns above. Those columns
    # always hold the current page's.
    pages = models.JSONField(default=list, blank=True)
    page = models.CharField(max_length=32, default="1", help_text="The id of the page every screen shows.")
    # Bumped with every change of the settings above, so processes apply the newest only.
    class_version = models.PositiveIntegerField(default=0)
    # Participant ids the host removed; their tokens are refused on this board.
    removed_participants = models.JSONField(default=list, blank=True)
    # The host's lessons (draw/archive.py): boards made by one host, or duplicated from one of
    # theirs, share this random id; "" for a board with no host. Not a secret: only a host key
    # of one of the boards opens the list.
    owner = models.CharField(max_length=32, blank=True, default="", db_index=True)
    # When the host deleted the board: gone for everyone, and back with undo until the grace
    # period ends and `manage.py prune_boards` removes it.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The last time a page of the board was opened (at most once a minute is stored): what
    # `manage.py prune_boards` measures a board's age by.
    visited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def hosted(self):
        return bool(self.host_key_hash)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("board", kwargs={"board": self.name})


class BoardEventQuerySet(models.QuerySet):
    def since(self, seq):
        return self.filter(seq__gt=seq).order_by("seq")


class BoardEvent(models.Model):
    """One committed event: a stroke (any item), an erase, a move, a clear, an undo, a redo or a
    host's remove_ink; or `skipped`, a row set aside by `manage.py check_boards --fix`."""

    KINDS = [
        (kind, kind) for kind in ("stroke", "erase", "clear", "undo", "redo", "remove_ink", "move", "skipped")
    ]

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=16, choices=KINDS)
    author = models.CharField(max_length=32)
    # The client-made id (stroke id, or edit id), unique per author: sending the same thing
    # twice stores it once, and one participant's ids never collide with another's.
    client_id = models.CharField(max_length=32)
    # The event's effect, see draw/history.py: stroke data, or the ids it shows or hides.
    effect = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoardEventQuerySet.as_manager()

    class Meta:
        ordering = ["board", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["board", "seq"], name="event_seq_unique_per_board"),
            models.UniqueConstraint(
                fields=["board", "author", "client_id"], name="event_client_id_unique_per_author"
            ),
        ]

    def __str__(self):
        return f"{self.board_id}#{self.seq} {self.kind}"

    def as_history_event(self):
        """The event this row holds, checked by today's rules (draw/logrows.py): UnreadableRow
        when it cannot be read, encoded or drawn."""
        return read_event(self.seq, self.kind, self.author, self.effect)


class BoardCheckpoint(models.Model):
    """The rows of a board's log up to `seq`, folded (draw/compaction.py): its history at that seq,
    without the items no later event can reach. The log goes on from seq + 1."""

    board = models.OneToOneField(Board, on_delete=models.CASCADE, related_name="checkpoint")
    seq = models.BigIntegerField()
    # draw/compaction.checkpoint_state(): items in drawing order and each author's stacks.
    state = models.JSONField()
    # When the event of `seq` was committed: the time of the checkpoint's frame in a replay.
    at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.board_id}#{self.seq} checkpoint"


class QuarantinedEvent(models.Model):
    """A row of a board's log that broke the rules, set aside by `manage.py check_boards --fix`.

    Its place in the log is kept by a `skipped` row of the same seq; here it is whole, as it
    was stored, for whoever wants to look at it or mend it.
    """

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="quarantined_events")
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=16)
    author = models.CharField(max_length=32)
    client_id = models.CharField(max_length=32)
    # The effect's stored text, exactly: it may not be JSON any more, nor encodable.
    stored_effect = models.TextField()
    reason = models.TextField()
    created_at = models.DateTimeField(help_text="When the row was first stored.")
    quarantined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["board", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["board", "seq"], name="quarantined_seq_unique_per_board"),
        ]

    def __str__(self):
        return f"{self.board_id}#{self.seq} {self.kind} (quarantined)"


class RosterEntry(models.Model):
    """A student who joined a board with its code (draw/roster.py): who, under what name, and when.

    The name is the one typed at the join, kept so the host's pages stay named after a student
    leaves; None on an anonymous board, whose students are numbered in join order instead.
    """

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="roster")
    participant = models.CharField(max_length=32)
    name = models.CharField(max_length=MAX_NAME_LENGTH, null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["board", "joined_at", "id"]
        verbose_name_plural = "roster entries"
        constraints = [
            models.UniqueConstraint(
                fields=["board", "participant"], name="roster_participant_unique_per_board"
            ),
        ]

    def __str__(self):
        return f"{self.board_id}: {self.name or self.participant}"


class BoardAsset(models.Model):
    """A picture a host uploaded (draw/uploads.py), drawn under the ink of a board's pages.

    Named by the SHA-256 of its bytes: the same picture uploaded twice is stored once, and its
    address never serves other bytes, so browsers keep it for good.
    """

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="assets")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the stored bytes, in hex.")
    media_type = models.CharField(max_length=16, choices=[("image/png", "PNG"), ("image/jpeg", "JPEG")])
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Encoded anew from the upload, never as it came.
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["board", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["board", "digest"], name="asset_digest_unique_per_board"),
        ]

    def __str__(self):
        return f"{self.board_id}: {self.digest[:12]} ({self.width} × {self.height})"
