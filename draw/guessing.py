"""Wrong guesses of join codes and host keys, counted per address and per board, bounded per window.

A key (an address, a board) may make `limit` wrong guesses in a window that opens at its first
one; after that it is refused until the window closes. Counts live in this process, or in
Redis when REDIS_URL is set so that every process behind a balancer counts the same guesses.
While Redis is away the counts fall back to this process's own (fail open: joining must not
stop because Redis did), logged once per outage. docs/reliability.md explains the bounds.
"""

import ipaddress
import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from draw.outages import OutageLog

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
# How long a process that found Redis away answers on its own before it asks Redis again.
REDIS_RETRY_SECONDS = 5.0
# One network of IPv6 addresses is handed to one customer: counted as one address.
_IPV6_PREFIX = 64


@dataclass(frozen=True)
class Refused:
    """A key over its bound: nothing more from it is answered for `retry_after` seconds."""

    key: str
    retry_after: int


def address_key(address):
    """The key an address's guesses are counted under: the address, or its /64 when IPv6."""
    if not address:
        return "address:unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"address:{address[:64]}"
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return f"address:{ipaddress.ip_network(f'{ip}/{_IPV6_PREFIX}', strict=False)}"
    return f"address:{ip}"


def board_key(board):
    return f"board:{board}"


class MemoryCounts:
    """Each key's count in its window, in this process; the least recently counted go past `max_keys`."""

    def __init__(self, max_keys, clock=time.monotonic):
        self.max_keys = max_keys
        self._clock = clock
        self._windows = OrderedDict()
        # Views count in Django's thread, sockets in a pool's.
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._windows)

    def peek(self, keys):
        """(count, seconds left in its window) of each key."""
        with self._lock:
            now = self._clock()
            return [self._live(key, now) for key in keys]

    def add(self, keys, window_seconds):
        """One more for each key (a new window if it has none open); (count, seconds left) of each."""
        with self._lock:
            now = self._clock()
            counted = []
            for key in keys:
                count, left = self._live(key, now)
                if count == 0:
                    left = window_seconds
                self._windows[key] = (count + 1, now + left)
                self._windows.move_to_end(key)
                counted.append((count + 1, left))
            while len(self._windows) > self.max_keys:
                self._windows.popitem(last=False)
            return counted

    def _live(self, key, now):
        count, ends = self._windows.get(key, (0, now))
        if ends <= now:
            self._windows.pop(key, None)
            return 0, 0.0
        return count, ends - now


class FailOpen:
    """Asks Redis, or answers from this process while Redis is away (one log line per outage).

    After a failure Redis is left alone for REDIS_RETRY_SECONDS: a Redis that does not answer
    would otherwise cost every caller its socket timeout.
    """

    def __init__(self, what, clock=time.monotonic):
        self._clock = clock
        self._retry_at = None
        self.outage = OutageLog(logger, what, clock)

    def ask(self, ask, fallback):
        """`ask()`'s answer, or `fallback()`'s when Redis fails or failed a moment ago."""
        if self._retry_at is not None and self._clock() < self._retry_at:
            return fallback()
        try:
            answer = ask()
        except Exception as error:  # noqa: BLE001 - any failure of Redis: answer here instead
            self.outage.failed(error)
            self._retry_at = self._clock() + REDIS_RETRY_SECONDS
            return fallback()
        self._retry_at = None
        self.outage.recovered()
        return answer


class RedisCounts:
    """The counts in Redis, shared by every process; `fallback`'s while Redis is away."""

    def __init__(self, client, prefix, fallback, clock=time.monotonic):
        self.client = client
        self.prefix = prefix
        self.fallback = fallback
        self.redis = FailOpen("Redis for counting wrong guesses", clock)

    def peek(self, keys):
        def ask():
            pipe = self.client.pipeline(transaction=False)
            for key in keys:
                pipe.get(self._name(key))
                pipe.pttl(self._name(key))
            answers = pipe.execute()
            return [_count_and_left(answers[i], answers[i + 1]) for i in range(0, len(answers), 2)]

        return self.redis.ask(ask, lambda: self.fallback.peek(keys))

    def add(self, keys, window_seconds):
        def ask():
            pipe = self.client.pipeline(transaction=True)
            for key in keys:
                pipe.incr(self._name(key))
                # Only a new key's window is set: later guesses do not push its end away.
                pipe.expire(self._name(key), window_seconds, nx=True)
                pipe.pttl(self._name(key))
            answers = pipe.execute()
            return [_count_and_left(answers[i], answers[i + 2]) for i in range(0, len(answers), 3)]

        return self.redis.ask(ask, lambda: self.fallback.add(keys, window_seconds))

    @property
    def outage(self):
        return self.redis.outage

    def _name(self, key):
        return f"{self.prefix}:{key}"


