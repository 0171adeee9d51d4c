"""`manage.py check_boards [board ...] [--fix]`: find the rows of boards' logs that break today's
rules, and with --fix set them aside (docs/reliability.md, "Rows that break the rules")."""

from django.core.management.base import BaseCommand, CommandError

from draw import boardcheck


class Command(BaseCommand):
    help = (
        "Read every board's log with today's rules and report the rows that cannot be read, "
        "encoded or drawn; with --fix, set them aside (kept whole, not deleted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("boards", nargs="*", help="the boards to check (default: every board)")
        parser.add_argument(
            "--fix",
            action="store_true",
            help="move the rows that break the rules into the quarantine, each leaving a skipped row",
        )

    def handle(self, *args, boards, fix, **options):
        checked = bad_rows = bad_boards = set_aside = 0
        found = boardcheck.boards(boards)
        missing = sorted(set(boards) - set(found.values_list("name", flat=True)))
        if missing:
            raise CommandError(f"no such board: {', '.join(missing)}")
        for board in found.iterator():
            report = boardcheck.check_board(board)
            checked += 1
            if not report.bad:
                self.stdout.write(f"{board.name}: {_count(report.rows, 'row')}, none breaks the rules")
                continue
            bad_rows += len(report.bad)
            bad_boards += 1
            self.stdout.write(
                f"{board.name}: {_count(report.rows, 'row')}, {len(report.bad)} break the rules"
            )
            for bad in report.bad:
                self.stdout.write(boardcheck.describe(bad))
            if fix:
                moved = boardcheck.set_aside(board, report)
                set_aside += moved
                self.stdout.write(f"  set aside {_count(moved, 'row')} (kept whole in the quarantine)")
        summary = (
            f"{_count(checked, 'board')} checked: {_count(bad_rows, 'row')} on "
            f"{_count(bad_boards, 'board')} {'breaks' if bad_rows == 1 else 'break'} the rules"
        )
        if fix:
            self.stdout.write(f"{summary}; {set_aside} set aside.")
        elif bad_rows:
            self.stdout.write(f"{summary}.")
            # Non-zero for a cron job or a monitor: something is left to fix.
            raise CommandError("run `manage.py check_boards --fix` to set them aside", returncode=1)
        else:
            self.stdout.write(f"{summary}.")


def _count(number, noun):
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
