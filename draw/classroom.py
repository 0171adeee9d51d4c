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
    # The lesson's pages (draw/pages.Page, in order: each its paper and picture) and the
    # current one's id.
    pages: tuple = ONE_PAGE
    page: str = FIRST_PAGE
    # Newer settings replace older ones, whichever process read or changed them.
    version: int = 0

    @property
    def background(self):
        """The paper under everyone's ink (draw/backgrounds.py): the current page's."""
        return self.current_page().background

    @property
    def picture(self):
        """The picture under the ink and over the paper (a worksheet, a map), or None: the
        current page's."""
        return self.current_page().picture

    @classmethod
    def from_row(cls, row):
        """From a Board (or a dict of its fields)."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        return cls(
            hosted=bool(get("host_key_hash")),
            **{name: bool(get(name)) for name in SWITCHES},
            spotlight=get(SPOTLIGHT) or None,
            version=get("class_version"),
        ).with_pages(*_pages_of(get))

    def changed(self, changes):
        """These settings with `changes` (SETTABLE names to booleans, the spotlight to an id or
        None, `pages` to Page values, `page` to one of their ids) made, one version on.

        A `background` or a `picture` is the current page's (of the pages before the change: a
        message that sets both pages and a background sets the page as it then is); new `pages`
        keep the current page when it is still among them, else the class goes to the first."""
        changes = dict(changes)
        paper = {name: changes.pop(name) for name in (BACKGROUND, PICTURE) if name in changes}
        pages = changes.pop(PAGES, self.pages)
        page = changes.pop(PAGE, self.page)
        if paper:
            pages = tuple(replace(one, **paper) if one.id == self.page else one for one in pages)
        return replace(self, **changes, version=self.version + 1).with_pages(pages, page)

    def with_pages(self, pages, page):
        """These settings on `pages` with `page` current, or the first of them when it is not one."""
        current = page if page_index(pages, page) is not None else pages[0].id
        return replace(self, pages=tuple(pages), page=current)

    def current_page(self):
        return self.pages[page_index(self.pages, self.page)]

    def to_wire(self):
        wire = {name: value for name, value in asdict(self).items() if name not in ("version", PAGES)}
        wire[PAGES] = [page.to_wire() for page in self.pages]
        wire[BACKGROUND], wire[PICTURE] = self.background, self.picture
        return wire

    @classmethod
    def from_wire(cls, wire, version):
        names = {field.name for field in fields(cls)} - {"version", SPOTLIGHT, PAGES, PAGE}
        settings = cls(
            **{name: bool(wire.get(name, False)) for name in names},
            spotlight=wire.get(SPOTLIGHT) or None,
            version=version,
        )
        return settings.with_pages(*_pages_of(wire.get))


def _pages_of(get):
    """(pages, current page id) of a stored row or a relayed message, read with `get(name)`. A
    board stored before pages has one page of its paper and picture."""
    pages = _read_pages(get(PAGES)) or (
        Page(FIRST_PAGE, _known_background(get(BACKGROUND)), get(PICTURE) or None),
    )
    return pages, get(PAGE) or FIRST_PAGE


def _read_pages(stored):
    """Pages as stored or relayed (a list of page dicts), or () for none."""
    return tuple(Page.from_wire(page) for page in stored or ())


def _known_background(kind):
    # A kind a newer version stored and this one does not know: plain paper, not a crash.
    return kind if kind in backgrounds.KINDS else backgrounds.DEFAULT
