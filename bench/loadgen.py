"""The load generator: worker processes that each run a share of the simulated browsers.

The parent steps every worker through the same phases over a pipe: join the board,
draw on a shared schedule (CLOCK_MONOTONIC is system-wide, so all processes agree on
when a point was drawn), drain, report the tally, leave. Each worker measures its own
CPU time over the measured window so the generator's limit is never mistaken for the
server's.
"""

import asyncio
import multiprocessing
from dataclasses import dataclass

from bench.clients import FrameDigests, Participant
from bench.metrics import Tally, own_cpu_seconds

JOIN_CONCURRENCY = 20
# Browsers per generator process that time every point they receive; the others only count.
# Every browser gets the same frames, so a sample of them gives the latency distribution.
LATENCY_SAMPLE = 16
JOIN_TIMEOUT = 30.0
LEAVE_TIMEOUT = 10.0


class LoadGeneratorError(Exception):
    """A worker could not do its part (a client failed to join, a worker died or hung)."""


@dataclass(frozen=True)
class ClientSpec:
    index: int
    url: str
    origin: str
    drawer: int | None  # which drawer this client is, or None for a client that only watches


@dataclass(frozen=True)
class WorkerPlan:
    design: str
    rate: int
    seed: int
    clients: tuple
    # Own page each: browsers are sent different frames, so each counts its own.
    lanes: bool = False


@dataclass(frozen=True)
class DrawSchedule:
    """Monotonic times: pens go down from `start`, the measured window, the drain limit."""

    start: float
    window_start: float
    window_end: float
    drain_until: float
    quiet: float


def split_clients(clients, drawers, urls, origins, workers, queries=None, host_draws=False):
    """Client i draws when i < drawers, joins server i's share, and runs in worker i % workers.

    `queries[i]` is client i's query string (its token, a host key); by default an empty token.
    With `host_draws`, the last client (a class's host) draws too, as drawer `drawers`.
    """
    plans = [[] for _ in range(workers)]
    for index in range(clients):
        server = (index // workers) % len(urls)
        url = urls[server] + (queries[index] if queries else "?token=")
        drawer = index if index < drawers else None
        if host_draws and index == clients - 1:
            drawer = drawers
        spec = ClientSpec(index, url, origins[server], drawer)
        plans[index % workers].append(spec)
    return [tuple(specs) for specs in plans]


class LoadGenerator:
    """The parent's handle on the worker processes; a context manager that always reaps them."""

    def __init__(self, plans):
        context = multiprocessing.get_context("spawn")
        self._pipes = []
        self._processes = []
        for number, plan in enumerate(plans):
            parent_end, child_end = context.Pipe()
            process = context.Process(
                target=_worker_main, args=(child_end, plan), name=f"bench-loadgen-{number}", daemon=True
            )
            self._pipes.append(parent_end)
            self._processes.append(process)

    def __enter__(self):
        for process in self._processes:
            process.start()
        return self

    @property
    def pids(self):
        return [process.pid for process in self._processes]

    def __exit__(self, *exc_info):
        if exc_info[0] is not None:
            # Workers still waiting for a command leave the board and exit.
            for pipe in self._pipes:
                try:
                    pipe.send(("leave", None))
                except OSError:
                    pass
        for process in self._processes:
            process.join(timeout=LEAVE_TIMEOUT)
        for process in self._processes:
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)

    def join_board(self):
        """Every client joined; returns {client index: its welcome's you, role and name}."""
        participants = {}
        for reply in self._gather("joined", JOIN_TIMEOUT * 4):
            participants.update(reply)
        return participants

    def draw(self, schedule):
        """Start drawing and wait for each worker's tally: [(tally dict, cpu seconds in window)]."""
        self._broadcast(("draw", schedule))
        timeout = schedule.drain_until - schedule.start + 60
        return self._gather("tally", timeout)

    def leave(self):
        self._broadcast(("leave", None))
        self._gather("left", LEAVE_TIMEOUT + 5)

    def _broadcast(self, command):
        for pipe in self._pipes:
            pipe.send(command)

    def _gather(self, expected, timeout):
        replies = []
        for number, pipe in enumerate(self._pipes):
            if not pipe.poll(timeout):
                raise LoadGeneratorError(f"load generator {number} gave no {expected!r} in {timeout} s")
            try:
                kind, payload = pipe.recv()
            except EOFError:
                raise LoadGeneratorError(f"load generator {number} exited") from None
            if kind != expected:
                raise LoadGeneratorError(f"load generator {number}: {payload}")
            replies.append(payload)
        return replies


