"""PNG text draws each character the text font lacks in the fallback font, as the browser
does, and text the text font covers as it always was."""

import io
from types import SimpleNamespace

from django.conf import settings
from PIL import Image, ImageChops, ImageDraw, ImageFont

from draw import export, exporter
from draw.classroom import ClassSettings
from draw.exporter import fallback_font_path, text_font_path
from draw.store import BoardState

BLUE = "#1971c2"
SIZE = 40
X, Y = 100, 100
BASELINE = Y + export.TEXT_ASCENT * SIZE


def text_item(text, x=X, y=Y):
    item = {"kind": "text", "color": BLUE, "size": SIZE, "text": text}
    return SimpleNamespace(stroke="s1", author="ann", item=item, points=[x, y])


def exported(text, fallback=True, scale=1.0):
    body = export.to_png(
        600,
        200,
        [text_item(text)],
        scale,
        font_path=text_font_path(),
        fallback_font_path=fallback_font_path() if fallback else None,
    )
    return Image.open(io.BytesIO(body)).convert("RGB")


def by_hand(runs):
    """The text drawn run by run with Pillow: (characters, font file) pairs laid end to end."""
    image = Image.new("RGB", (600, 200), export.BACKGROUND)
    canvas = ImageDraw.Draw(image)
    left = X
    for characters, path in runs:
        font = ImageFont.truetype(str(path), SIZE)
        canvas.text((left, BASELINE), characters, fill=BLUE, font=font, anchor="ls")
        left += font.getlength(characters)
    return image


def cell(image, left, right):
    """The line box of the text between `left` and `right`, in pixels."""
    return image.crop(
        (int(left), Y, int(right) + 1, round(Y + (export.TEXT_ASCENT + export.TEXT_DESCENT) * SIZE))
    )


def inked(image):
    return ImageChops.invert(image).getbbox() is not None


def test_text_runs_take_each_character_from_the_first_font_that_has_it():
    primary, fallback = {ord(c) for c in "CO π"}, {ord(c) for c in "CO₂→ π"}
    assert export.text_runs("CO₂ → π", [primary, fallback]) == [
        (0, "CO"),
        (1, "₂"),
        (0, " "),
        (1, "→"),
        (0, " π"),
    ]


def test_a_character_no_font_has_stays_with_the_text_font():
    assert export.text_runs("a☃b", [{ord("a"), ord("b")}, {ord("c")}]) == [(0, "a☃b")]


def test_the_fallback_font_has_what_the_text_font_lacks():
    primary = export.font_characters(str(text_font_path()))
    fallback = export.font_characters(str(fallback_font_path()))
    assert ord("₂") not in primary and ord("→") not in primary
    assert {ord(c) for c in "₂→πΔ≤×"} <= fallback
    assert ImageFont.truetype(str(fallback_font_path()), 100).getname()[0] == export.FALLBACK_FONT_FAMILY
    assert export.font_characters.cache_info().maxsize == export.FONT_CHARACTERS_CACHED


def test_png_draws_the_characters_the_text_font_lacks_in_the_fallback_font():
    text_font, fallback = text_font_path(), fallback_font_path()
    image = exported("CO₂ → π")
    expected = by_hand(
        [("CO", text_font), ("₂", fallback), (" ", text_font), ("→", fallback), (" π", text_font)]
    )
    assert image.tobytes() == expected.tobytes()

    # Where ₂, → and π stand there is ink, and not the text font's missing-glyph box.
    boxes = exported("CO₂ → π", fallback=False)
    primary = ImageFont.truetype(str(text_font), SIZE)
    secondary = ImageFont.truetype(str(fallback), SIZE)
    left = X + primary.getlength("CO")
    subscript = (left, left + secondary.getlength("₂"))
    left = subscript[1] + primary.getlength(" ")
    arrow = (left, left + secondary.getlength("→"))
    left = arrow[1] + primary.getlength(" ")
    pi = (left, left + primary.getlength("π"))
    for span in (subscript, arrow, pi):
        assert inked(cell(image, *span))
    for span in (subscript, arrow):
        assert cell(image, *span).tobytes() != cell(boxes, *span).tobytes()


def test_png_plain_latin_text_is_drawn_as_before():
    text = "Hello, world: 12 × 3"
    drawn = exported(text)
    assert drawn.tobytes() == exported(text, fallback=False).tobytes()
    assert drawn.tobytes() == by_hand([(text, text_font_path())]).tobytes()


def test_png_fallback_runs_scale_with_the_image():
    once, twice = exported("CO₂ → π"), exported("CO₂ → π", scale=2)
    assert abs(twice.getbbox()[2] - X * 2 - 2 * (once.getbbox()[2] - X)) <= 4


def test_the_board_export_draws_with_the_packaged_fonts():
    board = BoardState("fonts", True, 600, 200, 1, (text_item("CO₂ → π"),), ClassSettings())
    body = exporter.render(board, "png", 1.0)
    assert Image.open(io.BytesIO(body)).convert("RGB").tobytes() == exported("CO₂ → π").tobytes()
    assert settings.NPM_STATIC_FILES[export.FALLBACK_FONT_STATIC].startswith("dejavu-fonts-ttf/")
