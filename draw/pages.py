"""The pages of a lesson: what a page is, which page an item or an edit lies on. Pure.

A board holds its lesson's pages, in order, each with its own paper and picture; one of them
is the class's current page, the one every screen shows. Every item lies on one page, named by
its optional `page` field (absent: the first page a board ever had, FIRST_PAGE, so ink drawn
before pages existed is on it). An edit (erase, move, clear, undo, redo) reaches one page: the
one its request names, which the server fills with the current page when the client did not,
and its stored effect names it (absent: FIRST_PAGE) so that replaying the log knows whose undo
stack each action went on.

Pages change nothing else: lanes (draw/lanes.py), audiences, snapshots and the log are the
board's. A browser is sent the ink of every page and shows the current page's alone
(frontend/pages.js), so a page turn is one `class` message and, the first time, the page's
picture: no resync.
"""

from dataclasses import dataclass

from draw import backgrounds
from draw.errors import ProtocolError
from draw.items import is_id

# The page of a board made before it had pages, and of a new board's one page.
FIRST_PAGE = "1"


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a lesson: its id (client-made, unique on the board), its paper and the digest
    of the picture under its ink (draw/uploads.py), or None."""

    id: str = FIRST_PAGE
    background: str = backgrounds.DEFAULT
    picture: str | None = None

    def to_wire(self):
        return {"id": self.id, "background": self.background, "picture": self.picture}

    @classmethod
    def from_wire(cls, wire):
        """From a stored or relayed page; a background a newer version knows becomes plain."""
        kind = wire.get("background")
        return cls(
            id=wire["id"],
            background=kind if kind in backgrounds.KINDS else backgrounds.DEFAULT,
            picture=wire.get("picture") or None,
        )


ONE_PAGE = (Page(),)


def page_of_item(item):
    """The page an item lies on."""
    return item.get("page") or FIRST_PAGE


def page_of_effect(effect):
    """The page an edit's effect (or request) reached."""
    return effect.get("page") or FIRST_PAGE


def with_page(effect, page):
    """An edit's effect naming the page it reached; the first page goes unnamed, as before pages."""
    return effect if page == FIRST_PAGE else {**effect, "page": page}


def parse_pages(value, max_pages, is_picture):
    """The pages of a `class` message's `pages`: a list of 1..max_pages {id, background, picture}
    of distinct ids; ProtocolError naming the first thing wrong."""
    if not isinstance(value, list) or not 1 <= len(value) <= max_pages:
        raise ProtocolError("bad_field", f"class setting 'pages' must be a list of 1 to {max_pages} pages")
    pages = []
    for page in value:
        if not isinstance(page, dict) or not page.keys() <= {"id", "background", "picture"}:
            raise ProtocolError("bad_field", "a page is an object of 'id', 'background' and 'picture'")
        if not is_id(page.get("id")):
            raise ProtocolError("bad_field", "a page's 'id' must be an id (1-32 of A-Z a-z 0-9 - _)")
        background = page.get("background", backgrounds.DEFAULT)
        if background not in backgrounds.KINDS:
            raise ProtocolError(
                "bad_field", f"a page's 'background' must be one of {', '.join(backgrounds.KINDS)}"
            )
        picture = page.get("picture")
        if picture is not None and not is_picture(picture):
            raise ProtocolError(
                "bad_field", "a page's 'picture' must be the digest of an uploaded picture, or null"
            )
        pages.append(Page(page["id"], background, picture))
    if len({page.id for page in pages}) != len(pages):
        raise ProtocolError("bad_field", "two pages have the same id")
    return tuple(pages)


def page_index(pages, page_id):
    """Where the page `page_id` is in `pages`, or None when it is not one of them."""
    return next((index for index, page in enumerate(pages) if page.id == page_id), None)
