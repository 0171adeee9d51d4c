"""Board exports: what the PNG and SVG show, and how the export view caches, limits and revalidates."""

import io
import random
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from PIL import Image

from bench import exports
from draw import audience, export, store
from draw.exporter import Exporter, RendersBusy
from draw.participants import Participant
from draw.store import BoardState

RED = "#e03131"
RED_RGB = (224, 49, 49)
BLUE = "#1971c2"
WHITE = (255, 255, 255)


@dataclass
class Stroke:
    """A committed marker stroke, as the export and the benchmark's renderers read one."""

    stroke: str
    author: str
    color: str
    width: int
    points: list

    @property
    def item(self):
        return {"kind": "marker", "color": self.color, "width": self.width}


def png_image(body):
    return Image.open(io.BytesIO(body)).convert("RGB")


def drawn(strokes, scale=1.0, width=600, height=400):
    return png_image(export.to_png(width, height, strokes, scale))


@pytest.fixture
def exporter(settings):
    """An exporter of this test's own, used by the export view."""
    exporter = Exporter.from_settings(settings.SKETCHSITE)
    config = apps.get_app_config("draw")
    saved = getattr(config, "exporter", None)
    config.exporter = exporter
    yield exporter
    exporter.close()
    config.exporter = saved


def draw_stroke(board, stroke, points, author="ann", color=RED, width=8):
    request = {
        "stroke": stroke,
        "item": {"kind": "marker", "color": color, "width": width},
        "points": list(points),
    }
    return store.commit(board, "stroke", Participant(author), f"c-{stroke}", request)


def export_url(board, format="png", **query):
    url = f"/b/{board}/export.{format}"
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


# --- drawing ----------------------------------------------------------------------


def test_png_shows_a_stroke_in_its_colour_along_it_and_white_away_from_it():
    image = drawn([Stroke("s1", "ann", RED, 8, [50, 50, 250, 150, 450, 50])])
    for x, y in ((50, 50), (150, 100), (250, 150), (350, 100), (449, 51)):
        assert image.getpixel((x, y)) == RED_RGB
    for x, y in ((150, 200), (250, 50), (500, 300), (10, 10)):
        assert image.getpixel((x, y)) == WHITE


def test_png_stroke_ends_have_round_caps():
    image = drawn([Stroke("s1", "ann", RED, 10, [100, 100, 300, 100])])
    # Past each end along the line: inside the cap.
    assert image.getpixel((96, 100)) == RED_RGB
    assert image.getpixel((304, 100)) == RED_RGB
    # The corners a square cap would fill stay white.
    for corner in ((96, 96), (96, 104), (304, 96), (304, 104)):
        assert image.getpixel(corner) == WHITE


def test_png_sharp_turn_has_a_round_join_without_a_notch():
    image = drawn([Stroke("s1", "ann", RED, 10, [100, 300, 200, 300, 100, 320])])
    # Just past the turning point, where square-ended segments leave a gap.
    assert image.getpixel((203, 300)) == RED_RGB
    assert image.getpixel((207, 300)) == WHITE


def test_png_single_point_stroke_is_a_dot():
    image = drawn([Stroke("s1", "ann", BLUE, 12, [300, 200])])
    for x, y in ((300, 200), (305, 200), (300, 195), (303, 203)):
        assert image.getpixel((x, y)) == (25, 113, 194)
    for x, y in ((306, 206), (294, 194), (310, 200)):
        assert image.getpixel((x, y)) == WHITE


def test_png_later_strokes_cover_earlier_ones():
    image = drawn(
        [Stroke("a", "ann", RED, 20, [100, 100, 300, 100]), Stroke("b", "ann", BLUE, 20, [200, 50, 200, 150])]
    )
    assert image.getpixel((200, 100)) == (25, 113, 194)
    assert image.getpixel((120, 100)) == RED_RGB


def test_png_scale_multiplies_image_size_and_stroke_width():
    image = drawn([Stroke("s1", "ann", RED, 8, [100, 100, 300, 100])], scale=2)
    assert image.size == (1200, 800)
    assert image.getpixel((400, 200 + 7)) == RED_RGB
    assert image.getpixel((400, 200 + 10)) == WHITE


def test_svg_has_one_element_per_stroke_with_ids_unique_per_author():
    svg = export.to_svg(
        600,
        400,
        [
            Stroke("s1", "ann", RED, 8, [1, 2, 3, 4, 5, 6]),
            Stroke("s1", "bob", BLUE, 8, [7, 8]),
        ],
    )
    assert '<polyline id="s-ann-s1" points="1,2 3,4 5,6" stroke="#e03131" stroke-width="8"/>' in svg
    assert '<circle id="s-bob-s1" cx="7" cy="8" r="4.0" fill="#1971c2"/>' in svg


