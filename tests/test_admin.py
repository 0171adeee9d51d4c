"""Boards, their size, host and join code are visible in the Django admin; a host key can be reset."""

import re

import pytest
from django.contrib import messages

from draw import hostkeys, roster, store
from draw.models import Board, RosterEntry
from draw.participants import Participant

pytestmark = pytest.mark.django_db


def test_admin_lists_boards_with_their_stroke_and_event_counts(admin_client):
    for index in range(3):
        store.commit(
            "art-class",
            "stroke",
            Participant("ann"),
            f"s{index}",
            {
                "stroke": f"s{index}",
                "item": {"kind": "marker", "color": "#000000", "width": 4},
                "points": [1, 1],
            },
        )
    store.commit("art-class", "undo", Participant("ann"), "u1", {})
    page = admin_client.get("/admin/draw/board/").content.decode()
    assert "art-class" in page
    # Three strokes drawn, one undone: two on show.
    assert '<td class="field-stroke_count">2</td>' in page
    assert '<td class="field-event_count">4</td>' in page
    assert "1600 × 900" in page


def test_admin_lists_whether_a_board_has_a_host_and_its_join_code(admin_client):
    store.default_store().create("art-class", hosted=True)
    store.default_store().create("open-canvas", hosted=False)
    page = admin_client.get("/admin/draw/board/").content.decode()
    for name in ("art-class", "open-canvas"):
        assert f'<td class="field-join_code">{store.board_state(name).join_code}</td>' in page
    hosted = re.findall(r'<td class="field-hosted"><img src="[^"]*icon-(yes|no)\.svg"', page)
    # Listed by name: art-class, then open-canvas.
    assert hosted == ["yes", "no"]


def test_admin_reset_host_key_shows_the_new_host_link(admin_client, settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "PUBLIC_URL": "https://draw.school.example"}
    old = store.default_store().create("art-class", hosted=True)
    board = Board.objects.get(name="art-class")
    response = admin_client.post(
        "/admin/draw/board/",
        {"action": "reset_host_key", "_selected_action": [board.pk]},
        follow=True,
    )
    assert response.status_code == 200
    [message] = list(response.context["messages"])
    assert message.level == messages.SUCCESS
    link = re.search(r"https://draw\.school\.example/b/art-class/#host=(\w+)", str(message))
    assert link, str(message)
    new = link.group(1)
    stored = store.board_state("art-class").host_key_hash
    assert hostkeys.is_host_key(new, stored) and not hostkeys.is_host_key(old, stored)
    assert f'<a href="{link.group(0)}">' in response.content.decode()


def test_admin_lists_the_roster_to_look_at_only(admin_client):
    store.default_store().create("art-class", hosted=True)
    board = Board.objects.get(name="art-class")
    roster.record_join(board, "ada1", "Ada", limit=500)
    roster.record_join(board, "anon1", None, limit=500)
    page = admin_client.get("/admin/draw/rosterentry/").content.decode()
    assert "ada1" in page and "Ada" in page and "anon1" in page
    entry = RosterEntry.objects.get(participant="ada1")
    assert admin_client.get("/admin/draw/rosterentry/add/").status_code == 403
    form = admin_client.get(f"/admin/draw/rosterentry/{entry.pk}/change/").content.decode()
    assert 'name="name"' not in form
