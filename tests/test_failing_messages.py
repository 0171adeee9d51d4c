"""A message the server fails on is its sender's `internal_error`, never a closed socket or board."""

import pytest
from django.conf import settings

from draw.store import BoardStore
from sketchsite.asgi import build_application
from tests import site
from tests.relayed import BoardCommunicator

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")
# The stroke id the store below fails on, as a bug not yet found would.
FAILING = "boom"


class StoreWithABug(BoardStore):
    """The real store, but one stroke id makes its commit fail with an error no code expects."""

    def commit(self, name, kind, participant, client_id, request):
        if client_id == FAILING:
            raise KeyError("a bug met by this one stroke")
        return super().commit(name, kind, participant, client_id, request)


async def joined(application, board="lesson"):
    client = BoardCommunicator(application, f"/ws/boards/{board}/", headers=[ORIGIN])
    connected, _ = await client.connect()
    assert connected
    assert (await client.receive_json_from(timeout=5))["type"] == "welcome"
    assert (await client.receive_json_from(timeout=5))["type"] == "snapshot"
    return client


async def message_of(client, kind):
    while True:
        frame = await client.receive_json_from(timeout=5)
        for message in frame.get("messages", [frame]):
            if message["type"] == kind:
                return message


async def draw(client, stroke):
    item = {"kind": "marker", "color": "#1e1e1e", "width": 4}
    await client.send_json_to({"type": "stroke.begin", "stroke": stroke, "item": item, "points": [1, 1]})
    await client.send_json_to({"type": "stroke.end", "stroke": stroke, "points": [50, 50]})


async def test_a_message_the_server_fails_on_is_an_internal_error_for_its_sender_alone():
    store = StoreWithABug(site.current.limits, settings.SKETCHSITE["MAX_CACHED_BOARDS"])
    application = build_application(store, site.current.limits)
    drawer, watcher = await joined(application), await joined(application)

    await draw(drawer, FAILING)
    error = await message_of(drawer, "error")
    assert error["code"] == "internal_error"
    assert error["message"]

    # The same socket goes on drawing, and everyone else sees it.
    await draw(drawer, "s2")
    assert (await message_of(drawer, "ack"))["ref"] == "s2"
    event = await message_of(watcher, "event")
    assert (event["stroke"], event["seq"]) == ("s2", 1)
    late = await joined(application)
    await late.disconnect()
    for client in (drawer, watcher):
        await client.disconnect()
