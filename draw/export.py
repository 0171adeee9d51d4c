"""A board's visible items as SVG or PNG, drawn the way the browser draws them.

Pure: takes the board size and CommittedStroke-like objects (stroke, author, item, points),
and the font files text is drawn with; knows nothing of the database. Each kind of item
(draw/items.py) has one SVG renderer and one PNG renderer, with the geometry of
frontend/kinds/: the same outline for ink, the same arrow heads, text with the same font and
line box, and a fallback font for the characters that font lacks. Items of the "under" layer
(highlighters) are drawn first, then the rest, each layer in drawing order.
"""

import base64
import functools
import io
import itertools
import math
from xml.sax.saxutils import escape, quoteattr

from fontTools.ttLib import TTFont
from PIL import Image, ImageColor, ImageDraw, ImageFont

from draw import backgrounds, items
from draw.freehand import ink_shape, svg_number

BACKGROUND = "#ffffff"
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# Below this a board's strokes shrink to specks; above the configured maximum the image
# costs more memory and time than any screen or print needs.
MIN_SCALE = 0.1

# The text font (frontend/kinds/text.js): its family, where the page finds it among the static
# files (sketchsite/settings.py NPM_STATIC_FILES maps it into node_modules), and its ascent
# and descent over its size, which place the baseline in the line box.
FONT_FAMILY = "Atkinson Hyperlegible"
FONT_STATIC = "vendor/fonts/AtkinsonHyperlegible-Regular.ttf"
TEXT_ASCENT = 0.95
TEXT_DESCENT = 0.29
# The font for the characters the text font has no glyph for (subscripts, arrows, maths), as
# the browser falls back per character: its family and its static path, mapped the same way.
FALLBACK_FONT_FAMILY = "DejaVu Sans"
FALLBACK_FONT_STATIC = "vendor/fonts/DejaVuSans.ttf"
# Font files whose characters are kept read: the text font and its fallback, with room to spare.
FONT_CHARACTERS_CACHED = 4
# How much of a highlighter's colour shows (frontend/kinds/highlighter.js).
HIGHLIGHTER_ALPHA = 0.35
# Arrow heads (frontend/kinds/geometry.js arrowHead).
HEAD_LENGTH_PER_WIDTH = 3
HEAD_LENGTH_MIN = 12
HEAD_SPREAD = 0.5
# How much of an ink sample's radius the PNG fills again under the outline: enough to close
# the holes where a stroke crosses itself, little enough to stay inside where the outline
# cuts a corner.
INK_CORE = 0.8
# Pillow fills a polygon row by row, looking at every edge for each row: an outline of this many
# edges times rows costs about a second. An ink stroke whose outline would cost more (thousands of
# sharp turns across the board) is drawn as what its outline wraps instead, a disc on each sample
# and a band between neighbours, whose cost grows with its samples and pixels alone.
INK_POLYGON_BUDGET = 20_000_000


def export_scale(text, max_scale):
    """The PNG scale asked for in `text` (default 1), kept within MIN_SCALE..max_scale.

    Raises ValueError unless `text` is a decimal number in ASCII digits, such as 2, 0.5 or
    1.25 (a minus sign is taken, and kept to the minimum): float() alone would also take an
    Arabic-Indic one (U+0661), "1_0", " 2 " and "infinity". The result is rounded to two
    decimals so that near-identical requests share one cached image.
    """
    scale = 1.0
    if text is not None:
        whole, point, fraction = text.removeprefix("-").partition(".")
        # ASCII first: str.isdigit() is true of every script's digits.
        if not (text.isascii() and whole.isdigit() and (fraction.isdigit() or not point)):
            raise ValueError(f"scale must be a decimal number, not {text!r}")
        scale = float(text)
    # So many digits that they overflow to infinity.
    if not math.isfinite(scale):
        raise ValueError(f"scale must be a finite number, not {text!r}")
    return round(min(float(max_scale), max(MIN_SCALE, scale)), 2)


