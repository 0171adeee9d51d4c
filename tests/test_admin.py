"""Boards and their size are visible in the Django admin."""

import pytest

from draw import store
from draw.participants import Participant

pytestmark = pytest.mark.django_db


def test_admin_lists_boards_with_their_stroke_and_event_counts(admin_client):
    for index in range(3):
        store.commit(
            "art-class",
            "stroke",
            Participant("ann"),
            f"s{index}",
            {"stroke": f"s{index}", "color": "#000000", "width": 4, "points": [1, 1]},
        )
    store.commit("art-class", "undo", Participant("ann"), "u1", {})
    page = admin_client.get("/admin/draw/board/").content.decode()
    assert "art-class" in page
    # Three strokes drawn, one undone: two on show.
    assert '<td class="field-stroke_count">2</td>' in page
    assert '<td class="field-event_count">4</td>' in page
    assert "1600 × 900" in page
