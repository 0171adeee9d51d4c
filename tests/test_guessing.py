"""Join codes and host keys cannot be guessed: wrong guesses are bounded per address and per board."""

import json
import logging
import re

import pytest
import redis
from channels.db import database_sync_to_async
from django.test import Client

from draw import protocol, store
from draw.guessing import (
    Guesses,
    MemoryCounts,
    RedisCounts,
    Refused,
    WrongGuesses,
    address_key,
    board_key,
)
from tests import site
from tests.conftest import REDIS_URL
from tests.relayed import BoardCommunicator

GUESSER = "203.0.113.7"
SCHOOL = "198.51.100.20"
TEACHER_AT_HOME = "192.0.2.44"
ORIGIN = (b"origin", b"http://localhost")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def refused_lines(caplog):
    return [record for record in caplog.records if "refused after" in record.getMessage()]


# Pure counting, with a clock of the test's own.


def test_a_key_is_refused_after_its_limit_of_wrong_guesses_until_its_window_closes():
    clock = Clock()
    codes = WrongGuesses("join codes", 3, MemoryCounts(100, clock), window_seconds=60)
    for _ in range(3):
        assert codes.refused(["address:a"]) is None
        codes.wrong(["address:a"])
    clock.now += 20
    assert codes.refused(["address:a"]) == Refused("address:a", 40)
    assert codes.refused(["address:b"]) is None
    clock.now += 40
    assert codes.refused(["address:a"]) is None


def test_the_window_opens_at_the_first_wrong_guess_and_later_ones_do_not_stretch_it():
    clock = Clock()
    codes = WrongGuesses("join codes", 2, MemoryCounts(100, clock), window_seconds=60)
    codes.wrong(["address:a"])
    clock.now += 59
    codes.wrong(["address:a"])
    assert codes.refused(["address:a"]) == Refused("address:a", 1)
    clock.now += 1
    assert codes.refused(["address:a"]) is None


def test_a_burst_is_logged_once_when_its_key_reaches_the_bound_not_per_guess(caplog):
    codes = WrongGuesses("join codes", 5, MemoryCounts(100))
    with caplog.at_level(logging.WARNING, logger="draw.guessing"):
        for _ in range(1000):
            codes.wrong_or_refused(["address:a"])
    (line,) = refused_lines(caplog)
    assert line.getMessage() == "join codes: address:a refused after 5 wrong guesses in 60 s"


def test_wrong_or_refused_counts_until_the_bound_then_refuses_without_counting():
    counts = MemoryCounts(100)
    host_keys = WrongGuesses("host keys", 2, counts)
    keys = [address_key(GUESSER), board_key("lesson")]
    assert [host_keys.wrong_or_refused(keys) is None for _ in range(4)] == [True, True, False, False]
    assert [count for count, _ in counts.peek(["host keys:" + key for key in keys])] == [2, 2]


def test_either_key_over_its_bound_refuses_the_guess():
    host_keys = WrongGuesses("host keys", 2, MemoryCounts(100))
    for address in ("10.0.0.1", "10.0.0.2"):
        host_keys.wrong([address_key(address), board_key("lesson")])
    assert host_keys.refused([address_key("10.0.0.3"), board_key("lesson")]).key == "board:lesson"
    assert host_keys.refused([address_key("10.0.0.1"), board_key("other")]) is None
    host_keys.wrong([address_key("10.0.0.1"), board_key("maths")])
    assert host_keys.refused([address_key("10.0.0.1"), board_key("other")]).key == "address:10.0.0.1"


def test_the_counts_keep_only_the_most_recently_counted_keys():
    counts = MemoryCounts(3)
    for key in ("a", "b", "c", "a", "d"):
        counts.add([key], 60)
    assert len(counts) == 3
    assert [count for count, _ in counts.peek(["a", "b", "c", "d"])] == [2, 0, 1, 1]


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("10.0.0.9", "address:10.0.0.9"),
        ("::ffff:10.0.0.9", "address:10.0.0.9"),
        ("2001:db8:1:2:3:4:5:6", "address:2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "address:2001:db8:1:2::/64"),
        ("", "address:unknown"),
        (None, "address:unknown"),
    ],
)
def test_an_address_is_counted_alone_and_an_ipv6_one_with_its_whole_network(address, key):
    assert address_key(address) == key


# Redis: one count for every process.


def test_two_processes_counting_in_redis_share_their_counts(redis_prefix):
    def process():
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
        return WrongGuesses("join codes", 4, RedisCounts(client, redis_prefix, MemoryCounts(100)))

    first, second = process(), process()
    first.wrong(["address:a"])
    first.wrong(["address:a"])
    second.wrong(["address:a"])
    assert first.refused(["address:a"]) is None
    second.wrong(["address:a"])
    refused = first.refused(["address:a"])
    assert refused is not None and 1 <= refused.retry_after <= 60
    assert first.refused(["address:b"]) is None
    assert second.counts.fallback.peek(["join codes:address:a"]) == [(0, 0.0)]


