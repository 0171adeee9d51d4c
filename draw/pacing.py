"""How often a board's browsers send and how often its relay flushes, from the board's load.

Both delays buy capacity and cost latency, so each exists only where the board's load
needs it. A board may cost its process `fanout_budget` frames a second: every frame the
relay writes to a socket counts one, and every frame a drawer's browser sends counts
INBOUND_FRAME_COST (reading, unmasking, parsing and checking a frame costs several writes).

- Browsers send each pointer event at once while the drawers' frames, at the pointer's
  rate, take at most half the budget; beyond that, the interval that keeps them there, up
  to `max_send_ms`.
- The relay flushes each message at once while sockets x messages a second fits in what
  the drawers leave of the budget; beyond that, it ticks so that sockets x flushes a second
  fits, up to `max_tick_ms`. Every process holding the board writes every process's
  flushes to its own sockets, so with more processes each one ticks longer.

So a teacher drawing alone to a lecture, or a small class, pays no delay, and a board of
a hundred and more drawers gets the delays that keep it within one process's means.
docs/performance.md has the measurements behind the defaults.

Pure: the counts and the clock come in with each call.
"""

import math
from dataclasses import dataclass, replace

# Pointer events a second a drawing browser makes (one per frame of a 60 Hz display).
POINTER_EVENTS_PER_SECOND = 60
# What one frame from a browser costs the server, in frames written to a socket.
INBOUND_FRAME_COST = 7
# The share of the budget the drawers' own frames may take before their browsers batch.
INBOUND_SHARE = 0.5
# A change of the send interval smaller than this is not announced.
SEND_STEP_MS = 4
# A lower send interval is announced only once the load has stayed lower this long.
FALL_AFTER_SECONDS = 2.0
# How busy the whole machine may be (a share of all its cores) before the budgets shrink, and
# how idle for them to grow back.
MACHINE_BUSY_HIGH = 0.92
MACHINE_BUSY_LOW = 0.80
# Looks in a row (half a second each: draw/relay.LOAD_SAMPLE_SECONDS) of an idle machine
# before the share grows back a step.
CALM_LOOKS = 4
# A class's drawers up to this many are never paced, nor ticked longer than the whole budget
# ticks them: at the full budget they send at once with room to spare, and a pace costs each
# of them up to max_send_ms of every stroke.
UNPACED_DRAWERS = 30
# Multiplicative decrease, additive increase, per look at the machine.
SHRINK_FACTOR = 0.7
GROW_STEP = 0.1
MIN_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Pacing:
    """The board budget and the longest delays, from the settings."""

    fanout_budget: int = 36000
    max_send_ms: int = 33
    max_tick_ms: int = 25
    # The budget of the settings, before scaled() took a share of it (0: fanout_budget).
    full_budget: int = 0

    def scaled(self, share):
        """These delays for a process that can afford `share` of its budget now (BudgetShare)."""
        if share >= 1:
            return self
        full = self.full_budget or self.fanout_budget
        return replace(self, fanout_budget=int(full * share), full_budget=full)

    def send_ms(self, drawers):
        """The interval, in whole milliseconds, between two sends of each browser (0: at once).

        A class of up to UNPACED_DRAWERS that the whole budget sends at once is never paced,
        however small a share of it the machine leaves the process.
        """
        if drawers <= UNPACED_DRAWERS and drawers * POINTER_EVENTS_PER_SECOND <= self._allowed(
            self.full_budget or self.fanout_budget
        ):
            return 0
        allowed = self._allowed(self.fanout_budget)
        if drawers * POINTER_EVENTS_PER_SECOND <= allowed:
            return 0
        return min(self.max_send_ms, math.ceil(1000 * drawers / allowed))

    @staticmethod
    def _allowed(budget):
        """Pointer events a second the drawers may send at once within `budget`."""
        return budget * INBOUND_SHARE / INBOUND_FRAME_COST

    def inbound_per_second(self, drawers):
        """Frames a second the drawers' browsers send at the interval send_ms() gives them."""
        send_ms = self.send_ms(drawers)
        rate = POINTER_EVENTS_PER_SECOND if send_ms == 0 else min(POINTER_EVENTS_PER_SECOND, 1000 / send_ms)
        return drawers * rate

    def tick_seconds(self, sockets, drawers, processes=1):
        """The shortest time between two flushes of the board's relay (0: each message at once).

        `sockets` are this process's, `drawers` the board's in every process, `processes` how
        many processes are flushing the board's traffic now, this one included.
        """
        if drawers <= UNPACED_DRAWERS and self.full_budget and self.send_ms(drawers) == 0:
            # A class the whole budget sends at once: ticked as the whole budget ticks it.
            return replace(self, fanout_budget=self.full_budget, full_budget=0).tick_seconds(
                sockets, drawers, processes
            )
        inbound = self.inbound_per_second(drawers)
        left = self.fanout_budget - INBOUND_FRAME_COST * inbound
        most = self.max_tick_ms / 1000
        if left <= 0:
            return most
        if sockets * inbound <= left:
            return 0.0
        return min(most, processes * sockets / left)


class BudgetShare:
    """The share of the fan-out budget a process can afford now, from how busy the machine is.

    The budget is what a process may spend with a core of its own. One that shares the
    machine's cores (with other server processes, Redis, a proxy) starves before it spends that
    much, and then the delays are what buy the capacity back. The share only ever paces boards
    of more than UNPACED_DRAWERS drawers (a class of up to thirty keeps the whole budget's
    delays whatever the share), and on those a saturation that waits to be confirmed is paid
    for later: every second the machine stays over its means builds a backlog that takes
    seconds more to drain (docs/performance.md, "classroom-60 behind nginx"). So the share
    shrinks at every look that finds the machine saturated, and grows back, step by step, only
    once the machine has been idle for CALM_LOOKS looks in a row, so that the share that cured
    an overload does not bring it straight back.
    """

    def __init__(self):
        self.share = 1.0
        self.idle_looks = 0

    def update(self, machine_busy):
        """How busy the machine was since the last look (0..1, all cores); the share afterwards."""
        if machine_busy > MACHINE_BUSY_HIGH:
            self.idle_looks = 0
            self.share = max(MIN_SHARE, self.share * SHRINK_FACTOR)
        elif machine_busy < MACHINE_BUSY_LOW:
            self.idle_looks += 1
            if self.idle_looks >= CALM_LOOKS:
                self.share = min(1.0, self.share + GROW_STEP)
        else:
            self.idle_looks = 0
        return self.share


class SendPace:
    """The send interval announced to a board's browsers, changed only when it matters.

    A rise goes out at once (the board is getting busier); a fall only once the load has
    stayed lower for FALL_AFTER_SECONDS, and no change smaller than SEND_STEP_MS goes out
    unless it reaches 0, so a board whose drawers come and go does not flap.
    """

    def __init__(self, send_ms=0):
        self.send_ms = send_ms
        self._lower_since = None

    def update(self, wanted, now):
        """The interval to announce now if it changes (an int), else None."""
        if wanted == self.send_ms:
            self._lower_since = None
            return None
        if wanted > self.send_ms:
            self._lower_since = None
            if wanted - self.send_ms < SEND_STEP_MS:
                return None
            self.send_ms = wanted
            return wanted
        if self.send_ms - wanted < SEND_STEP_MS and wanted != 0:
            self._lower_since = None
            return None
        if self._lower_since is None:
            self._lower_since = now
        if now - self._lower_since < FALL_AFTER_SECONDS:
            return None
        self._lower_since = None
        self.send_ms = wanted
        return wanted
