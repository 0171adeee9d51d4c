"""HTTPS as deployed: nginx through deploy/nginx-https.conf terminates TLS before two Daphne processes
on Redis and PostgreSQL, which take the browser's address from nginx (SKETCHSITE_PROXY_HEADERS=on)."""

import asyncio
import http.client
import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from deploy.nginx import HTTPS_SITE, SITE
from sketchsite.daphne_command import daphne_arguments
from tests.conftest import REDIS_URL
from tests.https import HOST, behind_https
from tests.relayed import connect
from tests.servers import ServeCommand
from tests.test_scale_out import collect, draw_stroke

DEPLOY_DOC = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"
# Loopback addresses other than nginx's own 127.0.0.1: two browsers on one network, as nginx sees them.
FIRST_BROWSER = "127.0.0.2"
SECOND_BROWSER = "127.0.0.3"
WRONG_CODES = 3


@pytest.fixture
def https_site(server_env, redis_prefix, postgres_url, tmp_path):
    """nginx with TLS before two processes that trust its X-Forwarded-For."""
    extra = {"SKETCHSITE_MAX_WRONG_CODES_PER_MINUTE": str(WRONG_CODES)}
    with behind_https(server_env, redis_prefix, postgres_url, tmp_path, extra=extra) as site:
        yield site


def request(nginx, path, address=FIRST_BROWSER, tls=True, headers=None):
    """One request to nginx from `address`: the response, its body read."""
    if tls:
        connection = http.client.HTTPSConnection(
            nginx.host, nginx.tls_port, timeout=5, source_address=(address, 0), context=nginx.tls_context()
        )
    else:
        connection = http.client.HTTPConnection(
            nginx.host, nginx.port, timeout=5, source_address=(address, 0)
        )
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()


def daphne_log(servers):
    return "".join(server.log_path.read_text() for server in servers)


def tls_part(site):
    """The part of nginx-https.conf that differs from nginx.conf: its two servers' openings."""
    start = site.index("# Plain HTTP only sends")
    end = site.index("\n", site.index("# HSTS comes from Django")) + 1
    return site[start:end]


def test_deploy_doc_shows_the_tls_part_of_the_configuration_the_tests_serve_through():
    assert f"```nginx\n{tls_part(HTTPS_SITE.read_text())}    ...\n}}\n```" in DEPLOY_DOC.read_text()


def test_https_site_file_serves_the_same_site_as_the_plain_one():
    """Past its TLS lines and comments, nginx-https.conf is nginx.conf: the two cannot drift apart."""

    def directives(path, skip=()):
        lines = [line.strip() for line in path.read_text().splitlines()]
        return [line for line in lines if line and not line.startswith("#") and line not in skip]

    tls = {
        "listen 443 ssl;",
        "return 301 https://$host$request_uri;",
        "ssl_certificate /etc/letsencrypt/live/draw.example.org/fullchain.pem;",
        "ssl_certificate_key /etc/letsencrypt/live/draw.example.org/privkey.pem;",
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "ssl_session_cache shared:sketchsite_tls:10m;",
        "ssl_session_timeout 1d;",
    }
    https = directives(HTTPS_SITE, skip=tls)
    # The plain server on port 80 that only redirects, then the opening of the TLS one.
    redirect = https.index("listen 80;")
    assert https[redirect : redirect + 4] == ["listen 80;", "server_name draw.example.org;", "}", "server {"]
    plain = [line for line in directives(SITE) if line != "listen 80;"]
    assert https[:redirect] + https[redirect + 4 :] == plain


def test_daphne_trusts_proxy_headers_only_when_told():
    assert "--proxy-headers" not in daphne_arguments(HOST, 8001, environ={})
    assert "--proxy-headers" not in daphne_arguments(HOST, 8001, environ={"SKETCHSITE_PROXY_HEADERS": "off"})
    assert "--proxy-headers" in daphne_arguments(HOST, 8001, environ={"SKETCHSITE_PROXY_HEADERS": "on"})
    with pytest.raises(ImproperlyConfigured, match="SKETCHSITE_PROXY_HEADERS must be one of off, on"):
        daphne_arguments(HOST, 8001, environ={"SKETCHSITE_PROXY_HEADERS": "yes please"})


def test_pages_over_https_carry_hsts_and_secure_cookies(https_site):
    nginx, servers = https_site
    response = request(nginx, "/b/over-https/")
    assert response.status == 200, response.body[:300]
    # Django sends HSTS only on a request it takes for secure: nginx's X-Forwarded-Proto said so.
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookies = response.headers.get_all("Set-Cookie")
    (csrf,) = [cookie for cookie in cookies if cookie.startswith("csrftoken=")]
    assert "; Secure" in csrf, csrf


def test_plain_http_is_sent_to_https_by_nginx(https_site):
    nginx, servers = https_site
    response = request(nginx, "/b/over-https/?x=1", tls=False)
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}:{nginx.tls_port}/b/over-https/?x=1"
    # nginx answered it alone: no process saw the plain request.
    assert "/b/over-https/?x=1" not in daphne_log(servers)


