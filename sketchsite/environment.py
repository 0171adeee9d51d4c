"""Typed reads of environment variables: a bad value stops the start with an error naming it.

Importable without Django settings, so a parent process (the tests, the benchmark) reads a
server's variables the way the server will.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured


def env_str(name, default):
    return os.environ.get(name, default)


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name, default, minimum=None, maximum=None, environ=None):
    """`environ`: another process's environment (the tests and the benchmark build servers' commands)."""
    raw = (os.environ if environ is None else environ).get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}")
    return value


def env_choice(name, default, choices):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_header(name, default):
    """A header name as request.META spells it: `X-Forwarded-Proto` becomes `HTTP_X_FORWARDED_PROTO`."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    header = raw.strip()
    if not re.fullmatch(r"[A-Za-z0-9-]+", header):
        raise ImproperlyConfigured(f"{name} must be a header name such as X-Forwarded-Proto, not {raw!r}")
    return "HTTP_" + header.upper().replace("-", "_")


def env_origins(name, default):
    """A comma-separated list of origins, each with its scheme (`https://draw.example.org`)."""
    origins = env_list(name, default)
    for origin in origins:
        if not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ImproperlyConfigured(
                f"{name} must list origins such as https://draw.example.org, not {origin!r}"
            )
    return origins
