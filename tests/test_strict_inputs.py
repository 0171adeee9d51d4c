"""Every string the HTTP side takes from outside is Unicode text in its exact form, or is answered
clearly: the join form's name, join codes, board names in addresses, the export's scale."""

import http.client
import json
import re
from urllib.parse import unquote

import pytest
from django.test import RequestFactory

from draw import export, store, views
from draw.models import Board
from draw.participants import clean_name, identity_from_token, token_for
from tests.servers import DaphneServer, migrate

pytestmark = pytest.mark.django_db

BOARD = "strict-board"
# A code spelt with letters that other characters upper-case to: "ﬀ" to "FF", "ß" to "SS".
CODE = "ABCDFF"
NAME_ERROR = "Type a name of 1 to 24 characters"
URLENCODED = "application/x-www-form-urlencoded"
BOUNDARY = "sketchsite-form-boundary"


@pytest.fixture
def code(monkeypatch):
    """A hosted board whose join code is CODE."""
    monkeypatch.setattr("draw.store.new_join_code", lambda: CODE)
    store.default_store().create(BOARD, hosted=True)
    return CODE


def as_host():
    """The headers of the board's host reading it: a hosted board answers its readers alone."""
    return {"HTTP_AUTHORIZATION": f"Bearer {store.default_store().host_key(BOARD)}"}


def post_urlencoded(client, code, body):
    return client.post(f"/j/{code}", body, content_type=URLENCODED)


