"""The host's lessons (draw/archive.py): the list is the host's, a duplicate keeps the worksheet
and no ink, a deletion is undone within its grace, and pruning removes only what it should."""

import datetime
import io

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core.management import call_command
from django.utils import timezone

from draw import archive, protocol, store
from draw.errors import ProtocolError
from draw.models import Board, BoardAsset, BoardEvent
from draw.pages import Page
from draw.participants import STUDENT, Participant
from draw.relay import announce_deleted
from tests import site
from tests.relayed import BoardCommunicator
from tests.test_export_zip import bearer, draw, draw_as_host, id_of, join
from tests.test_uploads import png_file


@pytest.fixture(autouse=True)
def any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]


def new_board(client):
    """A board made as a host makes one (/new/): its name and host key."""
    response = client.get("/new/")
    assert response.status_code == 302
    path, _, key = response["Location"].partition("#host=")
    return path.strip("/").split("/")[-1], key


def lessons(client, board, key):
    response = client.get(f"/b/{board}/lessons.json", headers=bearer(key))
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()["lessons"]


def act(client, board, key, lesson, action, status=200):
    response = client.post(f"/b/{board}/lessons/{lesson}/{action}", headers=bearer(key))
    assert response.status_code == status, response.content
    return response.json()


@pytest.mark.django_db
def test_a_host_lists_their_lessons_newest_first_and_never_another_hosts(client):
    first, key = new_board(client)
    made = client.post(f"/b/{first}/lessons/new", headers=bearer(key))
    assert made.status_code == 201
    second, second_key = made.json()["board"], made.json()["host_url"].split("#host=")[1]
    other, other_key = new_board(client)
    draw_as_host("a-line", board=first)
    join(client, "Ada", first)
    join(client, "Bea", first)

    listed = lessons(client, first, key)
    assert [lesson["board"] for lesson in listed] == [second, first]
    # The same list from the host key of either of them: one host's lessons.
    assert [lesson["board"] for lesson in lessons(client, second, second_key)] == [second, first]
    by_name = {lesson["board"]: lesson for lesson in listed}
    assert by_name[first]["students"] == 2 and by_name[first]["pages"] == 1 and by_name[first]["strokes"] == 1
    assert by_name[first]["host_url"] == f"/b/{first}/#host={key}"
    # The thumbnail and the replay open by a read link, with no key in the address.
    thumbnail = client.get(by_name[first]["thumbnail"])
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/png"
    assert key not in by_name[first]["thumbnail"] and key not in by_name[first]["replay"]
    timelapse = client.get(by_name[first]["timelapse"])
    assert timelapse.status_code == 200 and timelapse["Content-Type"] == "image/webp"
    # Another host sees their own, and nobody without a key sees any.
    assert [lesson["board"] for lesson in lessons(client, other, other_key)] == [other]
    assert client.get(f"/b/{first}/lessons.json", headers=bearer(other_key)).status_code == 403
    assert client.get(f"/b/{first}/lessons.json").status_code == 403
    # Nor may another host act on a lesson of this one's through their own board.
    act(client, other, other_key, first, "delete", status=404)
    assert Board.objects.get(name=first).deleted_at is None
    # The page is there for any hosted board; its script holds the key.
    assert client.get(f"/b/{first}/lessons").status_code == 200


