"""Views for whoever runs the server: readiness for a load balancer, metrics for Prometheus."""

import asyncio
import hmac
import json
import secrets

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

import draw.metrics  # noqa: F401 - registers the process's metrics before the first scrape

# A probe that waits longer than this is as good as down to a load balancer.
READINESS_TIMEOUT_SECONDS = 2.0


class LayerProbe:
    """A message sent through the channel layer to this process and back.

    The probe keeps one channel per layer instead of a fresh one per call: on the pub/sub layer a
    channel is a subscription that outlives the call that received on it.
    """

    def __init__(self):
        self._layer = None
        self._channel = None
        self._lock = asyncio.Lock()

    async def round_trip(self, layer):
        # Two probes on one channel would take each other's messages.
        async with self._lock:
            if layer is not self._layer:
                self._layer, self._channel = layer, await layer.new_channel()
            token = secrets.token_hex(8)
            try:
                await layer.send(self._channel, {"type": "readiness.probe", "token": token})
                # A probe that timed out may have left its message behind; it is not this one's.
                while (await layer.receive(self._channel)).get("token") != token:
                    pass
            except BaseException:
                # A cancelled receive unsubscribes the pub/sub layer's channel, and a message sent
                # to it then is lost: the next probe starts on a new one.
                self._layer = self._channel = None
                raise


LAYER_PROBE = LayerProbe()


def query_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def check(name, awaitable, failures):
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
            await awaitable
    except TimeoutError:
        failures[name] = f"no answer within {READINESS_TIMEOUT_SECONDS:g} s"
    except Exception as error:  # noqa: BLE001 - any failure means not ready, and is reported
        failures[name] = f"{type(error).__name__}: {error}"[:200]


async def readiness(request):
    """200 when the database and the channel layer both answer, else 503 naming what failed."""
    failures = {}
    await check("database", sync_to_async(query_database)(), failures)
    layer = get_channel_layer()
    if layer is None:
        failures["channel_layer"] = "not configured"
    else:
        await check("channel_layer", LAYER_PROBE.round_trip(layer), failures)
    body = {"ready": not failures, "failed": failures}
    response = HttpResponse(
        json.dumps(body), status=503 if failures else 200, content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    return response


def metrics(request):
    """This process's metrics in Prometheus's text format, when SKETCHSITE_METRICS is on."""
    if not settings.METRICS_ENABLED:
        raise Http404("metrics are off")
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            response = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    response = HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