def post_multipart(client, code, name_bytes):
    body = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\n'.encode()
        + name_bytes
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return client.post(f"/j/{code}", body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def assert_name_refused(response):
    """The name form again, with its error, and no way onto the board."""
    assert response.status_code == 200
    assert "Location" not in response
    page = response.content.decode()
    assert NAME_ERROR in page
    assert 'name="name"' in page and 'aria-invalid="true"' in page
    return page


def name_in_token(response):
    assert response.status_code == 302
    prefix = f"/b/{BOARD}/#t="
    assert response["Location"].startswith(prefix), response["Location"]
    return identity_from_token(unquote(response["Location"].removeprefix(prefix)))[1]


# The join form's name


@pytest.mark.parametrize("body", [b"name=%FF%FEab", b"name=ab%C3", b"name=\xff\xfeab", b"name=ab\xc3"])
def test_a_name_sent_as_invalid_utf8_is_refused_with_the_forms_error(client, code, body):
    assert_name_refused(post_urlencoded(client, code, body))


@pytest.mark.parametrize("name_bytes", [b"\xff\xfeab", b"ab\xed\xa0\x80"])
def test_a_name_sent_as_invalid_utf8_in_a_multipart_form_is_refused_with_the_forms_error(
    client, code, name_bytes
):
    assert_name_refused(post_multipart(client, code, name_bytes))


@pytest.mark.parametrize("body", [b"name=%ED%A0%80", b"name=Ada%ED%B0%80", b"name=\xed\xa0\x80"])
def test_a_name_sent_as_a_utf8_encoded_surrogate_is_refused_with_the_forms_error(client, code, body):
    assert_name_refused(post_urlencoded(client, code, body))


def test_a_name_of_ten_thousand_characters_is_refused_and_only_its_start_shown_back(client, code):
    page = assert_name_refused(client.post(f"/j/{code}", {"name": "x" * 10_000}))
    assert "x" * views.NAME_SHOWN_BACK_LENGTH in page
    assert "x" * (views.NAME_SHOWN_BACK_LENGTH + 1) not in page


@pytest.mark.parametrize("typed", ["\u200b\u200e\u2060", "\x00\x07\x1b", "\u00ad\ufeff", "\u3000\u2028"])
def test_a_name_of_only_format_control_or_space_characters_is_refused(client, code, typed):
    assert_name_refused(client.post(f"/j/{code}", {"name": typed}))


def test_a_replacement_character_typed_on_purpose_is_refused_too(client, code):
    assert_name_refused(client.post(f"/j/{code}", {"name": "Ada \ufffd"}))


@pytest.mark.parametrize(
    "body",
    [b"name=Jos%C3%A9", b"name=Jos\xc3\xa9", b"name=+Jos%C3%A9++%E5%B0%8F%E6%98%8E+"],
    ids=["percent-escaped", "raw-utf8", "spaces"],
)
def test_a_good_name_in_utf8_joins_with_a_token_of_that_name(client, code, body):
    name = name_in_token(post_urlencoded(client, code, body))
    assert name in ("José", "José 小明")


def test_a_good_name_in_a_multipart_form_joins(client, code):
    assert name_in_token(post_multipart(client, code, "Zoë".encode())) == "Zoë"


def test_clean_name_refuses_surrogates_and_the_replacement_character():
    assert clean_name("Ada\ud800") is None
    assert clean_name("\udfff") is None
    assert clean_name("Ada\ufffd") is None
    assert clean_name("Ada 😀") == "Ada 😀"


def test_a_token_with_a_name_the_form_would_refuse_brings_back_no_name():
    assert identity_from_token(token_for("ada1234567", "\ufffd\ufffd")) == ("ada1234567", None)
    assert identity_from_token(token_for("ada1234567", "x" * 25)) == ("ada1234567", None)


@pytest.mark.parametrize("participant_id", ["ada 123", "ädä", "a/b", "x" * 33, ""])
def test_a_token_with_an_id_outside_the_id_pattern_brings_a_new_participant(participant_id):
    found, name = identity_from_token(token_for(participant_id, "Ada"))
    assert found != participant_id and name is None


# Join codes


@pytest.mark.parametrize(
    "typed", ["ABCD\ufb00", "abcd\u00df", "ABCD\u017f\u017f", "ＡＢＣＤＦＦ", "ABCDF\u0301F"]
)
def test_a_code_in_letters_that_upper_case_to_the_code_is_not_that_code(client, code, typed):
    for response in (client.get("/j/", {"code": typed}), client.get(f"/j/{typed}")):
        assert response.status_code == 404
        page = response.content.decode()
        assert "No board has that code" in page
        assert f'value="{typed}"' in page


@pytest.mark.parametrize("typed", ["abcd-ff", " AB CD FF ", "ab-cd-ff"])
def test_a_code_in_ascii_with_spaces_and_dashes_still_reaches_the_name_form(client, code, typed):
    response = client.get("/j/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/j/{CODE}"


@pytest.mark.parametrize("path", ["/j/%FF", "/j/%ED%A0%80", "/j/ABC%FF%FE"])
def test_a_join_address_of_bytes_that_are_not_utf8_answers_with_the_code_page(client, code, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "No board has that code" in response.content.decode()


@pytest.mark.parametrize("query", ["code=%FF", "code=%ED%A0%80", "code=\xff"])
def test_a_code_sent_as_bytes_that_are_not_utf8_answers_with_the_code_page(client, code, query):
    response = client.get("/j/", QUERY_STRING=query)
    assert response.status_code == 404
    assert "No board has that code" in response.content.decode()


def test_a_name_posted_to_a_code_in_odd_unicode_opens_no_board(client, code):
    response = client.post("/j/ABCD\ufb00", {"name": "Ada"})
    assert response.status_code == 404
    assert "No board has that code" in response.content.decode()


def test_a_code_holding_a_surrogate_is_not_shown_back():
    request = RequestFactory().get("/j/")
    response = views.join_board(request, "AB\ud800")
    assert response.status_code == 404
    assert 'name="code" value=""' in response.content.decode()


# Board names in addresses


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/b/%ED%A0%80/", "No such board"),
        ("/b/%FF/", "No such board"),
        ("/b/%ED%A0%80", "No such board"),
        ("/b/a%FFb/", "No such board"),
        ("/b/%ED%A0%80/export.png", "Not found"),
        ("/b/%FF/snapshot", "Not found"),
        ("/b/%ED%A0%80/show", "Not found"),
        ("/b/%FF/join.svg", "Not found"),
    ],
)
def test_a_board_address_of_bytes_that_are_not_utf8_is_not_found(client, path, page):
    response = client.get(path)
    assert response.status_code == 404
    assert page in response.content.decode()
    assert not Board.objects.exists()


def test_a_board_name_holding_a_surrogate_is_not_shown_back():
    response = views.bad_board_name(RequestFactory().get("/b/x/"), "a\ud800b")
    assert response.status_code == 404
    assert "<code></code> is not a board name" in response.content.decode()


# The export's scale


@pytest.mark.parametrize("scale", ["2", "0.5", "1.25", "-3", "007"])
def test_an_export_scale_in_ascii_decimals_draws_the_png(client, code, scale):
    response = client.get(f"/b/{BOARD}/export.png", {"scale": scale}, **as_host())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "scale",
    [
        "\u0661",
        "\uff12",
        "1_0",
        " 2 ",
        "2 ",
        "+2",
        "infinity",
        "Infinity",
        "nan",
        "1e1",
        "0x1",
        ".5",
        "2.",
        "1.2.3",
        "--2",
        "",
        "9" * 400,
        "\ufffd",
        "2\n",
    ],
)
def test_an_export_scale_that_is_not_an_ascii_decimal_is_a_bad_request(client, code, scale):
    response = client.get(f"/b/{BOARD}/export.png", {"scale": scale})
    assert response.status_code == 400
    assert response.content.decode() == "scale must be a number, such as 2"


