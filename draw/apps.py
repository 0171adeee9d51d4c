from django.apps import AppConfig
from django.conf import settings


class DrawConfig(AppConfig):
    name = "draw"
    verbose_name = "Boards"

    def ready(self):
        from draw.exporter import Exporter
        from draw.guessing import Guesses
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
        self.guesses = Guesses.from_settings(settings.SKETCHSITE, settings.REDIS_URL, settings.REDIS_PREFIX)
