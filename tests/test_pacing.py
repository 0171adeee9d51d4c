"""The board's pacing: how often browsers send and how often the relay flushes, from its load."""

import pytest

from draw.pacing import (
    CALM_LOOKS,
    FALL_AFTER_SECONDS,
    INBOUND_FRAME_COST,
    MIN_SHARE,
    SEND_STEP_MS,
    UNPACED_DRAWERS,
    BudgetShare,
    Pacing,
    SendPace,
)

PACING = Pacing(fanout_budget=36000, max_send_ms=33, max_tick_ms=25)


@pytest.mark.parametrize("drawers", [0, 1, 2, 10, 30])
def test_a_lone_drawer_or_a_class_sends_each_pointer_event_at_once(drawers):
    assert PACING.send_ms(drawers) == 0


def test_the_send_interval_rises_with_the_drawers_up_to_the_maximum():
    intervals = [PACING.send_ms(drawers) for drawers in range(0, 400, 5)]
    assert intervals == sorted(intervals)
    assert max(intervals) == 33
    assert 0 < PACING.send_ms(60) < 33
    assert PACING.send_ms(150) == 33


def test_drawers_below_the_longest_interval_stay_within_their_share_of_the_budget():
    batching = [drawers for drawers in range(1, 400) if PACING.send_ms(drawers) < PACING.max_send_ms]
    assert len(batching) > 50
    for drawers in batching:
        assert PACING.inbound_per_second(drawers) * INBOUND_FRAME_COST <= PACING.fanout_budget / 2


@pytest.mark.parametrize(("sockets", "drawers"), [(2, 1), (31, 0), (101, 1), (501, 1)])
def test_a_lone_drawer_to_a_lecture_or_a_small_board_pays_no_tick(sockets, drawers):
    assert PACING.tick_seconds(sockets, drawers) == 0


def test_a_busy_class_gets_a_short_tick_that_keeps_its_fan_out_within_the_budget():
    tick = PACING.tick_seconds(31, 30)
    assert 0 < tick < 0.025
    inbound = PACING.inbound_per_second(30)
    assert 31 / tick + INBOUND_FRAME_COST * inbound == pytest.approx(PACING.fanout_budget)


def test_a_board_of_150_drawers_keeps_the_longest_tick():
    assert PACING.tick_seconds(151, 150) == 0.025
    assert PACING.tick_seconds(1000, 300) == 0.025


def test_the_tick_grows_with_the_sockets_and_never_passes_the_maximum():
    ticks = [PACING.tick_seconds(sockets, 20) for sockets in range(1, 2000, 25)]
    assert ticks == sorted(ticks)
    assert ticks[0] == 0 and ticks[-1] == 0.025


def test_a_maximum_of_zero_turns_both_delays_off():
    off = Pacing(fanout_budget=100, max_send_ms=0, max_tick_ms=0)
    assert off.send_ms(500) == 0
    assert off.tick_seconds(500, 500) == 0


def test_a_rise_in_the_send_interval_is_announced_at_once():
    pace = SendPace()
    assert pace.update(20, now=0.0) == 20
    assert pace.update(20, now=0.1) is None
    assert pace.send_ms == 20


def test_a_change_smaller_than_a_step_is_not_announced():
    pace = SendPace(20)
    assert pace.update(20 + SEND_STEP_MS - 1, now=0.0) is None
    assert pace.update(20 - SEND_STEP_MS + 1, now=0.0) is None
    assert pace.update(20 - SEND_STEP_MS + 1, now=FALL_AFTER_SECONDS * 2) is None
    assert pace.send_ms == 20


def test_a_fall_is_announced_only_once_the_load_stayed_lower():
    pace = SendPace(30)
    assert pace.update(0, now=10.0) is None
    assert pace.update(0, now=10.0 + FALL_AFTER_SECONDS / 2) is None
    assert pace.update(0, now=10.0 + FALL_AFTER_SECONDS) == 0
    assert pace.send_ms == 0


def test_a_load_that_comes_back_before_the_fall_keeps_the_interval():
    pace = SendPace(30)
    assert pace.update(0, now=0.0) is None
    assert pace.update(30, now=1.0) is None
    assert pace.update(0, now=FALL_AFTER_SECONDS + 0.5) is None
    assert pace.update(0, now=2 * FALL_AFTER_SECONDS + 0.5) == 0


def test_each_of_several_processes_flushing_a_board_ticks_longer():
    """Every process writes every process's flushes to its sockets."""
    alone = PACING.tick_seconds(30, 60)
    assert 0 < alone < 0.0125
    assert PACING.tick_seconds(30, 60, processes=2) == pytest.approx(2 * alone)
    assert PACING.tick_seconds(2, 1, processes=2) == 0
    assert PACING.tick_seconds(151, 150, processes=4) == 0.025


BUSY, IDLE = 0.98, 0.5


def test_a_saturated_look_shrinks_the_share_at_once():
    # The share paces only boards beyond a class of thirty, which a late pace costs a backlog.
    share = BudgetShare()
    assert share.update(BUSY) < 1.0
    assert share.update(BUSY) < 0.5


def test_a_machine_busy_but_not_saturated_keeps_the_share():
    share = BudgetShare()
    for _ in range(20):
        assert share.update(0.85) == 1.0
        assert share.update(IDLE) == 1.0


def test_the_share_grows_back_only_once_the_machine_stays_idle():
    share = BudgetShare()
    for _ in range(3):
        share.update(BUSY)
    shrunk = share.share
    # Between the marks the share holds, and an idle look between busy ones does not count.
    assert share.update(0.85) == shrunk
    for _ in range(3):
        for _ in range(CALM_LOOKS - 1):
            assert share.update(IDLE) == shrunk
        assert share.update(0.85) == shrunk
    for _ in range(CALM_LOOKS - 1):
        share.update(IDLE)
    assert share.update(IDLE) > shrunk
    for _ in range(40):
        share.update(IDLE)
    assert share.share == 1.0


def test_the_share_never_falls_below_its_floor_and_scales_the_budget():
    share = BudgetShare()
    for _ in range(100):
        share.update(1.0)
    assert share.share == MIN_SHARE
    assert Pacing(fanout_budget=36000).scaled(share.share).fanout_budget == 3600
    # A smaller budget reaches the longest delays with fewer drawers.
    assert Pacing(fanout_budget=3600).send_ms(40) > Pacing(fanout_budget=36000).send_ms(40) == 0


@pytest.mark.parametrize("share", [1.0, 0.5, MIN_SHARE])
def test_a_class_of_thirty_is_never_paced_whatever_the_share(share):
    assert PACING.scaled(share).send_ms(UNPACED_DRAWERS) == 0
    assert PACING.scaled(share).scaled(share).send_ms(UNPACED_DRAWERS) == 0
    assert PACING.scaled(MIN_SHARE).send_ms(UNPACED_DRAWERS + 10) > 0
    # Nor ticked longer than the whole budget ticks it.
    assert PACING.scaled(share).tick_seconds(31, UNPACED_DRAWERS) == PACING.tick_seconds(31, UNPACED_DRAWERS)
    assert PACING.scaled(MIN_SHARE).tick_seconds(61, 60) == PACING.max_tick_ms / 1000


def test_a_class_the_whole_budget_cannot_send_at_once_is_paced():
    assert Pacing(fanout_budget=700).send_ms(2) > 0