def _count_and_left(count, left_ms):
    """(count, seconds left) from Redis's GET and PTTL (-2: no such key, -1: no expiry)."""
    if not count or left_ms == -2:
        return 0, 0.0
    if left_ms < 0:
        # A count without a window cannot come from add(), which sets both at once: a whole one.
        return int(count), float(WINDOW_SECONDS)
    return int(count), left_ms / 1000


class WrongGuesses:
    """One kind of guess (join codes, host keys): at most `limit` wrong ones per key a window."""

    def __init__(self, kind, limit, counts, window_seconds=WINDOW_SECONDS):
        self.kind = kind
        self.limit = limit
        self.counts = counts
        self.window_seconds = window_seconds

    def refused(self, keys):
        """The first of `keys` that has made its `limit` wrong guesses this window, or None."""
        keys = list(keys)
        for key, (count, left) in zip(keys, self.counts.peek(self._names(keys)), strict=True):
            if count >= self.limit:
                return Refused(key, max(1, math.ceil(left)))
        return None

    def wrong(self, keys):
        """Count one wrong guess against each of `keys`; logs a key the guess takes to its bound."""
        keys = list(keys)
        for key, (count, _left) in zip(
            keys, self.counts.add(self._names(keys), self.window_seconds), strict=True
        ):
            # Exactly one guess reaches the bound in each window, in whichever process counted
            # it: one line per burst (and per window of a burst that goes on), not one per guess.
            if count == self.limit:
                logger.warning(
                    "%s: %s refused after %d wrong guesses in %d s",
                    self.kind,
                    key,
                    count,
                    self.window_seconds,
                )

    def wrong_or_refused(self, keys):
        """After a wrong guess that was answered anyway (a host key, say): the refusal when a key is
        already over its bound, else None, the guess counted."""
        keys = list(keys)
        refused = self.refused(keys)
        if refused is None:
            self.wrong(keys)
        return refused

    def _names(self, keys):
        return [f"{self.kind}:{key}" for key in keys]


@dataclass
class Guesses:
    """The two kinds of guesses the site bounds, sharing one store of counts."""

    codes: WrongGuesses
    host_keys: WrongGuesses

    @classmethod
    def from_settings(cls, sketchsite, redis_url="", redis_prefix="sketchsite", counts=None):
        if counts is None:
            counts = counts_for(redis_url, redis_prefix, sketchsite["WRONG_GUESS_KEYS"])
        return cls(
            codes=WrongGuesses("join codes", sketchsite["MAX_WRONG_CODES_PER_MINUTE"], counts),
            host_keys=WrongGuesses("host keys", sketchsite["MAX_WRONG_HOST_KEYS_PER_MINUTE"], counts),
        )


def counts_for(redis_url, redis_prefix, max_keys):
    """In-process counts, or Redis's when `redis_url` is set (in-process while it is away)."""
    memory = MemoryCounts(max_keys)
    if not redis_url:
        return memory
    return RedisCounts(redis_client(redis_url), f"{redis_prefix}:guesses", memory)


def redis_client(redis_url):
    """A client for counts and budgets that a join or a request waits on: short timeouts, as an
    answer from this process (FailOpen's fallback) is good enough."""
    import redis

    return redis.Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)


def wrong_host_key(address, board, guesses=None):
    """After a wrong host key for `board` from `address`: the refusal when either has offered too
    many this window, else None (the guess counted). Without an address, the board's count alone."""
    keys = [board_key(board)] if not address else [address_key(address), board_key(board)]
    return (guesses or default_guesses()).host_keys.wrong_or_refused(keys)


def default_guesses():
    """This process's counts of guesses, owned by the draw app (tests give the app their own)."""
    from django.apps import apps

    return apps.get_app_config("draw").guesses