@pytest.mark.parametrize("query", ["scale=%ED%A0%80", "scale=%FF", "scale=\xff"])
def test_an_export_scale_of_bytes_that_are_not_utf8_is_a_bad_request(client, code, query):
    response = client.get(f"/b/{BOARD}/export.png", QUERY_STRING=query)
    assert response.status_code == 400


@pytest.mark.parametrize(("text", "scale"), [("2", 2.0), ("0.5", 0.5), ("1.25", 1.25), ("-0", 0.1)])
def test_export_scale_reads_ascii_decimals(text, scale):
    assert export.export_scale(text, 4) == scale


@pytest.mark.parametrize("text", ["\u0661", "1_0", " 2 ", "infinity", "1e1", "9" * 400])
def test_export_scale_refuses_what_float_alone_would_take(text):
    with pytest.raises(ValueError):
        export.export_scale(text, 4)


# Headers and the language switch


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_IF_NONE_MATCH": '"\xff\xfe", W/"\x00"'},
        {"HTTP_ACCEPT_ENCODING": "\xffgzip\xfe"},
        {"HTTP_ACCEPT_LANGUAGE": "\xff\xfe;q=\xff, de"},
    ],
)
def test_headers_of_bytes_that_are_not_ascii_still_get_the_board(client, code, headers):
    assert client.get(f"/b/{BOARD}/snapshot", **headers, **as_host()).status_code == 200
    assert client.get(f"/b/{BOARD}/export.svg", **headers, **as_host()).status_code == 200
    assert client.get(f"/j/{CODE}", **headers).status_code == 200


def test_the_language_switch_given_bytes_that_are_not_utf8_changes_nothing_and_goes_on(client, settings):
    response = client.post("/language/", b"language=%FF&next=%ED%A0%80", content_type=URLENCODED)
    # Django's own view: the language is not one of the site's, `next` is a relative address.
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# Through a real server


def request_to(server, method, path, body=None, headers=None):
    """Status, headers and body of one request with `path` sent as is, unescaped bytes and all."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def test_a_real_server_answers_odd_paths_and_names_with_its_pages(server_env, tmp_path):
    """Daphne decodes the path itself; a surrogate or a stray byte there is still a readable 404."""
    migrate(server_env)
    server = DaphneServer(server_env, log_path=tmp_path / "daphne.log").start()
    try:
        status, headers, _ = request_to(server, "GET", "/new/")
        assert status == 302
        board = re.fullmatch(r"/b/([a-z0-9-]+)/#host=\w+", headers["Location"]).group(1)
        _, _, page = request_to(server, "GET", f"/b/{board}/")
        config = json.loads(
            re.search(r'id="board-config" type="application/json">(.*?)</script>', page).group(1)
        )
        code = config["join"]["code"]

        for path in ("/b/%ED%A0%80/", "/b/%FF/"):
            status, _, page = request_to(server, "GET", path)
            assert (status, "No such board" in page) == (404, True), path
        status, _, page = request_to(server, "GET", f"/j/{code[:4]}%EF%AC%80")
        assert (status, "No board has that code" in page) == (404, True)
        status, _, page = request_to(server, "GET", "/j/%ED%A0%80")
        assert (status, "No board has that code" in page) == (404, True)

        status, headers, page = request_to(server, "GET", f"/j/{code}")
        assert status == 200
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"Cookie": cookie, "Content-Type": URLENCODED}
        for name in (b"%ED%A0%80", b"%FF%FEab", b"\xff\xfeab"):
            body = b"csrfmiddlewaretoken=" + token.encode() + b"&name=" + name
            status, _, page = request_to(server, "POST", f"/j/{code}", body, form)
            assert (status, NAME_ERROR in page) == (200, True), name
        body = b"csrfmiddlewaretoken=" + token.encode() + b"&name=Jos%C3%A9"
        status, headers, _ = request_to(server, "POST", f"/j/{code}", body, form)
        assert status == 302 and headers["Location"].startswith(f"/b/{board}/#t=")
        status, _, page = request_to(server, "GET", f"/b/{board}/export.png?scale=%D9%A1")
        assert (status, page) == (400, "scale must be a number, such as 2")
    finally:
        server.stop()
