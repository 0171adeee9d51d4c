"""`manage.py serve`: bring the database up to date, print the addresses people can open, run Daphne.

Beside them it prints the teacher's host link of the classic board, made on the first run and the
same on every later one (`manage.py hostlink draw --reset` changes it).
"""

from daphne.cli import CommandLineInterface
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from draw import addresses, hosting
from draw.boards import CLASSIC_BOARD
from draw.models import Board
from sketchsite.daphne_command import daphne_arguments


def unapplied_migrations(database="default"):
    executor = MigrationExecutor(connections[database])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def write_class_links(out, board, base, reset=False):
    """Print a board's host link and where its students join (giving it a host first if it has none)."""
    key = hosting.host_key(board, reset=reset)
    code = Board.objects.filter(name=board).values_list("join_code", flat=True).get()
    out.write(f"Teacher (host) link: {addresses.host_url(base, board, key)}")
    out.write(f"Students join at {addresses.join_url(base, code)} (code {code})")


class Command(BaseCommand):
    help = "Serve Sketchsite with Daphne and print the local and LAN addresses."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        # Without the tables every board socket would fail on join; a fresh data folder is the
        # usual first run in a classroom.
        if unapplied_migrations():
            self.stdout.write("Preparing the database (applying migrations)...")
            self.stdout.flush()
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Sketchsite is running. Open the board at:")
        self.stdout.write(f"  this computer:  http://localhost:{port}/")
        if host in ("0.0.0.0", "::"):
            for address in addresses.lan_addresses():
                self.stdout.write(f"  on the network: http://{address}:{port}/")
        write_class_links(self.stdout, CLASSIC_BOARD, addresses.server_base_url(host, port))
        layer = "Redis" if settings.REDIS_URL else "in-memory"
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"Channel layer: {layer}; database: {database}. Stop with Ctrl+C.")
        self.stdout.flush()
        CommandLineInterface().run(
            daphne_arguments(
                host,
                port,
                application=settings.ASGI_APPLICATION.replace(".application", ":application"),
                transport_limit=settings.SKETCHSITE["TRANSPORT_MAX_MESSAGE_BYTES"],
            )
        )
