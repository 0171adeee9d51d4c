"""Reading an uploaded file (draw/uploads.py): PNG, JPEG and each PDF page become pictures made anew,
within bounds; anything else, or anything that claims to be what it is not, is refused."""

import io

import pytest
from PIL import Image, ImageDraw, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from draw.uploads import (
    JPEG,
    MAX_PDF_SCALE,
    PDF,
    PNG,
    UploadLimits,
    UploadRefused,
    fitted_size,
    page_scale,
    read_upload,
)

LIMITS = UploadLimits(max_upload_pixels=50_000_000, max_page_pixels=6_000_000, max_pages=50)
PAGE_COLOURS = ("red", "lime", "blue")
# A4 at 150 dpi: the page Pillow writes is 595 × 842 points.
A4_PIXELS = (1240, 1754)


def png_file(size=(400, 300), colour="orange", mode="RGB", **save_options):
    image = Image.new(mode, size, "white")
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2, size[1] // 2), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG", **save_options)
    return out.getvalue()


def jpeg_file(size=(400, 300), exif=None):
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2, size[1] // 2), fill="purple")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, **({"exif": exif} if exif else {}))
    return out.getvalue()


def pdf_file(colours=PAGE_COLOURS):
    """A PDF of one A4 page per colour, each with a square of it in its top-left quarter."""
    pages = []
    for colour in colours:
        page = Image.new("RGB", A4_PIXELS, "white")
        ImageDraw.Draw(page).rectangle((100, 100, 600, 600), fill=colour)
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    return out.getvalue()