@pytest.mark.parametrize("scale", [0.5, 1, 2])
def test_png_matches_the_per_point_renderer_it_replaced_pixel_for_pixel(scale):
    rng = random.Random(7)
    strokes = [
        Stroke(f"s{index}", "ann", rng.choice(exports.COLOURS), rng.choice(exports.WIDTHS), points)
        for index in range(60)
        for points in [exports.random_walk(rng, 600, 400)[: rng.choice([2, 4, 40, 300])]]
    ]
    before = png_image(exports.per_point_png(600, 400, strokes, scale))
    after = png_image(export.to_png(600, 400, strokes, scale))
    assert after.tobytes() == before.tobytes()


def test_benchmark_random_walks_stay_on_the_board():
    rng = random.Random(1)
    for _ in range(200):
        points = exports.random_walk(rng, 300, 200)
        low, high = exports.POINTS_PER_STROKE
        assert low <= len(points) // 2 <= high
        assert all(0 <= x <= 300 for x in points[0::2])
        assert all(0 <= y <= 200 for y in points[1::2])


@pytest.mark.parametrize(
    ("text", "scale"),
    [(None, 1.0), ("2", 2.0), ("0.5", 0.5), ("100", 4.0), ("0.01", 0.1), ("-3", 0.1), ("1.23456", 1.23)],
)
def test_export_scale_is_kept_between_the_minimum_and_the_maximum(text, scale):
    assert export.export_scale(text, 4) == scale


@pytest.mark.parametrize("text", ["abc", "", "nan", "inf", "1,5"])
def test_export_scale_that_is_not_a_finite_number_is_refused(text):
    with pytest.raises(ValueError):
        export.export_scale(text, 4)


# --- the exporter: cache and render slots ---------------------------------------------


def board_at(seq, name="cache", strokes=()):
    return BoardState(name, True, 300, 200, seq, tuple(strokes))


def test_exporter_serves_a_second_request_for_the_same_seq_from_its_cache():
    exporter = Exporter(max_renders=2, cache_entries=8, cache_bytes=1 << 20)
    first = exporter.export(board_at(1), "png", 1.0)
    assert exporter.export(board_at(1), "png", 1.0) is first
    assert (exporter.renders, exporter.cache_hits) == (1, 1)
    exporter.export(board_at(1), "png", 2.0)
    exporter.export(board_at(1), "svg")
    assert exporter.renders == 3


def test_exporter_drops_a_boards_earlier_seqs_when_a_newer_one_is_drawn():
    exporter = Exporter(max_renders=2, cache_entries=8, cache_bytes=1 << 20)
    exporter.export(board_at(1), "png")
    exporter.export(board_at(1, name="other"), "png")
    exporter.export(board_at(2), "png")
    everyone = audience.EVERYONE
    assert exporter.cached() == [
        ("other", (0, 1), 1.0, "png", everyone, "1", "plain", None),
        ("cache", (0, 2), 1.0, "png", everyone, "1", "plain", None),
    ]


def test_exporter_keeps_at_most_its_entries_dropping_the_least_recently_used():
    exporter = Exporter(max_renders=2, cache_entries=2, cache_bytes=1 << 20)
    for name in ("a", "b"):
        exporter.export(board_at(1, name=name), "svg")
    exporter.export(board_at(1, name="a"), "svg")
    exporter.export(board_at(1, name="c"), "svg")
    assert [key[0] for key in exporter.cached()] == ["a", "c"]


def test_exporter_keeps_at_most_its_bytes():
    svg_size = len(export.to_svg(300, 200, ()).encode())
    exporter = Exporter(max_renders=2, cache_entries=8, cache_bytes=2 * svg_size)
    for name in ("a", "b", "c"):
        exporter.export(board_at(1, name=name), "svg")
    assert [key[0] for key in exporter.cached()] == ["b", "c"]
    assert exporter.cached_bytes == 2 * svg_size


def test_exporter_does_not_keep_an_export_larger_than_its_whole_cache():
    exporter = Exporter(max_renders=2, cache_entries=8, cache_bytes=10)
    exporter.export(board_at(1), "svg")
    assert exporter.cached() == []
    assert exporter.cached_bytes == 0


def test_exporter_refuses_a_render_when_every_slot_is_taken_but_still_serves_its_cache():
    exporter = Exporter(max_renders=2, cache_entries=8, cache_bytes=1 << 20)
    exporter.export(board_at(1), "svg")
    for _ in range(2):
        assert exporter.render_slots.acquire(blocking=False)
    with pytest.raises(RendersBusy):
        exporter.export(board_at(1), "png")
    assert exporter.export(board_at(1), "svg")
    assert exporter.refused == 1
    exporter.render_slots.release()
    exporter.export(board_at(1), "png")
    assert exporter.renders == 2


