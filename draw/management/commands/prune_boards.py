"""`manage.py prune_boards [--dry-run]`: remove for good the boards whose time is up
(draw/archive.py): deleted by their host longer ago than SKETCHSITE_DELETE_UNDO_DAYS, or with no
host and no visit for SKETCHSITE_BOARD_RETENTION_DAYS. Run it daily (docs/deploy.md); a request
never removes a board."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from draw import archive


class Command(BaseCommand):
    help = (
        "Remove boards deleted longer ago than SKETCHSITE_DELETE_UNDO_DAYS, and boards with no "
        "host nobody opened for SKETCHSITE_BOARD_RETENTION_DAYS, with their logs and pictures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the boards, remove nothing")

    def handle(self, *args, dry_run, **options):
        retention = settings.SKETCHSITE["BOARD_RETENTION_DAYS"]
        undo = settings.SKETCHSITE["DELETE_UNDO_DAYS"]
        now = timezone.now()
        if dry_run:
            names = list(archive.prunable(now, retention, undo).values_list("name", flat=True))
        else:
            names = archive.prune(now, retention, undo)
        for name in names:
            self.stdout.write(f"{'would remove' if dry_run else 'removed'} {name}")
        verb = "would be removed" if dry_run else "removed"
        self.stdout.write(f"{len(names)} board{'s' if len(names) != 1 else ''} {verb}")