@pytest.mark.django_db
def test_a_duplicate_keeps_the_worksheet_and_its_pictures_and_no_ink(client):
    board, key = new_board(client)
    digest = upload_picture_to(client, board, key)
    pages = [
        {"id": "1", "background": "squared", "picture": digest},
        {"id": "p2", "background": "lined", "picture": None},
    ]
    changes = {"pages": tuple(Page.from_wire(page) for page in pages), "page": "p2"}
    store.default_store().set_class(board, {**changes, "lanes": True, "pens_down": True})
    ada = join(client, "Ada", board)
    draw(id_of(ada), "adas", board=board)
    draw_as_host("hosts", board=board)

    copy = act(client, board, key, board, "duplicate", status=201)["board"]
    state = store.board_state(copy)
    assert state.seq == 0 and state.strokes == ()
    assert not BoardEvent.objects.filter(board__name=copy).exists()
    # The same pages, opened at the first; how the class runs, not the moment (pens down).
    assert [page.to_wire() for page in state.classroom.pages] == pages
    assert state.classroom.page == "1" and state.classroom.background == "squared"
    assert state.classroom.picture == digest and state.classroom.lanes and not state.classroom.pens_down
    assert BoardAsset.objects.filter(board__name=copy, digest=digest).exists()
    assert client.get(f"/b/{copy}/assets/{digest}").status_code == 200
    # A new join code, no students, and it is in the host's list, newest first.
    assert state.join_code != store.board_state(board).join_code
    assert [lesson["board"] for lesson in lessons(client, board, key)] == [copy, board]
    assert [lesson["students"] for lesson in lessons(client, board, key)] == [0, 1]


def upload_picture_to(client, board, key):
    response = client.post(
        f"/b/{board}/uploads", data=png_file((400, 300)), content_type="image/png", headers=bearer(key)
    )
    assert response.status_code == 201, response.content
    return response.json()["assets"][0]["digest"]


@pytest.mark.django_db
def test_a_deleted_lesson_is_gone_for_everyone_until_its_undo_and_not_after_the_grace(client, settings):
    board, key = new_board(client)
    ada = join(client, "Ada", board)
    draw(id_of(ada), "adas", board=board)

    deleted = act(client, board, key, board, "delete")
    assert datetime.datetime.fromisoformat(deleted["undo_until"]) > timezone.now() + datetime.timedelta(
        days=6
    )
    # Gone: no snapshot, no export, no log, and nothing more is stored on it.
    assert client.get(f"/b/{board}/export.png", headers=bearer(key)).status_code == 404
    assert client.get(f"/b/{board}/snapshot", headers=bearer(ada))["ETag"].startswith('"0')
    assert client.get(f"/b/{board}/log", headers=bearer(key)).json()["events"] == []
    with pytest.raises(ProtocolError, match="deleted"):
        store.commit(board, "stroke", Participant(id_of(ada), STUDENT), "late", _stroke("late"))
    # The host's list still holds it, as deleted, with its undo.
    listed = lessons(client, board, key)
    assert listed[0]["deleted"] and "undo_until" in listed[0]

    act(client, board, key, board, "restore")
    # Back whole: its ink, and a board one draws on again.
    assert [stroke.stroke for stroke in store.board_state(board).strokes] == ["adas"]
    store.commit(board, "stroke", Participant(id_of(ada), STUDENT), "after", _stroke("after"))
    assert not lessons(client, board, key)[0]["deleted"]

    # Past its grace, a deletion is for good: the undo is refused, and pruning removes it.
    act(client, board, key, board, "delete")
    Board.objects.filter(name=board).update(deleted_at=timezone.now() - datetime.timedelta(days=8))
    act(client, board, key, board, "restore", status=410)


def _stroke(stroke):
    return {
        "stroke": stroke,
        "item": {"kind": "marker", "color": "#e03131", "width": 8},
        "points": [1, 1, 9, 9],
    }


