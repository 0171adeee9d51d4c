"""The benchmark's scenarios and the targets each one is checked against."""

import operator
from dataclasses import dataclass, replace

P99_LIMIT_MS = 100
IDLE_KB_LIMIT = 50

_COMPARISONS = {"==": operator.eq, "<=": operator.le, ">=": operator.ge}


@dataclass(frozen=True)
class Target:
    """A figure a scenario must reach, e.g. loss_percent == 0 or latency_p99_ms <= 100."""

    metric: str
    compare: str
    limit: float

    def met(self, value):
        return value is not None and _COMPARISONS[self.compare](value, self.limit)

    def __str__(self):
        return f"{self.metric} {self.compare} {self.limit:g}"


ZERO_LOSS = Target("loss_percent", "==", 0)
P99_OK = Target("latency_p99_ms", "<=", P99_LIMIT_MS)
IDLE_MEMORY_OK = Target("idle_kb_per_connection", "<=", IDLE_KB_LIMIT)


def p50_within(ms):
    return Target("latency_p50_ms", "<=", ms)


def p99_within(ms):
    return Target("latency_p99_ms", "<=", ms)


@dataclass(frozen=True)
class Scenario:
    """C clients on one board, D of them drawing at R points a second.

    A `hosted` board is a class (sketchsite design only; the baseline has no classes): its
    host link made before the run, the drawers joined as named students, the last client
    the host.
    """

    name: str
    clients: int
    drawers: int
    rate: int = 60
    servers: int = 1
    layer: str = "memory"
    duration: float = 15.0
    warmup: float = 2.0
    targets: tuple = ()
    hosted: bool = False
    proxy: str = ""  # "nginx": every client connects through deploy/nginx.conf
    # Own page each: the hosted board in lanes, the host drawing too and the watchers projectors.
    lanes: bool = False
    # A lesson: three pages of squared paper, the class on the second (issue 19).
    paper: bool = False

    def describe(self):
        names = {"memory": "in-memory layer", "redis": "Redis layer", "redis-pubsub": "Redis pub/sub layer"}
        layer = names[self.layer]
        processes = "1 Daphne" if self.servers == 1 else f"{self.servers} Daphne"
        clients = f"{self.clients} clients"
        if self.lanes:
            watchers = self.clients - self.drawers - 1
            clients += f" (a class in lanes: 1 host drawing too, named students, {watchers} projector)"
        elif self.hosted:
            clients += " (a class: 1 host, named students)"
        if self.paper:
            clients += " on page 2 of 3, squared paper"
        if self.proxy:
            processes += f" behind {self.proxy}"
        return (
            f"{clients}, {self.drawers} drawing at {self.rate} points/s, "
            f"{processes}, {layer}, {self.duration:g} s measured"
        )


SCENARIOS = {
    scenario.name: scenario
    for scenario in (
        Scenario("tiny", clients=4, drawers=2, duration=3, warmup=0.5, hosted=True),
        # Three students in lanes, a projector and the host: that the counting holds.
        Scenario("tiny-lanes", clients=5, drawers=3, duration=3, warmup=0.5, hosted=True, lanes=True),
        # Issue 10's targets: live like a local pen wherever one process has the means.
        Scenario("classroom-30", clients=31, drawers=30, targets=(ZERO_LOSS, p99_within(25)), hosted=True),
        # Issue 18: the same class, each student on their own page; the host draws as well.
        Scenario(
            "classroom-30-lanes",
            clients=32,
            drawers=30,
            targets=(ZERO_LOSS, p99_within(25), Target("foreign_points", "==", 0)),
            hosted=True,
            lanes=True,
        ),
        # Issue 19: the same class in a lesson of pages on squared paper, beside classroom-30.
        Scenario(
            "classroom-30-paper",
            clients=31,
            drawers=30,
            targets=(ZERO_LOSS, p99_within(25)),
            hosted=True,
            paper=True,
        ),
        Scenario("lecture-100", clients=100, drawers=1, targets=(p50_within(3), p99_within(6))),
        Scenario("lecture-500", clients=500, drawers=1, targets=(p99_within(25), IDLE_MEMORY_OK)),
        Scenario("crowd-200", clients=200, drawers=20, targets=(ZERO_LOSS, p99_within(50), IDLE_MEMORY_OK)),
        Scenario(
            "classroom-30-redis",
            clients=31,
            drawers=30,
            servers=2,
            layer="redis",
            targets=(ZERO_LOSS, P99_OK),
        ),
        # The same class straight to the two processes, clients split between them: what nginx
        # adds is the difference.
        Scenario(
            "classroom-60-redis",
            clients=61,
            drawers=60,
            servers=2,
            layer="redis",
            targets=(ZERO_LOSS, p99_within(50)),
            hosted=True,
        ),
        Scenario(
            "classroom-60-nginx",
            clients=61,
            drawers=60,
            servers=2,
            layer="redis",
            proxy="nginx",
            targets=(ZERO_LOSS, p99_within(50)),
            hosted=True,
        ),
    )
}

# The search for the most drawers one Daphne process holds at p99 <= 100 ms with zero loss.
MAX_DRAWERS = "max-drawers"
SEARCH_STEPS = (10, 20, 30, 50, 75, 100, 125, 150, 200, 250, 300)
SEARCH_DURATION = 8.0
SEARCH_TARGET_DRAWERS = 100
SEARCH_PASS = (ZERO_LOSS, P99_OK)

STANDARD = (
    "classroom-30",
    "classroom-30-lanes",
    "lecture-100",
    "lecture-500",
    "crowd-200",
    "classroom-30-redis",
    "classroom-60-nginx",
    MAX_DRAWERS,
)


def search_step(drawers, duration=SEARCH_DURATION, warmup=2.0):
    """One step of the search: the drawers and one more client that only watches (the projector)."""
    return Scenario(
        f"drawers-{drawers}",
        clients=drawers + 1,
        drawers=drawers,
        duration=duration,
        warmup=warmup,
        targets=SEARCH_PASS,
    )


def with_timing(scenario, duration=None, warmup=None):
    changes = {}
    if duration is not None:
        changes["duration"] = duration
    if warmup is not None:
        changes["warmup"] = warmup
    return replace(scenario, **changes)
