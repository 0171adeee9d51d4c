"""A site of each test's own: a fresh board store and application, built from that test's settings."""

from django.apps import apps
from django.conf import settings

from draw.budgets import MemoryBudgets
from draw.connections import AddressConnections
from draw.exporter import Exporter
from draw.guessing import Guesses, MemoryCounts
from draw.postbudgets import PostBudgets
from draw.protocol import Limits
from draw.store import BoardStore


class TestSite:
    """Built on first use, so a test may change settings.SKETCHSITE before it connects anyone."""

    def __init__(self):
        self._application = None
        self.install_store()

    def install_store(self):
        """A new store for this test, as the draw app's (views and draw.store functions use it)."""
        config = apps.get_app_config("draw")
        self.limits = Limits.from_settings(settings.SKETCHSITE)
        self.store = BoardStore(
            self.limits, settings.SKETCHSITE["MAX_CACHED_BOARDS"], settings.SKETCHSITE["UNDO_DEPTH"]
        )
        self.exporter = Exporter.from_settings(settings.SKETCHSITE)
        # Counted in this process: the test's own, whatever REDIS_URL says.
        self.guesses = Guesses.from_settings(settings.SKETCHSITE)
        config.limits, config.store, config.exporter = self.limits, self.store, self.exporter
        config.guesses = self.guesses
        # Budgets and connections are counted in this process too, from this test's settings.
        config.budgets = MemoryBudgets(settings.SKETCHSITE["PARTICIPANT_BUDGETS"])
        config.connections = AddressConnections(
            settings.SKETCHSITE["MAX_CONNECTIONS_PER_ADDRESS"], settings.SKETCHSITE["UNBOUNDED_ADDRESSES"]
        )
        config.post_budgets = PostBudgets.from_settings(
            settings.SKETCHSITE, MemoryCounts(settings.SKETCHSITE["WRONG_GUESS_KEYS"])
        )

    @property
    def application(self):
        if self._application is None:
            from sketchsite.asgi import build_application

            self.install_store()
            self._application = build_application(self.store, self.limits, guesses=self.guesses)
        return self._application


current = None
