"""Django settings for Sketchsite, read from the environment.

Every variable is listed with its default in README.md. A bad value stops the
server at start with ImproperlyConfigured naming the variable.
"""

import os
import re
import secrets
import socket
import time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from sketchsite.channel_layers import channel_layer_config
from sketchsite.daphne_command import proxy_headers, transport_max_message_bytes
from sketchsite.environment import (
    env_bool,
    env_choice,
    env_header,
    env_int,
    env_list,
    env_origins,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def local_host_names():
    """Names and addresses this machine answers to, so LAN clients pass the host check."""
    names = {"localhost", "127.0.0.1", "[::1]", socket.gethostname()}
    try:
        import psutil

        for addresses in psutil.net_if_addrs().values():
            for address in addresses:
                if address.family == socket.AF_INET:
                    names.add(address.address)
    except Exception:  # noqa: BLE001 - an odd interface must not stop the server
        pass
    return sorted(names)


def secret_key(data_dir):
    """SECRET_KEY from the environment, else one kept in the data folder across restarts."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = data_dir / "secret_key"
    try:
        # Readable by its owner alone from the moment it exists, and created by one process
        # only when several servers start on a fresh data folder at once.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_secret_key(key_file)
    key = secrets.token_urlsafe(50)
    with os.fdopen(descriptor, "w") as out:
        out.write(key)
    return key


def read_secret_key(key_file, wait_seconds=5.0):
    """The key in `key_file`, waiting a moment for a process that has created it to write it."""
    deadline = time.monotonic() + wait_seconds
    while True:
        key = key_file.read_text().strip()
        if key:
            return key
        if time.monotonic() >= deadline:
            raise ImproperlyConfigured(f"{key_file} is empty: delete it or set SECRET_KEY")
        time.sleep(0.05)


DATA_DIR = Path(env_str("SKETCHSITE_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", local_host_names())

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "draw",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sketchsite.security.content_security_policy",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: the set_language cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sketchsite.urls"
ASGI_APPLICATION = "sketchsite.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite in the data folder by default; DATABASE_URL (PostgreSQL) when set.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'sketchsite.sqlite3'}"),
        conn_max_age=600,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the board page read while a stroke commits.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The languages the pages are translated into (locale/, compiled by bin/setup); README.md, "Languages".
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "draw.staticfinders.FrontendBundleFinder",
    "draw.staticfinders.NpmPackageFinder",
]
# The pages' scripts: frontend/ bundled with p5 and perfect-freehand by `npm run build`
# (bin/bundle-frontend.mjs, run by bin/setup), served as static/bundle/<page>.js. Not committed.
FRONTEND_BUNDLE_ROOT = BASE_DIR / "bundle"
# Library files served from node_modules (installed by `npm ci`), never copied into the repo.
NPM_STATIC_FILES = {
    "vendor/fonts/AtkinsonHyperlegible-Regular.ttf": (
        "@expo-google-fonts/atkinson-hyperlegible/400Regular/AtkinsonHyperlegible_400Regular.ttf"
    ),
    "vendor/fonts/DejaVuSans.ttf": "dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
}
NPM_ROOT = BASE_DIR / "node_modules"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60

# Channel layer: in-memory for one process; channels-redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL", "")
# The default capacity of 100 drops group messages silently when a classroom draws at once.
CHANNEL_CAPACITY = env_int("SKETCHSITE_CHANNEL_CAPACITY", 2000, minimum=1)
REDIS_PREFIX = env_str("REDIS_PREFIX", "sketchsite")
CHANNEL_LAYERS = {
    "default": channel_layer_config(
        REDIS_URL,
        REDIS_PREFIX,
        CHANNEL_CAPACITY,
        env_int("REDIS_SOCKET_TIMEOUT", 60, minimum=10),
        # channels-redis's list-based core layer, or its pub/sub layer (docs/performance.md).
        env_choice("REDIS_LAYER", "core", ("core", "pubsub")),
    )
}

# A stroke key on the wire, ["author", "id"] with two 32-character ids, is at most this long.
_STROKE_KEY_BYTES = 72


def check_frame_limits(sketchsite):
    """The transport must carry the largest single event: a clear naming every stroke on show."""
    largest_event = sketchsite["MAX_STROKES_PER_BOARD"] * _STROKE_KEY_BYTES + 4096
    if sketchsite["TRANSPORT_MAX_MESSAGE_BYTES"] < largest_event:
        raise ImproperlyConfigured(
            f"SKETCHSITE_TRANSPORT_MAX_MESSAGE_BYTES must be at least {largest_event} to carry a clear of a "
            f"board of SKETCHSITE_MAX_STROKES_PER_BOARD={sketchsite['MAX_STROKES_PER_BOARD']} strokes"
        )


def unbounded_addresses(raw):
    """SKETCHSITE_UNBOUNDED_ADDRESSES as a tuple of addresses; `none` for none."""
    import ipaddress

    if [item.lower() for item in raw] == ["none"]:
        return ()
    for item in raw:
        try:
            ipaddress.ip_address(item)
        except ValueError:
            raise ImproperlyConfigured(
                f"SKETCHSITE_UNBOUNDED_ADDRESSES must list addresses such as 127.0.0.1,::1 (or be none), "
                f"not {item!r}"
            ) from None
    return tuple(raw)


def public_url(raw):
    """SKETCHSITE_PUBLIC_URL as join links start with: an origin, without a trailing slash."""
    url = raw.strip().rstrip("/")
    if url and not re.fullmatch(r"https?://[^/\s]+", url):
        raise ImproperlyConfigured(
            f"SKETCHSITE_PUBLIC_URL must be an address such as https://draw.example.org, not {raw!r}"
        )
    return url


# Board and wire limits. Each is enforced by draw/protocol.py or the consumer.
SKETCHSITE = {
    "BOARD_WIDTH": env_int("SKETCHSITE_BOARD_WIDTH", 1600, minimum=100, maximum=10000),
    "BOARD_HEIGHT": env_int("SKETCHSITE_BOARD_HEIGHT", 900, minimum=100, maximum=10000),
    "MAX_MESSAGE_BYTES": env_int("SKETCHSITE_MAX_MESSAGE_BYTES", 16384, minimum=1024),
    # Daphne's own limit, for frames in both directions: beyond it Daphne drops the connection.
    # Incoming frames over MAX_MESSAGE_BYTES are closed with 4009 first; outgoing frames (a
    # snapshot part, a batch of long committed strokes) are kept under OUTGOING_FRAME_BYTES.
    "TRANSPORT_MAX_MESSAGE_BYTES": transport_max_message_bytes(),
    "OUTGOING_FRAME_BYTES": env_int("SKETCHSITE_OUTGOING_FRAME_BYTES", 262144, minimum=16384),
    "MAX_POINTS_PER_MESSAGE": env_int("SKETCHSITE_MAX_POINTS_PER_MESSAGE", 500, minimum=1),
    "MAX_POINTS_PER_SECOND": env_int("SKETCHSITE_MAX_POINTS_PER_SECOND", 1000, minimum=1),
    "MAX_STROKE_WIDTH": env_int("SKETCHSITE_MAX_STROKE_WIDTH", 64, minimum=1),
    "MAX_OPEN_STROKES": env_int("SKETCHSITE_MAX_OPEN_STROKES", 10, minimum=1),
    "MAX_POINTS_PER_STROKE": env_int("SKETCHSITE_MAX_POINTS_PER_STROKE", 5000, minimum=2),
    # Board units one stroke's path may run (draw/strokes.py): about sixty widths of the default
    # board, far past any hand's stroke, and the bound on the ink geometry an export works out.
    "MAX_STROKE_PATH": env_int("SKETCHSITE_MAX_STROKE_PATH", 100000, minimum=100),
    "MAX_STROKES_PER_BOARD": env_int("SKETCHSITE_MAX_STROKES_PER_BOARD", 20000, minimum=1),
    # Points on show on one board: with the strokes, what bounds a board's memory in each process.
    "MAX_POINTS_PER_BOARD": env_int("SKETCHSITE_MAX_POINTS_PER_BOARD", 2000000, minimum=1000),
    "MAX_ERASE_STROKES": env_int("SKETCHSITE_MAX_ERASE_STROKES", 500, minimum=1),
    # Items one move may carry, and text items: longest text, smallest and largest size (board units).
    "MAX_MOVE_STROKES": env_int("SKETCHSITE_MAX_MOVE_STROKES", 500, minimum=1),
    "MAX_TEXT_LENGTH": env_int("SKETCHSITE_MAX_TEXT_LENGTH", 500, minimum=1, maximum=2000),
    "MIN_TEXT_SIZE": env_int("SKETCHSITE_MIN_TEXT_SIZE", 8, minimum=1),
    "MAX_TEXT_SIZE": env_int("SKETCHSITE_MAX_TEXT_SIZE", 200, minimum=8),
    # Strokes per snapshot frame for a joining client (it shows progress between frames).
    "SNAPSHOT_CHUNK": env_int("SKETCHSITE_SNAPSHOT_CHUNK", 250, minimum=1),
    # Events one answer of /b/<board>/log holds at most; a replay asks again from `next`.
    "LOG_PAGE_EVENTS": env_int("SKETCHSITE_LOG_PAGE_EVENTS", 2000, minimum=1),
    "MAX_ERRORS_PER_MINUTE": env_int("SKETCHSITE_MAX_ERRORS_PER_MINUTE", 30, minimum=1),
    # Load-adaptive batching (draw/pacing.py): what a board may cost its process, in frames a
    # second (one written to a socket counts one, one from a drawer several), and the longest
    # delays the load can bring: the relay's tick, and the interval between a browser's sends.
    "RELAY_FANOUT_BUDGET": env_int("SKETCHSITE_RELAY_FANOUT_BUDGET", 36000, minimum=100),
    "RELAY_TICK_MS": env_int("SKETCHSITE_RELAY_TICK_MS", 25, minimum=0, maximum=1000),
    "SEND_INTERVAL_MS": env_int("SKETCHSITE_SEND_INTERVAL_MS", 33, minimum=0, maximum=1000),
    # Strokes begun and edits (undo, redo, erase, clear) one connection may make: a steady rate
    # a second and a burst, so a storm of edits is refused instead of growing the log.
    "MAX_ACTIONS_PER_SECOND": env_int("SKETCHSITE_MAX_ACTIONS_PER_SECOND", 10, minimum=1),
    "MAX_ACTION_BURST": env_int("SKETCHSITE_MAX_ACTION_BURST", 30, minimum=1),
    # These budgets (points, actions, errors, laser) are each participant's on a board, not each
    # connection's (draw/budgets.py): reconnecting refills none. The participants a process keeps
    # them for (least recently seen go first; with REDIS_URL set Redis keeps them too, for every
    # process), and the board sockets one address may hold open in one process (a class behind
    # one school address shares it; over it a connect is closed with 4016).
    "PARTICIPANT_BUDGETS": env_int("SKETCHSITE_PARTICIPANT_BUDGETS", 10000, minimum=1),
    "MAX_CONNECTIONS_PER_ADDRESS": env_int("SKETCHSITE_MAX_CONNECTIONS_PER_ADDRESS", 200, minimum=1),
    # Addresses no bound per address applies to (sockets, new boards, joins; a socket from one
    # without a token has budgets of its own): this machine's, so that a benchmark on it, or a
    # proxy that does not pass on each client's address, is not one address for everyone.
    "UNBOUNDED_ADDRESSES": unbounded_addresses(
        env_list("SKETCHSITE_UNBOUNDED_ADDRESSES", ["127.0.0.1", "::1"])
    ),
    # What the server may hold unsent for one socket whose browser stops reading: beyond
    # MAX_BACKLOG_BYTES, or above a quarter of it for BACKLOG_SECONDS, the socket is closed (4011).
    "MAX_BACKLOG_BYTES": env_int("SKETCHSITE_MAX_BACKLOG_BYTES", 4194304, minimum=65536),
    "BACKLOG_SECONDS": env_int("SKETCHSITE_BACKLOG_SECONDS", 20, minimum=1),
    # Board histories a process keeps in memory (least recently used go first).
    "MAX_CACHED_BOARDS": env_int("SKETCHSITE_MAX_CACHED_BOARDS", 100, minimum=1),
    # Actions each participant may undo on each page of a board, newest first: older ones fall
    # out of reach, and what they hid may be folded into a checkpoint (docs/reliability.md).
    "UNDO_DEPTH": env_int("SKETCHSITE_UNDO_DEPTH", 100, minimum=1),
    # `manage.py compact_boards`: the newest rows of a board's log it keeps as they are (a replay's
    # frames, a reconnecting browser's catch-up), and the fewest items a compaction must leave out
    # to be worth writing a checkpoint.
    "COMPACT_KEEP_EVENTS": env_int("SKETCHSITE_COMPACT_KEEP_EVENTS", 2000, minimum=0),
    "COMPACT_MIN_FOLDED": env_int("SKETCHSITE_COMPACT_MIN_FOLDED", 1000, minimum=1),
    # Class mode: laser positions one connection may send a second, people listed in presence
    # (and away people each process remembers per board), how long presence changes are
    # gathered before they go out, and how often each process repeats its part of the
    # roster (a part not heard for three heartbeats is a stopped process's, and goes).
    "MAX_LASER_PER_SECOND": env_int("SKETCHSITE_MAX_LASER_PER_SECOND", 30, minimum=1),
    "MAX_PEOPLE": env_int("SKETCHSITE_MAX_PEOPLE", 200, minimum=1),
    "PRESENCE_INTERVAL_MS": env_int("SKETCHSITE_PRESENCE_INTERVAL_MS", 200, minimum=10, maximum=1000),
    "PRESENCE_HEARTBEAT_SECONDS": env_int("SKETCHSITE_PRESENCE_HEARTBEAT_SECONDS", 10, minimum=1),
    # Exports: largest PNG scale, how many renders run at once (HTTP 429 beyond), and how
    # many finished exports are kept, by entries and by bytes.
    "EXPORT_MAX_SCALE": env_int("SKETCHSITE_EXPORT_MAX_SCALE", 4, minimum=1, maximum=8),
    # How sharp each page of export.pdf is drawn: board units to pixels (2: a 1600-wide board is
    # 3200 pixels, sharp when printed on A4).
    "EXPORT_PDF_SCALE": env_int("SKETCHSITE_EXPORT_PDF_SCALE", 2, minimum=1, maximum=4),
    "EXPORT_MAX_RENDERS": env_int("SKETCHSITE_EXPORT_MAX_RENDERS", 2, minimum=1),
    "EXPORT_CACHE_ENTRIES": env_int("SKETCHSITE_EXPORT_CACHE_ENTRIES", 64, minimum=0),
    "EXPORT_CACHE_BYTES": env_int("SKETCHSITE_EXPORT_CACHE_BYTES", 67108864, minimum=0),
    # Seconds one render (an image, a page of a PDF or zip, a timelapse) may take in its worker
    # process before the worker is ended and the export answered 503 (draw/exportworker.py); 0
    # draws in the server's own process, with no time limit. Well over a full board's render
    # and a timelapse's TIMELAPSE_MAX_SECONDS.
    "EXPORT_TIMEOUT_S": env_int("SKETCHSITE_EXPORT_TIMEOUT_S", 20, minimum=0),
    # Between exports the workers paint the boards this process holds, so a first export finds
    # them ready (draw/exportwarming.py): seconds between two looks (0: never), points painted a
    # call (each call holds a render slot: a lesson's strokes about 0.2 s, a hostile board's up
    # to a few seconds, which an export waits for), and the bytes of ink outlines each worker
    # keeps (about as much again goes on their pixels).
    "EXPORT_WARM_INTERVAL_S": env_int("SKETCHSITE_EXPORT_WARM_INTERVAL_S", 5, minimum=0),
    "EXPORT_WARM_CHUNK_POINTS": env_int("SKETCHSITE_EXPORT_WARM_CHUNK_POINTS", 10000, minimum=1),
    "EXPORT_SHAPE_CACHE_BYTES": env_int("SKETCHSITE_EXPORT_SHAPE_CACHE_BYTES", 67108864, minimum=0),
    # What each export worker keeps of the boards it drew, so the next export of one sends and
    # paints only what changed: the strokes of this many boards (draw/exportmirror.py; a board's
    # page and view count apart), and this many bytes of their painted PNG images
    # (draw/exportraster.py; a 1600 x 900 board at scale 1 takes 4.3 MB).
    # How much lower than the server an export worker runs (os.nice: 0 the same, 19 the lowest).
    "EXPORT_WORKER_NICENESS": env_int("SKETCHSITE_EXPORT_WORKER_NICENESS", 10, minimum=0, maximum=19),
    "EXPORT_WORKER_BOARDS": env_int("SKETCHSITE_EXPORT_WORKER_BOARDS", 8, minimum=1),
    "EXPORT_RASTER_CACHE_BYTES": env_int("SKETCHSITE_EXPORT_RASTER_CACHE_BYTES", 67108864, minimum=0),
    # The lesson's timelapse (export.webp, draw/timelapse.py): frames at most, pixels of each (every
    # frame is held in memory until the file is written, 4 bytes a pixel: docs/performance.md), bytes
    # of the file, seconds spent drawing frames before it ends on the board now, and each frame's ms.
    "TIMELAPSE_MAX_FRAMES": env_int("SKETCHSITE_TIMELAPSE_MAX_FRAMES", 120, minimum=2, maximum=1000),
    "TIMELAPSE_MAX_PIXELS": env_int(
        "SKETCHSITE_TIMELAPSE_MAX_PIXELS", 360000, minimum=10000, maximum=4000000
    ),
    "TIMELAPSE_MAX_BYTES": env_int("SKETCHSITE_TIMELAPSE_MAX_BYTES", 8388608, minimum=65536),
    "TIMELAPSE_MAX_SECONDS": env_int("SKETCHSITE_TIMELAPSE_MAX_SECONDS", 10, minimum=1),
    "TIMELAPSE_FRAME_MS": env_int("SKETCHSITE_TIMELAPSE_FRAME_MS", 100, minimum=20, maximum=5000),
    # Where students' devices reach the site, for join links and QR codes; unset, each request's
    # own address is used, or this machine's LAN address when that is a loopback one.
    "PUBLIC_URL": public_url(env_str("SKETCHSITE_PUBLIC_URL", "")),
    # Participants a board's host removed that the board keeps refusing (the newest are kept).
    "MAX_REMOVED_PARTICIPANTS": env_int("SKETCHSITE_MAX_REMOVED_PARTICIPANTS", 500, minimum=1),
    # Students a board's roster keeps (the first to join); the pages of `export.zip` are bounded by it too.
    "MAX_ROSTER": env_int("SKETCHSITE_MAX_ROSTER", 500, minimum=1),
    # The lesson archive (draw/archive.py): the lessons a host's list shows (the newest), the
    # days a deleted board can be brought back before `manage.py prune_boards` removes it, and
    # the days a board nobody hosts is kept after its last visit.
    "ARCHIVE_MAX_LESSONS": env_int("SKETCHSITE_ARCHIVE_MAX_LESSONS", 200, minimum=1),
    "DELETE_UNDO_DAYS": env_int("SKETCHSITE_DELETE_UNDO_DAYS", 7, minimum=0),
    "BOARD_RETENTION_DAYS": env_int("SKETCHSITE_BOARD_RETENTION_DAYS", 90, minimum=1),
    # How long a signed read link (draw/readers.py) opens a hosted board's snapshot or export.
    "READ_LINK_MAX_AGE_SECONDS": env_int("SKETCHSITE_READ_LINK_MAX_AGE_SECONDS", 3600, minimum=10),
    # Joining over HTTP (/b/<board>/snapshot): boards whose compressed snapshot, at their latest
    # seq, a process keeps (least recently asked for go first; a full board's is a few MB).
    "SNAPSHOT_CACHE_BOARDS": env_int("SKETCHSITE_SNAPSHOT_CACHE_BOARDS", 16, minimum=1),
    # The same for the views of boards in lanes (draw/audience.py): one per student's page and
    # the projector's, so a class of 30 takes 31 (a student's view holds only two pages' ink).
    "SNAPSHOT_CACHE_VIEWS": env_int("SKETCHSITE_SNAPSHOT_CACHE_VIEWS", 128, minimum=1),
    # Pictures under the ink (draw/uploads.py): the largest file a host may upload, the pixels
    # an image may have as it comes (a decompression bomb claims billions), the pixels each
    # stored picture is fitted to (an image, or one PDF page, sharp on a projector and on a
    # zoomed phone), the pages of one PDF, the bytes one board's pictures may take together,
    # and how many uploads a process decodes at once (HTTP 429 beyond).
    "MAX_UPLOAD_BYTES": env_int("SKETCHSITE_MAX_UPLOAD_BYTES", 20971520, minimum=1024),
    "MAX_UPLOAD_PIXELS": env_int("SKETCHSITE_MAX_UPLOAD_PIXELS", 50000000, minimum=10000),
    "MAX_PAGE_PIXELS": env_int("SKETCHSITE_MAX_PAGE_PIXELS", 6000000, minimum=10000),
    "MAX_PAGES": env_int("SKETCHSITE_MAX_PAGES", 50, minimum=1),
    "MAX_BOARD_UPLOAD_BYTES": env_int("SKETCHSITE_MAX_BOARD_UPLOAD_BYTES", 209715200, minimum=1024),
    "UPLOAD_RENDERS": env_int("SKETCHSITE_UPLOAD_RENDERS", 2, minimum=1),
    # Guessing (draw/guessing.py, docs/reliability.md): wrong join codes one address may type a
    # minute (a class behind one school address shares it), wrong host keys one address and one
    # board may offer a minute, and the addresses and boards a process counts (least recently
    # counted go first; with REDIS_URL set the counts are Redis's, shared by every process).
    "MAX_WRONG_CODES_PER_MINUTE": env_int("SKETCHSITE_MAX_WRONG_CODES_PER_MINUTE", 60, minimum=1),
    "MAX_WRONG_HOST_KEYS_PER_MINUTE": env_int("SKETCHSITE_MAX_WRONG_HOST_KEYS_PER_MINUTE", 10, minimum=1),
    "WRONG_GUESS_KEYS": env_int("SKETCHSITE_WRONG_GUESS_KEYS", 10000, minimum=1),
    # Right or wrong, what one address may ask for a minute (draw/postbudgets.py): new boards
    # (/new/), and joins (a typed join code, a name posted on a join page, an anonymous board's
    # join link); HTTP 429 with Retry-After beyond. Counted with the guesses, in the same store.
    "MAX_NEW_BOARDS_PER_MINUTE": env_int("SKETCHSITE_MAX_NEW_BOARDS_PER_MINUTE", 30, minimum=1),
    "MAX_JOINS_PER_MINUTE": env_int("SKETCHSITE_MAX_JOINS_PER_MINUTE", 300, minimum=1),
}
if SKETCHSITE["MIN_TEXT_SIZE"] > SKETCHSITE["MAX_TEXT_SIZE"]:
    raise ImproperlyConfigured("SKETCHSITE_MIN_TEXT_SIZE must not be larger than SKETCHSITE_MAX_TEXT_SIZE")
check_frame_limits(SKETCHSITE)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "daphne": {"level": "WARNING"},
        # Django logs every 4xx answer as a warning: a refused guess, a missing board or an
        # export asked for too often would each write a line, so a script could fill the log.
        # The refusals that matter are logged once per burst where they are decided
        # (draw.guessing); server errors (5xx) are still logged here.
        "django.request": {"level": env_str("SKETCHSITE_REQUEST_LOG_LEVEL", "ERROR")},
    },
}


# Deployment behind a proxy. The defaults serve plain HTTP on a classroom network; behind an
# HTTPS reverse proxy, these tell Django what the browser sees (README.md, "Operations").
# The header the proxy sets to `https` on requests that reached it over TLS; unset, no request is
# taken for secure, since a browser could send any header straight to the server.
_proxy_ssl_header = env_header("SKETCHSITE_PROXY_SSL_HEADER", None)
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
# SKETCHSITE_PROXY_HEADERS=on starts Daphne with --proxy-headers (sketchsite/daphne_command.py):
# REMOTE_ADDR and a socket's client are then the browser's, from the proxy's X-Forwarded-For.
# Read here as well, so that a bad value stops the start of every command.
PROXY_HEADERS = proxy_headers()
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS", [])
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
# The language switch's cookie goes with the session's: a site that keeps one off plain HTTP
# keeps both off it.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Probes and scrapers call each process directly, over plain HTTP and past the proxy: a redirect
# to https would fail them all.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Operations: /metrics is off unless asked for; with a token, only a scraper sending it as a
# bearer token may read it.
METRICS_ENABLED = env_choice("SKETCHSITE_METRICS", "off", ("off", "on")) == "on"
METRICS_TOKEN = env_str("SKETCHSITE_METRICS_TOKEN", "")