# --- the export view ------------------------------------------------------------------


@pytest.mark.django_db
def test_exported_png_shows_the_committed_stroke(client, exporter):
    draw_stroke("art", "s1", [100, 100, 700, 500])
    response = client.get(export_url("art"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="art.png"'
    image = png_image(response.content)
    assert image.size == (1600, 900)
    assert image.getpixel((400, 300)) == RED_RGB
    assert image.getpixel((400, 600)) == WHITE


@pytest.mark.django_db
def test_export_of_an_unknown_board_is_not_found_and_creates_nothing(client, exporter):
    assert client.get(export_url("nobody-drew-here")).status_code == 404
    assert client.get(export_url("nobody-drew-here", "svg")).status_code == 404
    assert not store.board_state("nobody-drew-here").exists


@pytest.mark.django_db
def test_png_scale_is_capped_at_the_configured_maximum(client, exporter, settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "EXPORT_MAX_SCALE": 2}
    draw_stroke("big", "s1", [100, 100, 200, 200])
    at_most = png_image(client.get(export_url("big", scale=2)).content)
    asked_for_more = png_image(client.get(export_url("big", scale=100)).content)
    assert asked_for_more.size == at_most.size == (3200, 1800)
    assert png_image(client.get(export_url("big", scale=0.001)).content).size == (160, 90)


@pytest.mark.django_db
@pytest.mark.parametrize("scale", ["abc", "nan", ""])
def test_png_scale_that_is_not_a_number_is_a_bad_request(client, exporter, scale):
    draw_stroke("art", "s1", [100, 100])
    response = client.get(export_url("art", scale=scale))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert b"scale" in response.content


@pytest.mark.django_db
def test_second_export_of_the_same_seq_is_served_from_the_cache_and_a_new_commit_draws_afresh(
    client, exporter
):
    draw_stroke("art", "s1", [100, 100, 300, 300])
    first = client.get(export_url("art", scale=0.5))
    second = client.get(export_url("art", scale=0.5))
    assert first.content == second.content
    assert (exporter.renders, exporter.cache_hits) == (1, 1)

    draw_stroke("art", "s2", [500, 100, 500, 300], color=BLUE)
    third = client.get(export_url("art", scale=0.5))
    assert exporter.renders == 2
    assert png_image(third.content).getpixel((250, 100)) == (25, 113, 194)
    generation = store.board_state("art").generation
    assert exporter.cached() == [("art", (generation, 2), 0.5, "png", audience.EVERYONE, "1", "plain", None)]


@pytest.mark.django_db
def test_export_is_refused_with_429_while_every_render_slot_is_taken(client, exporter, settings):
    draw_stroke("art", "s1", [100, 100, 300, 300])
    max_renders = settings.SKETCHSITE["EXPORT_MAX_RENDERS"]
    for _ in range(max_renders):
        assert exporter.render_slots.acquire(blocking=False)
    try:
        response = client.get(export_url("art"))
        assert response.status_code == 429
        assert response["Retry-After"] == "1"
        assert response["Content-Type"].startswith("text/plain")
        assert response.content
    finally:
        for _ in range(max_renders):
            exporter.render_slots.release()
    assert client.get(export_url("art")).status_code == 200
    assert (exporter.refused, exporter.renders) == (1, 1)


@pytest.mark.django_db
def test_export_etag_answers_304_until_the_board_changes(client, exporter):
    draw_stroke("art", "s1", [100, 100, 300, 300])
    response = client.get(export_url("art", scale=2))
    etag = response["ETag"]
    assert response["Cache-Control"] == "no-cache"
    assert client.get(export_url("art", scale=1))["ETag"] != etag
    assert client.get(export_url("art", "svg"))["ETag"] != etag

    again = client.get(export_url("art", scale=2), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    assert exporter.renders == 3

    draw_stroke("art", "s2", [500, 100])
    changed = client.get(export_url("art", scale=2), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.django_db
def test_exported_svg_has_one_element_per_visible_stroke(client, exporter):
    draw_stroke("art", "s1", [100, 100, 200, 200, 300, 100])
    draw_stroke("art", "s2", [400, 400])
    draw_stroke("art", "s1", [500, 500, 600, 600], author="bob", color=BLUE)
    draw_stroke("art", "s3", [700, 700, 800, 800])
    store.commit("art", "erase", Participant("ann"), "c-erase", {"strokes": [["ann", "s3"]]})
    response = client.get(export_url("art", "svg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="art.svg"'
    svg = response.content.decode()
    elements = re.findall(r'<(polyline|circle) id="([^"]+)"', svg)
    assert sorted(elements) == [("circle", "s-ann-s2"), ("polyline", "s-ann-s1"), ("polyline", "s-bob-s1")]
