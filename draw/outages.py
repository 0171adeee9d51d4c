"""One log line when a dependency starts failing, one summary when it works again.

A database or channel layer that is away fails every commit or relay tick; logging each
would bury the log in identical tracebacks (one per board per tick during a Redis outage).
"""

import time


class OutageLog:
    """The failures of one thing (a board's database writes, a board's channel layer)."""

    def __init__(self, logger, what, clock=time.monotonic):
        self.logger = logger
        self.what = what
        self.clock = clock
        self.since = None
        self.failures = 0

    @property
    def ongoing(self):
        return self.since is not None

    def failed(self, error):
        if self.since is None:
            self.since = self.clock()
            self.failures = 0
            self.logger.warning("%s failing: %s: %s", self.what, type(error).__name__, error)
        self.failures += 1

    def recovered(self):
        if self.since is None:
            return
        self.logger.warning(
            "%s working again after %.1f s and %d failures",
            self.what,
            self.clock() - self.since,
            self.failures,
        )
        self.since = None
