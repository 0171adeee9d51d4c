"""ASGI entry point: Django for HTTP, origin-checked websockets for boards."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sketchsite.settings")
# Build Django first: routing imports models and consumers that need the app registry.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from draw.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)

# Last, so that everything imported to serve a request is built and counted as startup.
from sketchsite.garbage_collection import freeze_startup_objects  # noqa: E402

freeze_startup_objects()
