"""Exports draw every kind of item as the browser does: ink by pressure, highlighters under
the rest, shapes, arrows and text, in PNG pixels and SVG elements."""

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageFont

from draw import export
from draw.exporter import text_font_path

ROOT = Path(__file__).resolve().parent.parent
RED = "#e03131"
RED_RGB = (224, 49, 49)
BLUE = "#1971c2"
BLUE_RGB = (25, 113, 194)
YELLOW = "#fab005"
YELLOW_RGB = (250, 176, 5)
WHITE = (255, 255, 255)


@dataclass
class Item:
    stroke: str
    author: str
    item: dict
    points: list


def item(kind, points, stroke="s1", author="ann", **fields):
    defaults = {"color": BLUE, "size": 40, "text": "Hello"} if kind == "text" else {"color": RED, "width": 8}
    return Item(stroke, author, {"kind": kind, **defaults, **fields}, list(points))


def drawn(strokes, scale=1.0, width=600, height=400):
    body = export.to_png(width, height, strokes, scale, font_path=text_font_path())
    return Image.open(io.BytesIO(body)).convert("RGB")


def column(image, x, colour):
    """The rows of column x painted `colour`."""
    return [y for y in range(image.height) if image.getpixel((x, y)) == colour]


def over_white(colour, alpha):
    return tuple(round(alpha * c + (1 - alpha) * 255) for c in colour)


def close(a, b, tolerance=2):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


# --- ink ---------------------------------------------------------------------------------


def test_png_ink_is_wider_where_the_pen_pressed_harder():
    light = [(x, 200, 20) for x in range(50, 300, 10)]
    hard = [(x, 200, 90) for x in range(300, 560, 10)]
    image = drawn([item("ink", [value for point in light + hard for value in point], width=16)])
    thin, thick = len(column(image, 150, RED_RGB)), len(column(image, 450, RED_RGB))
    assert 8 <= thin <= 12
    assert 20 <= thick <= 24


def test_png_ink_at_normal_pressure_is_as_wide_as_its_width():
    points = [value for x in range(50, 550, 10) for value in (x, 200, 50)]
    assert len(column(drawn([item("ink", points, width=20)]), 300, RED_RGB)) in (20, 21)


def test_png_ink_that_crosses_itself_has_no_hole_where_it_crosses():
    # A loop: along y=200 to the right, up, back left and down across the first line.
    points = [
        *(v for x in range(100, 400, 10) for v in (x, 200, 50)),
        *(v for y in range(200, 100, -10) for v in (400, y, 50)),
        *(v for x in range(400, 250, -10) for v in (x, 100, 50)),
        *(v for y in range(100, 300, 10) for v in (250, y, 50)),
    ]
    image = drawn([item("ink", points, width=16)])
    for x, y in ((250, 200), (245, 195), (255, 205), (244, 206)):
        assert image.getpixel((x, y)) == RED_RGB
    assert image.getpixel((320, 150)) == WHITE


def test_png_a_single_ink_point_is_a_dot():
    image = drawn([item("ink", [300, 200, 50], width=12)])
    assert image.getpixel((300, 200)) == RED_RGB
    assert image.getpixel((320, 200)) == WHITE


def svg_path_vertices(path):
    """The absolute points an SVG path of M, relative l and relative a steps reaches, with each
    arc's radius (None after a line)."""
    tokens = re.findall(r"[Mla]|-?\d*\.?\d+", path.removesuffix("Z"))
    assert tokens[0] == "M"
    x, y = float(tokens[1]), float(tokens[2])
    vertices, command, i = [(x, y, None)], None, 3
    while i < len(tokens):
        if tokens[i] in ("l", "a"):
            command, i = tokens[i], i + 1
            continue
        if command == "l":
            x, y, radius, i = x + float(tokens[i]), y + float(tokens[i + 1]), None, i + 2
        else:
            radius = float(tokens[i])
            x, y, i = x + float(tokens[i + 5]), y + float(tokens[i + 6]), i + 7
        vertices.append((x, y, radius))
    return vertices


