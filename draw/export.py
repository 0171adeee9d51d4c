"""A board's visible strokes as SVG or PNG, drawn the way the browser draws them.

Pure: takes the board size and CommittedStroke-like objects (stroke, color, width,
points); knows nothing of the database.
"""

import io
from xml.sax.saxutils import quoteattr

from PIL import Image, ImageDraw

BACKGROUND = "#ffffff"


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
                f'<circle id="s-{stroke.stroke}" cx="{x}" cy="{y}" r="{stroke.width / 2}" fill={colour}/>'
            )
            continue
        coordinates = " ".join(f"{points[i]},{points[i + 1]}" for i in range(0, len(points), 2))
        parts.append(
            f'<polyline id="s-{stroke.stroke}" points="{coordinates}" '
            f'stroke={colour} stroke-width="{stroke.width}"/>'
        )
    parts.append("</g></svg>")
    return "\n".join(parts)


def to_png(width, height, strokes, scale=1.0):
    """PNG bytes of the board at `scale` pixels per board unit."""
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    image = Image.new("RGB", size, BACKGROUND)
    canvas = ImageDraw.Draw(image)
    for stroke in strokes:
        line_width = max(1, round(stroke.width * scale))
        radius = line_width / 2
        xy = [
            (stroke.points[i] * scale, stroke.points[i + 1] * scale) for i in range(0, len(stroke.points), 2)
        ]
        if len(xy) > 1:
            canvas.line(xy, fill=stroke.color, width=line_width, joint="curve")
        # Round caps and joins, as the browser draws them.
        for x, y in xy:
            canvas.ellipse((x - radius, y - radius, x + radius, y + radius), fill=stroke.color)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
