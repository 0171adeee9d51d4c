"""One scenario against one design: start the servers, drive the clients, collect the figures."""

import asyncio
import os
import secrets
import shutil
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass

import psutil

from bench import classes, profile
from bench.clients import SKETCHSITE
from bench.loadgen import DrawSchedule, LoadGenerator, LoadGeneratorError, WorkerPlan, split_clients
from bench.metrics import (
    Histogram,
    PeakRss,
    cpu_seconds,
    machine_busy_seconds,
    rss_bytes,
    wait_for_idle_processes,
    wait_for_quiet_machine,
    wait_until,
)
from bench.servers import REDIS_LAYERS, ServerGroup
from bench.wsclient import open_socket

START_DELAY = 1.0  # time for the draw command to reach every worker before pens go down
SETTLE_LIMIT = 120.0  # longest wait, after everyone joined, for the servers to go idle
DRAIN_LIMIT = 30.0  # a point not delivered this long after drawing stops counts as lost
QUIET = 0.75  # drained once no frame has arrived for this long


@dataclass(frozen=True)
class RunOptions:
    workers: int | None = None
    seed: int = 1
    retries: int = 0
    quiet_wait: float = 90.0  # longest wait for other work on the machine to calm down before a run
    # The servers (and nginx) on the first half of the machine's cores, the load generator on
    # the rest, so that neither's bursts delay the other's: see split_cpus().
    split_cpus: bool = False

    def worker_count(self, clients):
        if self.workers:
            return min(self.workers, clients)
        return 1 if clients <= 8 else 2


