"""The timelapse's frames (draw/timelapse.py): which seqs are drawn, what each frame shows, and the
file's bounds; pure, no database."""

import io
import itertools

from PIL import Image

from draw import export, timelapse
from draw.audience import HOST_AUDIENCE, Audience
from draw.classroom import ClassSettings
from draw.history import BoardHistory
from draw.participants import STUDENT
from draw.store import BoardState

RED = "#e03131"
BLUE = "#1971c2"
START = 1_790_000_000_000
NO_CLASS = ClassSettings()


def stroke(seq, author, stroke_id, points, at, color=RED, page=None, width=8):
    item = {"kind": "marker", "color": color, "width": width, **({"page": page} if page else {})}
    return {
        "seq": seq,
        "kind": "stroke",
        "author": author,
        "stroke": stroke_id,
        "item": item,
        "points": points,
        "at": at,
    }


def erase(seq, author, keys, at):
    return {"seq": seq, "kind": "erase", "author": author, "hide": [list(key) for key in keys], "at": at}


def moments(times):
    return [(seq, at) for seq, at in enumerate(times, 1)]


def state_after(events, width=400, height=300, classroom=NO_CLASS, name="lesson"):
    history = BoardHistory(width=width, height=height).apply_all(events)
    return BoardState(name, True, width, height, history.seq, tuple(history.visible_strokes()), classroom)


def frames_of(body):
    with Image.open(io.BytesIO(body)) as image:
        frames = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(image.convert("RGB"))
        return frames


def same_pixels(image, other):
    return image.size == other.size and image.tobytes() == other.tobytes()


def png_of(strokes, width=400, height=300, scale=1.0):
    return Image.open(io.BytesIO(export.to_png(width, height, strokes, scale))).convert("RGB")


UNLIMITED = timelapse.TimelapseLimits(
    max_frames=120, max_pixels=400 * 300, max_bytes=1 << 24, max_seconds=60, frame_ms=100
)


# --- choosing the frames ------------------------------------------------------------


def test_a_short_lesson_has_a_frame_after_every_change_after_a_first_of_bare_paper():
    assert timelapse.frame_seqs(moments([START, START + 10, START + 20]), max_frames=5) == [0, 1, 2, 3]
    assert timelapse.frame_seqs([], max_frames=5) == [0]


def test_a_long_lesson_has_at_most_the_frames_allowed_in_order_ending_on_its_last_change():
    lesson = moments([START + 700 * index for index in range(1000)])
    seqs = timelapse.frame_seqs(lesson, max_frames=12)
    assert len(seqs) == 12
    assert seqs[0] == 0 and seqs[-1] == 1000
    assert seqs == sorted(set(seqs))
    # Evenly over the lesson's time: one frame every 1000 / 11 changes, give or take one.
    assert all(85 <= after - before <= 97 for before, after in itertools.pairwise(seqs[1:]))


def test_a_long_pause_counts_no_more_than_the_longest_pause_so_both_halves_get_their_frames():
    before = [START + 1000 * index for index in range(50)]
    after = [START + 3_600_000 + 1000 * index for index in range(50)]
    seqs = timelapse.frame_seqs(moments(before + after), max_frames=11)
    in_first_half = [seq for seq in seqs[1:] if seq <= 50]
    # Played by plain time the first half would end in the first frame; here it gets about half.
    assert 4 <= len(in_first_half) <= 6


def test_squeezed_time_cuts_pauses_and_a_clock_that_went_back():
    times = timelapse.squeezed_times(moments([START, START + 200, START + 60_000, START + 59_000]))
    assert times == [0, 200, 200 + timelapse.MAX_PAUSE_MS, 200 + timelapse.MAX_PAUSE_MS]


def test_changes_all_at_one_time_are_spread_by_count():
    seqs = timelapse.frame_seqs(moments([START] * 100), max_frames=5)
    assert seqs == [0, 25, 50, 75, 100]


def test_the_moments_of_a_page_are_its_ink_and_the_edits_of_its_ink():
    events = [
        stroke(1, "ann", "a", [10, 10], START),
        stroke(2, "ann", "b", [20, 20], START + 1, page="two"),
        erase(3, "ann", [("ann", "b")], START + 2),
        erase(4, "ann", [("ann", "a")], START + 3),
        {"seq": 5, "kind": "skipped", "author": "", "at": START + 4},
    ]
    settings = ClassSettings()
    assert timelapse.page_moments(events, HOST_AUDIENCE, settings, "1") == [(1, START), (4, START + 3)]
    assert timelapse.page_moments(events, HOST_AUDIENCE, settings, "two") == [(2, START + 1), (3, START + 2)]