def element_id(stroke):
    """The SVG id of a stroke: stroke ids are unique per author, not per board."""
    return f"s-{stroke.author}-{stroke.stroke}"


def drawing_order(strokes):
    """The strokes as they are drawn: the "under" layer first, then the rest, each in its order."""
    strokes = list(strokes)
    under = [_is_under(stroke) for stroke in strokes]
    return [s for s, low in zip(strokes, under, strict=True) if low] + [
        s for s, low in zip(strokes, under, strict=True) if not low
    ]


def _is_under(stroke):
    # A kind this server does not know (a newer client's) is left undrawn by the renderers.
    return stroke.item["kind"] in items.ITEM_SPECS and items.layer(stroke.item) == items.UNDER


# --- geometry, as in frontend/kinds/geometry.js --------------------------------------------


def ends(points):
    """(x0, y0, x1, y1): the first and the last point of a drag."""
    return points[0], points[1], points[-2], points[-1]


def corners(points):
    """(left, top, right, bottom) of the box between the two ends of a drag."""
    x0, y0, x1, y1 = ends(points)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def arrow_head(x0, y0, x1, y1, width):
    """(triangle, base) of an arrow's head, or None for an arrow of no length.

    `triangle` is (tip x, tip y, left x, left y, right x, right y); `base` the (x, y) where the
    shaft ends, inside the head. A head never runs back past the arrow's start.
    """
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return None
    head_length = min(length, HEAD_LENGTH_PER_WIDTH * width + HEAD_LENGTH_MIN)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    base_x, base_y = x1 - ux * head_length, y1 - uy * head_length
    spread = head_length * HEAD_SPREAD
    triangle = (
        x1,
        y1,
        base_x - uy * spread,
        base_y + ux * spread,
        base_x + uy * spread,
        base_y - ux * spread,
    )
    return triangle, (base_x, base_y)


# --- SVG ---------------------------------------------------------------------------------


def to_svg(width, height, strokes, left_out=None, background=backgrounds.DEFAULT, picture=None):
    """SVG text: a white board and one element per item, its id from element_id().

    An item that fails to draw is left out, and added to `left_out` if given, so one item can
    never take the whole export down; every item the server accepts draws (tests/test_poison.py).
    """
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" fill="{BACKGROUND}"/>',
        *_svg_paper(background, width, height),
        *_svg_picture(picture, width, height),
        '<g fill="none" stroke-linecap="round" stroke-linejoin="round">',
    ]
    for stroke in drawing_order(strokes):
        render = SVG_KINDS.get(stroke.item["kind"])
        if render is not None and stroke.points:
            try:
                element = render(stroke, element_id(stroke), quoteattr(stroke.item["color"]))
                if not element.isascii():
                    # What a socket or a file would fail to write later, it fails here.
                    element.encode("utf-8")
            except Exception:  # noqa: BLE001 - whatever it was, this item alone is left out
                _left_out(left_out, stroke)
                continue
            parts.append(element)
    parts.append("</g></svg>")
    return "\n".join(parts)


def _svg_picture(picture, width, height):
    """The picture under the ink (media type, bytes, width, height), inside the file: an export
    is read away from the board, where no address of ours answers."""
    if picture is None:
        return []
    media_type, data, picture_width, picture_height = picture
    x, y, shown_width, shown_height = backgrounds.picture_box(picture_width, picture_height, width, height)
    encoded = base64.b64encode(data).decode("ascii")
    return [
        f'<image class="picture" x="{x:.2f}" y="{y:.2f}" '
        f'width="{shown_width:.2f}" height="{shown_height:.2f}" preserveAspectRatio="none" '
        f'href="data:{media_type};base64,{encoded}"/>'
    ]


