"""Token buckets for a participant's limits (points per second, errors per minute)."""

import time


class TokenBucket:
    """Allows `rate` units a second on average, bursts up to `burst` units."""

    def __init__(self, rate, burst, clock=time.monotonic):
        self.rate = float(rate)
        self.burst = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()

    def take(self, amount=1):
        """Spend `amount` if the bucket holds it; False (and spend nothing) if not."""
        tokens = self.level()
        if amount > tokens:
            return False
        self._tokens = tokens - amount
        return True

    def level(self):
        """The units it holds now."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        return self._tokens

    def lower_to(self, tokens, seconds_ago):
        """Hold no more than a bucket of the same rate that held `tokens` `seconds_ago` holds now
        (another process's copy of it, say): the lower of the two is what is left to spend."""
        refilled = min(self.burst, float(tokens) + max(0.0, seconds_ago) * self.rate)
        self._tokens = min(self.level(), refilled)

    def seconds_to_fill(self):
        """How long an empty bucket takes to hold its whole burst again."""
        return self.burst / self.rate
