"""The shipped benchmark runs end to end: real Daphne, simulated browsers, exact counts.

Speed is the benchmark's business; these tests only check that it works and counts right.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.classes import Seat, misfits
from bench.outgoing import OutgoingQueue, marker, stroke_begin, stroke_end, stroke_points
from bench.pointer import BOARD_HEIGHT, BOARD_WIDTH, Pointer, stroke_id, stroke_timing

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run_bench(scenario, results):
    """`python -m bench <scenario>` of the sketchsite design alone: its JSON record and output."""
    finished = subprocess.run(
        [
            *(sys.executable, "-m", "bench", scenario, "--design", "sketchsite"),
            *("--retries", "0", "--quiet-wait", "0", "--results", str(results)),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    (record_path,) = results.glob("*.json")
    return json.loads(record_path.read_text()), finished.stdout


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """`python -m bench tiny` against one Daphne with the in-memory layer; its JSON record."""
    return run_bench("tiny", tmp_path_factory.mktemp("bench-results"))


def test_tiny_scenario_delivers_every_point_to_every_other_client(tiny_run):
    record, _ = tiny_run
    (result,) = record["scenarios"]
    figures = result["designs"]["sketchsite"]
    assert "error" not in figures
    assert figures["points_sent_total"] > 0
    assert figures["deliveries_total"] == figures["expected_deliveries_total"]
    assert figures["deliveries"] == figures["expected_deliveries"]
    assert figures["loss_percent"] == 0
    assert figures["errors_from_server"] == {}


def test_tiny_lanes_delivers_the_hosts_points_to_everyone_and_a_students_to_the_host_alone(tmp_path):
    record, _ = run_bench("tiny-lanes", tmp_path)
    figures = record["scenarios"][0]["designs"]["sketchsite"]
    assert "error" not in figures and figures["errors_from_server"] == {}
    assert 0 < figures["host_points_sent"] < figures["points_sent"]
    # Each student's points reach the host only; the host's reach the three students and the projector.
    students_sent = figures["points_sent"] - figures["host_points_sent"]
    assert figures["expected_deliveries"] == students_sent + 4 * figures["host_points_sent"]
    assert figures["deliveries"] == figures["expected_deliveries"]
    assert figures["deliveries_total"] == figures["expected_deliveries_total"]
    assert figures["foreign_points"] == 0


def test_tiny_scenario_times_every_point_at_every_other_client(tiny_run):
    record, _ = tiny_run
    figures = record["scenarios"][0]["designs"]["sketchsite"]
    assert figures["latency_samples"] == figures["deliveries"]


def test_tiny_scenario_is_a_class_whose_presence_is_not_counted_as_drawing(tiny_run):
    record, _ = tiny_run
    result = record["scenarios"][0]
    figures = result["designs"]["sketchsite"]
    assert result["scenario"]["hosted"]
    assert figures["presence_count_max"] == result["scenario"]["clients"]
    assert figures["volatile_frames_total"] > 0


def test_a_client_that_joins_without_its_seat_is_told_apart():
    seats = [Seat("?token=a", "student", "Student 1"), Seat("?token=b&host=k", "host", "Teacher")]
    welcomes = {
        0: {"you": "p1", "role": "student", "name": "Student 1"},
        1: {"you": "p2", "role": "student", "name": "Teacher"},
    }
    (wrong,) = misfits(seats, welcomes)
    assert "client 1" in wrong and "'host'" in wrong


def test_tiny_scenario_reports_every_figure(tiny_run):
    record, stdout = tiny_run
    figures = record["scenarios"][0]["designs"]["sketchsite"]
    for key in (
        "points_sent_per_s",
        "deliveries_per_s",
        "latency_p50_ms",
        "latency_p99_ms",
        "latency_max_ms",
        "server_cpu_percent",
        "server_peak_rss_mb",
        "idle_kb_per_connection",
        "generator_cpu_percent",
    ):
        assert figures[key] is not None, key
    assert record["commit"]
    assert "tiny:" in stdout and "loss %" in stdout


def test_outgoing_queue_merges_points_of_one_stroke_like_the_browser():
    queue = OutgoingQueue()
    queue.push(stroke_begin("s1", marker("#000000", 3), [1, 2]))
    queue.push(stroke_points("s1", [3, 4]))
    queue.push(stroke_points("s1", [5, 6]))
    queue.push(stroke_end("s1"))
    queue.push(stroke_begin("s2", marker("#000000", 3), [7, 8]))
    assert queue.drain() == [
        {
            "type": "stroke.begin",
            "stroke": "s1",
            "item": {"kind": "marker", "color": "#000000", "width": 3},
            "points": [1, 2, 3, 4, 5, 6],
        },
        {"type": "stroke.end", "stroke": "s1", "points": []},
        {
            "type": "stroke.begin",
            "stroke": "s2",
            "item": {"kind": "marker", "color": "#000000", "width": 3},
            "points": [7, 8],
        },
    ]
    assert len(queue) == 0


def test_outgoing_queue_folds_trailing_points_into_the_end():
    queue = OutgoingQueue()
    queue.push(stroke_points("s1", [1, 2]))
    queue.push(stroke_end("s1"))
    assert queue.drain() == [{"type": "stroke.end", "stroke": "s1", "points": [1, 2]}]


def test_stroke_ids_tell_when_each_point_was_drawn():
    stroke = stroke_id(12, 987654321, 60)
    assert stroke == "d12-987654321-60"
    assert stroke_timing(stroke) == (987654.321, 1 / 60)


def test_simulated_strokes_stay_on_the_board():
    hand = Pointer(drawer=0, rate=60, seed=3)
    plans = list(hand.strokes(start=100.0, end=130.0))
    assert plans
    for plan in plans:
        assert 0.5 * 60 <= plan.point_count <= 3 * 60
        points = list(plan.points())
        assert all(0 <= x <= BOARD_WIDTH and 0 <= y <= BOARD_HEIGHT for x, y in points)
        assert all(a != b for a, b in zip(points, points[1:], strict=False))


def test_a_short_soak_mixes_every_class_event_in_and_loses_nothing(tmp_path):
    """`python -m bench soak` for 15 s, a row every 5 s: its report's shape, and no loss of any kind.

    RSS and latency are the hour's figures, not a test's; the rows are only checked to hold them.
    """
    finished = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "soak", "--minutes", "0.25", "--interval", "5"),
            *("--results", str(tmp_path)),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    (record_path,) = tmp_path.glob("*.json")
    soak = json.loads(record_path.read_text())["soak"]
    output = finished.stdout + finished.stderr
    assert len(soak["rows"]) >= 3, output
    for row in soak["rows"]:
        assert row["rss_kib"] > 0
        assert row["file_bytes"] > 0
        assert {"p50_ms", "p99_ms", "live_points", "committed_owed", "log_rows", "log_bytes"} <= row.keys()
    summary = soak["summary"]
    # The run did what a class does: drew, erased, undid, came and went, reloaded, put pens down.
    for happened in ("strokes", "erases", "joins", "leaves", "reloads", "pens_down"):
        assert summary[happened] > 0, (happened, output)
    assert summary["live_points"] > 0 and summary["committed_owed"] > 0
    assert summary["live_lost"] == 0 and summary["committed_lost"] == 0, output
    final = soak["final"]
    assert final["stored_strokes"] == final["expected_strokes"] > 0
    assert final["missing_from_store"] == final["unexpected_in_store"] == 0
    assert final["clients_differing"] == []
    verdicts = {check["target"]: check["verdict"] for check in soak["targets"]}
    assert [target for target, verdict in verdicts.items() if "RSS" not in target and verdict != "met"] == []
    assert finished.returncode in (0, 1), output