def _svg_paper(kind, width, height):
    """The paper's marks (draw/backgrounds.py) as one group under every item; none for plain."""
    marks = backgrounds.marks(kind, width, height)
    if not marks:
        return []
    parts = ['<g class="paper">']
    for mark in marks:
        if mark[0] == "line":
            _, x0, y0, x1, y1, colour, line = mark
            parts.append(
                f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="{colour}" stroke-width="{line}"/>'
            )
        else:
            _, x, y, radius, colour = mark
            parts.append(f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{colour}"/>')
    parts.append("</g>")
    return parts


def _left_out(left_out, stroke):
    if left_out is not None:
        left_out.append(stroke)


def _number(value):
    """A coordinate for SVG: at most two decimals, no trailing zeros."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _pairs(values):
    return " ".join(f"{_number(values[i])},{_number(values[i + 1])}" for i in range(0, len(values) - 1, 2))


def _svg_polyline(stroke, id, colour, extra=""):
    points, width = stroke.points, stroke.item["width"]
    if len(points) == 2:
        x, y = points
        return f'<circle id="{id}" cx="{x}" cy="{y}" r="{width / 2}" fill={colour}{extra}/>'
    return f'<polyline id="{id}" points="{_pairs(points)}" stroke={colour} stroke-width="{width}"{extra}/>'


def _svg_highlighter(stroke, id, colour):
    return _svg_polyline(stroke, id, colour, f' opacity="{HIGHLIGHTER_ALPHA}"')


def _svg_ink(stroke, id, colour):
    # The outline as kept for the stroke (draw/freehand.py ink_shape): lines from point to point
    # in tenths of a unit, worked out once; a move changes only the start.
    shape = ink_shape(stroke.points, stroke.item["width"])
    x, y, rest = shape.svg_path()
    ox, oy = shape.origin
    return f'<path id="{id}" d="M{svg_number(ox * 10 + x)},{svg_number(oy * 10 + y)}{rest}Z" fill={colour}/>'


def _svg_line(stroke, id, colour):
    x0, y0, x1, y1 = (_number(value) for value in ends(stroke.points))
    return (
        f'<line id="{id}" x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" '
        f'stroke={colour} stroke-width="{stroke.item["width"]}"/>'
    )


def _svg_arrow(stroke, id, colour):
    width = stroke.item["width"]
    x0, y0, x1, y1 = ends(stroke.points)
    head = arrow_head(x0, y0, x1, y1, width)
    end_x, end_y = head[1] if head else (x1, y1)
    shaft = (
        f'<line x1="{_number(x0)}" y1="{_number(y0)}" x2="{_number(end_x)}" y2="{_number(end_y)}" '
        f'stroke={colour} stroke-width="{width}"/>'
    )
    tip = f'<polygon points="{_pairs(head[0])}" fill={colour}/>' if head else ""
    return f'<g id="{id}">{shaft}{tip}</g>'


def _svg_rect(stroke, id, colour):
    left, top, right, bottom = corners(stroke.points)
    return (
        f'<rect id="{id}" x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
        f'stroke={colour} stroke-width="{stroke.item["width"]}"/>'
    )


def _svg_ellipse(stroke, id, colour):
    left, top, right, bottom = corners(stroke.points)
    return (
        f'<ellipse id="{id}" cx="{_number((left + right) / 2)}" cy="{_number((top + bottom) / 2)}" '
        f'rx="{_number((right - left) / 2)}" ry="{_number((bottom - top) / 2)}" '
        f'stroke={colour} stroke-width="{stroke.item["width"]}"/>'
    )


def _svg_text(stroke, id, colour):
    x, y = stroke.points[:2]
    size = stroke.item["size"]
    family = quoteattr(f"'{FONT_FAMILY}', '{FALLBACK_FONT_FAMILY}', sans-serif")
    return (
        f'<text id="{id}" x="{x}" y="{_number(y + TEXT_ASCENT * size)}" font-family={family} '
        f'font-size="{size}" fill={colour} stroke="none" xml:space="preserve">'
        f"{escape(stroke.item['text'])}</text>"
    )


SVG_KINDS = {
    "ink": _svg_ink,
    "marker": _svg_polyline,
    "highlighter": _svg_highlighter,
    "line": _svg_line,
    "arrow": _svg_arrow,
    "rect": _svg_rect,
    "ellipse": _svg_ellipse,
    "text": _svg_text,
}


# --- PNG ---------------------------------------------------------------------------------


def blank_canvas(width, height, scale):
    """(image, canvas) of an empty board at `scale` pixels per board unit."""
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    image = Image.new("RGB", size, BACKGROUND)
    return image, ImageDraw.Draw(image)


@functools.lru_cache(maxsize=FONT_CHARACTERS_CACHED)
def font_characters(path):
    """The code points the font file at `path` (a str) has glyphs for, from its cmap."""
    # Kept for the process: the font files are installed ones that do not change under it.
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or ())


def text_runs(text, charsets):
    """`text` as (font index, characters) runs, each character in the first font whose
    character set in `charsets` has it; one that no font has stays in the first font."""

    def font_of(character):
        code = ord(character)
        return next((index for index, characters in enumerate(charsets) if code in characters), 0)

    return [(index, "".join(run)) for index, run in itertools.groupby(text, key=font_of)]


class _Png:
    """One PNG being drawn: the image, its canvas, the scale and the fonts opened for it."""

    def __init__(self, image, scale, font_paths):
        self.image, self.canvas = image, ImageDraw.Draw(image)
        self.scale = scale
        self.font_paths = font_paths
        self.fonts = {}

    def line_width(self, width):
        """A width in pixels: never under one, as the browser never draws under its minimum."""
        return max(1, round(width * self.scale))

    def font(self, size, index=0):
        """The font `index` of font_paths (0: the text font) at `size` board units."""
        pixels = size * self.scale
        font = self.fonts.get((index, pixels))
        if font is None:
            if self.font_paths:
                font = ImageFont.truetype(str(self.font_paths[index]), pixels)
            else:
                # No font file given: Pillow's own scalable font, so the text still shows.
                font = ImageFont.load_default(pixels)
            self.fonts[index, pixels] = font
        return font

    def text_runs(self, text):
        """(font index, characters) runs of `text`: one run when there is no fallback to use."""
        if len(self.font_paths) < 2:
            return [(0, text)]
        return text_runs(text, [font_characters(str(path)) for path in self.font_paths])


def to_png(
    width,
    height,
    strokes,
    scale=1.0,
    font_path=None,
    fallback_font_path=None,
    left_out=None,
    background=backgrounds.DEFAULT,
    picture=None,
):
    """PNG bytes of the board at `scale` pixels per board unit; text in the font at `font_path`,
    and each character that font lacks in the one at `fallback_font_path`, if given.

    An item that fails to draw is left out (and added to `left_out`), as in to_svg().
    """
    image = paper_image(width, height, scale, background, picture)
    draw_items(image, strokes, scale, font_path, fallback_font_path, left_out)
    return png_bytes(image)


def png_bytes(image):
    """The PNG file of a painted board image (paper_image() with draw_items() on it)."""
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def paper_image(width, height, scale=1.0, background=backgrounds.DEFAULT, picture=None):
    """The board with no ink at `scale`, as an RGB image: the paper's marks and the picture."""
    image, _ = blank_canvas(width, height, scale)
    png = _Png(image, scale, ())
    _png_paper(png, background, width, height)
    _png_picture(png, picture, width, height)
    return image


def draw_items(image, strokes, scale=1.0, font_path=None, fallback_font_path=None, left_out=None):
    """Draw `strokes` onto `image` (paper_image(), or an image of the same board with ink already
    on it) in drawing order, as to_png() does; an item that fails to draw is left out.

    Drawing the strokes of a board in two calls, the first ones then the rest in drawing order,
    gives the same pixels as drawing them in one: a timelapse draws each frame on an earlier one.
    """
    font_paths = tuple(path for path in (font_path, fallback_font_path) if path is not None)
    # Without the text font, Pillow's own draws all of the text: its characters are unknown.
    png = _Png(image, scale, font_paths if font_path is not None else ())
    for stroke in drawing_order(strokes):
        render = PNG_KINDS.get(stroke.item["kind"])
        if render is not None and stroke.points:
            try:
                render(png, stroke, ImageColor.getrgb(stroke.item["color"]))
            except Exception:  # noqa: BLE001 - whatever it was, this item alone is left out
                # What it drew before failing stays: a part of one item, never a broken export.
                _left_out(left_out, stroke)
    return image


def _png_picture(png, picture, width, height):
    """The picture under the ink, fitted as the browser fits it, in the export's pixels."""
    if picture is None:
        return
    _, data, picture_width, picture_height = picture
    x, y, shown_width, shown_height = backgrounds.picture_box(picture_width, picture_height, width, height)
    with Image.open(io.BytesIO(data)) as source:
        size = (max(1, round(shown_width * png.scale)), max(1, round(shown_height * png.scale)))
        fitted = source.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    png.image.paste(fitted, (round(x * png.scale), round(y * png.scale)))


def _png_paper(png, kind, width, height):
    """The paper's marks under every item, as the browser draws them: never under one pixel."""
    for mark in backgrounds.marks(kind, width, height):
        if mark[0] == "line":
            _, x0, y0, x1, y1, colour, line = mark
            png.canvas.line(
                _scaled(png, (x0, y0, x1, y1)), fill=ImageColor.getrgb(colour), width=png.line_width(line)
            )
        else:
            _, x, y, radius, colour = mark
            cx, cy, r = x * png.scale, y * png.scale, max(0.5, radius * png.scale)
            png.canvas.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ImageColor.getrgb(colour))


