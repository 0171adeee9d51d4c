"""A lesson as a timelapse: an animated WebP of one page of the board played from its log.

Pure: takes the board's state now (a store.BoardState, whole), its committed events with the time
each was committed, the reader's audience and the fonts and picture to draw with; knows nothing of
the database. The frames are the page after chosen seqs, at most `max_frames` of them: the first
is the page with no ink, the last the page now, exactly as export.png draws it. Each is drawn by
the PNG export's raster (draw/export.py), on the frame drawn before it when the new one only adds
ink, and read for the reader as every export is (BoardState.seen_by and on_page).

The frames are spread over *squeezed time*: the lesson's own clock, with every pause longer than
MAX_PAUSE_MS counted as MAX_PAUSE_MS. Spread by event count, a class of thirty answering at once
would take most of the film and the teacher's slow diagram a moment of it; by plain time, a
discussion with no ink would be a long still picture.
"""

import bisect
import io
import math
import time
from dataclasses import dataclass, replace

from PIL import Image

from draw import audience, export
from draw.compaction import CHECKPOINT, history_from_log_entry
from draw.history import SKIPPED, STROKE, BoardHistory, stroke_keys
from draw.pages import page_of_item

MEDIA_TYPE = "image/webp"
# A longer stretch with no ink on the page is the class talking, not drawing: it counts this much.
MAX_PAUSE_MS = 5000
# The finished page stays up this long before the film loops, long enough to look at.
LAST_FRAME_MS = 2000
# Lossless: ink on paper is flat colour with sharp edges, which lossy WebP blurs and makes larger
# (docs/performance.md, "Timelapse"). Effort 0 to 100: more makes a smaller file, slowly.
LOSSLESS_EFFORT = 0
# When even a single lossless frame is over the byte bound (a large picture under the ink).
LOSSY_QUALITIES = (80, 50, 20)


@dataclass(frozen=True, slots=True)
class TimelapseLimits:
    """What one timelapse may cost: frames, pixels a frame, bytes of the file, seconds of drawing,
    and how long each frame but the last is shown."""

    max_frames: int
    max_pixels: int
    max_bytes: int
    max_seconds: float
    frame_ms: int

    @classmethod
    def from_settings(cls, config):
        """The limits of the SKETCHSITE settings."""
        return cls(
            config["TIMELAPSE_MAX_FRAMES"],
            config["TIMELAPSE_MAX_PIXELS"],
            config["TIMELAPSE_MAX_BYTES"],
            config["TIMELAPSE_MAX_SECONDS"],
            config["TIMELAPSE_FRAME_MS"],
        )


def frame_scale(width, height, max_pixels):
    """Pixels per board unit of a frame: at most 1, in hundredths (as export.png's ?scale=), and
    the largest whose frame has at most `max_pixels` pixels."""
    scale = min(1.0, math.floor(100 * math.sqrt(max_pixels / (width * height))) / 100)
    while scale > 0.01 and round(width * scale) * round(height * scale) > max_pixels:
        scale = round(scale - 0.01, 2)
    return max(0.01, scale)


def page_moments(events, who, settings, page):
    """(seq, at) of each of `events` (history events with `at`, in seq order) that changes what
    `page` shows to audience `who` under class `settings`: its ink or an edit of its ink, as
    draw/audience.py lets `who` see the event."""
    pages = {}
    moments = []
    for event in events:
        if event["kind"] == STROKE:
            pages[(event["author"], event["stroke"])] = page_of_item(event["item"])
        seen = audience.view_event(event, who, settings)
        if _reaches(seen, pages, page):
            moments.append((event["seq"], event["at"]))
    return moments


def _reaches(event, pages, page):
    if event["kind"] == SKIPPED:
        return False
    if event["kind"] == CHECKPOINT:
        # The board as the folded rows left it: one moment, where the film picks it up.
        return True
    if event["kind"] == STROKE:
        return page_of_item(event["item"]) == page
    keys = (key for name in ("hide", "show", "move") for key in stroke_keys(event.get(name, ())))
    return any(pages.get(key) == page for key in keys)


def squeezed_times(moments, max_pause_ms=MAX_PAUSE_MS):
    """The time of each (seq, at) moment in ms from the first, every pause cut to `max_pause_ms`
    (and a clock that went back, another process's, to no pause)."""
    times = []
    clock = 0
    for index, (_, at) in enumerate(moments):
        if index:
            clock += min(max(0, at - moments[index - 1][1]), max_pause_ms)
        times.append(clock)
    return times


def frame_seqs(moments, max_frames, max_pause_ms=MAX_PAUSE_MS):
    """The seqs to draw frames after, in order: 0 (the page before any ink), then moments spread
    evenly over squeezed time, ending on the last; `max_frames` (at least 2) in all, or one more
    than there are moments when they are fewer."""
    if len(moments) < max_frames:
        return [0, *(seq for seq, _ in moments)]
    times = squeezed_times(moments, max_pause_ms)
    steps = max_frames - 1
    if times[-1] == 0:
        # Every moment at once (a log written in one go): spread by count instead.
        chosen = [math.ceil(len(moments) * step / steps) - 1 for step in range(1, steps + 1)]
    else:
        chosen = []
        for step in range(1, steps + 1):
            index = bisect.bisect_right(times, times[-1] * step / steps) - 1
            # Every frame a moment of its own: where moments crowd, the frames after them move on
            # to the next ones, and leave room for the frames still to come.
            lowest = chosen[-1] + 1 if chosen else 0
            chosen.append(min(max(index, lowest), len(moments) - 1 - (steps - step)))
    return [0, *(moments[index][0] for index in chosen)]


