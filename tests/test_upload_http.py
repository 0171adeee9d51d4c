"""Uploads over HTTP (draw/uploadviews.py): the host alone uploads a picture or a PDF to a board,
within bounds in bytes, and the board's pages fetch each picture by its digest, cached for good."""

import asyncio
import io
import os
import re
import socket
import subprocess
import sys

import pytest
from django.core.asgi import get_asgi_application
from PIL import Image

from draw import store, uploadviews
from draw.models import BoardAsset
from draw.uploadlimit import UploadSizeLimit
from tests.servers import PROJECT, DaphneServer, behind_nginx, migrate
from tests.test_export_zip import bearer, hosted_board, join
from tests.test_uploads import encrypted_pdf_file, jpeg_file, pdf_file, png_file

BOARD = "lesson"
UPLOADS = f"/b/{BOARD}/uploads"


@pytest.fixture(autouse=True)
def any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]


@pytest.fixture
def host_key(db):
    return hosted_board(BOARD)


def upload(client, data, content_type, credential=None, path=UPLOADS):
    headers = bearer(credential) if credential else {}
    return client.post(path, data=data, content_type=content_type, headers=headers)


def uploaded(client, data, content_type, key):
    response = upload(client, data, content_type, key)
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()["assets"]


def limit(settings, **values):
    settings.SKETCHSITE = {**settings.SKETCHSITE, **values}


# --- the host uploads ------------------------------------------------------------------------


