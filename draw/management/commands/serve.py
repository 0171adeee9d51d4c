"""`manage.py serve`: print the addresses people can open, then run Daphne."""

import socket

import psutil
from daphne.cli import CommandLineInterface
from django.conf import settings
from django.core.management.base import BaseCommand


def lan_addresses():
    """IPv4 addresses of this machine's network interfaces other than loopback."""
    found = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == socket.AF_INET and not address.address.startswith("127."):
                found.append(address.address)
    return sorted(set(found))


class Command(BaseCommand):
    help = "Serve Sketchsite with Daphne and print the local and LAN addresses."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        self.stdout.write("Sketchsite is running. Open the board at:")
        self.stdout.write(f"  this computer:  http://localhost:{port}/")
        if host in ("0.0.0.0", "::"):
            for address in lan_addresses():
                self.stdout.write(f"  on the network: http://{address}:{port}/")
        layer = "Redis" if settings.REDIS_URL else "in-memory"
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"Channel layer: {layer}; database: {database}. Stop with Ctrl+C.")
        self.stdout.flush()
        # Daphne drops a connection whose frame (in either direction) exceeds this; the consumer
        # closes smaller oversized client messages with 4009 and a reason.
        transport_limit = settings.SKETCHSITE["TRANSPORT_MAX_MESSAGE_BYTES"]
        CommandLineInterface().run(
            [
                "--bind",
                host,
                "--port",
                str(port),
                "--websocket-max-message-size",
                str(transport_limit),
                "--ping-interval",
                "20",
                "--ping-timeout",
                "30",
                "--application-close-timeout",
                "5",
                settings.ASGI_APPLICATION.replace(".application", ":application"),
            ]
        )
