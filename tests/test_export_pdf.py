"""`export.pdf`: every page of the lesson in order, each its paper, its picture and its ink, as
its reader sees it; read back with pypdfium2."""

import pypdfium2
import pytest

from draw import store
from draw.pages import Page
from draw.participants import HOST, STUDENT, Participant, host_participant_id
from tests.test_export_zip import bearer, hosted_board, id_of, join

pytestmark = pytest.mark.django_db

BOARD = "lesson"
INK = (224, 49, 49)


@pytest.fixture(autouse=True)
def any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]


def draw(author, stroke, page, points=(1000, 600, 1400, 800), role=STUDENT):
    item = {"kind": "marker", "color": "#e03131", "width": 24, **({"page": page} if page != "1" else {})}
    request = {"stroke": stroke, "item": item, "points": list(points)}
    return store.commit(BOARD, "stroke", Participant(author, role), f"c-{stroke}", request)


def pdf_pages(body):
    """Each page of a PDF as a PIL image, at 72 dpi."""
    document = pypdfium2.PdfDocument(body)
    try:
        return [document[index].render(scale=1).to_pil().convert("RGB") for index in range(len(document))]
    finally:
        document.close()


def near(pixel, colour, tolerance=40):
    return all(abs(got - wanted) <= tolerance for got, wanted in zip(pixel, colour, strict=True))


def at_board(image, x, y, width=1600, height=900):
    """The pixel of `image` (a page of the file) at board point (x, y)."""
    return image.getpixel((int(x * image.width / width), int(y * image.height / height)))


def test_export_pdf_holds_every_page_in_order_with_its_ink_and_nothing_of_the_others(client):
    key = hosted_board(BOARD)
    store.default_store().set_class(
        BOARD, {"pages": (Page("1", "squared"), Page("two"), Page("three", "lined")), "page": "two"}
    )
    host = host_participant_id(store.board_state(BOARD).host_key_hash)
    draw(host, "on-two", "two", role=HOST)

    response = client.get(f"/b/{BOARD}/export.pdf", headers=bearer(key))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{BOARD}.pdf"'
    first, second, third = pdf_pages(response.content)
    # A4 on its side, the board's shape kept.
    assert first.size == (842, 474)
    assert near(at_board(second, 1200, 700), INK)
    assert not near(at_board(first, 1200, 700), INK) and not near(at_board(third, 1200, 700), INK)
    # Each page its own paper: squared paper has lines across the board, plain has none.
    assert len({first.getpixel((x, 200)) for x in range(first.width)}) > 1
    assert len({second.getpixel((x, 200)) for x in range(second.width)}) == 1

    # Asked again unchanged: 304; after a stroke on page three, the new file.
    again = client.get(f"/b/{BOARD}/export.pdf", headers={**bearer(key), "If-None-Match": response["ETag"]})
    assert again.status_code == 304
    draw(host, "on-three", "three", role=HOST)
    changed = client.get(f"/b/{BOARD}/export.pdf", headers={**bearer(key), "If-None-Match": response["ETag"]})
    assert changed.status_code == 200
    assert near(at_board(pdf_pages(changed.content)[2], 1200, 700), INK)


def test_export_pdf_answers_as_the_other_exports_do_and_shows_a_student_their_own_pages(client):
    key = hosted_board(BOARD, lanes=True)
    store.default_store().set_class(BOARD, {"pages": (Page("1"), Page("two"))})
    assert client.get(f"/b/{BOARD}/export.pdf").status_code == 401
    ada, bea = join(client, "Ada", BOARD), join(client, "Bea", BOARD)
    ada_id, bea_id = id_of(ada), id_of(bea)
    draw(ada_id, "ada-two", "two")
    draw(bea_id, "bea-two", "two", points=(100, 600, 400, 800))
    _, ada_second = pdf_pages(client.get(f"/b/{BOARD}/export.pdf", headers=bearer(ada)).content)
    assert near(at_board(ada_second, 1200, 700), INK) and not near(at_board(ada_second, 250, 700), INK)
    _, host_second = pdf_pages(client.get(f"/b/{BOARD}/export.pdf", headers=bearer(key)).content)
    assert near(at_board(host_second, 1200, 700), INK) and near(at_board(host_second, 250, 700), INK)
    assert client.get(f"/b/{BOARD}/export.png?page=nope", headers=bearer(key)).status_code == 404
