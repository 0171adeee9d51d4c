"""Pictures a host uploads to draw under the ink: a PNG, a JPEG or each page of a PDF, checked and made anew.

Knows nothing of HTTP: bytes in, a list of pictures out, or UploadRefused with a status and a
message for the host. Nothing is ever stored or served as it came: every image is decoded and
encoded again, without its metadata, and every PDF page is rendered to a PNG, all within the
bounds of UploadLimits.
"""

import hashlib
import io
import math
import threading
from dataclasses import dataclass
from pathlib import PurePosixPath

import pypdfium2
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageOps, UnidentifiedImageError

PNG = "image/png"
JPEG = "image/jpeg"
PDF = "application/pdf"

# What the host's file may be declared as, by its Content-Type or the extension of its name.
DECLARED_TYPES = {
    PNG: PNG,
    JPEG: JPEG,
    # Older systems' names for the same formats.
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    PDF: PDF,
    "application/x-pdf": PDF,
}
EXTENSIONS = {".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".pdf": PDF}
# What a browser sends for a file whose type it does not know: the bytes alone decide then.
UNDECLARED = {"", "application/octet-stream"}
TYPE_NAMES = {PNG: "a PNG image", JPEG: "a JPEG image", PDF: "a PDF"}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_SIGNATURE = b"%PDF-"
# PDF readers accept a header anywhere in the first kilobyte, and so do some PDF writers.
PDF_HEADER_WINDOW = 1024

# Pixels per PDF point (1/72 inch) at most: a postcard-sized page is not blown up into a poster.
MAX_PDF_SCALE = 4.0
JPEG_QUALITY = 88
PAGE_BACKGROUND = (255, 255, 255, 255)

# PDFium is not thread-safe, not even across documents: one call at a time in a process
# (pypdfium2's documentation, "Incompatibility with Threading"), or the process crashes.
_pdfium_lock = threading.Lock()


class UploadRefused(Exception):
    """The upload is not taken: `status` is the HTTP status to answer, `message` says why to the host."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class UploadLimits:
    """How much one upload may cost: pixels of an image as it comes, pixels of each stored picture, pages."""

    max_upload_pixels: int
    max_page_pixels: int
    max_pages: int

    @classmethod
    def from_settings(cls, config):
        return cls(config["MAX_UPLOAD_PIXELS"], config["MAX_PAGE_PIXELS"], config["MAX_PAGES"])


@dataclass(frozen=True)
class Picture:
    """One picture to store: its encoded bytes, their media type, size in pixels and SHA-256 (hex)."""

    media_type: str
    width: int
    height: int
    data: bytes
    digest: str


def too_large(max_bytes):
    """What a host is told of a file larger than SKETCHSITE_MAX_UPLOAD_BYTES."""
    return f"The file is too large: at most {max_bytes:,} bytes can be uploaded."


def read_upload(data, declared_type, limits, name=""):
    """The pictures in an uploaded file, in page order; UploadRefused when it is not one to take.

    `declared_type` is the request's Content-Type and `name` the file's name, if known: either
    one naming another type than the bytes are is refused, as a sign of the wrong file.
    """
    actual = sniffed_type(data)
    for declared in (_declared_by_type(declared_type), _declared_by_name(name)):
        if declared is not None and declared != actual:
            what = TYPE_NAMES.get(actual, "not a PNG, JPEG or PDF file")
            raise UploadRefused(400, f"The file was sent as {TYPE_NAMES[declared]} but is {what}.")
    if actual is None:
        raise UploadRefused(400, "Only PNG and JPEG images and PDF files can be uploaded.")
    if actual == PDF:
        return read_pdf(data, limits)
    return [read_image(data, actual, limits)]


def sniffed_type(data):
    """PNG, JPEG or PDF by the file's first bytes, or None for anything else."""
    if data.startswith(PNG_SIGNATURE):
        return PNG
    if data.startswith(JPEG_SIGNATURE):
        return JPEG
    if PDF_SIGNATURE in data[:PDF_HEADER_WINDOW]:
        return PDF
    return None


def _declared_by_type(content_type):
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in UNDECLARED:
        return None
    if media_type not in DECLARED_TYPES:
        raise UploadRefused(
            400, f"Only PNG and JPEG images and PDF files can be uploaded, not {media_type[:80]}."
        )
    return DECLARED_TYPES[media_type]


def _declared_by_name(name):
    suffix = PurePosixPath(name or "").suffix.lower()
    if not suffix:
        return None
    if suffix not in EXTENSIONS:
        raise UploadRefused(
            400, f"Only PNG and JPEG images and PDF files can be uploaded, not {suffix[:20]}."
        )
    return EXTENSIONS[suffix]


def read_image(data, media_type, limits):
    """A PNG or JPEG, decoded within the pixel bound, turned upright, fitted and encoded anew."""
    pillow_format = "PNG" if media_type == PNG else "JPEG"
    try:
        # Reads the header only: the size is known before a single pixel is decoded.
        image = Image.open(io.BytesIO(data), formats=[pillow_format])
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadRefused(400, f"The file is not {TYPE_NAMES[media_type]} that can be read.") from None
    except Image.DecompressionBombError:
        raise UploadRefused(400, _too_many_pixels(None, limits)) from None
    with image:
        if image.width * image.height > limits.max_upload_pixels:
            raise UploadRefused(400, _too_many_pixels(image.size, limits))
        if media_type == JPEG:
            # Decodes a large JPEG at a half, quarter or eighth of its size, still above the fitted size.
            image.draft("RGB", fitted_size(image.size, limits.max_page_pixels))
        try:
            image.load()
            picture = ImageOps.exif_transpose(image) if media_type == JPEG else image
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise UploadRefused(400, f"The {TYPE_NAMES[media_type]} is damaged or cut short.") from None
        return _encoded(_fitted(_storable(picture, media_type), limits.max_page_pixels), media_type)


def _too_many_pixels(size, limits):
    said = f" ({size[0]} × {size[1]})" if size else ""
    return f"The image has too many pixels{said}: at most {limits.max_upload_pixels:,} are taken."


def _storable(image, media_type):
    """The image in a mode its format stores and a browser draws as it was."""
    if media_type == JPEG:
        return image if image.mode in ("L", "RGB") else image.convert("RGB")
    if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
        return image
    return image.convert("RGBA")


def _fitted(image, max_pixels):
    size = fitted_size(image.size, max_pixels)
    if size == image.size:
        return image
    # A palette or one-bit image would be resized by nearest neighbour: smooth it in full colour.
    if image.mode in ("1", "P"):
        has_alpha = image.mode == "P" and "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "L" if image.mode == "1" else "RGB")
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def fitted_size(size, max_pixels):
    """`size` shrunk, keeping its aspect ratio, to at most `max_pixels` pixels; as it is when it fits."""
    width, height = size
    if width * height <= max_pixels:
        return size
    scale = math.sqrt(max_pixels / (width * height))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def _encoded(image, media_type):
    # The colour profile and a transparent colour are the picture's own, kept; EXIF (a phone's
    # GPS position, the camera), comments and text chunks are about the person and left behind.
    kept = {
        key: image.info[key] for key in ("icc_profile", "transparency") if image.info.get(key) is not None
    }
    image.info = kept
    options = {"icc_profile": kept["icc_profile"]} if "icc_profile" in kept else {}
    out = io.BytesIO()
    if media_type == JPEG:
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **options)
    else:
        image.save(out, "PNG", optimize=True, **options)
    return picture_of(media_type, image.size, out.getvalue())


