"""Counting and measuring: latency histograms, delivery tallies, process CPU and memory."""

import resource
import threading
import time
from collections import Counter

import psutil

# Latencies are kept in 0.1 ms buckets: exact enough for a p99, small enough to merge.
BUCKETS_PER_SECOND = 10_000


class Histogram:
    """Durations in 0.1 ms buckets; mergeable across processes."""

    def __init__(self, buckets=None, count=0, maximum=0.0):
        self.buckets = dict(buckets or {})
        self.count = count
        self.maximum = maximum

    def add(self, seconds):
        bucket = int(seconds * BUCKETS_PER_SECOND) if seconds > 0 else 0
        self.buckets[bucket] = self.buckets.get(bucket, 0) + 1
        self.count += 1
        if seconds > self.maximum:
            self.maximum = seconds

    def merge(self, other):
        for bucket, samples in other.buckets.items():
            self.buckets[bucket] = self.buckets.get(bucket, 0) + samples
        self.count += other.count
        self.maximum = max(self.maximum, other.maximum)

    def percentile(self, fraction):
        """Upper edge of the bucket holding the given fraction of samples, in seconds."""
        if not self.count:
            return None
        rank = fraction * self.count
        seen = 0
        for bucket in sorted(self.buckets):
            seen += self.buckets[bucket]
            if seen >= rank:
                return (bucket + 1) / BUCKETS_PER_SECOND
        return self.maximum

    def summary_ms(self):
        def ms(seconds):
            return None if seconds is None else round(seconds * 1000, 1)

        return {
            "count": self.count,
            "p50": ms(self.percentile(0.50)),
            "p95": ms(self.percentile(0.95)),
            "p99": ms(self.percentile(0.99)),
            "max": ms(self.maximum) if self.count else None,
        }

    def to_dict(self):
        return {"buckets": self.buckets, "count": self.count, "maximum": self.maximum}

    @classmethod
    def from_dict(cls, state):
        return cls(state["buckets"], state["count"], state["maximum"])


class Tally:
    """What one load-generator process sent and received, split at the measured window.

    A point counts for the window when it was *drawn* inside it, wherever it is received,
    so sent and delivered figures always describe the same points.
    """

    def __init__(self):
        self.window = (float("inf"), float("inf"))
        self.sent_total = 0
        self.sent_window = 0
        self.delivered_total = 0
        self.delivered_window = 0
        self.own_echoes = 0
        # In lanes: the host's points apart (every other browser must get them, a student's
        # only the host), and points of another student a student received (must stay 0).
        self.host_sent_total = 0
        self.host_sent_window = 0
        self.foreign_points = 0
        self.frames = 0
        self.volatile_frames = 0
        self.volatile_frames_window = 0
        self.presence_count_max = None
        # The longest send interval the server announced (welcome or pace), in ms, and how
        # many pace frames came: a board that should never be paced shows 0 and 0.
        self.pace_ms_max = 0
        self.pace_frames = 0
        self.errors = []
        self.latency = Histogram()
        self.send_lag = Histogram()

    def in_window(self, drawn_at):
        return self.window[0] <= drawn_at < self.window[1]

    def frame_received(self, received_at):
        if self.window[0] <= received_at < self.window[1]:
            self.frames += 1

    def volatile_received(self, received_at, presence_count=None):
        """A presence frame (with its count) or a batch of lasers: no points, counted apart."""
        self.volatile_frames += 1
        if self.window[0] <= received_at < self.window[1]:
            self.volatile_frames_window += 1
        if presence_count is not None:
            self.presence_count_max = max(self.presence_count_max or 0, presence_count)

    def pace_announced(self, send_ms, in_pace_frame):
        self.pace_ms_max = max(self.pace_ms_max, send_ms)
        self.pace_frames += in_pace_frame

    def point_sent(self, drawn_at, emitted_at, by_host=False):
        self.sent_total += 1
        self.host_sent_total += by_host
        if self.in_window(drawn_at):
            self.sent_window += 1
            self.host_sent_window += by_host
            self.send_lag.add(emitted_at - drawn_at)

    def points_in_window(self, start, interval, first, count):
        """How many of points first..first+count-1 of a stroke were drawn inside the window."""
        window_start, window_end = self.window
        return sum(
            1 for k in range(first, first + count) if window_start <= start + k * interval < window_end
        )

    def points_delivered(self, total, in_window):
        self.delivered_total += total
        self.delivered_window += in_window

    def latency_of(self, start, interval, first, count, received_at):
        """Latency of each window point of first..first+count-1, received at `received_at`."""
        window_start, window_end = self.window
        latency = self.latency
        buckets = latency.buckets
        # The hot loop of the measuring receivers (one pass per point): kept inline.
        since_start = received_at - start
        for k in range(first, first + count):
            offset = k * interval
            if window_start <= start + offset < window_end:
                seconds = since_start - offset
                bucket = int(seconds * BUCKETS_PER_SECOND) if seconds > 0 else 0
                buckets[bucket] = buckets.get(bucket, 0) + 1
                if seconds > latency.maximum:
                    latency.maximum = seconds
                latency.count += 1

    def to_dict(self):
        return {
            "sent_total": self.sent_total,
            "sent_window": self.sent_window,
            "delivered_total": self.delivered_total,
            "delivered_window": self.delivered_window,
            "own_echoes": self.own_echoes,
            "host_sent_total": self.host_sent_total,
            "host_sent_window": self.host_sent_window,
            "foreign_points": self.foreign_points,
            "frames": self.frames,
            "volatile_frames": self.volatile_frames,
            "volatile_frames_window": self.volatile_frames_window,
            "presence_count_max": self.presence_count_max,
            "pace_ms_max": self.pace_ms_max,
            "pace_frames": self.pace_frames,
            "errors": Counter(self.errors),
            "latency": self.latency.to_dict(),
            "send_lag": self.send_lag.to_dict(),
        }