def _round_polyline(canvas, xy, colour, line_width):
    """A polyline of flat pixel coordinates with round caps and joins, as the browser's canvas draws it."""
    radius = line_width / 2
    if len(xy) > 2:
        # The whole polyline in one call; Pillow draws its segments with square ends.
        canvas.line(xy, fill=colour, width=line_width)
    # A disc on every point rounds the caps and fills the notch a square-ended segment
    # leaves on the outside of each turn. Pillow's own joint="curve" would do the joins in
    # Python with a pie slice and an extra line each, which costs more (docs/performance.md).
    for i in range(0, len(xy) - 1, 2):
        x, y = xy[i], xy[i + 1]
        canvas.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)


def _scaled(png, values):
    # Pillow takes the flat [x0, y0, x1, y1, ...] list as it is.
    return values if png.scale == 1 else [value * png.scale for value in values]


def _png_marker(png, stroke, colour):
    _round_polyline(png.canvas, _scaled(png, stroke.points), colour, png.line_width(stroke.item["width"]))


def _png_highlighter(png, stroke, colour):
    # Drawn opaque into a mask of its own, then laid over the board at the highlighter's
    # alpha: one stroke crossing itself is no darker there, as in the browser.
    line_width = png.line_width(stroke.item["width"])
    xy = _scaled(png, stroke.points)
    margin = line_width / 2 + 1
    left = max(0, math.floor(min(xy[0::2]) - margin))
    top = max(0, math.floor(min(xy[1::2]) - margin))
    right = min(png.image.width, math.ceil(max(xy[0::2]) + margin))
    bottom = min(png.image.height, math.ceil(max(xy[1::2]) + margin))
    if right <= left or bottom <= top:
        return
    mask = Image.new("L", (right - left, bottom - top), 0)
    shifted = [value - (left if i % 2 == 0 else top) for i, value in enumerate(xy)]
    _round_polyline(ImageDraw.Draw(mask), shifted, round(255 * HIGHLIGHTER_ALPHA), line_width)
    png.image.paste(colour, (left, top, right, bottom), mask)


