"""`export.webp`: the page on show played from the log as an animated WebP, its first frame bare
paper and its last export.png's pixels, bounded by its settings and answered as the other exports
are (ETag, 304, 429), for its reader alone."""

import io

import pytest
from PIL import Image, ImageChops

from draw import store
from draw.pages import Page
from draw.participants import HOST, host_participant_id
from tests import test_export
from tests.test_export import BLUE, RED, RED_RGB, draw_stroke
from tests.test_export_pdf import draw as draw_on_page
from tests.test_export_zip import bearer, hosted_board, id_of, join
from tests.test_export_zip import draw as draw_on

pytestmark = pytest.mark.django_db
# An exporter of each test's own, used by the export view.
exporter = test_export.exporter

BOARD = "lesson"
# A 1600x900 board within the default 800x450 worth of pixels a frame.
FRAME_SCALE = 0.5
WHITE = (255, 255, 255)


@pytest.fixture(autouse=True)
def any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]


def frames_of(body):
    """Every frame of a WebP file, as RGB images."""
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "WEBP"
        frames = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(image.convert("RGB"))
        return frames


def png_image(body):
    return Image.open(io.BytesIO(body)).convert("RGB")


def differing_pixels(image, other, tolerance=8):
    """How many pixels of two images of one size differ by more than `tolerance` in any channel."""
    assert image.size == other.size
    red, green, blue = ImageChops.difference(image, other).split()
    largest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return sum(largest.histogram()[tolerance + 1 :])


def at_board(image, x, y):
    return image.getpixel((round(x * FRAME_SCALE), round(y * FRAME_SCALE)))


def lesson(board=BOARD, strokes=6):
    for index in range(strokes):
        x = 100 + 200 * index
        draw_stroke(board, f"s{index}", [x, 100, x, 800], color=RED if index % 2 == 0 else BLUE, width=20)


def test_export_webp_plays_the_lesson_from_bare_paper_to_the_board_as_export_png_draws_it(client, exporter):
    lesson()
    response = client.get(f"/b/{BOARD}/export.webp")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Content-Disposition"] == f'attachment; filename="{BOARD}.webp"'
    frames = frames_of(response.content)
    # A frame before any ink and one after each stroke.
    assert len(frames) == 7
    assert frames[0].size == (800, 450)
    assert frames[0].getcolors() == [(800 * 450, WHITE)]
    png = png_image(client.get(f"/b/{BOARD}/export.png?scale={FRAME_SCALE}").content)
    assert differing_pixels(frames[-1], png) == 0 < differing_pixels(frames[-2], png)
    # The strokes come one by one: the third frame has the first two and not the third.
    assert at_board(frames[2], 100, 400) == RED_RGB and at_board(frames[2], 500, 400) == WHITE
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.info["loop"] == 0


def test_export_webp_holds_no_more_frames_than_its_setting_and_ends_on_the_board_now(
    client, exporter, settings
):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "TIMELAPSE_MAX_FRAMES": 4, "TIMELAPSE_MAX_PIXELS": 160 * 90}
    lesson(strokes=8)
    frames = frames_of(client.get(f"/b/{BOARD}/export.webp").content)
    assert len(frames) == 4
    assert frames[0].size == (160, 90)
    png = png_image(client.get(f"/b/{BOARD}/export.png?scale=0.1").content)
    assert differing_pixels(frames[-1], png) == 0


