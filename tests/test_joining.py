"""Joining a class: a new hosted board, the join code and name pages, the join URL and its QR code."""

import io
import json
import re
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
import segno
import zxingcpp
from django.test import Client, RequestFactory
from PIL import Image, ImageDraw

from draw import addresses, archive, hostkeys, store, views
from draw.boards import new_join_code
from draw.participants import identity_from_token

pytestmark = pytest.mark.django_db

JOIN_CODE = re.compile(r"^[A-HJ-NP-Z2-9]{6}$")
LAN = "192.168.1.20"


@pytest.fixture(autouse=True)
def on_a_classroom_network(monkeypatch, settings):
    """This machine on a LAN at a known address; any Host header accepted."""
    monkeypatch.setattr(addresses, "lan_addresses", lambda: [LAN])
    settings.ALLOWED_HOSTS = ["*"]
    settings.SKETCHSITE = {**settings.SKETCHSITE, "PUBLIC_URL": ""}


def new_hosted_board(client):
    """Open /new/; the board's name and host key from where it sends the browser."""
    response = client.get("/new/")
    assert response.status_code == 302
    match = re.fullmatch(r"/b/([a-z0-9-]+)/#host=(\w+)", response["Location"])
    assert match, response["Location"]
    return match.group(1), match.group(2)


def join_code_of(board):
    return store.board_state(board).join_code


def token_in(location, board):
    prefix = f"/b/{board}/#t="
    assert location.startswith(prefix), location
    return unquote(location.removeprefix(prefix))


# /new/


def test_new_board_is_hosted_and_its_host_key_is_in_the_fragment(client):
    board, key = new_hosted_board(client)
    state = store.board_state(board)
    assert state.exists and state.classroom.hosted
    assert hostkeys.is_host_key(key, state.host_key_hash)
    assert JOIN_CODE.fullmatch(state.join_code)


def test_new_board_skips_names_already_in_use(client, monkeypatch):
    store.default_store().create("brave-otter-11", hosted=False)
    offered = iter(["brave-otter-11", "calm-heron-22"])
    monkeypatch.setattr(archive, "random_board_name", lambda: next(offered))
    board, key = new_hosted_board(client)
    assert board == "calm-heron-22"
    assert not store.board_state("brave-otter-11").classroom.hosted


def test_join_codes_are_unique_among_boards(client, monkeypatch):
    # The second board is offered the first one's code twice before a free one.
    codes = iter(["ABC234", "ABC234", "ABC234", "XYZ789"])
    monkeypatch.setattr("draw.store.new_join_code", lambda: next(codes, None) or new_join_code())
    first, _ = new_hosted_board(client)
    second, _ = new_hosted_board(client)
    assert (join_code_of(first), join_code_of(second)) == ("ABC234", "XYZ789")
    many = {join_code_of(new_hosted_board(client)[0]) for _ in range(20)}
    assert len(many) == 20


# /j/ and /j/<CODE>


