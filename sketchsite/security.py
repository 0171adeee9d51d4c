"""The Content-Security-Policy every page of the site is served with.

Everything the board needs comes from the site itself: its modules, its stylesheet, p5 from
node_modules, its websocket. A page that loads anything else, or runs an inline script, has
been tampered with, and the browser refuses it. The board's configuration is a `json_script`
block, which browsers never execute, so no inline script needs allowing.
"""

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.utils.decorators import sync_and_async_middleware

P5_LOADING_STYLE_HASH = "sha256-PmUnfxNLN1UfoJC2U19QX897emzGgojOx/9QxMkPonw="
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # p5's loading indicator adds one <style> of its own (a spin keyframe); its hash lets that
        # one in and no other. A p5 upgrade that changes it shows in tests/browser/test_security.py.
        f"style-src 'self' '{P5_LOADING_STYLE_HASH}'",
        # Canvas libraries hand images around as data: and blob: URLs.
        "img-src 'self' data: blob:",
        # 'self' covers the board's websocket: ws: and wss: to the page's own host.
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def with_policy(response):
    # Django's debug error pages carry their styles inline; they are for a developer's eyes.
    if settings.DEBUG and response.status_code >= 400:
        return response
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response


@sync_and_async_middleware
def content_security_policy(get_response):
    """Middleware adding CONTENT_SECURITY_POLICY to every response of a view."""
    if iscoroutinefunction(get_response):

        async def middleware(request):
            return with_policy(await get_response(request))

    else:

        def middleware(request):
            return with_policy(get_response(request))

    return middleware
