"""A participant's rate budgets outlive its connections, in this process and through Redis."""

import logging

import redis

from draw.budgets import MemoryBudgets, ParticipantBudgets, RedisBudgets, budget_keys, budgets_for
from draw.connections import AddressConnections
from draw.protocol import Limits
from draw.ratelimit import TokenBucket
from tests.conftest import REDIS_URL


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now=0.0):
        self.now = now

    def __call__(self):
        return self.now


LIMITS = Limits(max_points_per_second=100)


def whole(limits=LIMITS, clock=None):
    return lambda: ParticipantBudgets.whole(limits, clock or Clock())


def test_a_bucket_lowered_to_another_copy_holds_the_lower_refilled_level():
    clock = Clock()
    bucket = TokenBucket(rate=10, burst=100, clock=clock)
    bucket.lower_to(20, seconds_ago=3)
    assert bucket.level() == 50
    bucket.lower_to(90, seconds_ago=0)
    assert bucket.level() == 50, "a fuller copy gives nothing back"
    bucket.lower_to(0, seconds_ago=1000)
    assert bucket.level() == 50, "a copy long since refilled is a whole bucket, never more"


def test_a_reconnecting_participant_gets_its_spent_budgets_back_not_whole_ones():
    budgets = MemoryBudgets(100)
    keys = budget_keys("b", "alice12345", "10.0.0.1", stable=True)
    first, new = budgets.checkout(keys, whole())
    assert new and first.points.take(100)
    budgets.checkin(keys, first)
    again, new = budgets.checkout(keys, whole())
    assert again is first and not new
    assert not again.points.take(1)


def test_two_sockets_of_one_participant_spend_one_budget():
    budgets = MemoryBudgets(100)
    keys = budget_keys("b", "alice12345", "10.0.0.1", stable=True)
    one, _ = budgets.checkout(keys, whole())
    two, _ = budgets.checkout(keys, whole())
    assert one is two


def test_participants_and_boards_have_budgets_of_their_own():
    budgets = MemoryBudgets(100)
    alice, _ = budgets.checkout(budget_keys("b", "alice12345", "10.0.0.1", True), whole())
    bob, _ = budgets.checkout(budget_keys("b", "bob1234567", "10.0.0.1", True), whole())
    elsewhere, _ = budgets.checkout(budget_keys("c", "alice12345", "10.0.0.1", True), whole())
    assert len({id(alice), id(bob), id(elsewhere)}) == 3


def test_a_connection_without_a_known_participant_spends_its_addresses_budgets_kept_under_its_new_id():
    budgets = MemoryBudgets(100)
    keys = budget_keys("b", "new1234567", "10.0.0.1", stable=False)
    assert keys == ["b:address:10.0.0.1", "b:participant:new1234567"]
    spent, _ = budgets.checkout(keys, whole())
    spent.points.take(100)
    budgets.checkin(keys, spent)
    # Another connection without a token from that address, and the new id coming back with
    # the token its welcome gave: both find the address's spent budgets.
    tokenless, _ = budgets.checkout(budget_keys("b", "other12345", "10.0.0.1", stable=False), whole())
    returning, _ = budgets.checkout(budget_keys("b", "new1234567", "10.0.0.9", stable=True), whole())
    assert tokenless is spent and returning is spent


def test_the_process_keeps_only_the_most_recently_seen_participants():
    budgets = MemoryBudgets(3)
    for name in ("a", "b", "c", "d"):
        budgets.checkout([name], whole())
    assert len(budgets) == 3
    _, new = budgets.checkout(["a"], whole())
    assert new
    _, new = budgets.checkout(["d"], whole())
    assert not new


def test_two_processes_keeping_budgets_in_redis_find_what_the_other_spent(redis_prefix):
    client = redis.Redis.from_url(REDIS_URL)
    first = RedisBudgets(client, redis_prefix, MemoryBudgets(100))
    second = RedisBudgets(client, redis_prefix, MemoryBudgets(100))
    keys = ["b:participant:alice12345"]
    spent, _ = first.checkout(keys, lambda: ParticipantBudgets.whole(LIMITS))
    assert spent.points.take(100)
    first.checkin(keys, spent)
    elsewhere, new = second.checkout(
        keys, lambda: ParticipantBudgets.whole(Limits(max_points_per_second=100))
    )
    assert new and elsewhere is not spent
    # What a few milliseconds of refilling gave back, not a whole budget.
    assert elsewhere.points.level() < 10
    # Kept no longer than it takes every budget to be whole again (the errors': a minute).
    assert 0 < client.ttl(f"{redis_prefix}:{keys[0]}") <= 61


def test_with_redis_away_budgets_are_kept_in_the_process_and_it_is_logged_once(caplog):
    client = redis.Redis(port=1, socket_timeout=0.2, socket_connect_timeout=0.2)
    budgets = RedisBudgets(client, "sketchsite-test-away", MemoryBudgets(100))
    keys = ["b:participant:alice12345"]
    with caplog.at_level(logging.WARNING, logger="draw.guessing"):
        spent, _ = budgets.checkout(keys, whole())
        spent.points.take(100)
        budgets.checkin(keys, spent)
        again, _ = budgets.checkout(keys, whole())
    assert again is spent and not again.points.take(1)
    assert budgets.outage.ongoing
    assert len([r for r in caplog.records if "participants' budgets failing" in r.getMessage()]) == 1


def test_the_site_keeps_budgets_in_redis_when_redis_url_is_set(redis_prefix):
    assert isinstance(budgets_for(REDIS_URL, redis_prefix, 10), RedisBudgets)
    assert isinstance(budgets_for("", redis_prefix, 10), MemoryBudgets)


def test_an_address_holds_at_most_its_bound_of_sockets_and_a_closed_one_makes_room():
    connections = AddressConnections(2)
    assert connections.enter("10.0.0.1") and connections.enter("10.0.0.1")
    assert not connections.enter("10.0.0.1")
    assert connections.enter("10.0.0.2"), "another address is counted apart"
    connections.leave("10.0.0.1")
    assert connections.enter("10.0.0.1")
    # One IPv6 network is one address, as for guesses.
    assert connections.enter("2001:db8::1") and connections.enter("2001:db8::2")
    assert not connections.enter("2001:db8::3")
    assert connections.open_from("2001:db8::ffff") == 2


def test_this_machines_addresses_are_not_bounded_per_address():
    """A benchmark on the server's machine, or a proxy that hides each client's address."""
    connections = AddressConnections(1, unbounded=("127.0.0.1", "::1"))
    assert all(connections.enter("127.0.0.1") for _ in range(5))
    assert connections.is_unbounded("::ffff:127.0.0.1") and not connections.is_unbounded("10.0.0.1")
    assert connections.enter("10.0.0.1") and not connections.enter("10.0.0.1")
