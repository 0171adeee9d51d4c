"""The roster a join keeps, and the host's `export.zip`: one PNG and one SVG per student's page,
named by student, each byte for byte that student's own export."""

import io
import zipfile
from urllib.parse import unquote

import pytest
from django.test import RequestFactory

from draw import roster, store, views
from draw.audience import Audience
from draw.models import Board, RosterEntry
from draw.participants import HOST, STUDENT, Participant, host_participant_id, identity_from_token
from draw.roster import Student
from draw.zipexport import entry_stems, safe_file_name
from tests import site

pytestmark = pytest.mark.django_db

BOARD = "lesson"


@pytest.fixture(autouse=True)
def any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]


def hosted_board(name=BOARD, **class_settings):
    """A board with a host and these class settings: its host key."""
    key = store.default_store().create(name, hosted=True)
    if class_settings:
        store.default_store().set_class(name, class_settings)
    return key


def join(client, name=None, board=BOARD):
    """Join the board with its code (and `name`, unless it is anonymous): the student's token."""
    code = store.board_state(board).join_code
    response = client.post(f"/j/{code}", {"name": name or ""})
    assert response.status_code == 302, response.content
    prefix = f"/b/{board}/#t="
    assert response["Location"].startswith(prefix)
    return unquote(response["Location"].removeprefix(prefix))


def id_of(token):
    return identity_from_token(token)[0]


def draw(author, stroke, points=(100, 100, 300, 200), board=BOARD, role=STUDENT):
    request = {
        "stroke": stroke,
        "item": {"kind": "marker", "color": "#e03131", "width": 8},
        "points": list(points),
    }
    return store.commit(board, "stroke", Participant(author, role), f"c-{stroke}", request)


def draw_as_host(stroke, board=BOARD):
    host = host_participant_id(store.board_state(board).host_key_hash)
    return draw(host, stroke, (800, 450, 900, 500), board=board, role=HOST)


def bearer(credential):
    return {"Authorization": f"Bearer {credential}"}


def pages_zip(client, key, board=BOARD, **headers):
    response = client.get(f"/b/{board}/export.zip", headers={**bearer(key), **headers})
    assert response.status_code == 200, response.content
    return response, zipfile.ZipFile(io.BytesIO(response.content))


def own_export(client, token, format):
    response = client.get(f"/b/{BOARD}/export.{format}", headers=bearer(token))
    assert response.status_code == 200
    return response.content


# --- the roster ------------------------------------------------------------------------


def test_a_join_by_name_is_kept_in_the_roster_in_join_order(client):
    hosted_board()
    tokens = [join(client, name) for name in ("Ada", "Grace", "Alan")]
    assert roster.students(BOARD, anonymous=False, limit=500) == [
        Student(id_of(token), name, number)
        for number, (token, name) in enumerate(zip(tokens, ("Ada", "Grace", "Alan"), strict=True), 1)
    ]


def test_a_join_to_an_anonymous_board_is_kept_without_a_name_and_numbered(client):
    hosted_board(anonymous=True)
    tokens = [join(client, "Ada"), join(client)]
    students = roster.students(BOARD, anonymous=True, limit=500)
    assert [(s.participant, s.name, s.label) for s in students] == [
        (id_of(tokens[0]), None, "Student 1"),
        (id_of(tokens[1]), None, "Student 2"),
    ]
    assert list(RosterEntry.objects.values_list("name", flat=True)) == [None, None]


def test_a_board_made_anonymous_after_the_joins_lists_no_names():
    hosted_board()
    row = Board.objects.get(name=BOARD)
    roster.record_join(row, "ada1", "Ada", limit=500)
    assert [s.label for s in roster.students(BOARD, anonymous=True, limit=500)] == ["Student 1"]


def test_a_second_join_of_one_participant_keeps_one_entry_in_its_place_with_the_newer_name():
    hosted_board()
    row = Board.objects.get(name=BOARD)
    for participant, name in (("ada1", "Ada"), ("grace1", "Grace"), ("ada1", "Ada L")):
        assert roster.record_join(row, participant, name, limit=500)
    assert [(s.participant, s.name) for s in roster.students(BOARD, False, 500)] == [
        ("ada1", "Ada L"),
        ("grace1", "Grace"),
    ]


def test_a_full_roster_keeps_its_first_students_and_still_lets_the_next_join(client, settings):
    settings.SKETCHSITE = {**settings.SKETCHSITE, "MAX_ROSTER": 2}
    hosted_board()
    tokens = [join(client, name) for name in ("Ada", "Grace", "Alan")]
    assert identity_from_token(tokens[2])[1] == "Alan"
    assert [s.name for s in roster.students(BOARD, False, 500)] == ["Ada", "Grace"]


