"""The host's download of every student's page: one zip holding a PNG and an SVG of the current
page per student, and a PDF of every page of the lesson (draw/pdfexport.py) per student.

Each entry is exactly that student's own export (the board as they see it, draw/audience.py),
drawn by the process's exporter, whose render slots and cache bound it as they bound any export.
"""

import hashlib
import io
import re
import unicodedata
import zipfile

from draw import pdfexport
from draw.audience import Audience
from draw.participants import STUDENT

FORMATS = ("png", "svg")
# A PNG and a PDF's pages are compressed already; SVG text shrinks several times over.
_COMPRESSION = {"png": zipfile.ZIP_STORED, "svg": zipfile.ZIP_DEFLATED, "pdf": zipfile.ZIP_STORED}
# Every entry dated alike, so one board state and one set of pages always make the same bytes.
_ENTRY_DATE = (1980, 1, 1, 0, 0, 0)
# Readable by everyone once unzipped (a ZipInfo made by hand has no permissions at all).
_ENTRY_MODE = 0o644 << 16
# Path separators and what Windows refuses in a file name.
_UNSAFE = re.compile(r'[/\\:*?"<>|]')


def safe_file_name(text):
    """`text` as a file name on any system: letters of every script kept; path separators, the
    characters Windows refuses and control characters as "_"; no dot or space at either end
    (Windows drops them)."""
    safe = "".join("_" if _UNSAFE.match(char) or _is_control(char) else char for char in text)
    return safe.strip(" .") or "_"


def _is_control(char):
    # Any "C" category, as draw/participants.clean_name takes out of names.
    return unicodedata.category(char)[0] == "C"


def entry_stems(labels):
    """The file names, without extension, of pages labelled `labels` in that order: each made
    safe, a name seen before (in any case) suffixed " (2)", " (3)"..., and numbered for its
    place, so a file list sorted by name keeps the order: "01 Ada", "02 Ada (2)"."""
    width = max(2, len(str(len(labels))))
    seen = {}
    stems = []
    for number, label in enumerate(labels, 1):
        name = safe_file_name(label)
        key = name.casefold()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            name = f"{name} ({seen[key]})"
        stems.append(f"{number:0{width}d} {name}")
    return stems


def pages_version(state, students):
    """What the zip of `students`' pages of `state` (a store.BoardState) depends on, as a short
    text for its ETag: the board's seq and class settings, and who has a page under what label."""
    pages = "\n".join(f"{student.participant} {student.label}" for student in students)
    digest = hashlib.sha256(pages.encode()).hexdigest()[:16]
    return f"{state.seq}-{state.classroom.version}-{digest}-g{state.generation}"


def pages_zip(state, students, exporter, pdf_scale=2):
    """The zip of the pages of `students` (draw/roster.Student, in order) on board `state`:
    "<stem>.png" and "<stem>.svg" for each, byte for byte their own export at scale 1.

    exporter.RendersBusy passes through when a render slot is not free (RenderTooLong when a page
    took longer than the export timeout); the pages drawn by then
    stay in the exporter's cache for the next try.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for student, stem in zip(students, entry_stems([student.label for student in students]), strict=True):
            seen = state.seen_by(Audience(STUDENT, student.participant))
            page = seen.on_page()
            for format in FORMATS:
                _write(archive, f"{stem}.{format}", format, exporter.export(page, format, 1.0))
            _write(archive, f"{stem}.pdf", "pdf", pdfexport.lesson_pdf(seen, exporter, pdf_scale))
    return out.getvalue()


def _write(archive, name, format, body):
    entry = zipfile.ZipInfo(name, date_time=_ENTRY_DATE)
    entry.compress_type = _COMPRESSION[format]
    entry.external_attr = _ENTRY_MODE
    archive.writestr(entry, body)
