"""Every new board and every join spends a budget of its address, right code or wrong."""

import logging
import re

import pytest
import redis
from django.test import Client

from draw import store
from draw.guessing import MemoryCounts, RedisCounts
from draw.models import Board
from draw.postbudgets import PostBudget
from tests import site
from tests.conftest import REDIS_URL

SCHOOL = "198.51.100.20"
SCRIPT = "203.0.113.9"


@pytest.fixture
def joins(db, settings, monkeypatch):
    """Three joins a minute per address, and a named board's join code."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_JOINS_PER_MINUTE": 3}
    site.current.install_store()
    monkeypatch.setattr("draw.store.new_join_code", lambda: "ABC234")
    response = Client(REMOTE_ADDR="192.0.2.1").get("/new/")
    name = re.fullmatch(r"/b/([a-z0-9-]+)/#host=\w+", response["Location"]).group(1)
    return name, store.board_state(name).join_code


def test_right_codes_and_names_spend_the_join_budget_then_the_join_page_says_wait(joins):
    name, code = joins
    school = Client(REMOTE_ADDR=SCHOOL)
    assert school.get("/j/", {"code": code}).status_code == 302
    assert school.post(f"/j/{code}", {"name": "Ada"})["Location"].startswith(f"/b/{name}/#t=")
    assert school.get("/j/", {"code": code}).status_code == 302
    refused = school.post(f"/j/{code}", {"name": "Grace"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert "Too many joins came from this network in the last minute" in page
    assert 'value="Grace"' in page, "the name typed is kept for the next try"
    refused = school.get("/j/", {"code": code}, headers={"Accept-Language": "de"})
    assert refused.status_code == 429 and "zu viele Beitritte aus diesem Netzwerk" in refused.content.decode()
    # Another address has its own budget.
    assert Client(REMOTE_ADDR=SCRIPT).get("/j/", {"code": code}).status_code == 302


def test_an_anonymous_boards_join_link_spends_the_join_budget(joins):
    name, code = joins
    Board.objects.filter(name=name).update(anonymous=True)
    school = Client(REMOTE_ADDR=SCHOOL)
    for _ in range(3):
        assert school.get(f"/j/{code}").status_code == 302
    refused = school.get(f"/j/{code}", headers={"Accept-Language": "es"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "llegaron demasiadas entradas desde esta red" in refused.content.decode()


def test_new_boards_over_the_budget_are_refused_with_a_page_that_says_when(db, settings, caplog):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_NEW_BOARDS_PER_MINUTE": 2}
    site.current.install_store()
    teacher = Client(REMOTE_ADDR=SCHOOL)
    with caplog.at_level(logging.WARNING, logger="draw.postbudgets"):
        assert [teacher.get("/new/").status_code for _ in range(2)] == [302, 302]
        refused = [teacher.get("/new/") for _ in range(5)]
    assert {response.status_code for response in refused} == {429}
    assert "Too many boards were started on this network" in refused[0].content.decode()
    german = teacher.get("/new/", headers={"Accept-Language": "de"}).content.decode()
    assert "zu viele Tafeln begonnen" in german
    assert len([r for r in caplog.records if "new boards" in r.getMessage()]) == 1, "one line per burst"


def test_this_machine_is_not_budgeted_per_address(db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_NEW_BOARDS_PER_MINUTE": 1}
    site.current.install_store()
    local = Client(REMOTE_ADDR="127.0.0.1")
    assert [local.get("/new/").status_code for _ in range(3)] == [302, 302, 302]
    assert [Client(REMOTE_ADDR=SCHOOL).get("/new/").status_code for _ in range(2)] == [302, 429]


def test_two_processes_counting_in_redis_share_one_budget(redis_prefix):
    client = redis.Redis.from_url(REDIS_URL)
    first, second = (
        PostBudget("new boards", 3, RedisCounts(client, redis_prefix, MemoryCounts(100))) for _ in range(2)
    )
    assert [first.spend(SCHOOL), second.spend(SCHOOL), first.spend(SCHOOL)] == [None, None, None]
    refused = second.spend(SCHOOL)
    assert refused is not None and 1 <= refused.retry_after <= 60
