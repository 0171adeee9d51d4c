"""A lesson as one PDF: a page of the file per page of the board, in the lesson's order, each its
paper, its picture and its ink, drawn by the board's PNG export (draw/export.py) at
EXPORT_PDF_SCALE and put in the file by Pillow.

The pages are drawn through the process's exporter, so its render slots bound a PDF as they bound
any export and a page drawn once is served from its cache; the ink is an image in the file, not
vector paths (Pillow writes images only).
"""

import hashlib
import io
import time

from PIL import Image

# The width of a page of the file: an A4 sheet on its side, in points; its height keeps the board's shape.
PAGE_WIDTH_POINTS = 842
MEDIA_TYPE = "application/pdf"
# Pillow stores each page as a JPEG: at this quality thin ink keeps clean edges.
JPEG_QUALITY = 92
# Every file dated alike, so one board state always makes the same bytes (as export.zip's entries).
_FILE_DATE = time.struct_time((1980, 1, 1, 0, 0, 0, 1, 1, 0))


def lesson_version(state):
    """What the PDF of `state` (a store.BoardState) depends on, as a short text for its ETag:
    its seq and view, and the pages with their paper and picture."""
    pages = "\n".join(f"{page.id} {page.background} {page.picture}" for page in state.classroom.pages)
    digest = hashlib.sha256(pages.encode()).hexdigest()[:16]
    return f"{state.seq}-{state.view}-{digest}-g{state.generation}"


def lesson_pdf(state, exporter, scale):
    """The PDF of every page of the lesson `state` as its audience sees it (state.seen_by):
    exporter.RendersBusy passes through when a render slot is not free, and exporter.RenderTooLong
    when a page took longer than the export timeout."""
    images = []
    for page in state.classroom.pages:
        png = exporter.export(state.on_page(page.id), "png", scale)
        with Image.open(io.BytesIO(png)) as image:
            images.append(image.convert("RGB"))
    first = images[0]
    out = io.BytesIO()
    first.save(
        out,
        "PDF",
        save_all=True,
        append_images=images[1:],
        resolution=first.width * 72 / PAGE_WIDTH_POINTS,
        quality=JPEG_QUALITY,
        title=state.name,
        producer="Sketchsite",
        creationDate=_FILE_DATE,
        modDate=_FILE_DATE,
    )
    return out.getvalue()
