"""A board's visible strokes as SVG or PNG, drawn the way the browser draws them.

Pure: takes the board size and CommittedStroke-like objects (stroke, author, color,
width, points); knows nothing of the database.
"""

import io
import math
from xml.sax.saxutils import quoteattr

from PIL import Image, ImageColor, ImageDraw

BACKGROUND = "#ffffff"
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# Below this a board's strokes shrink to specks; above the configured maximum the image
# costs more memory and time than any screen or print needs.
MIN_SCALE = 0.1


def export_scale(text, max_scale):
    """The PNG scale asked for in `text` (default 1), kept within MIN_SCALE..max_scale.

    Raises ValueError when `text` is not a finite number. The result is rounded to two
    decimals so that near-identical requests share one cached image.
    """
    scale = 1.0 if text is None else float(text)
    if not math.isfinite(scale):
        raise ValueError(f"scale must be a finite number, not {text!r}")
    return round(min(float(max_scale), max(MIN_SCALE, scale)), 2)


def element_id(stroke):
    """The SVG id of a stroke: stroke ids are unique per author, not per board."""
    return f"s-{stroke.author}-{stroke.stroke}"


def to_svg(width, height, strokes):
    """SVG text: a white board and one round-capped polyline (or dot) per stroke."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" fill="{BACKGROUND}"/>',
        '<g fill="none" stroke-linecap="round" stroke-linejoin="round">',
    ]
    for stroke in strokes:
        colour = quoteattr(stroke.color)
        points = stroke.points
        if len(points) == 2:
            x, y = points
            parts.append(
                f'<circle id="{element_id(stroke)}" cx="{x}" cy="{y}" r="{stroke.width / 2}" fill={colour}/>'
            )
            continue
        pairs = iter(points)
        coordinates = " ".join(f"{x},{y}" for x, y in zip(pairs, pairs, strict=True))
        parts.append(
            f'<polyline id="{element_id(stroke)}" points="{coordinates}" '
            f'stroke={colour} stroke-width="{stroke.width}"/>'
        )
    parts.append("</g></svg>")
    return "\n".join(parts)


def blank_canvas(width, height, scale):
    """(image, canvas) of an empty board at `scale` pixels per board unit."""
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    image = Image.new("RGB", size, BACKGROUND)
    return image, ImageDraw.Draw(image)


def to_png(width, height, strokes, scale=1.0):
    """PNG bytes of the board at `scale` pixels per board unit."""
    image, canvas = blank_canvas(width, height, scale)
    for stroke in strokes:
        _draw_stroke(canvas, stroke, scale)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def _draw_stroke(canvas, stroke, scale):
    """One stroke with round caps and joins, as the browser's canvas draws it."""
    colour = ImageColor.getrgb(stroke.color)
    line_width = max(1, round(stroke.width * scale))
    radius = line_width / 2
    # Pillow takes the flat [x0, y0, x1, y1, ...] list as it is.
    xy = stroke.points if scale == 1 else [value * scale for value in stroke.points]
    if len(xy) > 2:
        # The whole polyline in one call; Pillow draws its segments with square ends.
        canvas.line(xy, fill=colour, width=line_width)
    # A disc on every point rounds the caps and fills the notch a square-ended segment
    # leaves on the outside of each turn. Pillow's own joint="curve" would do the joins in
    # Python with a pie slice and an extra line each, which costs more (docs/performance.md).
    pairs = iter(xy)
    for x, y in zip(pairs, pairs, strict=True):
        canvas.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
