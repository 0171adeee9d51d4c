from django.apps import AppConfig
from django.conf import settings


class DrawConfig(AppConfig):
    name = "draw"
    verbose_name = "Boards"

    def ready(self):
        from draw.budgets import budgets_for
        from draw.connections import AddressConnections
        from draw.exporter import Exporter
        from draw.guessing import Guesses, counts_for
        from draw.postbudgets import PostBudgets
        from draw.protocol import Limits
        from draw.snapshots import SnapshotCache
        from draw.store import BoardStore

        # One definition of every limit, announced whole to each browser in `welcome`.
        self.limits = Limits.from_settings(settings.SKETCHSITE)
        self.store = BoardStore(
            self.limits, settings.SKETCHSITE["MAX_CACHED_BOARDS"], settings.SKETCHSITE["UNDO_DEPTH"]
        )
        self.exporter = Exporter.from_settings(settings.SKETCHSITE)
        self.snapshots = SnapshotCache.from_settings(settings.SKETCHSITE)
        self.view_snapshots = SnapshotCache.of_views_from_settings(settings.SKETCHSITE)
        config = settings.SKETCHSITE
        counts = counts_for(settings.REDIS_URL, settings.REDIS_PREFIX, config["WRONG_GUESS_KEYS"])
        self.guesses = Guesses.from_settings(settings.SKETCHSITE, counts=counts)
        self.post_budgets = PostBudgets.from_settings(settings.SKETCHSITE, counts)
        self.budgets = budgets_for(
            settings.REDIS_URL, settings.REDIS_PREFIX, settings.SKETCHSITE["PARTICIPANT_BUDGETS"]
        )
        self.connections = AddressConnections(
            config["MAX_CONNECTIONS_PER_ADDRESS"], config["UNBOUNDED_ADDRESSES"]
        )
