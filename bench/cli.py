"""`python -m bench`: run scenarios against Sketchsite and the baseline, print and save the figures."""

import argparse
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

from bench import (
    exports,
    exportserved,
    grid,
    hostile,
    join,
    pages,
    profile,
    repaint,
    replay,
    report,
    soak,
    timelapse,
)
from bench.clients import DESIGNS, NAIVE, SKETCHSITE
from bench.loadgen import LoadGeneratorError
from bench.runner import RunOptions, run_design
from bench.scenarios import (
    MAX_DRAWERS,
    SCENARIOS,
    SEARCH_DURATION,
    SEARCH_PASS,
    SEARCH_STEPS,
    SEARCH_TARGET_DRAWERS,
    STANDARD,
    Target,
    search_step,
    with_timing,
)
from bench.servers import PROJECT_ROOT, DataDir, ServerError

DEFAULT_RESULTS = PROJECT_ROOT / "bench-results"
# Runs that are not load scenarios: each measures one thing of its own.
EXTRA_RUNS = (
    MAX_DRAWERS,
    exports.EXPORT,
    exports.EXPORT_INK,
    exportserved.EXPORT_SERVED,
    timelapse.TIMELAPSE,
    hostile.HOSTILE,
    join.JOIN,
    grid.GRID,
    pages.PAGES,
    replay.REPLAY,
    repaint.REPAINT,
    soak.SOAK,
)
# A run that cannot finish is a figure too (it did not hold), not a crash of the whole benchmark.
RUN_ERRORS = (LoadGeneratorError, ServerError, OSError, TimeoutError)
# Other processes using more than this share of a core during the window spoil the figures.
DISTURBED_CPU_PERCENT = 20


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Drive real Daphne processes with simulated browsers and report throughput, "
        "loss, latency, CPU and memory beside the naive baseline.",
    )
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help=f"any of: {', '.join([*SCENARIOS, *EXTRA_RUNS])} (default: {' '.join(STANDARD)})",
    )
    parser.add_argument("--duration", type=float, help="measured seconds of drawing per run")
    parser.add_argument("--warmup", type=float, help="seconds of drawing before the measured window")
    parser.add_argument(
        "--design",
        choices=[*DESIGNS, "both"],
        default="both",
        help="sketchsite, the naive baseline, or both side by side (default)",
    )
    parser.add_argument(
        "--layer",
        choices=["memory", "redis", "redis-pubsub"],
        help="override the scenario's channel layer (redis: channels-redis core; redis-pubsub: pub/sub)",
    )
    parser.add_argument("--workers", type=int, help="load-generator processes (default: 1 for tiny, else 2)")
    parser.add_argument(
        "--steps",
        type=lambda text: tuple(int(step) for step in text.split(",")),
        default=SEARCH_STEPS,
        help="drawer counts tried by max-drawers, comma separated",
    )
    parser.add_argument(
        "--search-duration", type=float, default=SEARCH_DURATION, help="measured seconds per max-drawers step"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run only the sketchsite design with py-spy attached to its (first) Daphne",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="runs again when other processes used the machine during the window (default 2)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=90.0,
        help="before each run, wait up to this many seconds for the machine to be quiet (0: do not wait)",
    )
    parser.add_argument(
        "--split-cpus",
        action="store_true",
        help="pin the servers to half of the cores and the load generator to the other half",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each load scenario this many times, each on freshly started servers, and list the runs",
    )
    parser.add_argument(
        "--minutes", type=float, default=soak.MINUTES, help="soak: how long the class goes on (default 60)"
    )
    parser.add_argument(
        "--interval", type=float, default=soak.INTERVAL, help="soak: seconds between rows (default 60)"
    )
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="folder for the JSON record")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    unknown = [name for name in args.scenarios if name not in SCENARIOS and name not in EXTRA_RUNS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r}")
    args.scenarios = args.scenarios or list(STANDARD)
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    designs = (SKETCHSITE,) if args.profile else DESIGNS if args.design == "both" else (args.design,)
    options = RunOptions(
        workers=args.workers, retries=args.retries, quiet_wait=args.quiet_wait, split_cpus=args.split_cpus
    )
    record = {
        "started": time.time(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "commit": report.commit(),
        "machine": report.machine(),
        "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "scenarios": [],
        "search": None,
        "profiles": [],
        "export": None,
        "timelapse": None,
        "hostile": None,
        "join": None,
        "grid": None,
    }
    log_dir = args.results / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with DataDir() as data_dir:
        for name in args.scenarios:
            if name == join.JOIN:
                record["join"] = join.run(data_dir, log_dir)
                print(join.table(record["join"]), end="\n\n", flush=True)
                continue
            if name == grid.GRID:
                record["grid"] = grid.run(data_dir, log_dir)
                print(grid.table(record["grid"]), end="\n\n", flush=True)
                continue
            if name == pages.PAGES:
                record["pages"] = pages.run(data_dir, log_dir)
                print(pages.table(record["pages"]), end="\n\n", flush=True)
                continue
            if name == soak.SOAK:
                record["soak"] = soak.run(data_dir, log_dir, args.minutes, args.interval)
                print(soak.table(record["soak"]), end="\n\n", flush=True)
                continue
            if name == replay.REPLAY:
                record["replay"] = replay.run(data_dir, log_dir)
                print(replay.table(record["replay"]), end="\n\n", flush=True)
                continue
            if name == repaint.REPAINT:
                record["repaint"] = repaint.run(data_dir, log_dir)
                print(repaint.table(record["repaint"]), end="\n\n", flush=True)
                continue
            if name == timelapse.TIMELAPSE:
                record["timelapse"] = timelapse.run(data_dir)
                print(timelapse.table(record["timelapse"]), end="\n\n", flush=True)
                continue
            if name == exports.EXPORT:
                record["export"] = exports.run(data_dir)
                print(exports.table(record["export"]), end="\n\n", flush=True)
                continue
            if name == exports.EXPORT_INK:
                record["export_ink"] = exports.run_ink(data_dir)
                print(exports.ink_table(record["export_ink"]), end="\n\n", flush=True)
                continue
            if name == exportserved.EXPORT_SERVED:
                record["export_served"] = exportserved.run(data_dir, log_dir)
                print(exportserved.table(record["export_served"]), end="\n\n", flush=True)
                continue
            if name == hostile.HOSTILE:
                record["hostile"] = hostile.run_benchmark(data_dir, log_dir)
                print(hostile.table(record["hostile"]), end="\n\n", flush=True)
                continue
            if name == MAX_DRAWERS:
                if args.profile:
                    for drawers in args.steps:
                        step = search_step(drawers, args.search_duration)
                        record["profiles"].append(run_profile(args, step, options, data_dir, log_dir))
                else:
                    record["search"] = run_search(args, designs, options, data_dir, log_dir)
                    print(report.search_table(record["search"]), end="\n\n", flush=True)
                continue
            scenario = with_timing(SCENARIOS[name], args.duration, args.warmup)
            if args.layer:
                scenario = replace(scenario, layer=args.layer)
            if args.profile:
                record["profiles"].append(run_profile(args, scenario, options, data_dir, log_dir))
                continue
            # The baseline has no classes, let alone lanes: it would send every student everything.
            chosen = tuple(design for design in designs if not (scenario.lanes and design == NAIVE))
            runs = []
            for _ in range(args.repeat):
                result = run_scenario(scenario, chosen, options, data_dir, log_dir)
                record["scenarios"].append(result)
                runs.append(result)
                print(report.scenario_table(result), end="\n\n", flush=True)
            if args.repeat > 1:
                print(report.repeat_table(runs), end="\n\n", flush=True)

    record["targets"] = check_targets(record)
    if record["targets"]:
        print(report.targets_table(record["targets"]), end="\n\n")
    path = report.save(record, args.results)
    print(f"saved {path}")
    missed = [check for check in record["targets"] if check["verdict"] != "met"]
    # A soak is run to find a leak or a loss: missing its targets always fails.
    soak_missed = [
        check for check in (record.get("soak") or {}).get("targets", ()) if check["verdict"] != "met"
    ]
    return 1 if (args.check and missed) or soak_missed else 0


def _progress(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _run(scenario, design, options, data_dir, log_dir, profile_path=None):
    """One run; again (up to options.retries times) while other work on the machine disturbs it."""
    for attempt in range(1, options.retries + 2):
        _progress(f"{scenario.name} / {design}: {scenario.describe()}")
        try:
            figures = run_design(scenario, design, options, data_dir, log_dir, profile_path)
        except RUN_ERRORS as error:
            reason = f"{type(error).__name__}: {error}"
            _progress(f"{scenario.name} / {design} did not finish: {reason}")
            return {"error": reason}
        figures["attempts"] = attempt
        figures["disturbed"] = figures["other_cpu_percent"] > DISTURBED_CPU_PERCENT
        if not figures["disturbed"]:
            return figures
        _progress(
            f"{scenario.name} / {design}: other processes used {figures['other_cpu_percent']:.0f}% CPU "
            "during the measured window"
        )
    return figures


def run_scenario(scenario, designs, options, data_dir, log_dir):
    result = {
        "scenario": asdict(scenario),
        "description": scenario.describe(),
        "designs": {design: _run(scenario, design, options, data_dir, log_dir) for design in designs},
    }
    result["ratios"] = report.ratios(result["designs"])
    return result


def run_search(args, designs, options, data_dir, log_dir):
    """Step the number of drawers up until a step misses p99 <= 100 ms or zero loss."""
    steps = []
    best = {}
    for design in designs:
        best[design] = 0
        for drawers in args.steps:
            scenario = search_step(drawers, args.search_duration)
            figures = _run(scenario, design, options, data_dir, log_dir)
            holds = "error" not in figures and all(t.met(figures[t.metric]) for t in SEARCH_PASS)
            steps.append({"design": design, "drawers": drawers, "holds": holds, "figures": figures})
            if not holds:
                break
            best[design] = drawers
    ratio = report.ratio(best.get(SKETCHSITE), best.get(NAIVE)) if len(best) == 2 else None
    return {"steps": steps, "max_drawers": best, "ratio": ratio, "duration": args.search_duration}


def run_profile(args, scenario, options, data_dir, log_dir):
    stamp = time.strftime("%Y%m%d-%H%M%S")
    raw_path = args.results / f"profile-{scenario.name}-{stamp}.txt"
    figures = _run(scenario, SKETCHSITE, options, data_dir, log_dir, profile_path=raw_path)
    entry = {"scenario": scenario.name, "raw": str(raw_path), "figures": figures}
    if raw_path.exists():
        entry["summary"] = profile.summarize(raw_path)
        print(f"profile of one Daphne under {scenario.name} ({scenario.describe()}):")
        print(profile.summary_text(entry["summary"]), end="\n\n")
    else:
        print(f"no profile recorded: {figures.get('profile_error') or figures.get('error')}")
    return entry


def check_targets(record):
    """Each scenario's targets against the sketchsite design's figures."""
    checks = []
    for result in record["scenarios"]:
        figures = result["designs"].get(SKETCHSITE)
        if not figures:
            continue
        for target in (Target(**fields) for fields in result["scenario"]["targets"]):
            measured = figures.get(target.metric)
            checks.append(
                {
                    "scenario": result["scenario"]["name"],
                    "target": str(target),
                    "measured": measured,
                    "verdict": "met" if target.met(measured) else "missed",
                }
            )
    search = record["search"]
    if search and SKETCHSITE in search["max_drawers"]:
        drawers = search["max_drawers"][SKETCHSITE]
        checks.append(
            {
                "scenario": MAX_DRAWERS,
                "target": f"drawers >= {SEARCH_TARGET_DRAWERS}",
                "measured": drawers,
                "verdict": "met" if drawers >= SEARCH_TARGET_DRAWERS else "missed",
            }
        )
    return checks
