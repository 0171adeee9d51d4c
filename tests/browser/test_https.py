"""Two browsers on https:// and wss:// through nginx's TLS (deploy/nginx-https.conf) draw together,
and every cookie the site sets them is kept to HTTPS."""

import os
import re
import subprocess
import sys

import pytest

from tests.browser.test_live_canvas import BLUE, LAPTOP, RED, drag, near, pick, wait_for_colour
from tests.https import behind_https
from tests.servers import PROJECT

pytestmark = pytest.mark.browser

# The test's certificate is its own, signed by nobody the browser knows.
HTTPS_PAGE = {**LAPTOP, "ignore_https_errors": True}
ADMIN_PASSWORD = "a-password-for-the-https-test"


@pytest.fixture
def https_site(server_env, redis_prefix, postgres_url, tmp_path):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=PROJECT, check=True
    )
    with behind_https(server_env, redis_prefix, postgres_url, tmp_path) as site:
        yield site


def draw_line(page, y):
    drag(page, [(200, y), (1400, y)])
    page.mouse.up()


def record_sockets(urls):
    return lambda page: page.on("websocket", lambda socket: urls.append(socket.url))


def secure_cookies(page):
    return {cookie["name"]: cookie["secure"] for cookie in page.context.cookies()}


def test_two_browsers_over_https_and_wss_see_each_others_strokes(https_site, open_page):
    nginx, servers = https_site
    board = f"{nginx.https_url}/b/over-tls/"
    sockets = []
    teacher = open_page(board, "teacher", before_load=record_sockets(sockets), **HTTPS_PAGE)
    student = open_page(board, "student", before_load=record_sockets(sockets), **HTTPS_PAGE)
    assert [url.split("?")[0] for url in sockets] == [f"{nginx.wss_url}/ws/boards/over-tls/"] * 2

    pick(teacher, "Red")
    draw_line(teacher, 300)
    pick(student, "Blue")
    draw_line(student, 600)
    for board_x in (300, 800, 1300):
        assert near(wait_for_colour(student, board_x, 300, RED), RED), board_x
        assert near(wait_for_colour(teacher, board_x, 600, BLUE), BLUE), board_x
    # The page's CSRF cookie (its language switch) is sent over HTTPS only.
    assert secure_cookies(teacher)["csrftoken"] is True


def test_the_language_switch_and_the_admin_sign_in_work_over_https_with_secure_cookies(https_site, open_page):
    nginx, servers = https_site
    page = open_page(f"{nginx.https_url}/b/over-tls/", "switch", **HTTPS_PAGE)
    # A form posted over HTTPS passes Django's CSRF origin check (CSRF_TRUSTED_ORIGINS).
    page.locator("[data-role=language]").first.select_option("de")
    page.locator("[data-role=set-language]").first.click()
    page.wait_for_url(re.compile(r".*/b/over-tls/$"))
    page.locator("[data-role=status][data-state=online]").wait_for(timeout=10_000)
    assert page.evaluate("() => document.documentElement.lang") == "de"
    assert secure_cookies(page)["django_language"] is True

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sketchsite.settings", **servers[0].env}
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "teacher"]
        + ["--email", "teacher@example.org"],
        cwd=PROJECT,
        env={**env, "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD},
        check=True,
        capture_output=True,
    )
    admin = open_page(f"{nginx.https_url}/admin/login/", "admin", wait_online=False, **HTTPS_PAGE)
    admin.locator("#id_username").fill("teacher")
    admin.locator("#id_password").fill(ADMIN_PASSWORD)
    admin.locator("input[type=submit]").click()
    admin.wait_for_url(re.compile(r".*/admin/$"))
    cookies = secure_cookies(admin)
    assert cookies["sessionid"] is True and cookies["csrftoken"] is True, cookies
