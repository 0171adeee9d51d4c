"""ASGI entry point: Django for HTTP, origin-checked websockets for boards."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sketchsite.settings")
# Build Django first: routing imports models and consumers that need the app registry.
django_asgi_app = get_asgi_application()

from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402

from draw.pacing import Pacing  # noqa: E402
from draw.relay import RelayHub  # noqa: E402
from draw.routing import websocket_routes  # noqa: E402
from draw.uploadlimit import UploadSizeLimit  # noqa: E402


def build_application(store=None, limits=None, channel_layer=None, guesses=None):
    """The site, with one relay hub and one board store shared by every board socket."""
    config = settings.SKETCHSITE
    draw_app = apps.get_app_config("draw")
    hub = RelayHub(
        channel_layer or get_channel_layer(),
        pacing=Pacing(
            fanout_budget=config["RELAY_FANOUT_BUDGET"],
            max_send_ms=config["SEND_INTERVAL_MS"],
            max_tick_ms=config["RELAY_TICK_MS"],
        ),
        max_frame_bytes=config["OUTGOING_FRAME_BYTES"],
        # What a joiner may fall behind while its catch-up goes out: as much as a live socket.
        max_held_bytes=config["MAX_BACKLOG_BYTES"],
        max_people=config["MAX_PEOPLE"],
        presence_interval_seconds=config["PRESENCE_INTERVAL_MS"] / 1000,
        presence_heartbeat_seconds=config["PRESENCE_HEARTBEAT_SECONDS"],
    )
    routes = websocket_routes(
        hub=hub,
        store=store or draw_app.store,
        limits=limits or draw_app.limits,
        snapshot_chunk=config["SNAPSHOT_CHUNK"],
        max_frame_bytes=config["OUTGOING_FRAME_BYTES"],
        max_backlog_bytes=config["MAX_BACKLOG_BYTES"],
        backlog_seconds=config["BACKLOG_SECONDS"],
        max_removed_participants=config["MAX_REMOVED_PARTICIPANTS"],
        guesses=guesses or draw_app.guesses,
    )
    return ProtocolTypeRouter(
        {
            # An oversized upload is refused before Django keeps its whole body (draw/uploadlimit.py).
            "http": UploadSizeLimit(django_asgi_app, config["MAX_UPLOAD_BYTES"]),
            "websocket": AllowedHostsOriginValidator(URLRouter(routes)),
        }
    )


application = build_application()
# A process that serves boards has its export workers work out their ink between exports.
_draw_app = apps.get_app_config("draw")
_draw_app.exporter.start_warming(_draw_app.store, settings.SKETCHSITE["EXPORT_WARM_INTERVAL_S"])

# Last, so that everything imported to serve a request is built and counted as startup.
from sketchsite.garbage_collection import freeze_startup_objects  # noqa: E402

freeze_startup_objects()
