"""The baseline: the design a first Channels tutorial arrives at.

Each point is its own websocket message, its own group_send and its own frame to every
client on the board. Served by Daphne exactly like the real application
(`daphne bench.naive:application` with DJANGO_SETTINGS_MODULE=bench.naive_settings), so
the benchmark compares designs, not servers.
"""

import os
import secrets

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.naive_settings")
django_asgi_app = get_asgi_application()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import re_path  # noqa: E402


class PointConsumer(AsyncJsonWebsocketConsumer):
    """Relays every point to the board group as it comes, one event and one frame each."""

    async def connect(self):
        self.group = f"naive.{self.scope['url_route']['kwargs']['board']}"
        self.participant = secrets.token_hex(5)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "welcome", "you": self.participant})

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content):
        await self.channel_layer.group_send(
            self.group,
            {
                "type": "board.point",
                "author": self.participant,
                "stroke": content["stroke"],
                "x": content["x"],
                "y": content["y"],
            },
        )

    async def board_point(self, event):
        await self.send_json(
            {
                "type": "point",
                "author": event["author"],
                "stroke": event["stroke"],
                "x": event["x"],
                "y": event["y"],
            }
        )


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            URLRouter([re_path(r"^ws/boards/(?P<board>[a-z0-9-]{1,32})/$", PointConsumer.as_asgi())])
        ),
    }
)
