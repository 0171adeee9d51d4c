"""A benchmark board run as a class: a host with the board's host key, students with named tokens.

The host key and the tokens are made as the site makes them (draw.store's host_key, the one
`manage.py hostlink` prints; draw.participants.token_for) in a child Python process set up
with Django against the run's data folder and SECRET_KEY (bench/servers.py DataDir), so the
servers accept them and the benchmark's own process never loads Django.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.servers import PROJECT_ROOT

HOST_NAME = "Teacher"
SETUP_TIMEOUT = 120
HOST_ROLE = "host"
STUDENT_ROLE = "student"
VIEWER_ROLE = "viewer"


def student_name(drawer):
    return f"Student {drawer + 1}"


@dataclass(frozen=True)
class Seat:
    """How one client joins a class, and what its welcome must say back."""

    query: str
    role: str
    name: str


def seats(board, clients, drawers, data_dir, lanes=False, paper=False):
    """A Seat per client: drawers are named students, the last client is the host, the rest watch.

    The board is given its host before anyone joins, as a teacher's board is; with `lanes`, it
    is in own page each from the start, and those who watch are projectors (`view=1`); with
    `paper`, a lesson of three pages of squared paper, on its second page.
    """
    names = [student_name(index) if index < drawers else None for index in range(clients - 1)]
    names.append(HOST_NAME)
    made = _make(board, names, data_dir, lanes, paper)
    result = []
    for index, (name, token) in enumerate(zip(names, made["tokens"], strict=True)):
        if index == clients - 1:
            query = urlencode({"token": token, "host": made["host_key"]})
            result.append(Seat("?" + query, HOST_ROLE, name))
        elif lanes and index >= drawers:
            result.append(Seat("?" + urlencode({"token": token, "view": "1"}), VIEWER_ROLE, None))
        else:
            result.append(Seat("?" + urlencode({"token": token}), STUDENT_ROLE, name))
    return result


def misfits(seat_list, welcomes):
    """Clients whose welcome does not give the role and name their seat asked for, described."""
    wrong = []
    for index, seat in enumerate(seat_list):
        welcome = welcomes[index]
        if (welcome.get("role"), welcome.get("name")) != (seat.role, seat.name):
            wrong.append(
                f"client {index} joined as {welcome.get('role')!r} named {welcome.get('name')!r}, "
                f"not {seat.role!r} named {seat.name!r}"
            )
    return wrong


def _flags(lanes, paper):
    return [name for name, on in (("lanes", lanes), ("paper", paper)) if on]


def _make(board, names, data_dir, lanes=False, paper=False):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sketchsite.settings", **data_dir.environment()}
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [sys.executable, "-m", "bench.classes", board, json.dumps(names), ",".join(_flags(lanes, paper))],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        timeout=SETUP_TIMEOUT,
    )
    return json.loads(completed.stdout)


def _main(board, names, flags):
    """In the child: host the board (in lanes, on squared paper in a lesson of three pages, if
    asked), and a token for each name (None: a token without a name)."""
    import django

    django.setup()
    from draw.pages import Page
    from draw.participants import new_participant_id, token_for
    from draw.store import default_store

    host_key = default_store().host_key(board)
    if "lanes" in flags:
        default_store().set_class(board, {"lanes": True})
    if "paper" in flags:
        pages = tuple(Page(page, "squared") for page in ("1", "2", "3"))
        default_store().set_class(board, {"pages": pages, "page": "2"})
    tokens = [token_for(new_participant_id(), name) for name in names]
    print(json.dumps({"host_key": host_key, "tokens": tokens}))


if __name__ == "__main__":
    _main(sys.argv[1], json.loads(sys.argv[2]), set(sys.argv[3].split(",")))