def test_svg_ink_is_its_outline_filled_sides_as_lines_and_caps_as_arcs():
    width = 16
    svg = export.to_svg(600, 400, [item("ink", [100, 100, 50, 200, 150, 70, 300, 100, 30], width=width)])
    (path,) = re.findall(r'<path id="s-ann-s1" d="(M[^"]+Z)" fill="#e03131"/>', svg)
    vertices = svg_path_vertices(path)
    assert len(vertices) > 6
    # Every point lies on the stroke, no further from its line than the widest pen.
    assert all(90 - width <= x <= 310 + width and 100 - width <= y <= 150 + width for x, y, _ in vertices)
    arcs = [(x, y, radius) for x, y, radius in vertices if radius is not None]
    # The end cap: a turn and a half in two arcs, about the last point, at its pressure's radius
    # (0.3: 0.4 of the width); the start cap: a half turn about the first point.
    end_radius = width * (0.5 - 0.5 * (0.5 - 0.3))
    assert len(arcs) == 3
    for x, y, radius in arcs[:2]:
        assert radius == pytest.approx(end_radius, abs=0.1)
        assert math.hypot(x - 300, y - 100) == pytest.approx(end_radius, abs=0.2)
    x, y, radius = arcs[2]
    assert math.hypot(x - 100, y - 100) == pytest.approx(radius, abs=0.2)


# --- highlighter -------------------------------------------------------------------------


def test_png_highlighter_is_translucent_and_no_darker_where_it_crosses_itself():
    zigzag = [100, 100, 300, 300, 300, 100, 100, 300]
    image = drawn([item("highlighter", zigzag, color=YELLOW, width=30)])
    tint = over_white(YELLOW_RGB, export.HIGHLIGHTER_ALPHA)
    assert close(image.getpixel((150, 150)), tint)
    assert close(image.getpixel((200, 200)), tint), "where it crosses itself"
    assert image.getpixel((200, 120)) == WHITE


def test_png_highlighter_goes_under_ink_drawn_before_it():
    ink = item("ink", [v for x in range(100, 500, 10) for v in (x, 200, 50)], stroke="ink", width=10)
    highlighter = item("highlighter", [300, 100, 300, 300], stroke="marked", color=YELLOW, width=40)
    image = drawn([ink, highlighter])
    assert image.getpixel((300, 200)) == RED_RGB
    assert close(image.getpixel((300, 150)), over_white(YELLOW_RGB, export.HIGHLIGHTER_ALPHA))


def test_png_highlighters_over_each_other_darken():
    first = item("highlighter", [100, 200, 400, 200], stroke="a", color=YELLOW, width=40)
    second = item("highlighter", [250, 100, 250, 300], stroke="b", color=YELLOW, width=40)
    once = drawn([first]).getpixel((250, 200))
    twice = drawn([first, second]).getpixel((250, 200))
    assert twice[2] < once[2]


def test_svg_highlighters_come_first_and_are_translucent():
    ink = item("ink", [100, 100, 50, 200, 100, 50], stroke="ink")
    highlighter = item("highlighter", [100, 100, 300, 100], stroke="marked", color=YELLOW, width=30)
    svg = export.to_svg(600, 400, [ink, highlighter])
    assert svg.index('id="s-ann-marked"') < svg.index('id="s-ann-ink"')
    polyline = '<polyline id="s-ann-marked" points="100,100 300,100" stroke="#fab005" stroke-width="30"'
    assert f'{polyline} opacity="0.35"/>' in svg


def test_the_under_layer_keeps_its_order_and_so_does_the_rest():
    strokes = [
        item("line", [0, 0, 1, 1], stroke="a"),
        item("highlighter", [0, 0], stroke="b"),
        item("rect", [0, 0, 1, 1], stroke="c"),
        item("highlighter", [0, 0], stroke="d"),
    ]
    assert [s.stroke for s in export.drawing_order(strokes)] == ["b", "d", "a", "c"]


# --- lines, arrows, rectangles, ellipses -------------------------------------------------


def test_png_line_goes_from_the_first_point_of_a_drag_to_the_last():
    image = drawn([item("line", [100, 100, 400, 350, 50, 50, 300, 100], width=10)])
    for x in (100, 200, 300):
        assert image.getpixel((x, 100)) == RED_RGB
    assert image.getpixel((96, 100)) == RED_RGB, "a round cap"
    assert image.getpixel((350, 200)) == WHITE


