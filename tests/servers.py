"""Real Daphne (and, where a test must stop it, Redis) processes, on free loopback ports."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sketchsite.daphne_command import daphne_command

PROJECT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackServer:
    """A server process of the test's own on a free port of the loopback, ready once /healthz answers."""

    name = "server"

    def __init__(self, env, port=None, log_path=None):
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sketchsite.settings", **env}
        self.port = port or free_port()
        self.log_path = log_path
        self.process = None
        self._log = subprocess.DEVNULL

    @property
    def http_url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}"

    def command(self):
        raise NotImplementedError

    def is_ready(self):
        """Beyond /healthz answering: whatever else the server needs before it counts as up."""
        return True

    def start(self, timeout=30):
        self._log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            self.command(), cwd=PROJECT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                pytest.fail(f"{self.name} exited with {code} on start; log: {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.http_url}/healthz", timeout=1) as response:
                    if response.status == 200 and self.is_ready():
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"{self.name} did not answer on port {self.port} in {timeout} s; log: {self.log_path}")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stop it as a service manager does; its exit code."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not subprocess.DEVNULL:
            self._log.close()
            self._log = subprocess.DEVNULL
        return self.process.returncode if self.process else None


class DaphneServer(LoopbackServer):
    """`daphne sketchsite.asgi:application` in its own process, as `manage.py serve` runs it."""

    name = "daphne"

    def command(self):
        return daphne_command("127.0.0.1", self.port, environ=self.env)


def migrate(env):
    """Create the schema in the database `env` points at."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sketchsite.settings", **env},
        check=True,
    )


class RedisServer:
    """A redis-server of the test's own, which it may kill and start again on the same port.

    The machine's Redis is shared with every other test; this one keeps nothing on disk, so
    a restart comes back empty, as a Redis without persistence does.
    """

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.fail("this test runs its own Redis and needs redis-server (apt-get install redis-server)")
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout=10):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(64).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server did not answer on port {self.port} within {timeout} s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class ServeCommand(LoopbackServer):
    """`manage.py serve --workers N` in its own process, on a free port of the loopback."""

    name = "serve"

    def __init__(self, env, workers, log_path):
        super().__init__(env, log_path=log_path)
        self.workers = workers

    def command(self):
        address = ["--host", "127.0.0.1", "--port", str(self.port)]
        return [sys.executable, "manage.py", "serve", *address, "--workers", str(self.workers)]

    def run(self, timeout=60):
        """Run it to its end (a refusal), returning the finished process with its output."""
        return subprocess.run(
            self.command(), cwd=PROJECT, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def start(self, timeout=60):
        return super().start(timeout)

    def is_ready(self):
        return len(self.workers_pids()) == self.workers

    def workers_pids(self):
        import psutil

        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def stop(self, sig=signal.SIGTERM):
        return super().stop(sig, timeout=30)


def start_nginx(upstreams, folder):
    """Debian's nginx through deploy/nginx.conf in front of `upstreams` ((host, port) pairs)."""
    from deploy.nginx import Nginx, NginxError

    try:
        return Nginx(upstreams, PROJECT / "staticfiles", folder).start()
    except NginxError as error:
        pytest.fail(f"this test runs its own nginx: {error}")


@contextlib.contextmanager
def behind_nginx(env, folder, processes=2):
    """nginx through deploy/nginx.conf in front of `processes` Daphne processes run with `env`.

    Yields nginx and the processes, each process answering on its own port too (for /metrics).
    """
    migrate(env)
    servers = []
    nginx = None
    try:
        for index in range(processes):
            servers.append(DaphneServer(env, log_path=Path(folder) / f"daphne-{index}.log").start())
        nginx = start_nginx([("127.0.0.1", server.port) for server in servers], Path(folder) / "nginx")
        yield nginx, servers
    finally:
        if nginx is not None:
            nginx.stop()
        for server in servers:
            server.stop()


def open_sockets(server):
    """The sketchsite_open_sockets gauge of one process (SKETCHSITE_METRICS=on), from its own port."""
    import re

    with urllib.request.urlopen(f"{server.http_url}/metrics", timeout=5) as response:
        body = response.read().decode()
    (value,) = re.findall(r"^sketchsite_open_sockets (\S+)$", body, re.MULTILINE)
    return int(float(value))
