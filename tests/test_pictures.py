"""A picture under the ink (class setting `picture`): the host sets one of the board's uploads,
every screen and both exports draw it fitted under the ink, and no eraser or clear reaches it."""

import io

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from PIL import Image

from draw import store
from draw.participants import STUDENT, Participant
from tests.test_class_mode import close_all, hosted_board, join, message_of, student_query
from tests.test_export_zip import bearer
from tests.test_uploads import png_file

ORANGE = (255, 165, 0)
WHITE = (255, 255, 255)


def upload_picture(key, data):
    client = Client()
    response = client.post(
        "/b/lesson/uploads", data=data, content_type="image/png", headers=bearer(key), HTTP_HOST="localhost"
    )
    assert response.status_code == 201, response.content
    return response.json()["assets"][0]["digest"]


@pytest.mark.django_db(transaction=True)
async def test_the_host_lays_an_uploaded_picture_under_everyones_ink_and_nobody_else_may(settings):
    settings.ALLOWED_HOSTS = ["*"]
    key = await hosted_board()
    digest = await database_sync_to_async(upload_picture)(key, png_file((400, 300)))
    host, host_welcome = await join(f"host={key}")
    ann, _ = await join(student_query("Ann"))
    assert host_welcome["class"]["picture"] is None
    await ann.send_json_to({"type": "class", "set": {"picture": digest}})
    assert (await message_of(ann, "error"))["code"] == "forbidden"
    # A digest of a picture this board never had: refused, nothing stored.
    await host.send_json_to({"type": "class", "set": {"picture": "ab" * 32}})
    assert (await message_of(host, "error"))["code"] == "bad_field"
    await host.send_json_to({"type": "class", "set": {"picture": digest}})
    for client in (host, ann):
        assert (await message_of(client, "class"))["class"]["picture"] == digest
    late, late_welcome = await join(student_query("Bo"))
    assert late_welcome["class"]["picture"] == digest
    await host.send_json_to({"type": "class", "set": {"picture": None}})
    assert (await message_of(ann, "class"))["class"]["picture"] is None
    await close_all(host, ann, late)


@pytest.mark.django_db
def test_the_exports_draw_the_picture_fitted_under_the_ink_and_clear_leaves_it(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    key = store.default_store().create("lesson", hosted=True)
    # 400 x 300 with its top-left quarter orange: on a 1600 x 900 board it is 1200 x 900 from x = 200.
    digest = upload_picture(key, png_file((400, 300)))
    request = {
        "stroke": "s1",
        "item": {"kind": "marker", "color": "#1971c2", "width": 8},
        "points": [300, 200, 500, 200],
    }
    store.commit("lesson", "stroke", Participant("ann1", STUDENT), "c1", request)
    without = client.get("/b/lesson/export.png", headers=bearer(key))
    store.default_store().set_class("lesson", {"picture": digest})
    shown = client.get("/b/lesson/export.png", headers=bearer(key))
    assert without["ETag"] != shown["ETag"]
    image = Image.open(io.BytesIO(shown.content)).convert("RGB")
    assert image.getpixel((100, 100)) == WHITE  # left of the fitted picture: the board
    assert image.getpixel((250, 350)) == ORANGE  # inside its orange quarter
    assert image.getpixel((1000, 700)) == WHITE  # inside its white rest
    assert image.getpixel((400, 200)) == (0x19, 0x71, 0xC2)  # the ink lies over it
    svg = client.get("/b/lesson/export.svg", headers=bearer(key)).content.decode()
    assert 'class="picture"' in svg and 'x="200.00"' in svg and "data:image/png;base64," in svg
    assert svg.index('class="picture"') < svg.index("s1")
    store.commit("lesson", "clear", Participant("host-0123456789ab"), "c2", {})
    cleared = client.get("/b/lesson/export.png", headers=bearer(key))
    image = Image.open(io.BytesIO(cleared.content)).convert("RGB")
    assert image.getpixel((250, 350)) == ORANGE and image.getpixel((400, 200)) != (0x19, 0x71, 0xC2)