def test_png_arrow_has_a_head_at_its_last_point():
    image = drawn([item("arrow", [100, 200, 400, 200], width=6)])
    (triangle, base) = export.arrow_head(100, 200, 400, 200, 6)
    assert image.getpixel((200, 200)) == RED_RGB
    head_x = round((400 + base[0]) / 2)
    rows = column(image, head_x, RED_RGB)
    assert max(rows) - min(rows) > 12, "the head is wider than the shaft"
    assert len(column(image, 200, RED_RGB)) <= 7
    assert image.getpixel((402, 200)) == WHITE, "the head ends in a point, not a cap"


def test_arrow_head_grows_with_the_width_and_stays_within_the_arrow():
    thin = export.arrow_head(0, 0, 300, 0, 2)
    wide = export.arrow_head(0, 0, 300, 0, 12)
    assert 300 - thin[1][0] < 300 - wide[1][0]
    assert export.arrow_head(0, 0, 10, 0, 12)[1] == (0, 0)
    assert export.arrow_head(5, 5, 5, 5, 4) is None


def test_png_arrow_head_scales_with_the_image():
    once = drawn([item("arrow", [100, 100, 250, 100], width=4)])
    twice = drawn([item("arrow", [100, 100, 250, 100], width=4)], scale=2)
    spread = len(column(once, 240, RED_RGB))
    assert abs(len(column(twice, 480, RED_RGB)) - 2 * spread) <= 2


def test_svg_arrow_is_a_shaft_and_a_head_under_one_id():
    svg = export.to_svg(600, 400, [item("arrow", [100, 200, 400, 200], width=6)])
    (group,) = re.findall(r'<g id="s-ann-s1">(.*?)</g>', svg)
    assert group.startswith('<line x1="100" y1="200" x2="370" y2="200" stroke="#e03131" stroke-width="6"/>')
    assert '<polygon points="400,200 370,215 370,185" fill="#e03131"/>' in group


def test_png_rectangle_is_its_outline_from_corner_to_corner():
    image = drawn([item("rect", [400, 300, 100, 100], width=10)])
    for x, y in ((250, 100), (250, 300), (100, 200), (400, 200), (104, 104)):
        assert image.getpixel((x, y)) == RED_RGB
    for x, y in ((250, 200), (250, 90), (410, 200)):
        assert image.getpixel((x, y)) == WHITE
    assert image.getpixel((97, 97)) == RED_RGB
    assert image.getpixel((95, 95)) == WHITE, "a round corner"


def test_png_ellipse_is_its_outline_inside_its_box():
    image = drawn([item("ellipse", [100, 100, 500, 300], width=10)])
    for x, y in ((300, 100), (300, 300), (100, 200), (500, 200)):
        assert image.getpixel((x, y)) == RED_RGB
    for x, y in ((300, 200), (110, 110), (300, 90), (510, 200)):
        assert image.getpixel((x, y)) == WHITE


def test_png_a_flat_rectangle_or_ellipse_still_shows():
    image = drawn(
        [item("rect", [100, 100, 300, 102], width=6), item("ellipse", [100, 200, 300, 200], width=6)]
    )
    assert image.getpixel((200, 101)) == RED_RGB
    assert image.getpixel((200, 200)) == RED_RGB


def test_svg_shapes_are_lines_rects_and_ellipses_with_their_ids():
    svg = export.to_svg(
        600,
        400,
        [
            item("line", [10, 20, 50, 50, 30, 40], stroke="l", width=4),
            item("rect", [300, 200, 100, 50], stroke="r"),
            item("ellipse", [100, 50, 301, 250], stroke="e", width=3),
        ],
    )
    assert '<line id="s-ann-l" x1="10" y1="20" x2="30" y2="40" stroke="#e03131" stroke-width="4"/>' in svg
    assert (
        '<rect id="s-ann-r" x="100" y="50" width="200" height="150" stroke="#e03131" stroke-width="8"/>'
        in svg
    )
    assert (
        '<ellipse id="s-ann-e" cx="200.5" cy="150" rx="100.5" ry="100" stroke="#e03131" stroke-width="3"/>'
        in svg
    )
    assert '<g fill="none" stroke-linecap="round" stroke-linejoin="round">' in svg


def test_png_a_thin_line_scaled_down_is_still_a_pixel_wide():
    image = drawn([item("line", [100, 100, 500, 100], width=1)], scale=0.25)
    assert image.getpixel((50, 25)) == RED_RGB


# --- text --------------------------------------------------------------------------------


