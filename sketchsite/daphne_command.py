"""Daphne's command line for Sketchsite, the one `manage.py serve`, the tests and the benchmark run.

Importable without Django settings: the tests and the benchmark build the command in a parent
process that never loads them.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

from sketchsite.environment import env_int

APPLICATION = "sketchsite.asgi:application"
TRANSPORT_LIMIT_VARIABLE = "SKETCHSITE_TRANSPORT_MAX_MESSAGE_BYTES"
# Above the largest single message the server makes: a clear of a full board names every
# stroke on it (settings checks the two agree).
TRANSPORT_LIMIT_DEFAULT = 4194304
TRANSPORT_LIMIT_MINIMUM = 65536
# A browser that vanishes without closing (a laptop lid, a phone leaving the wifi) is noticed
# by the missed pings, and its board's seat freed.
PING_INTERVAL_SECONDS = 20
PING_TIMEOUT_SECONDS = 30
# How long a consumer may take to leave its board after its socket closes before Daphne
# cancels it.
APPLICATION_CLOSE_TIMEOUT_SECONDS = 5
# Behind a reverse proxy every connection comes from the proxy: with this on, Daphne takes the
# browser's address from X-Forwarded-For (and the scheme from X-Forwarded-Proto), for its log
# lines and for every count kept per address. Off by default: a Daphne that browsers reach
# directly would let any of them name any address.
PROXY_HEADERS_VARIABLE = "SKETCHSITE_PROXY_HEADERS"
PROXY_HEADERS_CHOICES = ("off", "on")


def transport_max_message_bytes(environ=None):
    """The transport limit in `environ` (the server's environment), read as settings reads it."""
    return env_int(
        TRANSPORT_LIMIT_VARIABLE, TRANSPORT_LIMIT_DEFAULT, minimum=TRANSPORT_LIMIT_MINIMUM, environ=environ
    )


def proxy_headers(environ=None):
    """Whether Daphne trusts the proxy's X-Forwarded-* headers, per `environ` (the server's environment)."""
    raw = (os.environ if environ is None else environ).get(PROXY_HEADERS_VARIABLE, "")
    if raw == "":
        return False
    if raw not in PROXY_HEADERS_CHOICES:
        choices = ", ".join(PROXY_HEADERS_CHOICES)
        raise ImproperlyConfigured(f"{PROXY_HEADERS_VARIABLE} must be one of {choices}, not {raw!r}")
    return raw == "on"


def daphne_arguments(host, port, application=APPLICATION, transport_limit=None, environ=None):
    """Daphne's arguments, without the program; `transport_limit` defaults to the one in `environ`."""
    return ["--bind", host, "--port", str(port), *_server_arguments(application, transport_limit, environ)]


def daphne_socket_arguments(fd, application=APPLICATION, transport_limit=None, environ=None):
    """Daphne's arguments to serve on an inherited listening IPv4 socket, file descriptor `fd`.

    Several processes given the same socket share its port: the kernel hands each new
    connection to one of them (`manage.py serve --workers`).
    """
    return ["--fd", str(fd), *_server_arguments(application, transport_limit, environ)]


def _server_arguments(application, transport_limit, environ):
    if transport_limit is None:
        transport_limit = transport_max_message_bytes(environ)
    return [
        # Daphne drops a connection whose frame, in either direction, exceeds this; the consumer
        # closes smaller oversized client messages with 4009 and a reason first.
        "--websocket-max-message-size",
        str(transport_limit),
        "--ping-interval",
        str(PING_INTERVAL_SECONDS),
        "--ping-timeout",
        str(PING_TIMEOUT_SECONDS),
        "--application-close-timeout",
        str(APPLICATION_CLOSE_TIMEOUT_SECONDS),
        *(["--proxy-headers"] if proxy_headers(environ) else []),
        application,
    ]


def daphne_command(host, port, application=APPLICATION, transport_limit=None, environ=None):
    """The whole command to start Daphne in a child process running this interpreter."""
    return [
        sys.executable,
        "-m",
        "daphne",
        *daphne_arguments(host, port, application, transport_limit, environ),
    ]


def daphne_socket_command(fd, application=APPLICATION, transport_limit=None, environ=None):
    """The whole command to start Daphne on the inherited socket `fd` in a child process."""
    arguments = daphne_socket_arguments(fd, application, transport_limit, environ)
    return [sys.executable, "-m", "daphne", *arguments]
