"""The pages of a lesson: the bookkeeping of the pages themselves, and each page's own ink,
clear and undo in the history. Pure."""

import pytest

from draw import logrows, protocol
from draw.classroom import ClassSettings
from draw.history import BoardHistory
from draw.pages import FIRST_PAGE, Page
from draw.protocol import ProtocolError
from tests import test_history as history_tests

MARKER = {"kind": "marker", "color": "#000000", "width": 4}
DIGEST = "ab" * 32


class Log(history_tests.Log):
    """tests/test_history.py's log, its strokes drawn on a page of the lesson."""

    def stroke(self, author, stroke_id, page=None):
        item = {**MARKER, "page": page} if page else MARKER
        return self.commit("stroke", author, stroke=stroke_id, item=item, points=[1, 1, 2, 2])

    def visible(self):
        return sorted(super().visible())


def lesson(*ids):
    return ClassSettings(hosted=True).changed({"pages": tuple(Page(id) for id in ids)})


# --- the pages themselves ------------------------------------------------------------------


def test_a_board_has_one_page_until_the_host_adds_some():
    settings = ClassSettings()
    assert [page.id for page in settings.pages] == [FIRST_PAGE] and settings.page == FIRST_PAGE


def test_adding_pages_keeps_the_class_on_its_page_and_turning_moves_it():
    settings = lesson("1", "2", "3")
    assert settings.page == "1"
    turned = settings.changed({"page": "3"})
    assert turned.page == "3" and [page.id for page in turned.pages] == ["1", "2", "3"]


def test_reordering_keeps_the_current_page_and_removing_it_goes_to_the_first_left():
    settings = lesson("1", "2", "3").changed({"page": "2"})
    reordered = settings.changed({"pages": (Page("3"), Page("2"), Page("1"))})
    assert reordered.page == "2" and [page.id for page in reordered.pages] == ["3", "2", "1"]
    removed = reordered.changed({"pages": (Page("3"), Page("1"))})
    assert removed.page == "3"


def test_the_paper_and_the_picture_are_the_current_pages_own():
    settings = lesson("1", "2").changed({"background": "squared"})
    settings = settings.changed({"page": "2"}).changed({"picture": DIGEST, "background": "lined"})
    assert (settings.background, settings.picture) == ("lined", DIGEST)
    back = settings.changed({"page": "1"})
    assert (back.background, back.picture) == ("squared", None)
    assert [(page.background, page.picture) for page in back.pages] == [("squared", None), ("lined", DIGEST)]


def test_pages_travel_between_processes_and_rows_as_they_are():
    settings = lesson("1", "2").changed({"page": "2", "background": "dotted"})
    assert ClassSettings.from_wire(settings.to_wire(), settings.version) == settings
    row = {
        "host_key_hash": "x",
        "pages": [page.to_wire() for page in settings.pages],
        "page": "2",
        "class_version": settings.version,
        "background": "dotted",
        "picture": "",
    }
    row.update({name: getattr(settings, name) for name in ("pens_down", "anonymous", "names_visible")})
    row.update({name: getattr(settings, name) for name in ("student_laser", "badge", "lanes", "reveal")})
    row.update(spotlight="", spotlight_name=True, dark=False)
    assert ClassSettings.from_row(row) == settings


def test_a_board_stored_before_pages_has_one_page_of_its_paper_and_picture():
    row = {"host_key_hash": "", "class_version": 3, "background": "lined", "picture": DIGEST, "spotlight": ""}
    settings = ClassSettings.from_row(row)
    assert settings.pages == (Page(FIRST_PAGE, "lined", DIGEST),) and settings.picture == DIGEST


@pytest.mark.parametrize(
    "pages",
    [
        [],
        "1",
        [{"id": "1"}, {"id": "1"}],
        [{"id": "not an id"}],
        [{"id": "1", "background": "tartan"}],
        [{"id": "1", "picture": "abc"}],
        [{"id": "1", "extra": True}],
        [{"id": str(n)} for n in range(51)],
    ],
)
def test_bad_pages_are_refused_as_bad_fields(pages):
    with pytest.raises(ProtocolError) as refused:
        protocol.parse(protocol.encode({"type": "class", "set": {"pages": pages}}), protocol.Limits())
    assert refused.value.code == "bad_field"


def test_a_page_turn_to_a_page_not_in_the_pages_it_brings_is_refused():
    message = {"type": "class", "set": {"pages": [{"id": "1"}], "page": "2"}}
    with pytest.raises(ProtocolError):
        protocol.parse(protocol.encode(message), protocol.Limits())


# --- each page's own ink ---------------------------------------------------------------------


def test_a_clear_hides_its_pages_ink_alone_and_an_undo_brings_it_back():
    log = Log()
    log.stroke("ann", "a1")
    log.stroke("ann", "a2", page="2")
    log.commit("clear", "ann", page="2")
    assert log.visible() == ["a1"]
    with pytest.raises(ProtocolError) as refused:
        log.commit("clear", "ann", page="2")
    assert refused.value.code == "nothing_to_clear"
    log.commit("undo", "ann", page="2")
    assert log.visible() == ["a1", "a2"]


def test_an_undo_on_one_page_never_takes_back_ink_of_another():
    log = Log()
    log.stroke("ann", "a1")
    log.stroke("ann", "a2", page="2")
    log.commit("undo", "ann", page=FIRST_PAGE)
    assert log.visible() == ["a2"]
    with pytest.raises(ProtocolError) as refused:
        log.commit("undo", "ann", page=FIRST_PAGE)
    assert refused.value.code == "nothing_to_undo"
    log.commit("undo", "ann", page="2")
    assert log.visible() == []
    # Replayed from the log, each page's stacks are as they were.
    replayed = BoardHistory().apply_all(log.events)
    assert replayed.can_redo("ann", FIRST_PAGE) and replayed.can_redo("ann", "2")
    assert not replayed.can_undo("ann", FIRST_PAGE)


def test_an_erase_or_a_move_reaches_items_of_its_own_page_only():
    log = Log()
    log.stroke("ann", "a1")
    log.stroke("ann", "a2", page="2")
    for kind, extra in (("erase", {}), ("move", {"by": [5, 5]})):
        with pytest.raises(ProtocolError) as refused:
            log.commit(kind, "ann", strokes=[["ann", "a1"]], page="2", **extra)
        assert refused.value.code == "forbidden"
    erased = log.commit("erase", "ann", strokes=[["ann", "a2"]], page="2")
    assert erased["page"] == "2" and log.visible() == ["a1"]


def test_an_edit_naming_its_page_reads_back_from_the_log():
    event = logrows.read_event(4, "clear", "ann", {"hide": [["ann", "a2"]], "page": "2"})
    assert event["page"] == "2"
    with pytest.raises(logrows.UnreadableRow):
        logrows.read_event(4, "clear", "ann", {"hide": [["ann", "a2"]], "page": "no such id!"})