def test_png_text_is_drawn_in_its_line_box_below_its_point():
    image = drawn([item("text", [100, 100], size=40, text="Hello")])
    font = ImageFont.truetype(str(text_font_path()), 40)
    box = (100, 100, 100 + font.getlength("Hello"), 100 + (export.TEXT_ASCENT + export.TEXT_DESCENT) * 40)
    inked = [
        (x, y) for x in range(image.width) for y in range(image.height) if image.getpixel((x, y)) != WHITE
    ]
    assert len(inked) > 200
    assert all(box[0] - 1 <= x <= box[2] + 1 and box[1] <= y <= box[3] for x, y in inked)
    assert max(y for _, y in inked) > 100 + 0.9 * 40, "the H stands on the baseline"
    assert BLUE_RGB in {image.getpixel(point) for point in inked}


def test_png_text_scales_with_the_image():
    once = drawn([item("text", [100, 100], text="Hello")])
    twice = drawn([item("text", [100, 100], text="Hello")], scale=2)

    def ink_width(image):
        xs = [
            x
            for x in range(image.width)
            for y in range(0, image.height, 2)
            if image.getpixel((x, y)) != WHITE
        ]
        return max(xs) - min(xs)

    assert abs(ink_width(twice) - 2 * ink_width(once)) <= 4


def test_svg_text_is_escaped_and_names_the_font_with_a_fallback():
    svg = export.to_svg(600, 400, [item("text", [100, 50], size=20, text='a <b> & "c"')])
    (element,) = re.findall(r'<text id="s-ann-s1"[^>]*>[^<]*</text>', svg)
    assert "&lt;b&gt; &amp;" in element
    assert 'x="100" y="69"' in element
    assert "font-family=\"'Atkinson Hyperlegible', 'DejaVu Sans', sans-serif\"" in element
    assert 'font-size="20"' in element and 'fill="#1971c2"' in element


def test_png_text_without_a_font_file_uses_pillows_own():
    body = export.to_png(300, 200, [item("text", [20, 20], text="Hi")])
    image = Image.open(io.BytesIO(body)).convert("RGB")
    assert image.getbbox() is not None
    assert any(image.getpixel((x, y)) != WHITE for x in range(20, 80) for y in range(20, 70))


def test_the_text_font_is_the_packaged_one_with_the_metrics_both_sides_use():
    path = text_font_path()
    assert path.is_file(), "run npm ci"
    font = ImageFont.truetype(str(path), 1000)
    assert font.getname()[0] == export.FONT_FAMILY
    assert font.getmetrics() == (round(export.TEXT_ASCENT * 1000), round(export.TEXT_DESCENT * 1000))


# --- both sides --------------------------------------------------------------------------


def js_constant(path, name):
    (value,) = re.findall(rf"const {name} = ([^;]+);", (ROOT / path).read_text(encoding="utf-8"))
    return value.strip().strip("'")


def test_the_numbers_drawn_with_are_those_of_the_browser():
    text, geometry = "frontend/kinds/text.js", "frontend/kinds/geometry.js"
    assert js_constant(text, "TEXT_FONT_FAMILY") == export.FONT_FAMILY
    assert float(js_constant(text, "TEXT_ASCENT")) == export.TEXT_ASCENT
    assert float(js_constant(text, "TEXT_DESCENT")) == export.TEXT_DESCENT
    assert export.FONT_STATIC.removeprefix("vendor/") in js_constant(text, "FONT_URL")
    assert (
        float(js_constant("frontend/kinds/highlighter.js", "HIGHLIGHTER_ALPHA")) == export.HIGHLIGHTER_ALPHA
    )
    assert float(js_constant(geometry, "HEAD_LENGTH_PER_WIDTH")) == export.HEAD_LENGTH_PER_WIDTH
    assert float(js_constant(geometry, "HEAD_LENGTH_MIN")) == export.HEAD_LENGTH_MIN
    assert float(js_constant(geometry, "HEAD_SPREAD")) == export.HEAD_SPREAD


def test_every_kind_has_a_renderer_on_each_side():
    from draw.items import KINDS

    assert set(export.SVG_KINDS) == set(export.PNG_KINDS) == set(KINDS)


def test_an_item_of_a_kind_the_exporter_does_not_know_is_left_out():
    stranger = item("line", [10, 10, 50, 50])
    stranger.item["kind"] = "sticker"
    assert "s-ann-s1" not in export.to_svg(100, 100, [stranger])
    assert drawn([stranger], width=100, height=100).getextrema() == ((255, 255),) * 3
