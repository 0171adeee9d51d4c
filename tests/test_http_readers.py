"""Who may read a board over HTTP (draw/readers.py): on a board with a host, the snapshot and
the exports answer a participant's token, the host key or a signed read link the page made,
each with that reader's own view, and nobody else; a board without a host stays open."""

import gzip
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing

from draw import readers, store
from draw.audience import Audience
from draw.participants import STUDENT
from tests.test_export_zip import bearer, draw, draw_as_host, hosted_board, id_of, join

pytestmark = pytest.mark.django_db

BOARD = "lesson"
READS = ("snapshot", "export.png", "export.svg", "export.webp")


@pytest.fixture(autouse=True)
def any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]


def strokes_read(client, path="snapshot", **headers):
    """The stroke ids of the board's HTTP snapshot as this request reads it."""
    response = client.get(f"/b/{BOARD}/{path}", headers={"Accept-Encoding": "gzip", **headers})
    assert response.status_code == 200, response.content
    body = (
        gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
    )
    return sorted(stroke[0] for stroke in json.loads(body)["strokes"])


@pytest.fixture
def lesson(client):
    """A hosted board in lanes: the host's question, Ann's and Bob's answers. (key, ann, bob)."""
    key = hosted_board(lanes=True)
    ann, bob = join(client, "Ann"), join(client, "Bob")
    draw_as_host("question")
    draw(id_of(ann), "annsanswer")
    draw(id_of(bob), "bobsanswer")
    return key, ann, bob


def test_a_hosted_board_answers_nobody_unnamed_and_no_credential_it_does_not_know(client, lesson):
    for path in READS:
        response = client.get(f"/b/{BOARD}/{path}")
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] == 'Bearer realm="sketchsite"'
        assert b"this board has a host" in response.content
        for credential in ("not-a-token", signing.dumps("ann1", salt="another.salt")):
            response = client.get(f"/b/{BOARD}/{path}", headers=bearer(credential))
            assert response.status_code == 401, (path, credential)


def test_each_reader_reads_their_own_view_and_a_removed_student_nothing(client, lesson):
    key, ann, bob = lesson
    assert strokes_read(client, **bearer(key)) == ["annsanswer", "bobsanswer", "question"]
    assert strokes_read(client, **bearer(ann)) == ["annsanswer", "question"]
    assert strokes_read(client, **bearer(bob)) == ["bobsanswer", "question"]
    svg = client.get(f"/b/{BOARD}/export.svg", headers=bearer(ann))
    assert svg.status_code == 200
    store.default_store().remove_participant(BOARD, id_of(bob), 100)
    for path in READS:
        response = client.get(f"/b/{BOARD}/{path}", headers=bearer(bob))
        assert response.status_code == 403 and response.content == b"removed by the host"


def links_of(client, credential):
    response = client.get(f"/b/{BOARD}/links", headers=bearer(credential))
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()


def test_a_read_link_opens_its_readers_view_without_any_credential_and_holds_no_secret(client, lesson):
    key, ann, _ = lesson
    links = links_of(client, ann)
    assert set(links) == {"png", "svg", "pdf", "webp", "snapshot", "expires", "max_age"}
    assert links["max_age"] == 3600
    for name in ("png", "svg", "pdf", "webp", "snapshot"):
        assert key not in links[name] and ann not in links[name]
        assert client.get(links[name]).status_code == 200, name
    assert strokes_read(client, links["snapshot"].removeprefix(f"/b/{BOARD}/")) == ["annsanswer", "question"]
    # The host's links read every page, and the zip of every page too.
    host_links = links_of(client, key)
    assert strokes_read(client, host_links["snapshot"].removeprefix(f"/b/{BOARD}/")) == [
        "annsanswer",
        "bobsanswer",
        "question",
    ]
    assert client.get(host_links["zip"]).status_code == 200
    assert client.get(links_of(client, ann).get("zip", f"/b/{BOARD}/export.zip")).status_code == 403
    assert client.get(f"/b/{BOARD}/links").status_code == 401


def link_value(url):
    return parse_qs(urlsplit(url).query)["link"][0]


def test_an_expired_a_tampered_and_another_boards_read_link_open_nothing(client, lesson, settings):
    _, ann, _ = lesson
    value = link_value(links_of(client, ann)["png"])
    hosted_board("other")
    for path, reason in (
        (f"/b/other/export.png?link={value}", b"another board"),
        (f"/b/{BOARD}/export.png?link={value[:-2]}xx", b"not one this server made"),
    ):
        response = client.get(path)
        assert response.status_code == 403 and reason in response.content, path
    settings.SKETCHSITE = {**settings.SKETCHSITE, "READ_LINK_MAX_AGE_SECONDS": 10}
    old = signing.dumps([BOARD, STUDENT, id_of(ann)], salt="sketchsite.read-link", compress=False)
    assert client.get(f"/b/{BOARD}/export.png?link={old}").status_code == 200
    # Made 11 seconds ago: the signer's clock is the one thing moved.
    signer = signing.TimestampSigner(salt="sketchsite.read-link")
    signer.timestamp = lambda: signing.b62_encode(int(time.time()) - 11)
    stale = signer.sign_object([BOARD, STUDENT, id_of(ann)], serializer=signing.JSONSerializer)
    response = client.get(f"/b/{BOARD}/export.png?link={stale}")
    assert response.status_code == 403 and b"expired" in response.content


def test_a_removed_students_read_link_and_a_reset_host_keys_link_open_nothing(client, lesson):
    key, _, bob = lesson
    bobs = links_of(client, bob)["svg"]
    hosts = links_of(client, key)["svg"]
    store.default_store().remove_participant(BOARD, id_of(bob), 100)
    assert client.get(bobs).status_code == 403
    store.default_store().host_key(BOARD, reset=True)
    response = client.get(hosts)
    assert response.status_code == 403 and b"reset" in response.content


def test_a_board_without_a_host_stays_open_to_anyone(client):
    store.default_store().create(BOARD, hosted=False)
    draw("ann1", "annsline")
    assert strokes_read(client) == ["annsline"]
    assert strokes_read(client, **bearer("not-a-token")) == ["annsline"]
    for path in READS[1:]:
        assert client.get(f"/b/{BOARD}/{path}").status_code == 200
    # A board with no row at all reads as empty, as before.
    assert client.get("/b/nothing-here/snapshot").status_code == 200


def test_the_reader_rule_alone():
    state = store.board_state(BOARD)  # no such board: open, empty
    assert readers.reader_of(state).audience.role == "viewer"
    key = hosted_board()
    hosted = store.board_state(BOARD)
    assert readers.reader_of(hosted, key).audience.role == "host"
    with pytest.raises(readers.ReaderRefused) as refused:
        readers.reader_of(hosted)
    assert refused.value.status == 401
    reader = readers.Reader(Audience(STUDENT, "ann1"), "ann1")
    assert readers.reader_of(hosted, link=readers.link_for(BOARD, reader)) == reader
