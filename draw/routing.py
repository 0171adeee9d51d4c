from django.urls import re_path

from draw.consumers import BoardConsumer

websocket_urlpatterns = [
    # Any name reaches the consumer, which closes with 4004 when it is not a board name;
    # an unmatched route would be an unhandled error instead of a clear close code.
    re_path(r"^ws/boards/(?P<board>[^/]*)/$", BoardConsumer.as_asgi()),
]
