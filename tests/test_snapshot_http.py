"""The board's snapshot over HTTP: the socket's snapshot in one part, gzip-compressed, with an ETag by seq."""

import gzip
import json

import pytest
from asgiref.sync import sync_to_async
from django.apps import apps
from django.test import Client

from draw import audience, protocol, snapshots, store
from draw.participants import Participant
from draw.snapshots import CHUNK_SEQS, SnapshotCache
from tests import site
from tests.relayed import BoardCommunicator

ORIGIN = (b"origin", b"http://localhost")
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture(autouse=True)
def snapshot_cache(settings):
    """A snapshot cache of this test's own, used by the view."""
    cache = SnapshotCache.from_settings(settings.SKETCHSITE)
    config = apps.get_app_config("draw")
    saved = getattr(config, "snapshots", None)
    config.snapshots = cache
    yield cache
    config.snapshots = saved


def draw_stroke(board, stroke, points, author="ann", color="#e03131", width=8):
    request = {
        "stroke": stroke,
        "item": {"kind": "marker", "color": color, "width": width},
        "points": list(points),
    }
    return store.commit(board, "stroke", Participant(author), f"c-{stroke}", request)


def edit(board, kind, author="ann", request=None):
    return store.commit(board, kind, Participant(author), f"e-{kind}-{author}", request or {})


def http_snapshot(board, client=None, **headers):
    """(response, the snapshot message it holds)."""
    response = (client or Client()).get(f"/b/{board}/snapshot", headers={**GZIP, **headers})
    if response.status_code != 200:
        return response, None
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response, json.loads(body)


async def socket_snapshot(board, since=0):
    """(seq, compact strokes) of every snapshot part a browser joining with `since` reads."""
    client = BoardCommunicator(
        site.current.application, f"/ws/boards/{board}/?since={since}", headers=[ORIGIN]
    )
    connected, _ = await client.connect()
    assert connected
    try:
        welcome = await client.receive_json_from(timeout=5)
        assert welcome["type"] == "welcome"
        strokes = []
        while True:
            part = await client.receive_json_from(timeout=5)
            assert part["type"] == "snapshot", part
            strokes += part["strokes"]
            if len(strokes) >= part["total"]:
                return part["seq"], strokes
    finally:
        await client.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_http_snapshot_holds_what_the_socket_snapshot_holds_at_the_same_seq(settings):
    # Small socket parts, so the socket's snapshot comes in several.
    settings.SKETCHSITE = {**settings.SKETCHSITE, "SNAPSHOT_CHUNK": 3}

    def build():
        for index in range(10):
            draw_stroke("maths", f"s{index}", [index, 10, index + 100, 200], author=("ann", "bob")[index % 2])
        edit("maths", "erase", "ann", {"strokes": [["bob", "s3"], ["ann", "s4"]]})
        edit("maths", "undo", "bob")
        draw_stroke("maths", "dot", [800, 450], author="bob", width=20)

    await sync_to_async(build)()
    response, message = await sync_to_async(http_snapshot)("maths")
    seq, strokes = await socket_snapshot("maths")
    assert response.status_code == 200
    assert message == protocol.snapshot(seq, strokes, 0, len(strokes))
    assert message["seq"] == 13
    # The erase hid s3 and s4; bob's undo took back his last stroke, s9.
    assert [stroke[0] for stroke in message["strokes"]] == "s0 s1 s2 s5 s6 s7 s8 dot".split()


