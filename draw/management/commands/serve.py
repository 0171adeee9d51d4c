"""`manage.py serve`: bring the database up to date, print the addresses people can open, run Daphne.

Beside them it prints the teacher's host link of the classic board, made on the first run and the
same on every later one (`manage.py hostlink draw --reset` changes it).

With `--workers N` (N > 1, Redis required) it opens the listening socket itself and runs N Daphne
processes that share it, one per core: the kernel hands each new connection to one of them, and
boards span them through the Redis channel layer. This process only watches them: it passes
Ctrl+C or SIGTERM on, restarts a worker that dies after running a while, and stops everything
when one dies right after its start (a bad setting would only make it die again).
"""

import ctypes
import signal
import socket
import subprocess
import sys
import time

from daphne.cli import CommandLineInterface
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from draw import addresses, hosting
from draw.boards import CLASSIC_BOARD
from draw.models import Board
from sketchsite.daphne_command import (
    APPLICATION_CLOSE_TIMEOUT_SECONDS,
    daphne_arguments,
    daphne_socket_command,
)

# A worker that dies sooner than this after its start is taken for a worker that cannot start.
STEADY_SECONDS = 10
# Time a worker has to close its sockets and let its consumers leave their boards on SIGTERM.
STOP_SECONDS = APPLICATION_CLOSE_TIMEOUT_SECONDS + 5
PR_SET_PDEATHSIG = 1


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
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Daphne processes sharing the port (more than 1 needs REDIS_URL)",
        )

    def handle(self, *args, host, port, workers, **options):
        check_workers(workers, host, settings.REDIS_URL)
        # Bound before anything is printed, so the addresses shown are ones that answer (and
        # --port 0 shows the port the system chose).
        listener = listening_socket(host, port) if workers > 1 else None
        if listener is not None:
            port = listener.getsockname()[1]
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
        processes = "" if workers == 1 else f"; {workers} Daphne processes on port {port}"
        self.stdout.write(f"Channel layer: {layer}; database: {database}{processes}. Stop with Ctrl+C.")
        self.stdout.flush()
        application = settings.ASGI_APPLICATION.replace(".application", ":application")
        transport_limit = settings.SKETCHSITE["TRANSPORT_MAX_MESSAGE_BYTES"]
        if listener is None:
            CommandLineInterface().run(daphne_arguments(host, port, application, transport_limit))
            return
        # The workers open their own connections; this process keeps none idle for hours.
        connections.close_all()
        command = daphne_socket_command(listener.fileno(), application, transport_limit)
        code = Workers(command, listener, workers, self.stderr).run()
        if code:
            raise CommandError(f"a Daphne worker did not start (exit code {code}); its output is above")


def check_workers(workers, host, redis_url):
    """Refuse a --workers that would serve broken boards, saying why and what to set."""
    if workers < 1:
        raise CommandError("--workers must be 1 or more")
    if workers == 1:
        return
    if not redis_url:
        raise CommandError(
            f"--workers {workers} needs REDIS_URL: without Redis each Daphne process keeps its own "
            "boards in memory, and browsers that land on different processes would not see each "
            "other's strokes. Set REDIS_URL (e.g. redis://127.0.0.1:6379/0), and DATABASE_URL for "
            "PostgreSQL, or serve with --workers 1."
        )
    if ":" in host:
        # Daphne adopts an inherited socket as IPv4 only.
        raise CommandError(f"--workers {workers} needs an IPv4 --host such as 0.0.0.0, not {host}")


def listening_socket(host, port):
    """A listening TCP socket the workers inherit."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise CommandError(f"cannot listen on {host}:{port}: {error.strerror}") from error
    # A whole class reconnects at once after a restart: a short queue would refuse some of them.
    listener.listen(socket.SOMAXCONN)
    listener.set_inheritable(True)
    return listener


def _die_with_parent():
    """In a worker before it runs: end with SIGTERM if `serve` itself is killed outright."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Workers:
    """N Daphne processes on one inherited socket, watched until a signal or a failed start."""

    def __init__(self, command, listener, count, err):
        self.command = command
        self.listener = listener
        self.count = count
        self.err = err
        self.processes = [None] * count
        self.started = [0.0] * count
        self.stopping = False

    def run(self):
        """Run until SIGINT or SIGTERM (0) or until a worker fails to start (its exit code)."""
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for index in range(self.count):
                self._start(index)
            return self._watch()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.listener.close()

    def _start(self, index):
        self.processes[index] = subprocess.Popen(
            self.command,
            pass_fds=(self.listener.fileno(),),
            # Out of the terminal's process group, so Ctrl+C reaches this process alone and the
            # workers get one SIGTERM from it, not two signals at once.
            process_group=0,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.started[index] = time.monotonic()

    def _watch(self):
        while not self.stopping:
            for index, process in enumerate(self.processes):
                code = process.poll()
                if code is None or self.stopping:
                    continue
                worker = f"Daphne worker {index + 1} (pid {process.pid}) exited with {code}"
                if time.monotonic() - self.started[index] < STEADY_SECONDS:
                    self.err.write(f"{worker} on start")
                    return code or 1
                # Its browsers reconnect to the other workers at once, and to this one again.
                self.err.write(f"{worker}; restarting it")
                self._start(index)
            time.sleep(0.2)
        return 0

    def _stop(self, signum, frame):
        self.stopping = True

    def _stop_all(self):
        running = [process for process in self.processes if process and process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