def test_with_redis_away_the_process_counts_alone_and_logs_it_once(caplog):
    client = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_timeout=0.5, socket_connect_timeout=0.5)
    clock = Clock()
    counts = RedisCounts(client, "sketchsite-test-away", MemoryCounts(100), clock)
    codes = WrongGuesses("join codes", 3, counts)
    with caplog.at_level(logging.WARNING, logger="draw.guessing"):
        for _ in range(3):
            codes.wrong(["address:a"])
            clock.now += 10
        refused = codes.refused(["address:a"])
    assert refused is not None
    failing = [record for record in caplog.records if "failing" in record.getMessage()]
    assert len(failing) == 1
    assert failing[0].getMessage().startswith("Redis for counting wrong guesses failing: ConnectionError")


def test_the_site_counts_in_redis_when_redis_url_is_set(settings):
    guesses = Guesses.from_settings(settings.SKETCHSITE, REDIS_URL, "sketchsite-test")
    assert isinstance(guesses.codes.counts, RedisCounts)
    assert guesses.codes.counts is guesses.host_keys.counts
    assert guesses.codes.limit == settings.SKETCHSITE["MAX_WRONG_CODES_PER_MINUTE"]
    assert isinstance(Guesses.from_settings(settings.SKETCHSITE).codes.counts, MemoryCounts)


# Joining over HTTP.


@pytest.fixture
def class_board(db, settings, monkeypatch):
    """A hosted board, its join code (one no wrong_code() is) and its host key."""
    settings.ALLOWED_HOSTS = ["*"]
    monkeypatch.setattr("draw.store.new_join_code", lambda: "ABC234")
    response = Client().get("/new/")
    name, key = re.fullmatch(r"/b/([a-z0-9-]+)/#host=(\w+)", response["Location"]).groups()
    return name, store.board_state(name).join_code, key


def wrong_code(n):
    """The nth of a run of codes no board has (upper case is the alphabet's; digits 0 and 1 are not)."""
    return f"Z{n:05d}".replace("0", "Q").replace("1", "R")


def test_a_thousand_wrong_codes_from_one_address_are_refused_after_the_bound_while_a_class_joins(
    class_board, settings, caplog
):
    """A script on the internet guesses from one address; a class behind its school's one address
    joins meanwhile, some of them typing a wrong code first."""
    name, code, _ = class_board
    limit = settings.SKETCHSITE["MAX_WRONG_CODES_PER_MINUTE"]
    guesser, school = Client(REMOTE_ADDR=GUESSER), Client(REMOTE_ADDR=SCHOOL)
    statuses = []
    joined = 0
    with caplog.at_level(logging.WARNING, logger="draw.guessing"):
        for n in range(1000):
            response = guesser.get("/j/", {"code": wrong_code(n)})
            statuses.append(response.status_code)
            if n % 40 == 0:
                if n % 80 == 0:
                    assert school.get("/j/", {"code": "WRONG2"}).status_code == 404
                response = school.get("/j/", {"code": code.lower()})
                assert response.status_code == 302 and response["Location"] == f"/j/{code}"
                response = school.post(f"/j/{code}", {"name": f"Student {n}"})
                assert response.status_code == 302 and response["Location"].startswith(f"/b/{name}/#t=")
                joined += 1
    assert statuses == [404] * limit + [429] * (1000 - limit)
    assert joined == 25
    refused = guesser.get("/j/", {"code": "ZZZZZZ"})
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many wrong codes were typed on this network" in refused.content.decode()
    assert len(refused_lines(caplog)) == 1


def test_over_the_bound_the_right_code_is_refused_too_so_a_guess_tells_nothing(class_board, settings):
    _, code, _ = class_board
    guesser = Client(REMOTE_ADDR=GUESSER)
    for n in range(settings.SKETCHSITE["MAX_WRONG_CODES_PER_MINUTE"]):
        guesser.get(f"/j/{wrong_code(n)}")
    for response in (guesser.get("/j/", {"code": code}), guesser.get(f"/j/{code}")):
        assert response.status_code == 429
        assert response["Retry-After"]