def prepare_ink(strokes, scale=1.0):
    """Work out what the PNG at `scale` and the SVG draw of each ink stroke and keep it with its
    shape (draw/freehand.py ink_shape), as an export would; how many strokes were ink. A stroke
    that fails is passed over, as its export leaves it out: it never stops the others' warming."""
    count = 0
    for stroke in strokes:
        if stroke.item.get("kind") != "ink":
            continue
        count += 1
        try:
            shape = _prepared_ink(stroke, scale)
            if shape is not None:
                shape.svg_path()
        except Exception:  # noqa: BLE001, S112 - the export reports it (left_out), not the warming
            continue
    return count


def _prepared_ink(stroke, scale):
    shape = ink_shape(stroke.points, stroke.item["width"], min_width=1 / scale)
    # Its pixels' coordinates are kept with the shape (for one scale, at its origin): a board
    # exported again draws its old strokes with Pillow's calls alone.
    if shape is not None and (shape.drawing is None or shape.drawing[0] != scale):
        shape.drawing = (scale, _ink_drawing(shape, scale))
    return shape


def _png_ink(png, stroke, colour):
    shape = _prepared_ink(stroke, png.scale)
    polygon, lines, bands, discs = shape.drawing[1]
    # Straight to Pillow's core drawing object: its ImageDraw wrapper looks the colour up again
    # for every call, which costs more than a small disc does.
    core = png.canvas.draw
    ink = core.draw_ink(colour)
    if polygon is not None:
        core.draw_polygon(polygon, ink, 1)
    for xy, line_width in lines:
        core.draw_lines(xy, ink, line_width)
    draw_polygon = core.draw_polygon
    for band in bands:
        draw_polygon(band, ink, 1)
    ellipse = core.draw_ellipse
    for box in discs:
        ellipse(box, ink, 1)


