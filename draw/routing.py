from django.urls import re_path

from draw.consumers import BoardConsumer


def websocket_routes(**consumer_settings):
    """The websocket URLs, their consumer given the application's hub, store and limits."""
    return [
        # Any name reaches the consumer, which closes with 4004 when it is not a board name;
        # an unmatched route would be an unhandled error instead of a clear close code.
        re_path(r"^ws/boards/(?P<board>[^/]*)/$", BoardConsumer.as_asgi(**consumer_settings)),
    ]