def prune(*args):
    out = io.StringIO()
    call_command("prune_boards", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_pruning_removes_old_unhosted_boards_and_past_grace_deletions_and_nothing_else(settings):
    long_ago = timezone.now() - datetime.timedelta(days=settings.SKETCHSITE["BOARD_RETENTION_DAYS"] + 1)
    for name in ("forgotten", "visited", "hosted-old", "deleted-old", "deleted-now"):
        store.default_store().create(name, hosted=name.startswith(("hosted", "deleted")))
        draw("someone", f"{name}-ink", board=name)
    Board.objects.filter(name__in=["forgotten", "hosted-old"]).update(
        updated_at=long_ago, visited_at=long_ago
    )
    # Drawn on long ago, but opened yesterday: kept.
    Board.objects.filter(name="visited").update(
        updated_at=long_ago, visited_at=timezone.now() - datetime.timedelta(days=1)
    )
    Board.objects.filter(name="deleted-old").update(deleted_at=timezone.now() - datetime.timedelta(days=8))
    Board.objects.filter(name="deleted-now").update(deleted_at=timezone.now() - datetime.timedelta(days=1))

    dry = prune("--dry-run")
    assert (
        "would remove deleted-old" in dry and "would remove forgotten" in dry and "2 boards would be" in dry
    )
    assert Board.objects.count() == 5
    report = prune()
    assert "removed deleted-old" in report and "removed forgotten" in report and "2 boards removed" in report
    assert sorted(Board.objects.values_list("name", flat=True)) == ["deleted-now", "hosted-old", "visited"]
    # Their logs went with them; the others' stay.
    assert not BoardEvent.objects.filter(board__name__in=["forgotten", "deleted-old"]).exists()
    assert BoardEvent.objects.filter(board__name="visited").count() == 1
    assert prune().endswith("0 boards removed\n")


@pytest.mark.django_db
def test_a_visit_is_noted_at_most_once_a_minute():
    store.default_store().create("often", hosted=False)
    store.default_store().visited("often")
    first = Board.objects.get(name="often").visited_at
    store.default_store().visited("often")
    assert Board.objects.get(name="often").visited_at == first
    Board.objects.filter(name="often").update(visited_at=first - datetime.timedelta(minutes=2))
    store.default_store().visited("often")
    assert Board.objects.get(name="often").visited_at > first - datetime.timedelta(minutes=2)


@pytest.mark.django_db(transaction=True)
async def test_everyone_on_a_deleted_board_is_closed_4014_and_nobody_gets_back_on_until_the_undo():
    key = await database_sync_to_async(store.default_store().create)("gone", hosted=True)
    client = BoardCommunicator(site.current.application, f"/ws/boards/gone/?host={key}", headers=[_ORIGIN])
    assert (await client.connect())[0]
    assert (await client.receive_json_from(timeout=5))["type"] == "welcome"
    row = await database_sync_to_async(Board.objects.get)(name="gone")
    await database_sync_to_async(archive.delete)(row, timezone.now())
    await announce_deleted(get_channel_layer(), "gone")
    while (frame := await client.receive_output(timeout=3))["type"] != "websocket.close":
        pass
    assert frame == {"type": "websocket.close", "code": protocol.CLOSE_BOARD_DELETED, "reason": _DELETED}

    again = BoardCommunicator(site.current.application, f"/ws/boards/gone/?host={key}", headers=[_ORIGIN])
    await again.connect()
    assert (await again.receive_output(timeout=3))["code"] == protocol.CLOSE_BOARD_DELETED
    await database_sync_to_async(archive.restore)(row, timezone.now(), 7)
    back = BoardCommunicator(site.current.application, f"/ws/boards/gone/?host={key}", headers=[_ORIGIN])
    assert (await back.connect())[0]
    assert (await back.receive_json_from(timeout=5))["type"] == "welcome"
    await back.disconnect()


_ORIGIN = (b"origin", b"http://localhost")
_DELETED = "the host deleted this board"


@pytest.mark.django_db
def test_a_board_removed_and_drawn_again_to_the_same_seq_is_never_served_from_the_old_ones_caches(client):
    store.default_store().create("again", hosted=False)
    draw("someone", "first-ink", points=(100, 100, 1500, 800), board="again")
    old_snapshot = client.get("/b/again/snapshot")
    old_png = client.get("/b/again/export.png")
    Board.objects.filter(name="again").delete()
    draw("someone", "other-ink", points=(100, 800, 1500, 100), board="again")
    assert store.board_state("again").seq == 1

    snapshot = client.get("/b/again/snapshot", headers={"If-None-Match": old_snapshot["ETag"]})
    assert snapshot.status_code == 200 and snapshot["ETag"] != old_snapshot["ETag"]
    png = client.get("/b/again/export.png", headers={"If-None-Match": old_png["ETag"]})
    assert png.status_code == 200 and png["ETag"] != old_png["ETag"]
    # Drawn anew, not the first board's image from the exporter's cache.
    assert png.content != old_png.content