def test_the_too_many_codes_message_is_translated(class_board, settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_WRONG_CODES_PER_MINUTE": 1}
    site.current.install_store()
    guesser = Client(REMOTE_ADDR=GUESSER)
    guesser.get("/j/", {"code": "ZZZZZZ"})
    german = guesser.get("/j/", {"code": "ZZZZZZ"}, headers={"Accept-Language": "de"})
    spanish = guesser.get("/j/", {"code": "ZZZZZZ"}, headers={"Accept-Language": "es"})
    assert german.status_code == spanish.status_code == 429
    assert "Zu viele falsche Codes" in german.content.decode()
    assert "Demasiados códigos incorrectos" in spanish.content.decode()


# Host keys over HTTP: the lesson list, uploads, the snapshot.


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize(
    ("method", "path", "wrong_status"),
    [
        ("get", "/b/{board}/lessons.json", 403),
        ("post", "/b/{board}/uploads", 403),
        ("get", "/b/{board}/snapshot", 401),
    ],
)
def test_wrong_host_keys_over_http_are_refused_after_the_bound_and_the_right_key_still_opens(
    class_board, settings, method, path, wrong_status
):
    name, _, key = class_board
    limit = settings.SKETCHSITE["MAX_WRONG_HOST_KEYS_PER_MINUTE"]
    url = path.format(board=name)
    guesser = Client(REMOTE_ADDR=GUESSER)
    statuses = [
        getattr(guesser, method)(url, headers=bearer(f"guess{n}")).status_code for n in range(limit + 5)
    ]
    assert statuses == [wrong_status] * limit + [429] * 5
    if wrong_status != 401:
        # (The snapshot's 429 has its Retry-After from draw/views.py's _refused.)
        assert 1 <= int(getattr(guesser, method)(url, headers=bearer("again"))["Retry-After"]) <= 60
    teacher = Client(REMOTE_ADDR=TEACHER_AT_HOME)
    if method == "get":
        assert teacher.get(url, headers=bearer(key)).status_code == 200
    # No credential is no guess: it is answered as before.
    assert getattr(Client(REMOTE_ADDR=SCHOOL), method)(url).status_code in (401, 403)


# Host keys on the board socket.


async def connect(query, address):
    client = BoardCommunicator(site.current.application, f"/ws/boards/lesson/?{query}", headers=[ORIGIN])
    client.scope["client"] = (address, 50000)
    connected, _ = await client.connect()
    assert connected
    return client


async def welcome_or_close(client):
    output = await client.receive_output(timeout=5)
    if output["type"] == "websocket.close":
        return output
    return json.loads(output["text"])


@pytest.mark.django_db(transaction=True)
async def test_a_wrong_host_key_makes_a_student_until_the_bound_then_closes_4015_and_the_right_key_hosts(
    settings,
):
    limit = settings.SKETCHSITE["MAX_WRONG_HOST_KEYS_PER_MINUTE"]
    key = await database_sync_to_async(store.default_store().create)("lesson", hosted=True)
    roles = []
    for n in range(limit):
        client = await connect(f"host=guess{n}", GUESSER)
        roles.append((await welcome_or_close(client))["role"])
        await client.disconnect()
    assert roles == ["student"] * limit
    client = await connect("host=guess-again", GUESSER)
    closed = await welcome_or_close(client)
    assert closed["code"] == protocol.CLOSE_WRONG_HOST_KEYS
    assert re.fullmatch(r"too many wrong host keys: try again in \d+ s", closed["reason"])
    # The teacher behind the same address is never refused: the right key is no guess.
    host = await connect(f"host={key}", GUESSER)
    assert (await welcome_or_close(host))["role"] == "host"
    await host.disconnect()
    # A student without a host key joins as ever.
    student = await connect("", GUESSER)
    assert (await welcome_or_close(student))["role"] == "student"
    await student.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_wrong_host_keys_for_one_board_from_many_addresses_are_bounded_per_board(settings):
    limit = settings.SKETCHSITE["MAX_WRONG_HOST_KEYS_PER_MINUTE"]
    key = await database_sync_to_async(store.default_store().create)("lesson", hosted=True)
    for n in range(limit):
        client = await connect(f"host=guess{n}", f"10.1.0.{n}")
        assert (await welcome_or_close(client))["type"] == "welcome"
        await client.disconnect()
    client = await connect("host=guess", "10.2.0.1")
    assert (await welcome_or_close(client))["code"] == protocol.CLOSE_WRONG_HOST_KEYS
    host = await connect(f"host={key}", TEACHER_AT_HOME)
    assert (await welcome_or_close(host))["role"] == "host"
    await host.disconnect()


@pytest.mark.django_db
def test_the_grids_roster_and_the_readers_are_bounded_per_address_and_say_when_to_ask_again(client, settings):
    from draw import store as boards

    boards.default_store().create("counted", hosted=True)
    limit = settings.SKETCHSITE["MAX_WRONG_HOST_KEYS_PER_MINUTE"]
    wrong = {"Authorization": "Bearer not-the-key"}
    answers = [
        client.get("/b/counted/pages", headers=wrong, REMOTE_ADDR="198.51.100.4").status_code
        for _ in range(limit + 2)
    ]
    assert answers[:limit] == [403] * limit and answers[limit:] == [429, 429]
    refused = client.get("/b/counted/snapshot", headers=wrong, REMOTE_ADDR="198.51.100.4")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