@pytest.mark.django_db
def test_http_snapshot_is_gzip_compressed_for_a_browser_that_takes_gzip():
    draw_stroke("maths", "s1", [100, 100, 300, 300])
    response = Client().get("/b/maths/snapshot", headers=GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Type"] == "application/json"
    assert "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content))["strokes"][0][3] == [100, 100, 300, 300]
    plain = Client().get("/b/maths/snapshot")
    assert not plain.has_header("Content-Encoding")
    assert json.loads(plain.content) == json.loads(gzip.decompress(response.content))


@pytest.mark.django_db
def test_http_snapshot_etag_answers_304_until_the_board_changes(snapshot_cache):
    draw_stroke("maths", "s1", [100, 100])
    response, _ = http_snapshot("maths")
    etag = response["ETag"]
    # The seq, and the board's row: a board removed and drawn again is another.
    generation = store.board_state("maths").generation
    assert etag == f'"1-g{generation}"'
    assert response["Cache-Control"] == "no-cache"

    again, _ = http_snapshot("maths", **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""

    draw_stroke("maths", "s2", [500, 100])
    changed, message = http_snapshot("maths", **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] == f'"2-g{generation}"'
    assert message["seq"] == 2
    assert snapshot_cache.builds == 2


@pytest.mark.django_db
def test_http_snapshot_of_a_board_with_no_row_is_empty_at_seq_0_and_stores_nothing():
    response, message = http_snapshot("never-drawn")
    assert response.status_code == 200
    assert message == {"type": "snapshot", "seq": 0, "index": 0, "total": 0, "strokes": []}
    assert response["ETag"] == '"0"'
    assert not store.board_state("never-drawn").exists


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Maths", "-maths", "maths_7", "a" * 33, "ma%20ths"])
def test_http_snapshot_of_a_bad_board_name_is_404(name):
    assert Client().get(f"/b/{name}/snapshot").status_code == 404


@pytest.mark.django_db
def test_board_page_asks_for_its_snapshot_first():
    page = Client().get("/b/maths/")
    config = page.context["client_config"]
    assert config["snapshotUrl"] == "/b/maths/snapshot"
    assert b'<link rel="preload" href="/b/maths/snapshot" as="fetch" crossorigin>' in page.content
    show = Client().get("/b/maths/show")
    assert b'<link rel="preload" href="/b/maths/snapshot" as="fetch" crossorigin>' in show.content


# --- the cache ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_changed_board_reuses_the_compressed_pieces_it_did_not_change():
    cache = SnapshotCache(max_boards=4)
    for index in range(3 * CHUNK_SEQS):
        draw_stroke("maths", f"s{index}", [index % 1600, 10, 20, 30])
    first = cache.snapshot(store.board_state("maths"))
    before = set(map(id, cache._boards["maths", audience.EVERYONE][2].values()))
    # Hides a stroke of the first run of seqs, and adds one to the last.
    edit("maths", "erase", "ann", {"strokes": [["ann", "s5"]]})
    draw_stroke("maths", "last", [1, 2])
    state = store.board_state("maths")
    snapshot = cache.snapshot(state)
    assert gzip.decompress(snapshot.body) == protocol.encode(snapshots.snapshot_message(state)).encode()
    assert snapshot.size == len(gzip.decompress(snapshot.body))
    assert gzip.decompress(first.body) != gzip.decompress(snapshot.body)
    after = set(map(id, cache._boards["maths", audience.EVERYONE][2].values()))
    assert len(before & after) == 2, "the runs in between are compressed once"
    assert cache.snapshot(store.board_state("maths")) is snapshot


@pytest.mark.django_db
def test_the_cache_keeps_the_boards_asked_for_last():
    cache = SnapshotCache(max_boards=2)
    for board in ("a", "b", "c"):
        draw_stroke(board, "s1", [1, 1])
        cache.snapshot(store.board_state(board))
    assert cache.cached_boards == 2
    cache.snapshot(store.board_state("b"))
    assert cache.hits == 1
    cache.snapshot(store.board_state("a"))
    assert cache.builds == 4


@pytest.mark.django_db
def test_a_board_drawn_again_from_nothing_is_not_served_its_old_snapshot(test_site):
    cache = SnapshotCache(max_boards=2)
    draw_stroke("maths", "s1", [1, 1], color="#e03131")
    old = cache.snapshot(store.board_state("maths"))
    # Another database (or the board deleted and drawn on again): the same name, seq and ids.
    from draw.models import Board

    Board.objects.filter(name="maths").delete()
    test_site.install_store()
    draw_stroke("maths", "s1", [1, 1], color="#1971c2")
    new = cache.snapshot(store.board_state("maths"))
    assert new.seq == old.seq
    assert json.loads(gzip.decompress(new.body))["strokes"][0][2]["color"] == "#1971c2"