def own_cpu_seconds():
    """CPU time (user + system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds(pids):
    """CPU time (user + system) used so far by each process, by pid; a gone process counts 0."""
    seconds = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            seconds[pid] = 0.0
            continue
        seconds[pid] = times.user + times.system
    return seconds


def rss_bytes(pids):
    total = 0
    for pid in pids:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def machine_busy_seconds():
    """(busy, softirq): CPU seconds the whole machine spent not idle, and in softirq, over all cores.

    Loopback TCP is mostly processed in softirq, which no process is charged for.
    """
    times = psutil.cpu_times()
    # guest time is already counted in user time.
    busy = sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq", "steal"))
    return busy, getattr(times, "softirq", 0.0)


class PeakRss:
    """Samples the summed RSS of some processes in a thread and keeps the peak."""

    def __init__(self, pids, interval=0.2):
        self.pids = list(pids)
        self.interval = interval
        self.peak = rss_bytes(self.pids)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-rss", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes(self.pids))

    def _run(self):
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_bytes(self.pids))


def wait_for_quiet_machine(limit_percent=25.0, sample=1.0, max_wait=30.0):
    """Wait (bounded) until other work on the machine calms down; returns the last CPU % seen."""
    if max_wait <= 0:
        return None
    deadline = time.monotonic() + max_wait
    while True:
        before, _ = machine_busy_seconds()
        time.sleep(sample)
        busy = 100 * (machine_busy_seconds()[0] - before) / sample
        if busy <= limit_percent or time.monotonic() >= deadline:
            return round(busy, 1)


def wait_for_idle_processes(pids, limit_percent=10.0, sample=0.5, max_wait=120.0):
    """Wait (bounded) until some processes use less than `limit_percent` of a core; seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < max_wait:
        before = sum(cpu_seconds(pids).values())
        time.sleep(sample)
        if 100 * (sum(cpu_seconds(pids).values()) - before) / sample < limit_percent:
            break
    return round(time.monotonic() - started, 1)


def wait_until(monotonic_at):
    delay = monotonic_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