def test_pages_are_the_rosters_then_other_authors_of_ink_numbered_after_them_without_the_removed():
    students = [Student("ada1", "Ada", 1), Student("bob1", None, 2), Student("cy1", "Cy", 3)]
    authors = ["host-0123456789ab", "zed1", "ada1", "zed1", "yan1", "cy1"]
    pages = roster.pages(students, authors, removed=frozenset({"bob1", "yan1"}), limit=10)
    assert [(p.participant, p.label) for p in pages] == [
        ("ada1", "Ada"),
        ("cy1", "Cy"),
        ("zed1", "Student 4"),
    ]
    assert len(roster.pages(students, authors, frozenset(), limit=2)) == 2


# --- file names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "safe"),
    [
        ("Ada", "Ada"),
        ("Zoë Ñúñez", "Zoë Ñúñez"),
        ("Юлия", "Юлия"),
        ("李小龙", "李小龙"),
        ("محمد", "محمد"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("tab\there\x00", "tab_here_"),
        ("..", "_"),
        (" .hidden. ", "hidden"),
    ],
)
def test_a_label_becomes_a_file_name_safe_on_every_system(label, safe):
    assert safe_file_name(label) == safe


def test_entries_are_numbered_in_order_and_a_repeated_name_is_suffixed():
    assert entry_stems(["Ada", "Grace", "ada", "Ada", "a/b"]) == [
        "01 Ada",
        "02 Grace",
        "03 ada (2)",
        "04 Ada (3)",
        "05 a_b",
    ]


def test_entry_numbers_are_as_wide_as_the_last_one():
    stems = entry_stems([f"Student {n}" for n in range(1, 101)])
    assert stems[0] == "001 Student 1" and stems[-1] == "100 Student 100"
    assert stems == sorted(stems)


# --- export.zip --------------------------------------------------------------------------


def test_export_zip_holds_each_students_own_png_and_svg_named_by_student(client):
    key = hosted_board(lanes=True)
    tokens = {name: join(client, name) for name in ("Ada", "Grace", "Zoë")}
    draw_as_host("question")
    for index, token in enumerate(tokens.values()):
        draw(id_of(token), f"answer{index}", (100 + 200 * index, 100, 150 + 200 * index, 300))

    response, archive = pages_zip(client, key)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{BOARD}-pages.zip"'
    assert archive.namelist() == [
        f"{number:02d} {name}.{format}"
        for number, name in enumerate(("Ada", "Grace", "Zoë"), 1)
        for format in ("png", "svg", "pdf")
    ]
    for number, (name, token) in enumerate(tokens.items(), 1):
        for format in ("png", "svg", "pdf"):
            assert archive.read(f"{number:02d} {name}.{format}") == own_export(client, token, format)
    # Each page is that student's alone: no two answers alike.
    assert len({archive.read(entry) for entry in archive.namelist()}) == 9
    compression = {info.filename[-3:]: info.compress_type for info in archive.infolist()}
    assert compression == {"png": zipfile.ZIP_STORED, "svg": zipfile.ZIP_DEFLATED, "pdf": zipfile.ZIP_STORED}


def test_export_zip_of_an_anonymous_board_numbers_the_students_in_join_order(client):
    key = hosted_board(lanes=True, anonymous=True)
    tokens = [join(client) for _ in range(3)]
    for index, token in enumerate(tokens):
        draw(id_of(token), f"answer{index}", (100 + 200 * index, 100, 150 + 200 * index, 300))

    _, archive = pages_zip(client, key)
    assert archive.namelist() == [
        f"0{n} Student {n}.{format}" for n in (1, 2, 3) for format in ("png", "svg", "pdf")
    ]
    for number, token in enumerate(tokens, 1):
        for format in ("png", "svg", "pdf"):
            assert archive.read(f"0{number} Student {number}.{format}") == own_export(client, token, format)


def test_with_lanes_off_every_students_page_is_the_whole_board(client):
    key = hosted_board()
    tokens = [join(client, "Ada"), join(client, "Grace")]
    draw(id_of(tokens[0]), "answer0")
    _, archive = pages_zip(client, key)
    whole = client.get(f"/b/{BOARD}/export.png", headers=bearer(key)).content
    assert [archive.read(name) for name in ("01 Ada.png", "02 Grace.png")] == [whole, whole]


