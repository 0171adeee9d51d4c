"""`manage.py compact_boards [board ...]`: fold the old rows of boards' logs into checkpoints
(docs/reliability.md, "Compaction"). Run it from cron, e.g. nightly:

    17 3 * * *  cd /srv/sketchsite && .venv/bin/python manage.py compact_boards
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from draw.models import Board
from draw.store import default_store


class Command(BaseCommand):
    help = (
        "Fold the rows of each board's log that no undo can reach any more into a checkpoint, "
        "keeping the newest rows as they are; boards with too little to fold are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("boards", nargs="*", help="the boards to compact (default: every board)")
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.SKETCHSITE["COMPACT_KEEP_EVENTS"],
            help="newest rows of each log kept as they are (default: SKETCHSITE_COMPACT_KEEP_EVENTS)",
        )
        parser.add_argument(
            "--min-folded",
            type=int,
            default=settings.SKETCHSITE["COMPACT_MIN_FOLDED"],
            help="fewest items left out for a board to be compacted (default: SKETCHSITE_COMPACT_MIN_FOLDED)",
        )

    def handle(self, *args, boards, keep, min_folded, **options):
        if keep < 0 or min_folded < 1:
            raise CommandError("--keep must be 0 or more and --min-folded 1 or more")
        found = Board.objects.all()
        if boards:
            found = found.filter(name__in=boards)
            missing = sorted(set(boards) - set(found.values_list("name", flat=True)))
            if missing:
                raise CommandError(f"no such board: {', '.join(missing)}")
        # Each item left out had a row of its own: a log with fewer rows to fold has too few.
        found = found.filter(last_seq__gte=F("checkpoint_seq") + keep + min_folded)
        store = default_store()
        compacted = deleted = 0
        for name in found.values_list("name", flat=True).iterator():
            done = store.compact(name, keep, min_folded)
            if done is None:
                continue
            compacted += 1
            deleted += done.rows_deleted
            self.stdout.write(
                f"{name}: checkpoint at seq {done.seq}: {done.folded} items left out, "
                f"{done.items_kept} kept; {done.rows_deleted} rows deleted, {done.rows_kept} kept"
            )
        self.stdout.write(f"{compacted} boards compacted, {deleted} rows deleted")