def test_the_host_uploads_a_png_a_jpeg_and_a_pdf_and_gets_one_picture_per_image_and_page(client, host_key):
    [png] = uploaded(client, png_file(size=(400, 300)), "image/png", host_key)
    assert (png["media_type"], png["width"], png["height"]) == ("image/png", 400, 300)
    assert png["url"] == f"/b/{BOARD}/assets/{png['digest']}" and re.fullmatch(r"[0-9a-f]{64}", png["digest"])
    [jpeg] = uploaded(client, jpeg_file(size=(640, 480)), "image/jpeg", host_key)
    assert (jpeg["media_type"], jpeg["width"], jpeg["height"]) == ("image/jpeg", 640, 480)
    pages = uploaded(client, pdf_file(), "application/pdf", host_key)
    assert len(pages) == 3
    for page in pages:
        assert page["media_type"] == "image/png" and 2000 < page["width"] < page["height"]
        assert page["width"] * page["height"] <= 6_000_000
    first = client.get(pages[0]["url"])
    image = Image.open(io.BytesIO(first.content)).convert("RGB")
    assert image.size == (pages[0]["width"], pages[0]["height"])
    # Page 1's red square, in the top-left quarter.
    assert image.getpixel((image.width // 4, image.width // 4)) == pytest.approx((255, 0, 0), abs=8)
    assert BoardAsset.objects.filter(board__name=BOARD).count() == 5


def test_the_same_file_uploaded_twice_is_stored_once(client, host_key):
    [first] = uploaded(client, png_file(), "image/png", host_key)
    [second] = uploaded(client, png_file(), "image/png", host_key)
    assert first == second
    assert BoardAsset.objects.filter(board__name=BOARD).count() == 1


def test_a_pdf_is_stored_in_page_order(client, host_key):
    pages = uploaded(client, pdf_file(("blue", "lime")), "application/pdf", host_key)
    colours = []
    for page in pages:
        image = Image.open(io.BytesIO(client.get(page["url"]).content)).convert("RGB")
        colours.append(image.getpixel((image.width // 4, image.width // 4)))
    assert colours == [pytest.approx((0, 0, 255), abs=8), pytest.approx((0, 255, 0), abs=8)]


# --- who may upload --------------------------------------------------------------------------


def test_a_student_or_someone_without_the_host_key_may_not_upload(client, host_key):
    student = join(client, "Ann", board=BOARD)
    for credential in (student, None, "not-the-host-key"):
        response = upload(client, png_file(), "image/png", credential)
        assert response.status_code == 403, credential
        assert b"Only the board's host may upload pictures" in response.content
    assert not BoardAsset.objects.exists()


def test_a_board_without_a_host_takes_no_uploads_and_an_unknown_board_is_not_found(client, db):
    store.default_store().create("open", hosted=False)
    response = upload(client, png_file(), "image/png", "anything", path="/b/open/uploads")
    assert response.status_code == 403 and b"this board has no host" in response.content
    assert upload(client, png_file(), "image/png", "anything", path="/b/nowhere/uploads").status_code == 404


def test_an_upload_is_a_post(client, host_key):
    assert client.get(UPLOADS, headers=bearer(host_key)).status_code == 405


# --- what is refused -------------------------------------------------------------------------


def test_a_file_that_is_not_what_it_is_sent_as_is_refused(client, host_key):
    for data, content_type, said in [
        (b"a text file named lesson.png\n", "image/png", b"not a PNG, JPEG or PDF file"),
        (png_file(), "image/jpeg", b"sent as a JPEG image but is a PNG image"),
        (b"plain words", "text/plain", b"not text/plain"),
    ]:
        response = upload(client, data, content_type, host_key)
        assert response.status_code == 400, content_type
        assert said in response.content
    response = client.post(
        f"{UPLOADS}?name=sheet.pdf", data=png_file(), content_type="image/png", headers=bearer(host_key)
    )
    assert response.status_code == 400 and b"sent as a PDF but is a PNG image" in response.content
    assert not BoardAsset.objects.exists()


def test_pdfs_that_cannot_be_read_are_refused_with_the_reason(client, host_key, settings):
    whole = pdf_file()
    response = upload(client, encrypted_pdf_file(), "application/pdf", host_key)
    assert response.status_code == 400 and b"protected by a password" in response.content
    response = upload(client, whole[: len(whole) // 2], "application/pdf", host_key)
    assert response.status_code == 400 and b"damaged or cut short" in response.content
    limit(settings, MAX_PAGES=2)
    response = upload(client, whole, "application/pdf", host_key)
    assert (
        response.status_code == 400 and response.content == b"The PDF has 3 pages: a lesson takes at most 2."
    )
    assert not BoardAsset.objects.exists()


def test_an_image_that_claims_too_many_pixels_is_refused(client, host_key):
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")
    response = upload(client, bomb.getvalue(), "image/png", host_key)
    assert response.status_code == 400 and b"too many pixels" in response.content


def test_a_file_above_the_upload_bound_is_refused_as_too_large(client, host_key, settings):
    photo = png_file(size=(400, 300))
    limit(settings, MAX_UPLOAD_BYTES=len(photo) - 1)
    response = upload(client, photo, "image/png", host_key)
    assert response.status_code == 413
    assert (
        response.content.decode()
        == f"The file is too large: at most {len(photo) - 1:,} bytes can be uploaded."
    )
    limit(settings, MAX_UPLOAD_BYTES=len(photo))
    assert upload(client, photo, "image/png", host_key).status_code == 201


def test_a_board_takes_pictures_up_to_its_bound_in_bytes(client, host_key, settings):
    [first] = uploaded(client, png_file(colour="red"), "image/png", host_key)
    stored = len(BoardAsset.objects.get().data)
    limit(settings, MAX_BOARD_UPLOAD_BYTES=stored + 100)
    response = upload(client, png_file(colour="blue"), "image/png", host_key)
    assert response.status_code == 413 and b"A board keeps at most" in response.content
    # A picture stored already takes nothing more.
    assert uploaded(client, png_file(colour="red"), "image/png", host_key) == [first]
    assert BoardAsset.objects.count() == 1


def test_a_busy_process_asks_the_host_to_try_again(client, host_key, settings):
    limit(settings, UPLOAD_RENDERS=1)
    slots = uploadviews.render_slots(1)
    assert slots.acquire(blocking=False)
    try:
        response = upload(client, png_file(), "image/png", host_key)
        assert response.status_code == 429 and response["Retry-After"] == "1"
    finally:
        slots.release()
    assert upload(client, png_file(), "image/png", host_key).status_code == 201


# --- the pages fetch the pictures ------------------------------------------------------------


def test_a_picture_is_served_with_its_type_and_cached_for_good(client, host_key):
    [asset] = uploaded(client, jpeg_file(), "image/jpeg", host_key)
    response = client.get(asset["url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["ETag"] == f'"{asset["digest"]}"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(response.content)).size == (asset["width"], asset["height"])
    again = client.get(asset["url"], headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == response["ETag"]


def test_a_picture_the_board_does_not_have_is_not_found(client, host_key):
    [asset] = uploaded(client, png_file(), "image/png", host_key)
    hosted_board("other")
    assert client.get(f"/b/{BOARD}/assets/{'0' * 64}").status_code == 404
    assert client.get(f"/b/other/assets/{asset['digest']}").status_code == 404
    matching = {"If-None-Match": f'"{asset["digest"]}"'}
    assert client.get(f"/b/other/assets/{asset['digest']}", headers=matching).status_code == 404


# --- the bound in bytes while the body arrives ----------------------------------------------


def test_the_size_limit_stops_asking_for_an_upload_body_once_it_passes_the_bound():
    """Before Django reads it: the chunks after the one that passes the bound are never received."""

    async def run():
        application = UploadSizeLimit(get_asgi_application(), max_bytes=1000)
        chunks = asyncio.Queue()
        for _ in range(5):
            chunks.put_nowait({"type": "http.request", "body": b"x" * 400, "more_body": True})
        chunks.put_nowait({"type": "http.request", "body": b"", "more_body": False})
        sent = []

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": UPLOADS,
            "query_string": b"",
            "headers": [(b"host", b"testserver"), (b"content-type", b"image/png")],
        }
        await asyncio.wait_for(application(scope, chunks.get, send), timeout=10)
        return sent, chunks.qsize()

    sent, left_unread = asyncio.run(run())
    assert sent[0]["status"] == 413 and (b"connection", b"close") in sent[0]["headers"]
    assert sent[1]["body"] == b"The file is too large: at most 1,000 bytes can be uploaded."
    # 400 + 400 + 400 passes 1000: three chunks were read, the other three never.
    assert left_unread == 3


def test_the_site_wraps_its_http_in_the_size_limit(test_site):
    limited = test_site.application.application_mapping["http"]
    assert isinstance(limited, UploadSizeLimit) and limited.max_bytes == 20971520


def hosted_in(env):
    """Give the board of the server run with `env` a host (`manage.py hostlink`): its host key."""
    link = subprocess.run(
        [sys.executable, "manage.py", "hostlink", BOARD],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sketchsite.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return re.search(r"#host=(\w+)", link).group(1)


def upload_head(key, length_header):
    return (
        f"POST {UPLOADS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
        f"Authorization: Bearer {key}\r\n{length_header}\r\n\r\n"
    ).encode()


def test_daphne_refuses_a_chunked_upload_above_the_bound_and_takes_one_within_it(tmp_path, server_env):
    env = {**server_env, "SKETCHSITE_MAX_UPLOAD_BYTES": "50000"}
    migrate(env)
    key = hosted_in(env)
    server = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    try:
        head = upload_head(key, "Transfer-Encoding: chunked")
        chunk = b"\x89PNG\r\n\x1a\n" + b"x" * 9992
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"
        status, answer = raw_request(server.port, head + body)
        assert status == 413, answer
        assert b"at most 50,000 bytes can be uploaded" in answer

        small = png_file(size=(64, 48))
        status, answer = raw_request(server.port, upload_head(key, f"Content-Length: {len(small)}") + small)
        assert status == 201, answer
        assert b'"width": 64' in answer and b'"height": 48' in answer
    finally:
        server.stop()


def test_nginx_passes_an_upload_of_a_few_megabytes_on_and_refuses_one_above_the_bound(tmp_path, server_env):
    """nginx's own default (1 MB) would refuse most PDFs; deploy/nginx.conf takes the site's bound."""
    photo = io.BytesIO()
    Image.frombytes("RGB", (1200, 900), os.urandom(1200 * 900 * 3)).save(photo, "PNG")
    photo = photo.getvalue()
    assert len(photo) > 3_000_000
    with behind_nginx(server_env, tmp_path, processes=1) as (nginx, _):
        key = hosted_in(server_env)
        status, answer = raw_request(nginx.port, upload_head(key, f"Content-Length: {len(photo)}") + photo)
        assert status == 201, answer[:500]
        # Refused by its Content-Length, before a byte of the body is sent.
        status, answer = raw_request(nginx.port, upload_head(key, f"Content-Length: {30 * 2**20}"))
        assert status == 413


def raw_request(port, request):
    """Send `request` as it is over a socket of its own; the answer's status and its whole bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer or not _complete(answer):
            received = connection.recv(65536)
            if not received:
                break
            answer += received
    return int(answer.split(b" ", 2)[1]), answer


def _complete(answer):
    head, _, body = answer.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return length is not None and len(body) >= int(length.group(1))