def _worker_main(pipe, plan):
    asyncio.run(_Worker(pipe, plan).run())


class _Worker:
    def __init__(self, pipe, plan):
        self.pipe = pipe
        self.plan = plan
        self.tally = Tally()
        shared = FrameDigests(plan.design, self.tally)
        # Watchers first, then drawers, so the sample holds both kinds of browser.
        order = sorted(range(len(plan.clients)), key=lambda i: (plan.clients[i].drawer is not None, i))
        measuring = set(order[: LATENCY_SAMPLE // 2]) | set(order[-(LATENCY_SAMPLE // 2) :])
        self.participants = [
            Participant(
                spec.index,
                plan.design,
                self.tally,
                FrameDigests(plan.design, self.tally) if plan.lanes else shared,
                measures_latency=i in measuring,
            )
            for i, spec in enumerate(plan.clients)
        ]

    async def run(self):
        try:
            joined = await self._join()
        except (OSError, TimeoutError, ValueError) as error:
            self.pipe.send(("failed", f"a client could not join: {error!r}"))
            await self._leave()
            return
        self.pipe.send(("joined", joined))
        command, schedule = await self._command()
        if command == "draw":
            tally, cpu = await self._draw(schedule)
            self.pipe.send(("tally", (tally, cpu)))
            command, _ = await self._command()
        await self._leave()
        self.pipe.send(("left", None))

    async def _command(self):
        return await asyncio.get_running_loop().run_in_executor(None, self.pipe.recv)

    async def _join(self):
        gate = asyncio.Semaphore(JOIN_CONCURRENCY)

        async def join(participant, spec):
            async with gate:
                return spec.index, await participant.join(spec.url, spec.origin, JOIN_TIMEOUT)

        pairing = zip(self.participants, self.plan.clients, strict=True)
        pairs = await asyncio.gather(*(join(participant, spec) for participant, spec in pairing))
        return dict(pairs)

    async def _draw(self, schedule):
        loop = asyncio.get_running_loop()
        self.tally.window = (schedule.window_start, schedule.window_end)
        cpu = {}
        loop.call_at(schedule.window_start, lambda: cpu.setdefault("start", own_cpu_seconds()))
        loop.call_at(schedule.window_end, lambda: cpu.setdefault("end", own_cpu_seconds()))
        pens = [
            participant.draw(
                spec.drawer, self.plan.rate, self.plan.seed + spec.drawer, schedule.start, schedule.window_end
            )
            for participant, spec in zip(self.participants, self.plan.clients, strict=True)
            if spec.drawer is not None
        ]
        await asyncio.gather(*pens)
        await self._drain(schedule)
        cpu.setdefault("start", own_cpu_seconds())
        cpu.setdefault("end", own_cpu_seconds())
        return self.tally.to_dict(), cpu["end"] - cpu["start"]

    async def _drain(self, schedule):
        """Wait until no frame has come for `quiet` seconds, or until the drain limit."""
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            last_frame = max((p.last_frame_at for p in self.participants), default=0.0)
            if now >= schedule.drain_until or now - max(last_frame, schedule.window_end) >= schedule.quiet:
                return
            await asyncio.sleep(0.05)

    async def _leave(self):
        leaving = [participant.leave() for participant in self.participants]
        try:
            await asyncio.wait_for(asyncio.gather(*leaving, return_exceptions=True), LEAVE_TIMEOUT)
        except TimeoutError:
            pass