def encrypted_pdf_file():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_file())))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def bomb_png_file():
    """A small PNG whose header claims 400 million pixels (one-bit zeros compress to nothing)."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


def opened(picture):
    image = Image.open(io.BytesIO(picture.data))
    image.load()
    return image


def refusal(data, declared_type, limits=LIMITS, **options):
    with pytest.raises(UploadRefused) as refused:
        read_upload(data, declared_type, limits, **options)
    assert refused.value.status == 400
    return refused.value.message


# --- what is taken ---------------------------------------------------------------------------


def test_a_png_is_stored_as_a_png_of_the_same_pixels_without_its_text_chunks():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Ms Example")
    upload = png_file(pnginfo=info)
    [picture] = read_upload(upload, PNG, LIMITS)
    assert (picture.media_type, picture.width, picture.height) == (PNG, 400, 300)
    image = opened(picture)
    assert image.format == "PNG" and "Author" not in image.info
    assert image.convert("RGB").getpixel((10, 10)) == (255, 165, 0)
    assert image.convert("RGB").getpixel((390, 290)) == (255, 255, 255)


def test_a_jpeg_is_turned_upright_and_stored_without_its_exif():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; shown rotated 90° clockwise.
    exif[0x010F] = "Phone Maker"
    [picture] = read_upload(jpeg_file(size=(400, 300), exif=exif.tobytes()), JPEG, LIMITS)
    assert (picture.media_type, picture.width, picture.height) == (JPEG, 300, 400)
    image = opened(picture)
    assert image.format == "JPEG" and not image.getexif()
    # The purple top-left quarter of the sensor is the top-right quarter once upright.
    red, green, blue = image.getpixel((280, 20))
    assert red > 100 and blue > 100 and green < 60
    assert image.getpixel((20, 380)) == pytest.approx((255, 255, 255), abs=8)


def test_a_large_image_is_fitted_within_the_page_pixels_keeping_its_shape():
    limits = UploadLimits(max_upload_pixels=50_000_000, max_page_pixels=10_000, max_pages=50)
    [picture] = read_upload(png_file(size=(400, 100)), PNG, limits)
    assert (picture.width, picture.height) == (200, 50)
    assert picture.width * picture.height <= 10_000


def test_a_file_of_unknown_type_is_read_by_its_bytes():
    [picture] = read_upload(png_file(), "application/octet-stream", LIMITS)
    assert picture.media_type == PNG
    [picture] = read_upload(jpeg_file(), "", LIMITS, name="photo.JPG")
    assert picture.media_type == JPEG


def test_each_page_of_a_pdf_is_a_png_on_white_showing_that_page():
    pictures = read_upload(pdf_file(), PDF, LIMITS)
    assert len(pictures) == 3
    expected = {"red": (255, 0, 0), "lime": (0, 255, 0), "blue": (0, 0, 255)}
    for picture, colour in zip(pictures, PAGE_COLOURS, strict=True):
        assert picture.media_type == PNG
        assert picture.width * picture.height <= LIMITS.max_page_pixels
        # An A4 page keeps its shape, and is sharp: above 2000 pixels wide.
        assert picture.width > 2000 and abs(picture.height / picture.width - 842 / 595) < 0.01
        image = opened(picture).convert("RGB")
        # The square drawn from 100 to 600 of 1240 pixels across, at this page's scale.
        inside = int(350 / 1240 * picture.width)
        # Pillow writes an RGB page as a JPEG inside the PDF: its colours are near, not exact.
        assert image.getpixel((inside, inside)) == pytest.approx(expected[colour], abs=8)
        assert image.getpixel((picture.width - 10, picture.height - 10)) == pytest.approx((255,) * 3, abs=8)
    assert len({picture.digest for picture in pictures}) == 3


def test_the_same_file_makes_the_same_pictures():
    assert read_upload(pdf_file(), PDF, LIMITS) == read_upload(pdf_file(), PDF, LIMITS)


def test_a_pdf_page_is_rendered_within_the_page_pixels_and_at_most_four_pixels_a_point():
    assert page_scale(100, 100, 6_000_000) == MAX_PDF_SCALE
    for width, height in [(595, 842), (14400, 14400), (1, 14400), (842, 595.5)]:
        scale = page_scale(width, height, 6_000_000)
        assert 0 < scale <= MAX_PDF_SCALE
        # PDFium rounds each side up.
        rendered = -(-width * scale // 1) * -(-height * scale // 1)
        assert rendered <= 6_000_000


def test_fitted_size_keeps_what_fits_and_shrinks_what_does_not():
    assert fitted_size((1600, 900), 6_000_000) == (1600, 900)
    width, height = fitted_size((8000, 6000), 6_000_000)
    assert width * height <= 6_000_000 and abs(width / height - 4 / 3) < 0.01


# --- what is refused -------------------------------------------------------------------------


def test_a_text_file_named_as_a_png_is_refused():
    message = refusal(b"just some notes, not a picture\n", PNG, name="notes.png")
    assert "sent as a PNG image but is not a PNG, JPEG or PDF file" in message


def test_a_file_whose_declared_type_or_name_disagrees_with_its_bytes_is_refused():
    assert "sent as a JPEG image but is a PNG image" in refusal(png_file(), JPEG)
    assert "sent as a PDF but is a PNG image" in refusal(png_file(), PNG, name="worksheet.pdf")


def test_a_file_of_another_type_is_refused_by_its_type_or_name():
    assert "not text/plain" in refusal(b"hello", "text/plain")
    assert "not .gif" in refusal(b"GIF89a....", "", name="cat.gif")
    assert "Only PNG and JPEG images and PDF files" in refusal(b"GIF89a....", "")


def test_an_image_whose_header_claims_too_many_pixels_is_refused_before_it_is_decoded():
    assert "too many pixels" in refusal(bomb_png_file(), PNG)
    small = UploadLimits(max_upload_pixels=100_000, max_page_pixels=10_000, max_pages=50)
    assert "too many pixels (400 × 300): at most 100,000" in refusal(png_file(size=(400, 300)), PNG, small)


def test_a_damaged_or_cut_short_image_is_refused():
    assert "damaged or cut short" in refusal(png_file()[:200], PNG)
    photo = jpeg_file()
    assert "damaged or cut short" in refusal(photo[: len(photo) // 2], JPEG)
    assert "not a PNG image that can be read" in refusal(b"\x89PNG\r\n\x1a\nnothing more", PNG)


def test_a_pdf_protected_by_a_password_is_refused():
    assert "protected by a password" in refusal(encrypted_pdf_file(), PDF)


def test_a_damaged_or_cut_short_pdf_is_refused():
    whole = pdf_file()
    assert "damaged or cut short" in refusal(whole[: len(whole) // 2], PDF)
    assert "damaged or cut short" in refusal(b"%PDF-1.7\nnot a PDF at all", PDF)


def test_a_pdf_with_more_pages_than_a_lesson_takes_is_refused():
    few = UploadLimits(max_upload_pixels=50_000_000, max_page_pixels=6_000_000, max_pages=2)
    assert refusal(pdf_file(), PDF, few) == "The PDF has 3 pages: a lesson takes at most 2."
