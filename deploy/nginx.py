"""Debian's nginx in front of local Daphne processes, through deploy/nginx.conf as documented.

The tests and the benchmark run their own nginx with this: never the system's service, and
everything it writes (pid, logs, temporary files) in a folder of the caller's.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
SITE = DEPLOY / "nginx.conf"
MIME_TYPES = "/etc/nginx/mime.types"
# Debian installs nginx in /usr/sbin, which is not on every user's PATH.
NGINX_PATHS = ("/usr/sbin/nginx",)

DOCUMENTED_SERVERS = "    server 127.0.0.1:8001;\n    server 127.0.0.1:8002;\n"
DOCUMENTED_LISTEN = "    listen 80;\n"
DOCUMENTED_NAME = "    server_name draw.example.org;\n"
DOCUMENTED_STATIC = "        alias /srv/sketchsite/staticfiles/;\n"

# What nginx.conf around the site file holds on a server: here, with every path in `folder`.
MAIN_CONF = """\
{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    include {mime_types};
    default_type application/octet-stream;
    log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr';
    access_log {folder}/access.log upstream;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/sketchsite.conf;
}}
"""


class NginxError(Exception):
    """nginx is missing, or did not start or answer."""


def nginx_binary():
    """The nginx program, or NginxError saying how to install it."""
    found = shutil.which("nginx") or next((path for path in NGINX_PATHS if os.access(path, os.X_OK)), None)
    if found is None:
        raise NginxError("nginx is not installed: `bin/setup --dev` installs it, or `apt-get install nginx`")
    return found


def _replace_once(text, old, new):
    if text.count(old) != 1:
        raise NginxError(f"{SITE} no longer has the line {old.strip()!r} once; update deploy/nginx.py")
    return text.replace(old, new)


def render_site(upstreams, port, static_root, host="127.0.0.1"):
    """deploy/nginx.conf with its CHANGE lines filled in: upstreams are (host, port) pairs."""
    site = SITE.read_text()
    servers = "".join(f"    server {address}:{upstream_port};\n" for address, upstream_port in upstreams)
    site = _replace_once(site, DOCUMENTED_SERVERS, servers)
    site = _replace_once(site, DOCUMENTED_LISTEN, f"    listen {host}:{port};\n")
    site = _replace_once(site, DOCUMENTED_NAME, f"    server_name {host} localhost;\n")
    return _replace_once(site, DOCUMENTED_STATIC, f"        alias {Path(static_root)}/;\n")


def render_main(folder):
    """The nginx.conf that includes the site file, keeping everything in `folder`."""
    # Workers of a root master run as `nobody` unless told: they could not read a private
    # temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return MAIN_CONF.format(user=user, folder=Path(folder), mime_types=MIME_TYPES)


def free_port(host="127.0.0.1"):
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class Nginx:
    """`nginx -p folder -c folder/nginx.conf -g 'daemon off;'` in front of `upstreams`."""

    def __init__(self, upstreams, static_root, folder, port=None, host="127.0.0.1"):
        self.binary = nginx_binary()
        self.upstreams = list(upstreams)
        self.static_root = static_root
        self.folder = Path(folder)
        self.host = host
        self.port = port or free_port(host)
        self.process = None

    @property
    def http_url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self):
        return f"ws://{self.host}:{self.port}"

    @property
    def access_log(self):
        return self.folder / "access.log"

    @property
    def error_log(self):
        return self.folder / "error.log"

    def write_config(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "sketchsite.conf").write_text(
            render_site(self.upstreams, self.port, self.static_root, self.host)
        )
        (self.folder / "nginx.conf").write_text(render_main(self.folder))
        return self.folder / "nginx.conf"

    def command(self):
        conf = self.folder / "nginx.conf"
        return [self.binary, "-p", f"{self.folder}/", "-c", str(conf), "-g", "daemon off;"]

    def start(self, timeout=10):
        self.write_config()
        checked = subprocess.run([*self.command(), "-t", "-q"], capture_output=True, text=True)
        if checked.returncode != 0:
            raise NginxError(f"nginx refused the configuration: {checked.stderr.strip()}")
        self.process = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace").strip()
                raise NginxError(f"nginx exited with {self.process.returncode}: {error}")
            try:
                with urllib.request.urlopen(f"{self.http_url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise NginxError(f"nginx did not answer /healthz within {timeout} s; see {self.error_log}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        # SIGTERM, nginx's fast stop: a graceful one would wait for every open socket.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
