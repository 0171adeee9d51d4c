"""What one address may ask for a minute, right or wrong: new boards, and joins.

draw/guessing.py bounds wrong join codes so that codes cannot be guessed; this bounds every
creation and every join, so that a script cannot fill the database with boards or a board's
roster with participants. Counted in the same store as the guesses (this process's, or Redis's
when REDIS_URL is set), in windows that open at an address's first request.
"""

import logging
import math
from dataclasses import dataclass

from draw.connections import unbounded_keys
from draw.guessing import WINDOW_SECONDS, Refused, address_key

logger = logging.getLogger(__name__)


class PostBudget:
    """At most `limit` requests of one kind per address a window; the rest are refused."""

    def __init__(self, kind, limit, counts, window_seconds=WINDOW_SECONDS, unbounded=frozenset()):
        self.kind = kind
        self.limit = limit
        self.counts = counts
        self.window_seconds = window_seconds
        self.unbounded = unbounded

    def spend(self, address):
        """Count one request from `address`: None when within its budget, else the Refused."""
        key = address_key(address)
        if key in self.unbounded:
            return None
        ((count, left),) = self.counts.add([f"{self.kind}:{key}"], self.window_seconds)
        if count <= self.limit:
            return None
        if count == self.limit + 1:
            # One line per burst (and per window of a burst that goes on), not one per request.
            logger.warning("%s: %s refused after %d in %d s", self.kind, key, self.limit, self.window_seconds)
        return Refused(key, max(1, math.ceil(left)))


@dataclass
class PostBudgets:
    new_boards: PostBudget
    joins: PostBudget

    @classmethod
    def from_settings(cls, sketchsite, counts):
        unbounded = unbounded_keys(sketchsite["UNBOUNDED_ADDRESSES"])
        return cls(
            new_boards=PostBudget(
                "new boards", sketchsite["MAX_NEW_BOARDS_PER_MINUTE"], counts, unbounded=unbounded
            ),
            joins=PostBudget("joins", sketchsite["MAX_JOINS_PER_MINUTE"], counts, unbounded=unbounded),
        )


def default_post_budgets():
    """This process's budgets, owned by the draw app."""
    from django.apps import apps

    return apps.get_app_config("draw").post_budgets