def test_export_zip_is_the_hosts_alone(client):
    hosted_board(lanes=True)
    token = join(client, "Ada")
    for headers in ({}, bearer(token), bearer("not-the-host-key"), {"Authorization": "Basic abc"}):
        response = client.get(f"/b/{BOARD}/export.zip", headers=headers)
        assert response.status_code == 403
        assert b"Only the board's host may download every page" in response.content


def test_export_zip_of_a_board_without_a_host_is_refused_and_of_no_board_not_found(client):
    store.default_store().create("open-canvas", hosted=False)
    response = client.get("/b/open-canvas/export.zip", headers=bearer("anything"))
    assert response.status_code == 403 and b"has no host" in response.content
    assert client.get("/b/nobody-here/export.zip", headers=bearer("anything")).status_code == 404


def test_a_removed_student_is_left_out_and_ink_without_a_join_gets_a_numbered_page(client):
    key = hosted_board(lanes=True)
    ada, grace = join(client, "Ada"), join(client, "Grace")
    draw(id_of(grace), "graces")
    # The board page opened without the join form: a participant the roster never saw.
    draw("strangerx1", "strangers")
    store.default_store().remove_participant(BOARD, id_of(grace), max_removed=10)

    _, archive = pages_zip(client, key)
    assert archive.namelist() == [
        f"{stem}.{format}" for stem in ("01 Ada", "02 Student 3") for format in ("png", "svg", "pdf")
    ]
    assert archive.read("01 Ada.png") == own_export(client, ada, "png")
    stranger = store.board_state(BOARD).seen_by(Audience(STUDENT, "strangerx1"))
    assert archive.read("02 Student 3.svg") == site.current.exporter.export(stranger, "svg")


def test_export_zip_of_a_board_nobody_joined_has_no_entries(client):
    key = hosted_board(lanes=True)
    draw_as_host("question")
    _, archive = pages_zip(client, key)
    assert archive.namelist() == []


def test_export_zip_is_revalidated_by_its_etag_until_the_board_or_its_students_change(client):
    key = hosted_board(lanes=True)
    ada = join(client, "Ada")
    response, _ = pages_zip(client, key)
    etag = response["ETag"]
    assert response["Cache-Control"] == "no-cache" and "Authorization" in response["Vary"]
    again = client.get(f"/b/{BOARD}/export.zip", headers={**bearer(key), "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""

    changes = [
        lambda: draw(id_of(ada), "answer"),
        lambda: join(client, "Grace"),
        lambda: store.default_store().remove_participant(BOARD, id_of(ada), max_removed=10),
        lambda: store.default_store().set_class(BOARD, {"lanes": False}),
    ]
    for change in changes:
        change()
        response, _ = pages_zip(client, key, **{"If-None-Match": etag})
        assert response["ETag"] != etag
        etag = response["ETag"]


def test_export_zip_answers_429_while_every_render_slot_is_taken(client):
    key = hosted_board(lanes=True)
    draw(id_of(join(client, "Ada")), "answer")
    exporter = site.current.exporter
    for _ in range(exporter.max_renders):
        exporter.render_slots.acquire()
    try:
        response = client.get(f"/b/{BOARD}/export.zip", headers=bearer(key))
    finally:
        for _ in range(exporter.max_renders):
            exporter.render_slots.release()
    assert response.status_code == 429 and response["Retry-After"] == "1"
    assert pages_zip(client, key)[0].status_code == 200


def test_the_page_config_carries_the_zip_address(client):
    hosted_board()
    config = views.client_config(RequestFactory().get(f"/b/{BOARD}/"), BOARD, "board")
    assert config["exportUrls"]["zip"] == f"/b/{BOARD}/export.zip"


def test_the_grid_reads_the_pages_of_export_zip_with_the_host_key_alone(client):
    key = hosted_board(lanes=True, anonymous=True)
    tokens = [join(client) for _ in range(2)]
    draw(id_of(tokens[1]), "answer")
    response = client.get(f"/b/{BOARD}/pages", headers=bearer(key))
    assert response.status_code == 200
    assert response.json() == {
        "pages": [{"id": id_of(token), "name": None, "number": n} for n, token in enumerate(tokens, 1)]
    }
    for headers in ({}, bearer(tokens[0])):
        assert client.get(f"/b/{BOARD}/pages", headers=headers).status_code == 403
    assert client.get("/b/nowhere/pages", headers=bearer(key)).status_code == 404
    # The grid's page is there for a hosted board only; its script asks for the host key.
    assert client.get(f"/b/{BOARD}/grid").status_code == 200
    assert client.get("/b/nowhere/grid").status_code == 404
