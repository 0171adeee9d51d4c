"""`manage.py serve`: bring the database up to date, print the addresses people can open, run Daphne."""

import socket

import psutil
from daphne.cli import CommandLineInterface
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from sketchsite.daphne_command import daphne_arguments


def lan_addresses():
    """IPv4 addresses of this machine's network interfaces other than loopback."""
    found = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == socket.AF_INET and not address.address.startswith("127."):
                found.append(address.address)
    return sorted(set(found))


def unapplied_migrations(database="default"):
    executor = MigrationExecutor(connections[database])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


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
            for address in lan_addresses():
                self.stdout.write(f"  on the network: http://{address}:{port}/")
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
