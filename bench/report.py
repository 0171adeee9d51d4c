"""Readable tables and the JSON record of a benchmark run."""

import json
import platform
import subprocess
import time
from pathlib import Path

import psutil

from bench.servers import PROJECT_ROOT

# (key, label, format); ratios are sketchsite ÷ baseline.
ROWS = (
    ("points_sent_per_s", "points sent/s", "{:,.0f}"),
    ("deliveries_per_s", "deliveries/s", "{:,.0f}"),
    ("expected_deliveries_per_s", "expected deliveries/s", "{:,.0f}"),
    ("loss_percent", "loss %", "{:.2f}"),
    ("latency_p50_ms", "latency p50 ms", "{:.1f}"),
    ("latency_p95_ms", "latency p95 ms", "{:.1f}"),
    ("latency_p99_ms", "latency p99 ms", "{:.1f}"),
    ("latency_max_ms", "latency max ms", "{:.1f}"),
    ("server_cpu_percent", "server CPU % (of 1 core)", "{:.0f}"),
    ("redis_cpu_percent", "redis CPU %", "{:.0f}"),
    ("proxy_cpu_percent", "nginx CPU %", "{:.0f}"),
    ("server_peak_rss_mb", "server peak RSS MB", "{:.1f}"),
    ("idle_kb_per_connection", "KB per idle connection", "{:.1f}"),
    ("join_seconds", "all clients joined in s", "{:.1f}"),
    ("settle_seconds", "server busy after joins s", "{:.1f}"),
    ("frames_received_per_s", "frames received/s", "{:,.0f}"),
    ("volatile_frames_per_s", "presence and laser frames/s", "{:,.1f}"),
    ("server_send_calls_per_frame", "server send calls per frame received", "{:.3f}"),
    ("pace_ms_max", "longest send interval announced ms", "{:.0f}"),
    ("pace_frames_total", "pace frames received", "{:,.0f}"),
    ("generator_cpu_percent", "load generator CPU %", "{:.0f}"),
    ("generator_cpu_percent_busiest", "  busiest generator process %", "{:.0f}"),
    ("generator_send_lag_p99_ms", "generator send lag p99 ms", "{:.1f}"),
    ("softirq_cpu_percent", "kernel softirq CPU % (loopback TCP)", "{:.0f}"),
    ("other_cpu_percent", "other CPU % (other processes)", "{:.0f}"),
    ("machine_cpu_percent", "machine CPU % (of 200)", "{:.0f}"),
)


def fmt(value, pattern):
    return "-" if value is None else pattern.format(value)


def ratio(ours, baseline):
    if ours is None or baseline is None:
        return None
    if baseline == 0:
        return None if ours == 0 else float("inf")
    return ours / baseline


def fmt_ratio(value):
    if value is None:
        return "-"
    if value == float("inf"):
        return "inf"
    return f"{value:.3g}x" if value < 100 else f"{value:,.0f}x"


def ratios(designs):
    """sketchsite ÷ baseline for every figure both designs have."""
    ours, baseline = designs.get("sketchsite"), designs.get("naive")
    if not ours or not baseline:
        return {}
    return {key: ratio(ours.get(key), baseline.get(key)) for key, _, _ in ROWS}


def scenario_table(result):
    """One scenario as a table: a row per figure, a column per design, then the ratio."""
    designs = result["designs"]
    names = [name for name in ("sketchsite", "naive") if name in designs]
    header = ["", *("baseline" if name == "naive" else name for name in names)]
    with_ratio = len(names) == 2
    if with_ratio:
        header.append("ratio")
    rows = [header]
    result_ratios = result.get("ratios", {})
    for key, label, pattern in ROWS:
        values = [designs[name].get(key) for name in names]
        if all(value is None for value in values):
            continue
        row = [label, *(fmt(value, pattern) for value in values)]
        if with_ratio:
            row.append(fmt_ratio(result_ratios.get(key)))
        rows.append(row)
    title = f"{result['scenario']['name']}: {result['description']}"
    notes = [
        f"note: {name} figures were disturbed by other processes on the machine"
        for name in names
        if designs[name].get("disturbed")
    ]
    notes += [
        f"note: {name} did not finish: {designs[name]['error']}" for name in names if "error" in designs[name]
    ]
    return "\n".join([title, _columns(rows), *notes])


REPEAT_COLUMNS = (
    ("latency_p50_ms", "p50 ms", "{:.1f}"),
    ("latency_p99_ms", "p99 ms", "{:.1f}"),
    ("loss_percent", "loss %", "{:.2f}"),
    ("server_cpu_percent", "server CPU %", "{:.0f}"),
    ("generator_cpu_percent", "generator CPU %", "{:.0f}"),
    ("machine_cpu_percent", "machine CPU %", "{:.0f}"),
    ("server_send_calls_per_frame", "sends/frame", "{:.3f}"),
    ("pace_ms_max", "pace announced ms", "{:.0f}"),
    ("pace_frames_total", "pace frames", "{:,.0f}"),
)


def repeat_table(results):
    """The runs of one scenario (`--repeat`), one row per fresh run and design."""
    rows = [["run", "design", *(label for _, label, _ in REPEAT_COLUMNS)]]
    for number, result in enumerate(results, 1):
        for name, figures in result["designs"].items():
            rows.append(
                [str(number), name, *(fmt(figures.get(key), pattern) for key, _, pattern in REPEAT_COLUMNS)]
            )
    title = f"{results[0]['scenario']['name']}: {len(results)} fresh runs"
    return "\n".join([title, _columns(rows)])


def search_table(search):
    rows = [["drawers", "design", "loss %", "p99 ms", "server CPU %", "generator CPU %", "holds"]]
    for step in search["steps"]:
        figures = step["figures"]
        rows.append(
            [
                str(step["drawers"]),
                "baseline" if step["design"] == "naive" else step["design"],
                fmt(figures["loss_percent"], "{:.2f}"),
                fmt(figures["latency_p99_ms"], "{:.1f}"),
                fmt(figures["server_cpu_percent"], "{:.0f}"),
                fmt(figures["generator_cpu_percent"], "{:.0f}"),
                "yes" if step["holds"] else "no",
            ]
        )
    best = ", ".join(
        f"{'baseline' if design == 'naive' else design} {drawers if drawers else 'none'}"
        for design, drawers in search["max_drawers"].items()
    )
    title = f"max-drawers: most drawers one Daphne holds at p99 <= 100 ms with zero loss: {best}"
    return title + "\n" + _columns(rows)


def targets_table(checks):
    rows = [["scenario", "target", "measured", "met"]]
    for check in checks:
        rows.append([check["scenario"], check["target"], fmt(check["measured"], "{:g}"), check["verdict"]])
    return "targets (sketchsite design)\n" + _columns(rows)


def _columns(rows):
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        numbers = zip(row[1:], widths[1:], strict=True)
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in numbers]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def commit():
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine():
    return {
        "cpus": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def save(record, directory):
    """Write the run as bench-results/<date>-<commit>.json and return the path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(record["started"]))
    path = directory / f"{stamp}-{record['commit']}.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path