def _ink_drawing(shape, scale):
    """(polygon, lines, bands, discs): what _png_ink draws of `shape` at `scale`, in pixels.

    The outline filled, and, because Pillow fills a polygon even-odd (where a stroke crosses
    itself its outline leaves a hole), the middle of the stroke drawn again: a line between
    neighbouring samples as wide as the thinner one's core (neighbours of one width in one
    call) and a disc on each sample. An outline whose fill would cost more than
    INK_POLYGON_BUDGET is drawn instead as what it wraps: a disc on each sample and a band
    between neighbours, at full radius.
    """
    ox, oy = shape.origin
    outline, spine = shape.outline, shape.spine
    xs = [(x + ox) * scale for x in spine[0::3]]
    ys = [(y + oy) * scale for y in spine[1::3]]
    if len(outline) > 4 and _polygon_cost(outline, scale) > INK_POLYGON_BUDGET:
        radii = [max(0.5, radius * scale) for radius in spine[2::3]]
        return None, [], _ink_bands(xs, ys, radii), _ink_discs(xs, ys, radii)
    polygon = None
    if len(outline) > 4:
        polygon = [0.0] * len(outline)
        polygon[0::2] = [(x + ox) * scale for x in outline[0::2]]
        polygon[1::2] = [(y + oy) * scale for y in outline[1::2]]
    radii = [radius * scale * INK_CORE for radius in spine[2::3]]
    lines, run, run_width = [], [], 0
    for i in range(1, len(radii)):
        line_width = max(1, math.floor(2 * min(radii[i - 1], radii[i])))
        if line_width != run_width and run:
            lines.append((run, run_width))
            run = []
        if not run:
            run = [xs[i - 1], ys[i - 1]]
        run += (xs[i], ys[i])
        run_width = line_width
    if run:
        lines.append((run, run_width))
    return polygon, lines, [], _ink_discs(xs, ys, radii)


def _ink_discs(xs, ys, radii):
    return [(x - r, y - r, x + r, y + r) for x, y, r in zip(xs, ys, radii, strict=True)]


