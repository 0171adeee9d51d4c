"""`/b/<board>/log`: the committed events a replay plays, with their times, as the reader may see them."""

import pytest

from draw import store
from draw.participants import STUDENT, Participant
from tests.test_export_zip import bearer, draw, draw_as_host, hosted_board, id_of, join

pytestmark = pytest.mark.django_db

BOARD = "lesson"


@pytest.fixture(autouse=True)
def any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]


def log_of(client, credential=None, **query):
    headers = bearer(credential) if credential else {}
    response = client.get(f"/b/{BOARD}/log", query, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_log_holds_every_event_in_order_with_when_it_was_committed(client, settings):
    key = hosted_board(BOARD)
    ada = join(client, "Ada", BOARD)
    for n in range(5):
        draw(id_of(ada), f"a{n}", (100 + n, 100, 200, 200))
    store.commit(
        BOARD,
        "erase",
        Participant(id_of(ada), STUDENT),
        "e1",
        {"strokes": [[id_of(ada), "a1"]], "lane": None},
    )

    log = log_of(client, key)
    assert [event["seq"] for event in log["events"]] == [1, 2, 3, 4, 5, 6] and log["next"] is None
    assert [event["kind"] for event in log["events"]] == ["stroke"] * 5 + ["erase"]
    times = [event["at"] for event in log["events"]]
    assert times == sorted(times) and all(isinstance(at, int) and at > 1_600_000_000_000 for at in times)
    assert log_of(client, key, since=4)["events"][0]["seq"] == 5
    # The lesson's pages as they are now come with it, for the paper under the replay.
    assert log["class"]["pages"] == [{"id": "1", "background": "plain", "picture": None}]

    # A page of the log at a time: `next` says where the rest begins.
    settings.SKETCHSITE = {**settings.SKETCHSITE, "LOG_PAGE_EVENTS": 4}
    first = log_of(client, key)
    assert len(first["events"]) == 4 and first["next"] == 4
    assert [event["seq"] for event in log_of(client, key, since=first["next"])["events"]] == [5, 6]


def test_the_log_answers_as_the_snapshot_does_and_a_student_in_lanes_replays_their_own_page(client):
    key = hosted_board(BOARD, lanes=True)
    ada, bea = join(client, "Ada", BOARD), join(client, "Bea", BOARD)
    draw_as_host("question", board=BOARD)
    draw(id_of(ada), "adas")
    draw(id_of(bea), "beas")
    assert client.get(f"/b/{BOARD}/log").status_code == 401
    assert client.get(f"/b/{BOARD}/log", {"since": "x"}, headers=bearer(key)).status_code == 400
    seen = log_of(client, ada)["events"]
    assert [event["kind"] for event in seen] == ["stroke", "stroke", "skipped"]
    assert "beas" not in str(seen) and id_of(bea) not in str(seen)
    assert [event.get("stroke") for event in log_of(client, key)["events"]] == ["question", "adas", "beas"]
