"""Which page of a board an item lies on. Pure.

With class setting `lanes` on, every student draws on a page of their own (their lane). A
student's ink lies on that student's page. The host's ink lies on every page (a question, a
diagram to label), unless the host drew it on one student's page (the grid's large view): then
the item says so in its optional `lane` field, a student's participant id, and it lies on that
page only. draw/audience.py decides who sees which page.

An event that hides, shows or moves items carries, in `lanes`, the page of each of its keys
whose item names one: a reader of the event alone (a student's view of it) could not know it
from the key, and a show of an item a browser never had would make it resync.
"""

from draw.participants import is_host_participant_id

# Every page: the host's ink drawn on the shared board.
EVERY_LANE = None


def lane_of(author):
    """The page an item of `author` lies on when it names none: the author's own, or every page
    (None) for the host's."""
    return EVERY_LANE if is_host_participant_id(author) else author


def lane_of_item(author, item):
    """The page of an item by `author`: the one it names, else `lane_of(author)`."""
    return item.get("lane") or lane_of(author)


def named_lanes(event):
    """{(author, id): page} of the keys of an edit event whose items name a page."""
    pages = event.get("lanes", {})
    return {(author, stroke): page for page, keys in pages.items() for author, stroke in keys}


def lane_of_key(key, named):
    """The page of the item `key` (author, id) names, given `named_lanes()` of its event."""
    return named.get(key) or lane_of(key[0])
