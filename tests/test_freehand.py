"""The server's ink outline equals the browser's, case by case from the shared fixture."""

import json
from pathlib import Path

import pytest

from draw import freehand

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "ink.json").read_text(encoding="utf-8"))


def test_the_port_uses_the_options_the_fixture_was_made_with():
    options = FIXTURE["options"]
    assert options["simulatePressure"] is False
    assert (options["thinning"], options["smoothing"], options["streamline"]) == (
        freehand.THINNING,
        freehand.SMOOTHING,
        freehand.STREAMLINE,
    )
    # The port draws round ends and no taper.
    assert options["start"] == options["end"] == {"cap": True, "taper": 0}


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=[case["name"] for case in FIXTURE["cases"]])
def test_the_outline_equals_the_browsers(case):
    outline = freehand.ink_outline(case["points"], case["width"], case["complete"], case["minWidth"])
    flat = [value for point in outline for value in point]
    assert len(flat) == len(case["outline"])
    assert max((abs(a - b) for a, b in zip(flat, case["outline"], strict=True)), default=0) < 0.01


def test_no_points_have_no_outline():
    assert freehand.ink_outline([], 8) == []


def test_a_lone_point_is_a_dot_about_as_wide_as_the_line():
    outline = freehand.ink_outline([500, 500, 50], 10)
    xs, ys = [x for x, _ in outline], [y for _, y in outline]
    # The library draws a lone point as a stroke one unit long, down and to the right.
    assert 10 <= max(xs) - min(xs) <= 11.5 and 10 <= max(ys) - min(ys) <= 11.5
    assert min(xs) < 496 and max(xs) > 505
