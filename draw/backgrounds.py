"""The paper under a board's ink (class setting `background`): plain, squared, lined or dotted.

One spec for both sides, frontend/backgrounds.json, which the browser imports too
(frontend/backgrounds.js): a kind's pattern, spacing, widths and colours in board units.
`marks()` turns a kind into the lines and dots to draw on a board of a given size, the same
list in the same order on both sides (tests/fixtures/backgrounds.json holds both to it), and
every renderer (the browser's under layer, the projector, export.svg and export.png) draws
that list under every item. A background is a setting, not an item: no eraser, clear or undo
reaches it. Pure.
"""

import json
from pathlib import Path

SPEC_PATH = Path(__file__).resolve().parent.parent / "frontend" / "backgrounds.json"
_SPEC = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
KINDS = tuple(_SPEC["kinds"])
DEFAULT = _SPEC["default"]


def picture_box(picture_width, picture_height, width, height):
    """Where a picture lies on a board of `width` x `height` units: as large as fits whole,
    centred, as (x, y, width, height) in board units (frontend/backgrounds.js pictureBox)."""
    scale = min(width / picture_width, height / picture_height)
    shown_width, shown_height = picture_width * scale, picture_height * scale
    return ((width - shown_width) / 2, (height - shown_height) / 2, shown_width, shown_height)


def marks(kind, width, height):
    """The background `kind` on a board of `width` x `height` units, as a list of
    ["line", x0, y0, x1, y1, colour, line width] and ["dot", x, y, radius, colour]."""
    spec = _SPEC["kinds"][kind]
    pattern = spec["pattern"]
    if pattern == "grid":
        step, colour, line = spec["spacing"], spec["color"], spec["width"]
        return [
            *(["line", x, 0, x, height, colour, line] for x in range(step, width, step)),
            *(["line", 0, y, width, y, colour, line] for y in range(step, height, step)),
        ]
    if pattern == "lines":
        step, colour, line = spec["spacing"], spec["color"], spec["width"]
        rules = [["line", 0, y, width, y, colour, line] for y in range(spec["top"], height, step)]
        margin = ["line", spec["margin"], 0, spec["margin"], height, spec["margin_color"], line]
        return [*rules, margin]
    if pattern == "dots":
        step, colour, radius = spec["spacing"], spec["color"], spec["radius"]
        return [
            ["dot", x, y, radius, colour] for y in range(step, height, step) for x in range(step, width, step)
        ]
    return []
