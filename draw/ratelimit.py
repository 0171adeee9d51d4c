"""Token buckets for per-connection limits (points per second, errors per minute)."""

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
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if amount > self._tokens:
            return False
        self._tokens -= amount
        return True
