"""The host's Class panel downloads every student's page: one zip, each entry that student's own export."""

import urllib.request
import zipfile

import pytest

from tests.browser.conftest import wait_until
from tests.browser.test_class_mode import join_token, socket_clients  # noqa: F401 - the fixture, used by name
from tests.browser.test_live_canvas import LAPTOP

pytestmark = pytest.mark.browser

STUDENTS = ("Ada", "Zoë")


def own_export(server, board, token, format):
    request = urllib.request.Request(
        f"{server.http_url}/b/{board}/export.{format}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def test_the_host_downloads_every_students_own_page_from_the_class_panel(
    server,
    open_page,
    socket_clients,  # noqa: F811 - the fixture imported above
):
    host = open_page(f"{server.http_url}/new/", "host", **LAPTOP)
    board = host.evaluate("() => JSON.parse(document.getElementById('board-config').textContent).board")
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.session.role") == "host")
    # The toolbar's downloads stay the board's own (the lesson's pages in the PDF), for everyone;
    # every student's page is the panel's.
    assert host.locator("[data-role=export] a").all_text_contents() == ["PNG", "SVG", "PDF", "Timelapse"]
    host.locator("[data-role=class-toggle]").click()
    panel = host.locator("[data-role=class-panel]")
    panel.locator("[data-setting=lanes]").check()
    assert wait_until(lambda: host.evaluate("() => window.sketchsite.session.settings?.lanes === true"))
    code = panel.locator("[data-role=join-code]").text_content()

    tokens = [join_token(server, code, name) for name in STUDENTS]
    for index, token in enumerate(tokens):
        student = socket_clients(board, token=token)
        student.draw(f"answer{index}", "#e03131", [200 + 400 * index, 200, 400 + 400 * index, 500])

    with host.expect_download() as download:
        panel.locator("[data-role=pages-zip]").click()
    assert download.value.suggested_filename == f"{board}-pages.zip"
    archive = zipfile.ZipFile(download.value.path())
    assert archive.namelist() == [
        f"{stem}.{format}" for stem in ("01 Ada", "02 Zoë") for format in ("png", "svg", "pdf")
    ]
    for number, (name, token) in enumerate(zip(STUDENTS, tokens, strict=True), 1):
        for format in ("png", "svg", "pdf"):
            assert archive.read(f"0{number} {name}.{format}") == own_export(server, board, token, format)
