"""A failing database or channel layer is logged once when it starts failing and once when it recovers."""

import logging

from draw.outages import OutageLog


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_an_outage_is_one_line_however_often_it_fails_and_one_summary_when_it_ends(caplog):
    clock = Clock()
    outage = OutageLog(logging.getLogger("sketchsite.test"), "channel layer on board.draw", clock)
    with caplog.at_level(logging.WARNING, logger="sketchsite.test"):
        for _ in range(400):  # a relay tick every 25 ms for ten seconds
            outage.failed(ConnectionError("Connection refused"))
            clock.now += 0.025
        outage.recovered()
        outage.recovered()
    assert [record.getMessage() for record in caplog.records] == [
        "channel layer on board.draw failing: ConnectionError: Connection refused",
        "channel layer on board.draw working again after 10.0 s and 400 failures",
    ]
    assert not outage.ongoing


def test_a_second_outage_is_logged_again(caplog):
    outage = OutageLog(logging.getLogger("sketchsite.test"), "database for board art", Clock())
    with caplog.at_level(logging.WARNING, logger="sketchsite.test"):
        outage.failed(OSError("disk full"))
        outage.recovered()
        outage.failed(OSError("disk full"))
    assert len(caplog.records) == 3
    assert outage.ongoing