async def open_wss(nginx, board, address):
    """A board socket over wss:// from `address`, past its welcome and snapshot."""
    socket = await connect(
        f"{nginx.wss_url}/ws/boards/{board}/",
        origin=nginx.https_url,
        ssl=nginx.tls_context(),
        local_addr=(address, 0),
    )
    welcome = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
    assert welcome["type"] == "welcome"
    assert json.loads(await asyncio.wait_for(socket.recv(), timeout=5))["type"] == "snapshot"
    return socket, welcome


async def test_strokes_over_wss_reach_a_socket_on_the_other_process(https_site):
    nginx, servers = https_site
    alice, alice_welcome = await open_wss(nginx, "wss-board", FIRST_BROWSER)
    bob, _ = await open_wss(nginx, "wss-board", SECOND_BROWSER)
    await draw_stroke(alice, "over-tls")
    messages = await collect(bob, 3)
    assert [m["type"] for m in messages] == ["stroke.begin", "stroke.points", "event"]
    assert {m["author"] for m in messages} == {alice_welcome["you"]}
    await alice.close()
    await bob.close()
    # Each process logs the socket under the browser's address, not nginx's.
    log = daphne_log(servers)
    for address in (FIRST_BROWSER, SECOND_BROWSER):
        assert re.search(
            rf'^{re.escape(address)}:\d+ .*"WSCONNECT /ws/boards/wss-board/"', log, re.MULTILINE
        ), log


def test_wrong_codes_are_counted_per_browser_address_behind_nginx(https_site):
    nginx, servers = https_site
    for _ in range(WRONG_CODES):
        assert request(nginx, "/j/NOSUCH/", FIRST_BROWSER).status == 404
    assert request(nginx, "/j/NOSUCH/", FIRST_BROWSER).status == 429
    # A browser naming another address itself is still counted under its own: nginx replaces
    # the header it sent.
    spoofed = request(nginx, "/j/NOSUCH/", FIRST_BROWSER, headers={"X-Forwarded-For": "203.0.113.9"})
    assert spoofed.status == 429
    # Another browser behind the same nginx is not held up by the first one's guesses.
    assert request(nginx, "/j/NOSUCH/", SECOND_BROWSER).status == 404
    log = daphne_log(servers)
    assert re.search(rf'^{re.escape(FIRST_BROWSER)}:\d+ .*"GET /j/NOSUCH/" 429', log, re.MULTILINE), log
    assert re.search(rf'^{re.escape(SECOND_BROWSER)}:\d+ .*"GET /j/NOSUCH/" 404', log, re.MULTILINE), log
    assert not re.search(r'^127\.0\.0\.1:\d+ .*"GET /j/', log, re.MULTILINE), log
    assert "203.0.113.9" not in log


def test_without_proxy_headers_every_browser_counts_as_nginx(
    server_env, redis_prefix, postgres_url, tmp_path
):
    """The default: Daphne sees nginx's address, so one guesser holds up every browser behind it."""
    extra = {"SKETCHSITE_MAX_WRONG_CODES_PER_MINUTE": str(WRONG_CODES)}
    with behind_https(
        server_env, redis_prefix, postgres_url, tmp_path, processes=1, proxy_headers=False, extra=extra
    ) as (nginx, servers):
        for _ in range(WRONG_CODES):
            assert request(nginx, "/j/NOSUCH/", FIRST_BROWSER).status == 404
        assert request(nginx, "/j/NOSUCH/", SECOND_BROWSER).status == 429
        log = daphne_log(servers)
    assert re.search(r'^127\.0\.0\.1:\d+ .*"GET /j/NOSUCH/" 429', log, re.MULTILINE), log
    assert FIRST_BROWSER not in log and SECOND_BROWSER not in log


def test_serve_with_workers_starts_daphne_with_proxy_headers_when_told(server_env, redis_prefix, tmp_path):
    """`manage.py serve` (bin/serve, the systemd unit) passes SKETCHSITE_PROXY_HEADERS=on to its workers."""
    env = {
        **server_env,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": redis_prefix,
        "SKETCHSITE_PROXY_HEADERS": "on",
    }
    serve = ServeCommand(env, 2, tmp_path / "serve.log").start()
    try:
        # As nginx would send it, straight to the port the workers share.
        connection = http.client.HTTPConnection(HOST, serve.port, timeout=5)
        connection.request("GET", "/j/NOSUCH/", headers={"X-Forwarded-For": "198.51.100.7"})
        assert connection.getresponse().status == 404
        connection.close()
    finally:
        code = serve.stop()
    assert code == 0
    log = serve.log_path.read_text()
    assert re.search(r'^198\.51\.100\.7:\d+ .*"GET /j/NOSUCH/" 404', log, re.MULTILINE), log