def test_a_student_in_lanes_has_moments_of_their_own_ink_only():
    events = [stroke(1, "ada", "a", [10, 10], START), stroke(2, "bea", "b", [20, 20], START + 1)]
    lanes = ClassSettings(hosted=True, lanes=True)
    assert timelapse.page_moments(events, Audience(STUDENT, "ada"), lanes, "1") == [(1, START)]
    assert len(timelapse.page_moments(events, HOST_AUDIENCE, lanes, "1")) == 2


def test_a_frame_is_as_large_as_the_pixels_allow_in_hundredths_and_never_larger_than_the_board():
    assert timelapse.frame_scale(1600, 900, 360_000) == 0.5
    assert timelapse.frame_scale(400, 300, 1_000_000) == 1.0
    for width, height, pixels in ((1601, 899, 360_000), (777, 333, 50_000), (10000, 10000, 10_000)):
        scale = timelapse.frame_scale(width, height, pixels)
        assert round(width * scale) * round(height * scale) <= pixels
        assert scale == round(scale, 2)


# --- drawing the frames ---------------------------------------------------------------


def test_a_frame_drawn_on_an_earlier_one_is_the_same_pixels_as_one_drawn_whole():
    a = stroke(1, "ann", "a", [20, 20, 200, 100], START)
    b = stroke(2, "ann", "b", [40, 200, 300, 40], START, color=BLUE, width=20)
    c = stroke(3, "bob", "c", [10, 150, 390, 150], START)
    highlighter = {
        **stroke(4, "bob", "h", [0, 0, 400, 300], START),
        "item": {"kind": "highlighter", "color": RED, "width": 30},
    }
    history = BoardHistory(width=400, height=300)
    painter = timelapse.FramePainter(export.paper_image(400, 300), export.draw_items)
    for event in (
        a,
        b,
        c,
        erase(5, "ann", [("ann", "b")], START),
        highlighter,
        erase(6, "bob", [("bob", "h")], START),
    ):
        history.apply(event)
        strokes = history.visible_strokes()
        assert same_pixels(painter.paint(strokes), png_of(strokes))


def test_the_timelapse_starts_on_bare_paper_and_ends_on_the_board_now():
    events = [
        stroke(seq, "ann", f"s{seq}", [20 * seq, 20, 20 * seq, 280], START + 500 * seq)
        for seq in range(1, 10)
    ]
    events.append(erase(10, "ann", [("ann", "s3")], START + 6000))
    state = state_after(events)
    body = timelapse.to_webp(state, events, HOST_AUDIENCE, "1", UNLIMITED)
    frames = frames_of(body)
    assert len(frames) == 11
    assert frames[0].getcolors() == [(400 * 300, (255, 255, 255))]
    assert same_pixels(frames[-1], png_of(state.strokes))


def test_frames_stop_being_added_at_the_time_limit_and_the_last_is_still_the_board_now():
    events = [
        stroke(seq, "ann", f"s{seq}", [30 * seq, 20, 30 * seq, 280], START + 500 * seq)
        for seq in range(1, 12)
    ]
    state = state_after(events)
    ticks = itertools.count()
    # A clock that moves a whole limit on each time it is read: past the deadline from the second frame.
    clock = lambda: next(ticks) * UNLIMITED.max_seconds  # noqa: E731
    frames = frames_of(timelapse.to_webp(state, events, HOST_AUDIENCE, "1", UNLIMITED, clock=clock))
    assert len(frames) == 2
    assert same_pixels(frames[-1], png_of(state.strokes))


def test_a_file_over_its_bytes_loses_frames_but_keeps_the_first_and_the_last():
    images = [Image.effect_noise((200, 200), 60 + index).convert("RGB") for index in range(9)]
    whole = timelapse.encode(images, 100, 1 << 30)
    assert timelapse.frame_count(whole) == 9
    bound = len(whole) // 3
    thinned = timelapse.encode(images, 100, bound)
    assert len(thinned) <= bound
    kept = frames_of(thinned)
    assert 1 < len(kept) < 9
    assert same_pixels(kept[0], images[0])
    assert same_pixels(kept[-1], images[-1])
    # Bytes too few for even one frame drawn without loss: the last frame alone, lossy.
    assert timelapse.frame_count(timelapse.encode(images, 100, 1000)) == 1
