"""Host links printed by `manage.py serve` and `manage.py hostlink`: they open the board as its host."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from draw import addresses, hostkeys, store
from draw.management.commands import serve

pytestmark = pytest.mark.django_db

LAN = "192.168.1.20"
HOST_LINK = re.compile(r"Teacher \(host\) link: (https?://\S+/b/([a-z0-9-]+)/#host=(\w+))$", re.M)
JOIN_LINE = re.compile(r"Students join at (https?://\S+/j/([A-Z2-9]{6})) \(code ([A-Z2-9]{6})\)$", re.M)


@pytest.fixture(autouse=True)
def on_a_classroom_network(monkeypatch, settings):
    monkeypatch.setattr(addresses, "lan_addresses", lambda: [LAN])
    settings.SKETCHSITE = {**settings.SKETCHSITE, "PUBLIC_URL": ""}


@pytest.fixture
def daphne_runs(monkeypatch):
    """`manage.py serve` prints its addresses and returns instead of serving; the Daphne arguments it gave."""
    runs = []

    class CommandLine:
        def run(self, arguments):
            runs.append(arguments)

    monkeypatch.setattr(serve, "CommandLineInterface", CommandLine)
    return runs


def run(*arguments):
    out = io.StringIO()
    call_command(*arguments, stdout=out)
    return out.getvalue()


def host_link(output):
    match = HOST_LINK.search(output)
    assert match, output
    return match.groups()


def host_key_opens(board, key):
    return hostkeys.is_host_key(key, store.board_state(board).host_key_hash)


def test_serve_prints_a_host_link_of_the_classic_board_that_opens_it_as_its_host(daphne_runs):
    output = run("serve", "--port", "8123")
    link, board, key = host_link(output)
    assert link == f"http://{LAN}:8123/b/draw/#host={key}"
    assert board == "draw" and host_key_opens("draw", key)
    join_url, code, said = JOIN_LINE.search(output).groups()
    assert join_url == f"http://{LAN}:8123/j/{code}" and said == code
    assert store.board_state("draw").join_code == code
    assert len(daphne_runs) == 1


def test_serve_prints_the_same_host_link_every_time(daphne_runs):
    first = run("serve", "--port", "8123")
    second = run("serve", "--port", "8123")
    assert host_link(first) == host_link(second)
    assert JOIN_LINE.search(first).groups() == JOIN_LINE.search(second).groups()


def test_serve_on_this_computer_only_prints_a_localhost_host_link(daphne_runs):
    output = run("serve", "--host", "127.0.0.1", "--port", "8123")
    assert host_link(output)[0].startswith("http://localhost:8123/b/draw/#host=")


def test_serve_prints_links_at_the_public_url_when_one_is_set(daphne_runs, settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "PUBLIC_URL": "https://draw.school.example"}
    output = run("serve")
    assert host_link(output)[0].startswith("https://draw.school.example/b/draw/#host=")


def test_hostlink_prints_the_host_link_serve_prints(daphne_runs):
    served = host_link(run("serve", "--port", "8000"))
    assert host_link(run("hostlink", "draw")) == served


def test_hostlink_gives_a_board_without_a_host_one():
    store.default_store().create("art-class", hosted=False)
    assert not store.board_state("art-class").classroom.hosted
    _, board, key = host_link(run("hostlink", "art-class"))
    assert board == "art-class" and host_key_opens("art-class", key)


def test_hostlink_reset_makes_every_earlier_host_link_a_students():
    _, _, old = host_link(run("hostlink", "art-class"))
    output = run("hostlink", "art-class", "--reset")
    _, _, new = host_link(output)
    assert new != old
    assert host_key_opens("art-class", new) and not host_key_opens("art-class", old)
    assert "Earlier host links of this board now open it as a student." in output
    # Without --reset the link stays the new one.
    assert host_link(run("hostlink", "art-class"))[2] == new


def test_hostlink_refuses_what_is_not_a_board_name():
    with pytest.raises(CommandError, match="not a board name"):
        run("hostlink", "Art Class")