def strokes_after(events, seqs, width, height):
    """(seq, visible strokes) of the board after each of `seqs` (ascending), replaying `events`."""
    history = BoardHistory(width=width, height=height)
    events = iter(events)
    pending = next(events, None)
    if pending is not None and pending["kind"] == CHECKPOINT:
        # A compacted log begins with the board at its checkpoint (draw/compaction.py): the
        # frames before it show the paper alone, the first after it that board.
        checkpoint = history_from_log_entry(pending, width=width, height=height)
        pending = next(events, None)
        for seq in seqs:
            if seq >= checkpoint.seq:
                history = checkpoint
                break
            yield seq, []
        seqs = [seq for seq in seqs if seq >= checkpoint.seq]
    for seq in seqs:
        while pending is not None and pending["seq"] <= seq:
            history.apply(pending)
            pending = next(events, None)
        yield seq, history.visible_strokes()


class FramePainter:
    """Frames of one page drawn so far, each with the strokes on it in drawing order.

    A new frame is drawn on a copy of the earlier frame with the most strokes whose strokes are the
    first of the new one's, or on the bare paper: only the ink added since is drawn again. A page
    that only grows costs one drawing of its ink in all; an erase of a stroke drawn long ago, a
    move or an undo that shows strokes again, a drawing from the first stroke it changes.
    """

    def __init__(self, paper, draw):
        self.paper = paper
        self.draw = draw
        self.images = []
        self._orders = []

    def paint(self, strokes):
        order = export.drawing_order(strokes)
        base, start = self.paper, 0
        for image, drawn in zip(self.images, self._orders, strict=True):
            # Strokes are compared by identity first: a moved stroke is a new object (draw/history.py).
            if start < len(drawn) <= len(order) and order[: len(drawn)] == drawn:
                base, start = image, len(drawn)
        image = base.copy()
        self.draw(image, order[start:])
        self.images.append(image)
        self._orders.append(order)
        return image


def to_webp(
    state,
    events,
    who,
    page,
    limits,
    font_path=None,
    fallback_font_path=None,
    picture=None,
    left_out=None,
    clock=time.monotonic,
):
    """The animated WebP of page `page` of the lesson `state` (a store.BoardState, whole, at its
    seq) as audience `who` sees it, from `events` (its log up to state.seq, each with `at`).

    Frames stop being added once `limits.max_seconds` of `clock` have passed, and the file ends on
    the page now all the same; frames are thinned while the file is over `limits.max_bytes`.
    `picture` is the page's (media type, bytes, width, height), or None.
    """
    events = [event for event in events if event["seq"] <= state.seq]
    shown = state.seen_by(who).on_page(page)
    scale = frame_scale(state.width, state.height, limits.max_pixels)
    seqs = frame_seqs(page_moments(events, who, shown.classroom, page), limits.max_frames)
    # The last frame is the page now, whatever came after its last change.
    seqs = [*seqs[:-1], state.seq] if len(seqs) > 1 else [state.seq]
    paper = export.paper_image(state.width, state.height, scale, shown.classroom.background, picture)
    painter = FramePainter(
        paper,
        lambda image, strokes: export.draw_items(
            image, strokes, scale, font_path, fallback_font_path, left_out=left_out
        ),
    )
    deadline = clock() + limits.max_seconds
    for seq, strokes in strokes_after(events, seqs, state.width, state.height):
        if seq != state.seq and clock() > deadline:
            continue
        painter.paint(replace(state, strokes=tuple(strokes)).seen_by(who).on_page(page).strokes)
    return encode(painter.images, limits.frame_ms, limits.max_bytes)


def encode(frames, frame_ms, max_bytes):
    """The frames as an animated WebP that loops, the last held LAST_FRAME_MS: lossless, with every
    other frame but the first and the last left out (each one left shown twice as long) until the
    file fits in `max_bytes`, down to the last frame alone, and lossy if even that does not."""
    while True:
        body = write_webp(frames, frame_ms)
        if len(body) <= max_bytes or len(frames) == 1:
            break
        frames = [frames[0], *frames[1:-1][1::2], frames[-1]] if len(frames) > 2 else frames[-1:]
        frame_ms *= 2
    for quality in LOSSY_QUALITIES:
        if len(body) <= max_bytes:
            break
        body = write_webp(frames, frame_ms, quality)
    return body


def write_webp(frames, frame_ms, lossy_quality=None):
    """The frames as an animated WebP, lossless unless a lossy quality is given."""
    out = io.BytesIO()
    lossless = lossy_quality is None
    frames[0].save(
        out,
        "WEBP",
        save_all=True,
        append_images=frames[1:],
        duration=[frame_ms] * (len(frames) - 1) + [LAST_FRAME_MS],
        loop=0,
        lossless=lossless,
        quality=LOSSLESS_EFFORT if lossless else lossy_quality,
        method=0 if lossless else 4,
    )
    return out.getvalue()


def frame_count(body):
    """How many frames a WebP file has (for tests and the benchmark)."""
    with Image.open(io.BytesIO(body)) as image:
        return getattr(image, "n_frames", 1)
