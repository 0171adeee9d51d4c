"""The paper under the ink (draw/backgrounds.py): the marks of the table the browser is held
to as well, and a background outside what erase, clear and undo reach."""

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from draw import backgrounds, store
from draw.participants import STUDENT, Participant
from tests.test_class_mode import close_all, hosted_board, join, message_of, student_query
from tests.test_export_zip import bearer

TABLE = json.loads((Path(__file__).parent / "fixtures" / "backgrounds.json").read_text())


@pytest.mark.parametrize(
    "case", TABLE["cases"], ids=lambda case: f"{case['kind']}-{case['width']}x{case['height']}"
)
def test_each_kind_makes_the_marks_of_the_shared_table(case):
    assert backgrounds.marks(case["kind"], case["width"], case["height"]) == case["marks"]


def test_the_kinds_and_the_default():
    assert backgrounds.KINDS == ("plain", "squared", "lined", "dotted")
    assert backgrounds.DEFAULT == "plain" and backgrounds.marks("plain", 1600, 900) == []
    squared = backgrounds.marks("squared", 1600, 900)
    # A line every 40 units each way, none on the board's edges.
    assert len(squared) == 39 + 22
    assert all(0 < mark[1] < 1600 or 0 < mark[2] < 900 for mark in squared)


# --- the setting, stored, sent and drawn -------------------------------------------------

SQUARED_LINE = (0xB8, 0xCD, 0xE6)
WHITE = (255, 255, 255)


@pytest.mark.django_db(transaction=True)
async def test_the_host_sets_the_paper_for_everyone_and_a_student_may_not():
    key = await hosted_board()
    host, host_welcome = await join(f"host={key}")
    ann, _ = await join(student_query("Ann"))
    assert host_welcome["class"]["background"] == "plain"
    await ann.send_json_to({"type": "class", "set": {"background": "squared"}})
    assert (await message_of(ann, "error"))["code"] == "forbidden"
    await host.send_json_to({"type": "class", "set": {"background": "tartan"}})
    assert (await message_of(host, "error"))["code"] == "bad_field"
    await host.send_json_to({"type": "class", "set": {"background": "squared"}})
    for client in (host, ann):
        assert (await message_of(client, "class"))["class"]["background"] == "squared"
    # A late joiner and a reload get it in their welcome: it is stored with the board.
    late, late_welcome = await join(student_query("Bo"))
    assert late_welcome["class"]["background"] == "squared"
    await close_all(host, ann, late)


@pytest.mark.django_db
def test_the_exports_draw_the_paper_under_the_ink_and_no_eraser_or_clear_reaches_it(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    key = store.default_store().create("lesson", hosted=True)
    request = {
        "stroke": "s1",
        "item": {"kind": "marker", "color": "#e03131", "width": 8},
        "points": [100, 100, 300, 100],
    }
    store.commit("lesson", "stroke", Participant("ann1", STUDENT), "c1", request)
    plain = client.get("/b/lesson/export.png", headers=bearer(key))
    store.default_store().set_class("lesson", {"background": "squared"})
    squared = client.get("/b/lesson/export.png", headers=bearer(key))
    assert plain["ETag"] != squared["ETag"]
    image = Image.open(io.BytesIO(squared.content)).convert("RGB")
    assert image.getpixel((40, 20)) == SQUARED_LINE and image.getpixel((20, 20)) == WHITE
    assert image.getpixel((210, 100)) == (0xE0, 0x31, 0x31)  # the ink lies over the paper
    svg = client.get("/b/lesson/export.svg", headers=bearer(key)).content.decode()
    assert '<g class="paper">' in svg and svg.index('class="paper"') < svg.index("s1")
    # Clear hides every item; the paper is no item, so it stays.
    store.commit("lesson", "clear", Participant("host-0123456789ab"), "c2", {})
    cleared = Image.open(io.BytesIO(client.get("/b/lesson/export.png", headers=bearer(key)).content)).convert(
        "RGB"
    )
    assert cleared.getpixel((40, 20)) == SQUARED_LINE and cleared.getpixel((210, 100)) == WHITE


@pytest.mark.parametrize("case", TABLE["picture_boxes"], ids=lambda case: "x".join(map(str, case["picture"])))
def test_a_picture_lies_as_large_as_fits_whole_and_centred_as_the_shared_table_says(case):
    box = backgrounds.picture_box(*case["picture"], *case["board"])
    assert box == pytest.approx(case["box"], abs=0.01)
