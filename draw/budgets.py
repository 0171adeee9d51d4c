"""Each participant's rate budgets on a board, kept across reconnects and across processes.

A connection's points, actions, errors and laser moves are spent from its participant's
budgets, not its own: a socket that closes and connects again, or a second socket of the same
participant, finds them as spent as they were. In this process the budgets of the participants
seen most recently are kept (a bounded LRU); with REDIS_URL set, each connect also reads what
is left in Redis (written at every disconnect, expiring once a budget would be whole again),
so a reconnect to another process finds them spent too. While Redis is away the process keeps
its own (fail open, logged once per outage, as draw/guessing.py does). docs/reliability.md
explains the bounds.
"""

import json
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, fields

from draw.guessing import FailOpen, address_key, redis_client
from draw.ratelimit import TokenBucket


@dataclass(eq=False)
class ParticipantBudgets:
    """The four buckets every connection of one participant on one board spends from."""

    points: TokenBucket
    actions: TokenBucket
    errors: TokenBucket
    laser: TokenBucket

    @classmethod
    def whole(cls, limits, clock=time.monotonic):
        """Full budgets for `limits` (a draw.protocol.Limits)."""
        rate = limits.max_points_per_second
        errors = limits.max_errors_per_minute
        lasers = limits.max_laser_per_second
        return cls(
            points=TokenBucket(rate, burst=rate, clock=clock),
            actions=TokenBucket(limits.max_actions_per_second, burst=limits.max_action_burst, clock=clock),
            errors=TokenBucket(errors / 60, burst=errors, clock=clock),
            laser=TokenBucket(lasers, burst=lasers, clock=clock),
        )

    def buckets(self):
        return {field.name: getattr(self, field.name) for field in fields(self)}

    def levels(self):
        return {name: bucket.level() for name, bucket in self.buckets().items()}

    def lower_to(self, levels, seconds_ago):
        for name, bucket in self.buckets().items():
            if name in levels:
                bucket.lower_to(levels[name], seconds_ago)

    def seconds_to_fill(self):
        """How long until every bucket is whole again, spent or not: what a copy needs to live."""
        return max(bucket.seconds_to_fill() for bucket in self.buckets().values())


def budget_keys(board, participant_id, address, stable):
    """The keys a connection's budgets are kept under, the one they are looked up by first.

    A participant the server knew before (a token it signed, the host key) is its own key. A
    connection without one gets a new participant id each time, so it spends from its address's
    budgets, which are kept under its new id too: coming back with the token its welcome gave
    finds them as spent as the address left them.
    """
    own = f"{board}:participant:{participant_id}"
    if stable:
        return [own]
    return [f"{board}:{address_key(address)}", own]


class MemoryBudgets:
    """The budgets of the `max_keys` most recently seen keys, in this process."""

    def __init__(self, max_keys):
        self.max_keys = max_keys
        self._budgets = OrderedDict()
        # Connections check out on the event loop and, with Redis, in a thread of a pool.
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._budgets)

    def checkout(self, keys, whole):
        """The budgets kept under the first of `keys` (new ones from `whole()` if none), now kept
        under all of them; and whether they were new."""
        with self._lock:
            budgets = self._budgets.get(keys[0])
            new = budgets is None
            if new:
                budgets = whole()
            self._keep(keys, budgets)
            return budgets, new

    def checkin(self, keys, budgets):
        """A connection is done with `budgets`: keep them under `keys` (again, if they went)."""
        with self._lock:
            self._keep(keys, budgets)

    def _keep(self, keys, budgets):
        for key in keys:
            self._budgets[key] = budgets
            self._budgets.move_to_end(key)
        while len(self._budgets) > self.max_keys:
            self._budgets.popitem(last=False)


class RedisBudgets:
    """This process's budgets, each lowered at checkout to what Redis says is left of it; written
    to Redis at checkin. While Redis is away, this process's alone."""

    def __init__(self, client, prefix, memory, wall_clock=time.time):
        self.client = client
        self.prefix = prefix
        self.memory = memory
        # Processes on different machines share no monotonic clock: what is left is dated by the wall.
        self._wall_clock = wall_clock
        self.redis = FailOpen("Redis for participants' budgets")

    def checkout(self, keys, whole):
        budgets, new = self.memory.checkout(keys, whole)

        def ask():
            saved = self.client.get(self._name(keys[0]))
            if saved is not None:
                left = json.loads(saved)
                budgets.lower_to(left["levels"], self._wall_clock() - left["at"])

        self.redis.ask(ask, lambda: None)
        return budgets, new

    def checkin(self, keys, budgets):
        self.memory.checkin(keys, budgets)
        left = json.dumps({"levels": budgets.levels(), "at": self._wall_clock()})
        # Once every bucket would be whole again the copy says nothing: it may go.
        expiry = math.ceil(budgets.seconds_to_fill()) + 1

        def ask():
            pipe = self.client.pipeline(transaction=False)
            for key in keys:
                pipe.set(self._name(key), left, ex=expiry)
            pipe.execute()

        self.redis.ask(ask, lambda: None)

    @property
    def outage(self):
        return self.redis.outage

    def _name(self, key):
        return f"{self.prefix}:{key}"


def budgets_for(redis_url, redis_prefix, max_keys):
    """In-process budgets, or Redis's as well when `redis_url` is set."""
    memory = MemoryBudgets(max_keys)
    if not redis_url:
        return memory
    return RedisBudgets(redis_client(redis_url), f"{redis_prefix}:budgets", memory)
