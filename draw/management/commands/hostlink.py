"""`manage.py hostlink <board> [--reset]`: print a board's host link, or give it a new one."""

from django.core.management.base import BaseCommand, CommandError

from draw import addresses
from draw.boards import is_valid_board_name
from draw.management.commands.serve import write_class_links


class Command(BaseCommand):
    help = "Print a board's host link (the teacher's), giving the board a host if it has none."

    def add_arguments(self, parser):
        parser.add_argument("board", help="the board's name, as in /b/<board>/")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="make a new host key: every earlier host link of the board opens it as a student",
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="the port the server listens on, for the printed links"
        )

    def handle(self, *args, board, reset, port, **options):
        if not is_valid_board_name(board):
            raise CommandError(f"{board!r} is not a board name: 1 to 32 lowercase letters, digits and dashes")
        write_class_links(self.stdout, board, addresses.server_base_url("0.0.0.0", port), reset=reset)
        if reset:
            self.stdout.write("Earlier host links of this board now open it as a student.")