def _ink_bands(xs, ys, radii):
    """The four corners of the band between each two neighbouring discs, square to the line between them."""
    bands = []
    for i in range(1, len(radii)):
        x0, y0, r0, x1, y1, r1 = xs[i - 1], ys[i - 1], radii[i - 1], xs[i], ys[i], radii[i]
        length = math.hypot(x1 - x0, y1 - y0)
        if length == 0:
            continue
        nx, ny = (y0 - y1) / length, (x1 - x0) / length
        bands.append(
            (
                x0 + nx * r0,
                y0 + ny * r0,
                x1 + nx * r1,
                y1 + ny * r1,
                x1 - nx * r1,
                y1 - ny * r1,
                x0 - nx * r0,
                y0 - ny * r0,
            )
        )
    return bands


def _polygon_cost(outline, scale):
    """Edges times pixel rows: what Pillow's fill of `outline` (flat, relative) costs."""
    ys = outline[1::2]
    return (len(outline) // 2) * (max(ys) - min(ys)) * scale


def _png_line(png, stroke, colour):
    _round_polyline(
        png.canvas, _scaled(png, list(ends(stroke.points))), colour, png.line_width(stroke.item["width"])
    )


def _png_arrow(png, stroke, colour):
    scale = png.scale
    width = max(stroke.item["width"], 1 / scale)
    x0, y0, x1, y1 = ends(stroke.points)
    head = arrow_head(x0, y0, x1, y1, width)
    end = head[1] if head else (x1, y1)
    _round_polyline(png.canvas, _scaled(png, [x0, y0, *end]), colour, png.line_width(width))
    if head:
        png.canvas.polygon(_scaled(png, list(head[0])), fill=colour)


def _png_rect(png, stroke, colour):
    line_width = png.line_width(stroke.item["width"])
    half = line_width / 2
    left, top, right, bottom = (value * png.scale for value in corners(stroke.points))
    box = (left - half, top - half, right + half, bottom + half)
    # Pillow draws an outline inside its box: the box grown by half the width centres the line
    # on the rectangle, and corners rounded by half the width are round joins.
    if right - left <= line_width or bottom - top <= line_width:
        png.canvas.rounded_rectangle(box, radius=half, fill=colour)
    else:
        png.canvas.rounded_rectangle(box, radius=half, outline=colour, width=line_width)


def _png_ellipse(png, stroke, colour):
    line_width = png.line_width(stroke.item["width"])
    half = line_width / 2
    left, top, right, bottom = (value * png.scale for value in corners(stroke.points))
    if right - left <= line_width or bottom - top <= line_width:
        # Flatter than its own line: what shows is a line with round ends.
        cy, cx = (top + bottom) / 2, (left + right) / 2
        xy = [left, cy, right, cy] if right - left >= bottom - top else [cx, top, cx, bottom]
        _round_polyline(png.canvas, xy, colour, line_width)
        return
    png.canvas.ellipse(
        (left - half, top - half, right + half, bottom + half), outline=colour, width=line_width
    )


def _png_text(png, stroke, colour):
    x, y = stroke.points[:2]
    size = stroke.item["size"]
    baseline = (y + TEXT_ASCENT * size) * png.scale
    left = x * png.scale
    # Runs one after another on one baseline, each moved on by the advance of the one before,
    # as the browser lays out a line whose characters come from more than one font.
    for index, run in png.text_runs(stroke.item["text"]):
        font = png.font(size, index)
        png.canvas.text((left, baseline), run, fill=colour, font=font, anchor="ls")
        left += font.getlength(run)


PNG_KINDS = {
    "ink": _png_ink,
    "marker": _png_marker,
    "highlighter": _png_highlighter,
    "line": _png_line,
    "arrow": _png_arrow,
    "rect": _png_rect,
    "ellipse": _png_ellipse,
    "text": _png_text,
}
