"""`python -m bench grid` runs end to end: a class drawing in lanes, the grid open in Chromium,
and the page's own frame and paint timings come back. (The figures themselves are the
benchmark's business: docs/performance.md.)"""

import pytest

from bench import grid
from bench.servers import DataDir

pytestmark = pytest.mark.browser


def test_the_grid_benchmark_measures_every_students_tile_while_they_draw(browser, tmp_path):
    with DataDir() as data_dir:
        result = grid.measure(data_dir, tmp_path, students=4, warmup=1.0, duration=2.0, browser=browser)
    assert result["tiles"] == 4
    assert result["student_errors"] == []
    assert result["points_sent_per_second"] > 0
    # Every student's drawing reached the grid and was painted in its tile.
    assert result["tiles_painted_per_second"] > 0
    assert result["frame_interval_ms"]["count"] > 0 and result["paint_ms"]["count"] > 0
    print("\n" + grid.table(result))
