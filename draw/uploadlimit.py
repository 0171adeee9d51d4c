"""An ASGI middleware that answers 413 to an upload larger than the bound before Django keeps its body.

Django's ASGI handler reads a request's whole body, spooling it to a temporary file, before any
view runs; a body sent without Content-Length (chunked) would be kept whole, however large,
before the view could refuse it. This looks at uploads only (POST to /b/<board>/uploads):
one that announces too many bytes is refused at once, and one that sends them is refused the
moment its count passes the bound; the rest of its body is never asked for.

Daphne itself (through Twisted) receives a whole request before it calls the application, so
with Daphne this bounds what the site keeps and decodes, not what crosses the network; a proxy
in front bounds that (deploy/nginx.conf, `client_max_body_size`). Servers that stream the body
to the application (uvicorn, hypercorn) stop reading here too.
"""

import re

from draw.boards import BOARD_NAME_PATTERN
from draw.uploads import too_large

UPLOAD_PATH = re.compile(rf"/b/{BOARD_NAME_PATTERN}/uploads$")


class UploadSizeLimit:
    """Wraps an ASGI HTTP application: uploads above `max_bytes` get 413, and the application never
    sees them (it is told the client went away, as when a browser stops mid-upload)."""

    def __init__(self, app, max_bytes):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not UPLOAD_PATH.search(scope["path"]):
            return await self.app(scope, receive, send)
        announced = _content_length(scope)
        if announced is not None and announced > self.max_bytes:
            return await self._refuse(send)
        received = 0
        refused = False
        response_started = False

        async def counted_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message):
            nonlocal response_started
            if refused:
                # The 413 below is the answer; the application's, if any, is dropped.
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, counted_receive, watched_send)
        if refused and not response_started:
            await self._refuse(send)

    async def _refuse(self, send):
        body = too_large(self.max_bytes).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    # The rest of the body is not read: the connection cannot carry another request.
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope):
    """The announced Content-Length, or None when there is none (or it is not a number: Django says so)."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