def split_cpus(server_pids, generator_pids):
    """Pin the servers to the first half of the cores this process may use, the generator to the
    rest; {"server": cores, "generator": cores}. On 2 cores: one each."""
    cores = sorted(os.sched_getaffinity(0))
    half = max(1, len(cores) // 2)
    split = {"server": cores[:half], "generator": cores[half:] or cores}
    for pid in server_pids:
        os.sched_setaffinity(pid, split["server"])
    for pid in generator_pids:
        os.sched_setaffinity(pid, split["generator"])
    return split


def run_design(scenario, design, options, data_dir, log_dir, profile_path=None):
    """Every figure for one scenario on one design, as a dict ready for JSON.

    With `profile_path`, py-spy samples the first server during the measured window.
    """
    machine_before = wait_for_quiet_machine(max_wait=options.quiet_wait)
    with ServerGroup(design, scenario.servers, scenario.layer, data_dir, log_dir, scenario.proxy) as servers:
        pids = servers.pids
        # A fresh board for every run: committed strokes of earlier runs are not replayed to joiners.
        board = f"bench-{secrets.token_hex(4)}"
        seats = None
        if scenario.hosted and design == SKETCHSITE:
            seats = classes.seats(
                board,
                scenario.clients,
                scenario.drawers,
                data_dir,
                lanes=scenario.lanes,
                paper=scenario.paper,
            )
        urls = [f"{entrance.url}/ws/boards/{board}/" for entrance in servers.entrances]
        origins = [entrance.origin for entrance in servers.entrances]
        for url, origin in zip(urls, origins, strict=True):
            asyncio.run(_visit(url + "?token=", origin))
        time.sleep(0.5)
        rss_before = rss_bytes(pids)

        workers = options.worker_count(scenario.clients)
        queries = [seat.query for seat in seats] if seats else None
        plans = [
            WorkerPlan(design, scenario.rate, options.seed, clients, lanes=scenario.lanes)
            for clients in split_clients(
                scenario.clients, scenario.drawers, urls, origins, workers, queries, host_draws=scenario.lanes
            )
        ]
        with PeakRss(pids) as peak, LoadGenerator(plans) as generator:
            cpu_split = None
            if options.split_cpus:
                cpu_split = split_cpus([*pids, *servers.proxy_pids], generator.pids)
            joining = time.monotonic()
            welcomes = generator.join_board()
            joined = time.monotonic() - joining
            # A host key or token the servers do not accept still joins (as an unnamed
            # student): it would measure an open board, not a class.
            wrong = classes.misfits(seats, welcomes) if seats else []
            if wrong:
                raise LoadGeneratorError(f"{len(wrong)} clients did not join as planned; {wrong[0]}")
            # Joins may leave work behind (e.g. telling members about each newcomer); drawing
            # and idle memory are measured once the servers have finished it.
            settled = wait_for_idle_processes(pids, max_wait=SETTLE_LIMIT)
            rss_idle = rss_bytes(pids)

            start = time.monotonic() + START_DELAY
            schedule = DrawSchedule(
                start=start,
                window_start=start + scenario.warmup,
                window_end=start + scenario.warmup + scenario.duration,
                drain_until=start + scenario.warmup + scenario.duration + DRAIN_LIMIT,
                quiet=QUIET,
            )
            watch = _CpuWatch(pids, schedule, servers.proxy_pids)
            watch.start()
            sends = _SendCount(pids, schedule)
            sends.start()
            profiler = _WindowProfiler(pids[0], schedule, profile_path) if profile_path else None
            if profiler:
                profiler.start()
            tallies = generator.draw(schedule)
            watch.join()
            sends.join()
            if profiler:
                profiler.join()
            generator.leave()
        layer = servers.layer.kind

    figures = _figures(scenario, layer, tallies, watch, rss_before, rss_idle, peak.peak)
    figures["machine_cpu_before_percent"] = machine_before
    figures["join_seconds"] = round(joined, 1)
    figures["settle_seconds"] = settled
    figures["cpu_split"] = cpu_split
    figures["server_send_calls"] = sends.calls
    frames = figures["frames_received_per_s"] * scenario.duration
    figures["server_send_calls_per_frame"] = (
        round(sum(sends.calls.values()) / frames, 3) if sends.calls and frames else None
    )
    if profiler and profiler.error:
        figures["profile_error"] = profiler.error
    return figures


async def _visit(url, origin):
    """One client joins and leaves, so lazy imports and caches are warm before memory is read."""
    welcomed = asyncio.get_running_loop().create_future()

    def on_text(payload, received_at):
        if not welcomed.done():
            welcomed.set_result(payload)

    socket = await open_socket(url, origin, on_text)
    await asyncio.wait_for(welcomed, 10)
    await socket.close()


class _CpuWatch(threading.Thread):
    """CPU time of the servers, Redis, a proxy in front and the whole machine across the measured window.

    The load generator's own processes measure themselves (bench/loadgen.py).
    """

    def __init__(self, server_pids, schedule, proxy_pids=()):
        super().__init__(name="cpu-watch", daemon=True)
        self.server_pids = server_pids
        self.redis_pids = [p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "redis-server"]
        self.proxy_pids = list(proxy_pids)
        self.schedule = schedule
        self.server = {}
        self.redis = 0.0
        self.proxy = 0.0
        self.machine = 0.0
        self.softirq = 0.0

    def run(self):
        wait_until(self.schedule.window_start)
        servers, redis = cpu_seconds(self.server_pids), cpu_seconds(self.redis_pids)
        proxy = cpu_seconds(self.proxy_pids)
        machine = machine_busy_seconds()
        wait_until(self.schedule.window_end)
        servers_after, redis_after = cpu_seconds(self.server_pids), cpu_seconds(self.redis_pids)
        proxy_after = cpu_seconds(self.proxy_pids)
        machine_after = machine_busy_seconds()
        self.machine = machine_after[0] - machine[0]
        self.softirq = machine_after[1] - machine[1]
        self.server = {pid: servers_after[pid] - servers[pid] for pid in self.server_pids}
        self.redis = sum(redis_after.values()) - sum(redis.values())
        self.proxy = sum(proxy_after.values()) - sum(proxy.values())


class _WindowProfiler(threading.Thread):
    """py-spy on one server from the start to the end of the measured window."""

    def __init__(self, pid, schedule, raw_path):
        super().__init__(name="profiler", daemon=True)
        self.pid = pid
        self.schedule = schedule
        self.raw_path = raw_path
        self.error = None

    def run(self):
        wait_until(self.schedule.window_start)
        seconds = self.schedule.window_end - self.schedule.window_start
        recording = profile.start_recording(self.pid, seconds, self.raw_path)
        try:
            _, stderr = recording.communicate(timeout=seconds + 30)
        except subprocess.TimeoutExpired:
            recording.kill()
            _, stderr = recording.communicate()
        if recording.returncode:
            self.error = stderr.decode(errors="replace").strip()


# The system calls a server writes to its sockets with; the count of each during the window
# (perf stat on the tracepoints, where perf may read them) says how many writes a frame costs.
SEND_SYSCALLS = ("sendto", "sendmsg", "write", "writev")


class _SendCount(threading.Thread):
    """perf stat on the servers' send system calls from the start to the end of the window."""

    def __init__(self, pids, schedule):
        super().__init__(name="send-count", daemon=True)
        self.pids = pids
        self.schedule = schedule
        self.calls = None

    def run(self):
        perf = shutil.which("perf")
        if perf is None:
            return
        wait_until(self.schedule.window_start)
        seconds = self.schedule.window_end - self.schedule.window_start
        events = ",".join(f"syscalls:sys_enter_{name}" for name in SEND_SYSCALLS)
        pids = ",".join(map(str, self.pids))
        command = [perf, "stat", "-x,", "-e", events, "-p", pids, "--", "sleep", str(seconds)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=seconds + 30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return
        calls = {}
        for line in done.stderr.decode(errors="replace").splitlines():
            fields = line.split(",")
            if len(fields) > 2 and fields[2].startswith("syscalls:sys_enter_") and fields[0].isdigit():
                calls[fields[2].removeprefix("syscalls:sys_enter_")] = int(fields[0])
        self.calls = calls or None


def _percent(seconds, duration):
    return round(100 * seconds / duration, 1)


def _figures(scenario, layer, tallies, watch, rss_before, rss_idle, rss_peak):
    duration = scenario.duration
    others = scenario.clients - 1
    sent = sum(tally["sent_window"] for tally, _ in tallies)
    delivered = sum(tally["delivered_window"] for tally, _ in tallies)
    sent_total = sum(tally["sent_total"] for tally, _ in tallies)
    delivered_total = sum(tally["delivered_total"] for tally, _ in tallies)
    expected = sent * others
    expected_total = sent_total * others
    lanes = {}
    if scenario.lanes:
        # Own page each: a student's point is for the host alone (the projectors show the host's
        # ink, with no page in the spotlight), the host's for every other browser.
        host_sent = sum(tally["host_sent_window"] for tally, _ in tallies)
        host_sent_total = sum(tally["host_sent_total"] for tally, _ in tallies)
        expected = (sent - host_sent) + host_sent * others
        expected_total = (sent_total - host_sent_total) + host_sent_total * others
        lanes = {
            "host_points_sent": host_sent,
            "foreign_points": sum(tally["foreign_points"] for tally, _ in tallies),
        }
    latency = Histogram()
    send_lag = Histogram()
    for tally, _ in tallies:
        latency.merge(Histogram.from_dict(tally["latency"]))
        send_lag.merge(Histogram.from_dict(tally["send_lag"]))
    latency_ms = latency.summary_ms()
    generator_cpu = sum(cpu for _, cpu in tallies)
    server_cpu = sum(watch.server.values())
    presence_counts = [tally["presence_count_max"] for tally, _ in tallies]
    presence_counts = [count for count in presence_counts if count is not None]
    volatile_in_window = sum(tally["volatile_frames_window"] for tally, _ in tallies)
    # Whatever else ran on the machine during the window (other jobs, a profiler, this process).
    other_cpu = max(
        0.0, watch.machine - server_cpu - generator_cpu - watch.redis - watch.proxy - watch.softirq
    )
    return {
        "layer": layer,
        "points_sent_per_s": round(sent / duration, 1),
        "deliveries_per_s": round(delivered / duration, 1),
        "expected_deliveries_per_s": round(expected / duration, 1),
        "loss_percent": round(100 * (1 - delivered / expected), 3) if expected else None,
        "latency_p50_ms": latency_ms["p50"],
        "latency_p95_ms": latency_ms["p95"],
        "latency_p99_ms": latency_ms["p99"],
        "latency_max_ms": latency_ms["max"],
        "server_cpu_percent": _percent(server_cpu, duration),
        "server_cpu_percent_per_process": [_percent(seconds, duration) for seconds in watch.server.values()],
        "redis_cpu_percent": _percent(watch.redis, duration) if layer in REDIS_LAYERS else None,
        "proxy_cpu_percent": _percent(watch.proxy, duration) if scenario.proxy else None,
        "server_peak_rss_mb": round(rss_peak / 2**20, 1),
        "idle_kb_per_connection": round((rss_idle - rss_before) / scenario.clients / 1024, 1),
        "generator_cpu_percent": _percent(generator_cpu, duration),
        "generator_processes": len(tallies),
        "generator_cpu_percent_busiest": _percent(max(cpu for _, cpu in tallies), duration),
        "generator_send_lag_p99_ms": send_lag.summary_ms()["p99"],
        "softirq_cpu_percent": _percent(watch.softirq, duration),
        "other_cpu_percent": _percent(other_cpu, duration),
        "machine_cpu_percent": _percent(watch.machine, duration),
        "machine_cpu_capacity_percent": 100 * (psutil.cpu_count() or 1),
        "frames_received_per_s": round(sum(tally["frames"] for tally, _ in tallies) / duration, 1),
        "volatile_frames_per_s": round(volatile_in_window / duration, 1),
        "volatile_frames_total": sum(tally["volatile_frames"] for tally, _ in tallies),
        "presence_count_max": max(presence_counts) if presence_counts else None,
        "pace_ms_max": max(tally.get("pace_ms_max", 0) for tally, _ in tallies),
        "pace_frames_total": sum(tally.get("pace_frames", 0) for tally, _ in tallies),
        "latency_samples": latency.count,
        "points_sent": sent,
        "deliveries": delivered,
        "expected_deliveries": expected,
        "points_sent_total": sent_total,
        "deliveries_total": delivered_total,
        "expected_deliveries_total": expected_total,
        "own_echoes_total": sum(tally["own_echoes"] for tally, _ in tallies),
        "errors_from_server": dict(sum((Counter(tally["errors"]) for tally, _ in tallies), Counter())),
        "server_cpu_ms_per_1000_deliveries": round(1000 * 1000 * server_cpu / delivered, 2)
        if delivered
        else None,
        **lanes,
    }