def test_export_webp_is_cached_answers_304_to_its_etag_and_changes_with_the_board(client, exporter):
    lesson(strokes=2)
    response = client.get(f"/b/{BOARD}/export.webp")
    etag = response["ETag"]
    assert response["Cache-Control"] == "no-cache"
    assert etag != client.get(f"/b/{BOARD}/export.png")["ETag"]
    again = client.get(f"/b/{BOARD}/export.webp")
    assert again.content == response.content
    assert (exporter.renders, exporter.cache_hits) == (2, 1)
    unchanged = client.get(f"/b/{BOARD}/export.webp", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag

    draw_stroke(BOARD, "later", [1500, 100, 1500, 800], width=20)
    changed = client.get(f"/b/{BOARD}/export.webp", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert len(frames_of(changed.content)) == 4


def test_export_webp_is_refused_with_429_while_every_render_slot_is_taken(client, exporter, settings):
    lesson(strokes=1)
    max_renders = settings.SKETCHSITE["EXPORT_MAX_RENDERS"]
    for _ in range(max_renders):
        assert exporter.render_slots.acquire(blocking=False)
    try:
        response = client.get(f"/b/{BOARD}/export.webp")
        assert response.status_code == 429
        assert response["Retry-After"] == "1"
    finally:
        for _ in range(max_renders):
            exporter.render_slots.release()
    assert client.get(f"/b/{BOARD}/export.webp").status_code == 200


def test_export_webp_of_a_missing_board_or_page_is_not_found(client, exporter):
    assert client.get("/b/nobody-drew-here/export.webp").status_code == 404
    assert not store.board_state("nobody-drew-here").exists
    lesson(strokes=1)
    assert client.get(f"/b/{BOARD}/export.webp?page=nope").status_code == 404


def test_a_students_timelapse_in_lanes_holds_only_what_they_may_see(client, exporter):
    key = hosted_board(BOARD, lanes=True)
    assert client.get(f"/b/{BOARD}/export.webp").status_code == 401
    ada, bea = join(client, "Ada", BOARD), join(client, "Bea", BOARD)
    host = host_participant_id(store.board_state(BOARD).host_key_hash)
    draw_on(id_of(ada), "ada1", (200, 200, 200, 700))
    draw_on(id_of(bea), "bea1", (800, 200, 800, 700))
    draw_on(host, "host1", (1400, 200, 1400, 700), role=HOST)
    draw_on(id_of(bea), "bea2", (1000, 200, 1000, 700))

    response = client.get(f"/b/{BOARD}/export.webp", headers=bearer(ada))
    assert response.status_code == 200
    frames = frames_of(response.content)
    # Bare paper, Ada's stroke, the host's: Bea's strokes are no moments of Ada's lesson.
    assert len(frames) == 3
    for frame in frames:
        assert at_board(frame, 800, 400) == WHITE and at_board(frame, 1000, 400) == WHITE
    own = png_image(client.get(f"/b/{BOARD}/export.png?scale={FRAME_SCALE}", headers=bearer(ada)).content)
    assert differing_pixels(frames[-1], own) == 0
    assert at_board(frames[-1], 200, 400) != WHITE and at_board(frames[-1], 1400, 400) != WHITE

    # The host's has everyone's, under an ETag of its own.
    everyone = client.get(f"/b/{BOARD}/export.webp", headers=bearer(key))
    assert everyone["ETag"] != response["ETag"]
    assert len(frames_of(everyone.content)) == 5
    assert at_board(frames_of(everyone.content)[-1], 800, 400) != WHITE


def test_export_webp_plays_the_page_on_show_or_the_one_named(client, exporter):
    key = hosted_board(BOARD)
    store.default_store().set_class(BOARD, {"pages": (Page("1"), Page("two", "squared")), "page": "two"})
    host = host_participant_id(store.board_state(BOARD).host_key_hash)
    draw_on_page(host, "on-one", "1", (200, 200, 200, 700), role=HOST)
    draw_on_page(host, "on-two", "two", (800, 200, 800, 700), role=HOST)
    draw_on_page(host, "on-two-b", "two", (1000, 200, 1000, 700), role=HOST)
    draw_on_page(id_of(join(client, "Ada", BOARD)), "ada", "1", (1200, 200, 1200, 700))
    shown = frames_of(client.get(f"/b/{BOARD}/export.webp", headers=bearer(key)).content)
    png = png_image(client.get(f"/b/{BOARD}/export.png?scale={FRAME_SCALE}", headers=bearer(key)).content)
    assert len(shown) == 3
    assert differing_pixels(shown[-1], png) == 0
    first = frames_of(client.get(f"/b/{BOARD}/export.webp?page=1", headers=bearer(key)).content)
    assert len(first) == 3
    assert at_board(first[-1], 200, 400) != WHITE and at_board(first[-1], 800, 400) == WHITE
    assert at_board(first[-1], 1200, 400) != WHITE


def test_a_compacted_lessons_timelapse_picks_up_at_its_checkpoint_and_ends_on_the_board_now(client, exporter):
    from django.core.management import call_command

    from draw.participants import Participant

    # 120 strokes, each erased at once: the first ones fall off the undo stack (its depth is 100
    # actions) and are folded away; then five strokes that stay.
    for n in range(120):
        draw_stroke(BOARD, f"gone{n}", [100 + 10 * n, 100, 100 + 10 * n, 800], color=BLUE)
        store.commit(
            BOARD, "erase", Participant("ann"), f"e{n}", {"strokes": [["ann", f"gone{n}"]], "lane": None}
        )
    for n in range(5):
        draw_stroke(BOARD, f"kept{n}", [200 + 200 * n, 400, 300 + 200 * n, 500])
    call_command("compact_boards", keep=3, min_folded=10)
    assert store.default_store().timed_events_since(BOARD, 0, 100)[0]["kind"] == "checkpoint"

    frames = frames_of(client.get(f"/b/{BOARD}/export.webp").content)
    assert frames[0].getcolors() == [(800 * 450, WHITE)]
    png = png_image(client.get(f"/b/{BOARD}/export.png?scale={FRAME_SCALE}").content)
    assert differing_pixels(frames[-1], png) == 0
    # No frame shows the folded ink.
    assert all(at_board(frame, 100, 600) == WHITE for frame in frames)
