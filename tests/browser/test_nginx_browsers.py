"""Two browsers through nginx (deploy/nginx.conf), each on its own Daphne process, draw together."""

import re
import subprocess
import sys

import pytest

from tests.browser.conftest import wait_until
from tests.browser.test_live_canvas import BLUE, LAPTOP, RED, drag, near, pick, wait_for_colour
from tests.conftest import REDIS_URL
from tests.servers import PROJECT, behind_nginx, open_sockets

pytestmark = pytest.mark.browser


@pytest.fixture
def scaled_out(server_env, redis_prefix, postgres_url, tmp_path):
    """nginx serving the collected static files, before two processes on Redis and PostgreSQL."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=PROJECT, check=True
    )
    env = {
        **server_env,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": redis_prefix,
        "DATABASE_URL": postgres_url,
        "SKETCHSITE_METRICS": "on",
    }
    with behind_nginx(env, tmp_path) as (nginx, servers):
        yield nginx, servers


def sockets_per_process(servers):
    return [open_sockets(server) for server in servers]


def draw_line(page, y):
    drag(page, [(200, y), (1400, y)])
    page.mouse.up()


def test_two_browsers_through_nginx_on_different_processes_see_each_others_strokes(scaled_out, open_page):
    nginx, servers = scaled_out
    board = f"{nginx.http_url}/b/behind-nginx/"
    teacher = open_page(board, "teacher", **LAPTOP)
    assert wait_until(lambda: sorted(sockets_per_process(servers)) == [0, 1]), sockets_per_process(servers)
    student = open_page(board, "student", **LAPTOP)
    # Each process holds one of the two pages' sockets: nginx gave the second to the other one.
    assert wait_until(lambda: sockets_per_process(servers) == [1, 1]), sockets_per_process(servers)

    pick(teacher, "Red")
    draw_line(teacher, 300)
    pick(student, "Blue")
    draw_line(student, 600)
    for board_x in (300, 800, 1300):
        assert near(wait_for_colour(student, board_x, 300, RED), RED), board_x
        assert near(wait_for_colour(teacher, board_x, 600, BLUE), BLUE), board_x
    # The pages' scripts came from nginx's own static files, not from a process.
    log = nginx.access_log.read_text()
    assert re.search(r'"GET /static/bundle/\S+ HTTP/1.1" (200|304) upstream=-$', log, re.MULTILINE), log
