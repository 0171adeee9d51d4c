"""A board's class settings: what its host has switched on or off, as one immutable value."""

from dataclasses import asdict, dataclass, fields, replace

from draw import backgrounds
from draw.pages import FIRST_PAGE, ONE_PAGE, Page, page_index

# The settings a host may change with a `class` message (`hosted` comes with the host link).
SWITCHES = (
    "pens_down",
    "anonymous",
    "names_visible",
    "student_laser",
    "badge",
    "lanes",
    "reveal",
    "spotlight_name",
    "dark",
)
# A participant id, or None.
SPOTLIGHT = "spotlight"
# The paper under the ink: one of draw/backgrounds.py KINDS.
BACKGROUND = "background"
# The digest of a picture the host uploaded (draw/uploads.py), drawn under the ink; or None.
PICTURE = "picture"
# The lesson's pages in order (draw/pages.py), and the id of the one every screen shows.
PAGES = "pages"
PAGE = "page"
SETTABLE = (*SWITCHES, SPOTLIGHT, BACKGROUND, PICTURE, PAGES, PAGE)
# The settings of pages: a change of any is stored as the pages and the current page's.
PAGE_SETTINGS = frozenset({BACKGROUND, PICTURE, PAGES, PAGE})


@dataclass(frozen=True, slots=True)
class ClassSettings:
    """docs/protocol.md, "Class mode", has what each one means."""

    hosted: bool = False
    pens_down: bool = False
    anonymous: bool = False
    names_visible: bool = False
    student_laser: bool = False
    badge: bool = True
    # Own page each (draw/audience.py): a student sees the host's ink and their own only.
    lanes: bool = False
    # Every page shown to everyone while lanes are on.
    reveal: bool = False
    # The student whose page the projector shows while lanes are on, or None.
    spotlight: str | None = None
    # Whether the projector shows the spotlit student's name (never on an anonymous board).
    spotlight_name: bool = True
    # The dark board for everyone, set by the host (each browser may still switch its own).
    dark: bool = False
    # The paper under everyone's ink (draw/backgrounds.py): the current page's.
    background: str = backgrounds.DEFAULT
    # A picture under the ink and over the paper (a worksheet, a map), or None: the current page's.
    picture: str | None = None
    # The lesson's pages (draw/pages.Page, in order) and the current one's id.
    pages: tuple = ONE_PAGE
    page: str = FIRST_PAGE
    # Newer settings replace older ones, whichever process read or changed them.
    version: int = 0

    @classmethod
    def from_row(cls, row):
        """From a Board (or a dict of its fields)."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        # A board stored before pages: its one page has the board's paper and picture.
        pages = _read_pages(get(PAGES)) or (
            Page(FIRST_PAGE, _known_background(get(BACKGROUND)), get(PICTURE) or None),
        )
        return cls(
            hosted=bool(get("host_key_hash")),
            **{name: bool(get(name)) for name in SWITCHES},
            spotlight=get(SPOTLIGHT) or None,
            version=get("class_version"),
        ).with_pages(pages, get(PAGE) or FIRST_PAGE)

    def changed(self, changes):
        """These settings with `changes` (SETTABLE names to booleans, the spotlight to an id or
        None, `pages` to Page values, `page` to one of their ids) made, one version on.

        A `background` or a `picture` is the current page's; new `pages` keep the current page
        when it is still among them, else the class goes to the first of them."""
        changes = dict(changes)
        pages = changes.pop(PAGES, self.pages)
        page = changes.pop(PAGE, self.page if page_index(pages, self.page) is not None else pages[0].id)
        settings = replace(self, **changes, version=self.version + 1)
        if BACKGROUND in changes or PICTURE in changes:
            # The current page takes the new paper or picture (looked up in the old pages: a
            # message that sets both pages and a background sets the page as it then is).
            current = self.current_page()
            pages = tuple(
                replace(
                    one,
                    background=changes.get(BACKGROUND, one.background),
                    picture=changes.get(PICTURE, one.picture),
                )
                if one.id == current.id
                else one
                for one in pages
            )
        return settings.with_pages(pages, page)

    def with_pages(self, pages, page):
        """These settings on `pages` with `page` current (the first when it is not one of them):
        the background and picture follow the current page."""
        index = page_index(pages, page)
        current = pages[0 if index is None else index]
        return replace(
            self, pages=tuple(pages), page=current.id, background=current.background, picture=current.picture
        )

    def current_page(self):
        return self.pages[page_index(self.pages, self.page)]

    def to_wire(self):
        wire = {name: value for name, value in asdict(self).items() if name not in ("version", PAGES)}
        wire[PAGES] = [page.to_wire() for page in self.pages]
        return wire

    @classmethod
    def from_wire(cls, wire, version):
        names = {field.name for field in fields(cls)} - {
            "version",
            SPOTLIGHT,
            BACKGROUND,
            PICTURE,
            PAGES,
            PAGE,
        }
        settings = cls(
            **{name: bool(wire.get(name, False)) for name in names},
            spotlight=wire.get(SPOTLIGHT) or None,
            version=version,
        )
        pages = _read_pages(wire.get(PAGES)) or (
            Page(FIRST_PAGE, _known_background(wire.get(BACKGROUND)), wire.get(PICTURE) or None),
        )
        return settings.with_pages(pages, wire.get(PAGE) or FIRST_PAGE)


def _read_pages(stored):
    """Pages as stored or relayed (a list of page dicts), or () for none."""
    return tuple(Page.from_wire(page) for page in stored or ())


def _known_background(kind):
    # A kind a newer version stored and this one does not know: plain paper, not a crash.
    return kind if kind in backgrounds.KINDS else backgrounds.DEFAULT
