"""Debian's nginx in front of local Daphne processes, through deploy/nginx.conf as documented.

The tests and the benchmark run their own nginx with this: never the system's service, and
everything it writes (pid, logs, temporary files) in a folder of the caller's.
"""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
SITE = DEPLOY / "nginx.conf"
HTTPS_SITE = DEPLOY / "nginx-https.conf"
MIME_TYPES = "/etc/nginx/mime.types"
# Debian installs nginx in /usr/sbin, which is not on every user's PATH.
NGINX_PATHS = ("/usr/sbin/nginx",)

DOCUMENTED_SERVERS = "    server 127.0.0.1:8001;\n    server 127.0.0.1:8002;\n"
DOCUMENTED_LISTEN = "    listen 80;\n"
DOCUMENTED_NAME = "    server_name draw.example.org;\n"
DOCUMENTED_STATIC = "        alias /srv/sketchsite/staticfiles/;\n"
DOCUMENTED_TLS_LISTEN = "    listen 443 ssl;\n"
DOCUMENTED_CERTIFICATE = "    ssl_certificate /etc/letsencrypt/live/draw.example.org/fullchain.pem;\n"
DOCUMENTED_CERTIFICATE_KEY = "    ssl_certificate_key /etc/letsencrypt/live/draw.example.org/privkey.pem;\n"
DOCUMENTED_REDIRECT = "    return 301 https://$host$request_uri;\n"

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


@dataclass(frozen=True)
class Certificate:
    """A TLS certificate (PEM, with its chain) and its key, as nginx's ssl_certificate lines take them."""

    certificate: Path
    key: Path


def _replace(path, text, old, new, times=1):
    if text.count(old) != times:
        raise NginxError(
            f"{path} no longer has the line {old.strip()!r} {times} time(s); update deploy/nginx.py"
        )
    return text.replace(old, new)


def _render_common(path, site, upstreams, static_root, host, names):
    servers = "".join(f"    server {address}:{upstream_port};\n" for address, upstream_port in upstreams)
    site = _replace(path, site, DOCUMENTED_SERVERS, servers)
    site = _replace(path, site, DOCUMENTED_NAME, f"    server_name {host} localhost;\n", times=names)
    return _replace(path, site, DOCUMENTED_STATIC, f"        alias {Path(static_root)}/;\n")


def render_site(upstreams, port, static_root, host="127.0.0.1"):
    """deploy/nginx.conf with its CHANGE lines filled in: upstreams are (host, port) pairs."""
    site = _render_common(SITE, SITE.read_text(), upstreams, static_root, host, names=1)
    return _replace(SITE, site, DOCUMENTED_LISTEN, f"    listen {host}:{port};\n")


def render_https_site(upstreams, port, tls_port, certificate, static_root, host="127.0.0.1"):
    """deploy/nginx-https.conf with its CHANGE lines filled in: plain HTTP on `port`, TLS on `tls_port`."""
    site = _render_common(HTTPS_SITE, HTTPS_SITE.read_text(), upstreams, static_root, host, names=2)
    site = _replace(HTTPS_SITE, site, DOCUMENTED_LISTEN, f"    listen {host}:{port};\n")
    site = _replace(HTTPS_SITE, site, DOCUMENTED_TLS_LISTEN, f"    listen {host}:{tls_port} ssl;\n")
    site = _replace(
        HTTPS_SITE, site, DOCUMENTED_CERTIFICATE, f"    ssl_certificate {certificate.certificate};\n"
    )
    site = _replace(
        HTTPS_SITE, site, DOCUMENTED_CERTIFICATE_KEY, f"    ssl_certificate_key {certificate.key};\n"
    )
    # HTTPS is not on its default port here, so the redirect names the one it is on.
    return _replace(
        HTTPS_SITE, site, DOCUMENTED_REDIRECT, f"    return 301 https://$host:{tls_port}$request_uri;\n"
    )


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
    """`nginx -p folder -c folder/nginx.conf -g 'daemon off;'` in front of `upstreams`.

    With a `certificate` it serves deploy/nginx-https.conf: HTTPS on `tls_port`, and on `port`
    plain HTTP that redirects there.
    """

    def __init__(
        self, upstreams, static_root, folder, port=None, host="127.0.0.1", certificate=None, tls_port=None
    ):
        self.binary = nginx_binary()
        self.upstreams = list(upstreams)
        self.static_root = static_root
        self.folder = Path(folder)
        self.host = host
        self.port = port or free_port(host)
        self.certificate = certificate
        self.tls_port = (tls_port or free_port(host)) if certificate else None
        self.process = None

    @property
    def http_url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self):
        return f"ws://{self.host}:{self.port}"

    @property
    def https_url(self):
        return f"https://{self.host}:{self.tls_port}"

    @property
    def wss_url(self):
        return f"wss://{self.host}:{self.tls_port}"

    def tls_context(self):
        """A client's TLS context that trusts this nginx's certificate (and no other)."""
        return ssl.create_default_context(cafile=str(self.certificate.certificate))

    @property
    def access_log(self):
        return self.folder / "access.log"

    @property
    def error_log(self):
        return self.folder / "error.log"

    def write_config(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.certificate is None:
            site = render_site(self.upstreams, self.port, self.static_root, self.host)
        else:
            site = render_https_site(
                self.upstreams, self.port, self.tls_port, self.certificate, self.static_root, self.host
            )
        (self.folder / "sketchsite.conf").write_text(site)
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
                if self._answers_health_probe():
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise NginxError(f"nginx did not answer /healthz within {timeout} s; see {self.error_log}")

    def _answers_health_probe(self):
        if self.certificate is None:
            url, context = f"{self.http_url}/healthz", None
        else:
            url, context = f"{self.https_url}/healthz", self.tls_context()
        with urllib.request.urlopen(url, timeout=1, context=context) as response:
            return response.status == 200

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
