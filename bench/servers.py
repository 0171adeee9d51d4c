"""Daphne processes started the way a user starts them, and the data folder they share.

Daphne on 127.0.0.1 with the command line `manage.py serve` runs (sketchsite/daphne_command.py)
and the settings module in DJANGO_SETTINGS_MODULE; the baseline runs `bench.naive:application`
the same way. Every process started here is stopped here, by its own pid. A group may stand
behind Debian's nginx, through deploy/nginx.conf as documented (deploy/nginx.py).
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import redis

from bench.clients import NAIVE, SKETCHSITE
from deploy.nginx import Nginx, NginxError
from sketchsite.daphne_command import daphne_command

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
REDIS_URL = "redis://127.0.0.1:6379/0"
# Benchmark layer kinds that use Redis, and the server's REDIS_LAYER for each.
REDIS_LAYERS = {"redis": "core", "redis-pubsub": "pubsub"}
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0

APPLICATIONS = {
    SKETCHSITE: ("sketchsite.settings", "sketchsite.asgi:application"),
    NAIVE: ("bench.naive_settings", "bench.naive:application"),
}


class ServerError(Exception):
    """A server process did not start or answer."""


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class DataDir:
    """A throwaway SKETCHSITE_DATA_DIR with a migrated SQLite database, and the run's SECRET_KEY."""

    def __init__(self):
        self._folder = tempfile.TemporaryDirectory(prefix="sketchsite-bench-")
        self.path = Path(self._folder.name)
        # Set in every process of the run, not left to the key file: tokens and host keys the
        # benchmark makes in its own Django process must open the servers' boards, whatever
        # SECRET_KEY the shell that started the benchmark has.
        self.secret_key = secrets.token_urlsafe(50)

    def environment(self):
        """What every Django process of the run (servers, migrate, helpers) needs in its environment."""
        return {"SKETCHSITE_DATA_DIR": str(self.path), "SECRET_KEY": self.secret_key}

    def __enter__(self):
        env = {**os.environ, **self.environment(), "DJANGO_SETTINGS_MODULE": "sketchsite.settings"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            timeout=120,
        )
        return self

    def __exit__(self, *exc_info):
        self._folder.cleanup()


@dataclass
class ChannelLayer:
    """Which layer the servers use: `memory`, or `redis` / `redis-pubsub` with a prefix of its own."""

    kind: str
    prefix: str = ""

    @classmethod
    def create(cls, kind):
        if kind in REDIS_LAYERS:
            return cls(kind, f"sketchsite-bench-{secrets.token_hex(4)}")
        return cls(kind)

    @property
    def uses_redis(self):
        return self.kind in REDIS_LAYERS

    def environment(self):
        if self.uses_redis:
            layer = REDIS_LAYERS[self.kind]
            return {"REDIS_URL": REDIS_URL, "REDIS_PREFIX": self.prefix, "REDIS_LAYER": layer}
        return {"REDIS_URL": ""}

    def clean_up(self):
        """Delete every Redis key the run made."""
        if not self.uses_redis:
            return 0
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=10)
        try:
            keys = list(client.scan_iter(match=f"{self.prefix}*", count=1000))
            if keys:
                client.delete(*keys)
            return len(keys)
        finally:
            client.close()


class Daphne:
    """One Daphne process serving one design on a free loopback port."""

    def __init__(self, design, data_dir, layer, log_dir):
        self.design = design
        self.settings_module, self.application = APPLICATIONS[design]
        self.data_dir = data_dir
        self.layer = layer
        self.port = None
        self.process = None
        self.log_path = None
        self._log_dir = log_dir

    @property
    def pid(self):
        return self.process.pid

    @property
    def url(self):
        return f"ws://{HOST}:{self.port}"

    @property
    def origin(self):
        return f"http://{HOST}:{self.port}"

    def start(self):
        # A port taken between the probe and Daphne's bind only costs a retry.
        for _ in range(3):
            self.port = free_port()
            self._spawn()
            if self._wait_until_listening():
                return self
            self.stop()
        raise ServerError(f"Daphne ({self.design}) did not start; see {self.log_path}")

    def _spawn(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": self.settings_module,
            **self.data_dir.environment(),
            "LOG_LEVEL": "WARNING",
            **self.layer.environment(),
        }
        self.log_path = Path(self._log_dir) / f"daphne-{self.design}-{self.port}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                daphne_command(HOST, self.port, self.application, environ=env),
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def _wait_until_listening(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return True
            except OSError:
                time.sleep(0.1)
        return False

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@dataclass(frozen=True)
class Entrance:
    """Where clients connect: a Daphne process itself, or the proxy in front of them all."""

    url: str
    origin: str


class ServerGroup:
    """`count` Daphne processes of one design sharing one channel layer, behind `proxy` if given.

    `entrances` has one address per process: each process's own, or with proxy="nginx" the
    proxy's every time, which then picks the process for each socket.
    """

    def __init__(self, design, count, layer_kind, data_dir, log_dir, proxy=""):
        self.layer = ChannelLayer.create(layer_kind)
        self.servers = [Daphne(design, data_dir, self.layer, log_dir) for _ in range(count)]
        self.proxy = proxy
        self.nginx = None
        self._log_dir = Path(log_dir)

    @property
    def pids(self):
        return [server.pid for server in self.servers]

    @property
    def proxy_pids(self):
        """nginx's master and worker processes, or none without a proxy."""
        if self.nginx is None:
            return []
        master = psutil.Process(self.nginx.process.pid)
        return [master.pid, *(child.pid for child in master.children())]

    @property
    def entrances(self):
        if self.nginx is not None:
            return [Entrance(self.nginx.ws_url, self.nginx.http_url) for _ in self.servers]
        return [Entrance(server.url, server.origin) for server in self.servers]

    def __enter__(self):
        try:
            for server in self.servers:
                server.start()
            if self.proxy == "nginx":
                self._start_nginx()
        except BaseException:
            self._stop()
            raise
        return self

    def _start_nginx(self):
        upstreams = [(HOST, server.port) for server in self.servers]
        folder = self._log_dir / f"nginx-{secrets.token_hex(4)}"
        try:
            self.nginx = Nginx(upstreams, PROJECT_ROOT / "staticfiles", folder).start()
        except NginxError as error:
            raise ServerError(str(error)) from error

    def __exit__(self, *exc_info):
        self._stop()

    def _stop(self):
        if self.nginx is not None:
            self.nginx.stop()
        for server in self.servers:
            server.stop()
        self.layer.clean_up()
