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


def test_the_projector_plays_the_replay_its_host_hands_it_and_reads_what_the_projector_sees(client):
    key = hosted_board(BOARD, lanes=True)
    ada = join(client, "Ada", BOARD)
    draw_as_host("question", board=BOARD)
    draw(id_of(ada), "adas")
    # The host's links hold the projector's replay: a read link of the projector, no key.
    links = client.get(f"/b/{BOARD}/links", headers=bearer(key)).json()
    address = links["replay"]
    assert address.startswith(f"/b/{BOARD}/show?replay=4&link=") and key not in address
    # A student's links hold none: only the host puts a replay on the projector.
    assert "replay" not in client.get(f"/b/{BOARD}/links", headers=bearer(ada)).json()

    shown = client.get(address)
    assert shown.status_code == 200 and b'data-role="replay-bar"' in shown.content
    assert shown.context["client_config"]["replay"] == {"speed": 4}
    link = shown.wsgi_request.GET["link"]
    # With lanes on, the projector shows the host's ink alone: so does its replay.
    seen = log_of(client, link=link)["events"]
    assert [event.get("stroke") for event in seen] == ["question", None]
    assert "adas" not in str(seen)


def test_a_presented_replay_plays_at_a_speed_the_replay_offers():
    from django.test import Client

    client = Client()

    def speed(asked):
        return client.get(f"/b/{BOARD}/show", {"replay": asked}).context["client_config"]["replay"]

    assert speed("16") == {"speed": 16}
    assert speed("") == {"speed": 4} and speed("3") == {"speed": 4} and speed("1e9") == {"speed": 4}
    # Without ?replay the projector page is the live one.
    assert "replay" not in Client().get(f"/b/{BOARD}/show").context["client_config"]