def test_join_page_asks_for_a_code(client):
    response = client.get("/j/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<form class="join-form" method="get" action="/j/">' in page
    assert 'name="code"' in page and 'autocapitalize="characters"' in page


def test_a_code_typed_in_lower_case_with_spaces_and_a_dash_reaches_the_name_form(client):
    board, _ = new_hosted_board(client)
    code = join_code_of(board)
    typed = f" {code[:3].lower()}-{code[3:].lower()} "
    response = client.get("/j/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/j/{code}"
    page = client.get(response["Location"]).content.decode()
    assert 'name="name"' in page and f'Join <span class="join-board">{board}</span>' in page
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.parametrize("typed", ["ZZZZZZ", "hello", "ABC2345", "   "])
def test_an_unknown_code_says_so_on_the_code_page(client, typed):
    response = client.get("/j/", {"code": typed})
    assert response.status_code == 404
    page = response.content.decode()
    assert "No board has that code" in page
    assert 'name="code"' in page and 'aria-invalid="true"' in page


def test_an_unknown_code_in_the_address_says_so_too(client):
    response = client.get("/j/ZZZZZZ")
    assert response.status_code == 404
    assert "No board has that code" in response.content.decode()


def test_a_join_address_in_lower_case_goes_to_the_one_address_of_the_board(client):
    board, _ = new_hosted_board(client)
    code = join_code_of(board)
    for typed in (code.lower(), f"{code}/", f"{code[:3]}-{code[3:]}"):
        response = client.get(f"/j/{typed}")
        assert response.status_code == 302 and response["Location"] == f"/j/{code}", typed


def test_a_name_opens_the_board_with_a_token_for_a_new_participant_of_that_name(client):
    board, _ = new_hosted_board(client)
    code = join_code_of(board)
    ids = set()
    for _ in range(2):
        response = client.post(f"/j/{code}", {"name": "  Ada   Lovelace "})
        assert response.status_code == 302
        participant_id, name = identity_from_token(token_in(response["Location"], board))
        assert name == "Ada Lovelace"
        ids.add(participant_id)
    # Each join is a new participant, even under the same name.
    assert len(ids) == 2


def test_the_token_in_the_fragment_is_url_encoded(client):
    board, _ = new_hosted_board(client)
    response = client.post(f"/j/{join_code_of(board)}", {"name": "Grace"})
    fragment = response["Location"].split("#t=", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_.~%-]+", fragment), fragment


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\t", "x" * 25])
def test_a_blank_or_too_long_name_shows_the_form_again_with_a_message(client, typed):
    board, _ = new_hosted_board(client)
    response = client.post(f"/j/{join_code_of(board)}", {"name": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Type a name of 1 to 24 characters" in page
    assert 'name="name"' in page and 'aria-invalid="true"' in page


def test_names_are_escaped_on_the_page_and_kept_as_typed_in_the_token(client):
    board, _ = new_hosted_board(client)
    code = join_code_of(board)
    too_long = "<b>x</b>" + "y" * 20
    page = client.post(f"/j/{code}", {"name": too_long}).content.decode()
    assert "<b>x</b>" not in page
    assert 'value="&lt;b&gt;x&lt;/b&gt;yyyy' in page
    response = client.post(f"/j/{code}", {"name": "<b>x</b>"})
    assert identity_from_token(token_in(response["Location"], board))[1] == "<b>x</b>"


def test_the_name_form_is_protected_against_cross_site_posts(client):
    board, _ = new_hosted_board(client)
    code = join_code_of(board)
    careful = Client(enforce_csrf_checks=True)
    assert careful.post(f"/j/{code}", {"name": "Ada"}).status_code == 403
    careful.get(f"/j/{code}")
    token = careful.cookies["csrftoken"].value
    response = careful.post(f"/j/{code}", {"name": "Ada", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_an_anonymous_board_skips_the_name(client):
    board, _ = new_hosted_board(client)
    store.default_store().set_class(board, {"anonymous": True})
    code = join_code_of(board)
    response = client.get("/j/", {"code": code.lower()}, follow=False)
    response = client.get(response["Location"])
    assert response.status_code == 302
    participant_id, name = identity_from_token(token_in(response["Location"], board))
    assert name is None and participant_id
    # A name sent anyway (the page was open before the host switched) is not kept.
    response = client.post(f"/j/{code}", {"name": "Ada"})
    assert identity_from_token(token_in(response["Location"], board))[1] is None


def test_the_whole_way_from_the_code_page_to_the_board_is_two_submits(client):
    board, _ = new_hosted_board(client)
    code = join_code_of(board)
    name_page = client.get("/j/", {"code": code.lower()}, follow=True)
    assert name_page.redirect_chain == [(f"/j/{code}", 302)]
    response = client.post(name_page.redirect_chain[-1][0], {"name": "Ada"})
    assert response["Location"].startswith(f"/b/{board}/#t=")


# The join URL: where students' devices reach this server


def request_to(host, **extra):
    return RequestFactory().get("/", HTTP_HOST=host, **extra)


def test_the_public_url_setting_comes_first(settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "PUBLIC_URL": "https://draw.school.example"}
    assert addresses.public_base_url(request_to("localhost:8000")) == "https://draw.school.example"
    assert addresses.public_base_url(request_to("10.1.2.3:8000")) == "https://draw.school.example"


@pytest.mark.parametrize("host", ["draw.school.example", "10.1.2.3:8000", "pc-17.local:8000"])
def test_a_request_to_a_non_loopback_host_joins_at_that_host(host):
    assert addresses.public_base_url(request_to(host)) == f"http://{host}"


def test_a_request_over_https_keeps_its_scheme():
    request = request_to("draw.school.example", **{"wsgi.url_scheme": "https"})
    assert addresses.public_base_url(request) == "https://draw.school.example"


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000", "app.localhost:8000"])
def test_a_request_to_a_loopback_host_joins_at_the_lan_address(host):
    assert addresses.public_base_url(request_to(host)) == f"http://{LAN}:8000"


def test_a_loopback_host_without_a_port_joins_at_the_lan_address_on_the_request_port():
    assert addresses.public_base_url(request_to("localhost")) == f"http://{LAN}"
    request = request_to("localhost", SERVER_PORT="8123")
    assert addresses.public_base_url(request) == f"http://{LAN}:8123"


def test_without_a_lan_address_the_request_host_is_kept(monkeypatch):
    monkeypatch.setattr(addresses, "lan_addresses", lambda: [])
    assert addresses.public_base_url(request_to("localhost:8000")) == "http://localhost:8000"


def test_lan_addresses_put_real_network_cards_before_containers_and_skip_loopback(monkeypatch):
    def ipv4(address):
        return SimpleNamespace(family=addresses.socket.AF_INET, address=address)

    interfaces = {
        "lo": [ipv4("127.0.0.1")],
        "docker0": [ipv4("172.17.0.1")],
        "wlan0": [ipv4("192.168.1.20"), SimpleNamespace(family=addresses.socket.AF_INET6, address="fe80::1")],
        "eth1": [ipv4("169.254.3.4")],
    }
    monkeypatch.undo()
    monkeypatch.setattr(addresses.psutil, "net_if_addrs", lambda: interfaces)
    assert addresses.lan_addresses() == ["192.168.1.20", "172.17.0.1"]


# The page config: join code, URL and QR


def board_config(response):
    page = response.content.decode()
    match = re.search(r'<script id="board-config" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_the_board_page_config_carries_the_join_code_url_and_qr(client):
    board, _ = new_hosted_board(client)
    code = join_code_of(board)
    config = board_config(client.get(f"/b/{board}/", HTTP_HOST="localhost:8000"))
    assert config["page"] == "board"
    assert config["join"] == {
        "code": code,
        "url": f"http://{LAN}:8000/j/{code}",
        "qr": f"/b/{board}/join.svg",
    }


def test_the_board_page_config_has_no_join_before_the_board_has_a_row(client):
    config = board_config(client.get("/b/nobody-here-yet/"))
    assert config["join"] is None and config["page"] == "board"


def test_the_projector_page_has_the_board_page_config_with_its_own_page(client):
    board, _ = new_hosted_board(client)
    request = RequestFactory().get(f"/b/{board}/show", HTTP_HOST="localhost:8000")
    assert views.client_config(request, board, "show") == {
        **views.client_config(request, board, "board"),
        "page": "show",
    }


def test_the_projector_page_is_served(client):
    board, _ = new_hosted_board(client)
    assert client.get(f"/b/{board}/show").status_code == 200


# The QR code


def svg_modules_to_image(svg, pixels_per_module=4):
    """Draw the dark modules of segno's SVG path (M/m moves, h runs one module high) onto white."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    scale = int(re.search(r'transform="scale\((\d+)\)"', svg).group(1))
    modules = size // scale
    image = Image.new("L", (modules * pixels_per_module,) * 2, 255)
    draw = ImageDraw.Draw(image)
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(value) for value in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            row = int(y - 0.5)
            box = (x * pixels_per_module, row * pixels_per_module)
            box += ((x + values[0]) * pixels_per_module - 1, (row + 1) * pixels_per_module - 1)
            draw.rectangle(box, fill=0)
            x += values[0]
    return image


def decoded(image):
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_the_join_qr_code_is_segnos_svg_of_the_join_url(client):
    board, _ = new_hosted_board(client)
    url = f"http://{LAN}:8000/j/{join_code_of(board)}"
    response = client.get(f"/b/{board}/join.svg", HTTP_HOST="localhost:8000")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == views.join_qr_svg(url)
    svg = response.content.decode()
    assert svg.startswith("<svg") and 'fill="#fff"' in svg and 'stroke="#000"' in svg
    # The quiet zone: four light modules before the first dark one.
    assert re.search(r'class="qrline"[^>]* d="M4 4\.5h', svg)
    png = io.BytesIO()
    segno.make_qr(url, error="m").save(png, kind="png", scale=4, border=4)
    assert decoded(Image.open(png)) == [url]


def test_the_served_join_qr_code_itself_reads_as_the_join_url(client):
    board, _ = new_hosted_board(client)
    response = client.get(f"/b/{board}/join.svg", HTTP_HOST="draw.school.example")
    expected = f"http://draw.school.example/j/{join_code_of(board)}"
    assert decoded(svg_modules_to_image(response.content.decode())) == [expected]


def test_a_board_without_a_row_has_no_join_qr_code(client):
    assert client.get("/b/nobody-here-yet/join.svg").status_code == 404


def test_the_join_qr_code_may_be_shown_as_an_image_under_the_sites_policy(client):
    board, _ = new_hosted_board(client)
    policy = client.get(f"/b/{board}/")["Content-Security-Policy"]
    assert "img-src 'self'" in policy