def picture_of(media_type, size, data):
    return Picture(media_type, size[0], size[1], data, hashlib.sha256(data).hexdigest())


def read_pdf(data, limits):
    """Each page of a PDF rendered on white to a PNG of at most `max_page_pixels`, in page order."""
    rendered = []
    with _pdfium_lock:
        document = _opened_pdf(data)
        try:
            pages = len(document)
            if pages > limits.max_pages:
                raise UploadRefused(
                    400, f"The PDF has {pages} pages: a lesson takes at most {limits.max_pages}."
                )
            for index in range(pages):
                rendered.append(_rendered_page(document, index, limits.max_page_pixels))
        finally:
            # Closed here, under the lock, rather than by the garbage collector in any thread.
            document.close()
    pictures = []
    for image in rendered:
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        pictures.append(picture_of(PNG, image.size, out.getvalue()))
    return pictures


def _opened_pdf(data):
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if error.err_code in (pdfium_raw.FPDF_ERR_PASSWORD, pdfium_raw.FPDF_ERR_SECURITY):
            raise UploadRefused(400, "This PDF is protected by a password: upload one without.") from None
        raise UploadRefused(400, "The PDF is damaged or cut short and cannot be read.") from None


def _rendered_page(document, index, max_pixels):
    """Page `index` as a Pillow image of its own (no PDFium memory behind it)."""
    try:
        page = document[index]
    except pypdfium2.PdfiumError:
        raise UploadRefused(400, f"Page {index + 1} of the PDF is damaged and cannot be read.") from None
    try:
        width, height = page.get_size()
        if not (width > 0 and height > 0 and math.isfinite(width * height)):
            raise UploadRefused(400, f"Page {index + 1} of the PDF has no size.")
        bitmap = page.render(scale=page_scale(width, height, max_pixels), fill_color=PAGE_BACKGROUND)
        try:
            return bitmap.to_pil().convert("RGB")
        finally:
            bitmap.close()
    finally:
        page.close()


def page_scale(width, height, max_pixels):
    """Pixels per point for a page `width` × `height` points: its render (whole pixels, rounded
    up as PDFium rounds) has at most `max_pixels` pixels, and at most MAX_PDF_SCALE per point."""
    scale = min(MAX_PDF_SCALE, math.sqrt(max_pixels / (width * height)))
    while math.ceil(width * scale) * math.ceil(height * scale) > max_pixels:
        scale *= 0.999
    return scale
