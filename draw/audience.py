"""Who sees what of a board: one pure rule, and the views of messages and events it makes.

An *audience* is whoever a frame is for: the host, one student, or a viewer (the projector).
Every item lies on a *page* (draw/lanes.py): a student's ink on that student's own page (their
lane), the host's ink on every page or, drawn from the grid's large view, on one student's.
With `lanes` off there is one page, the shared board, and everyone
sees everything, exactly as before lanes. With `lanes` on:

- the host sees every page;
- a student sees the host's ink and their own, nothing of anyone else's;
- a viewer (the projector) sees the host's ink and the spotlit student's page;
- with `reveal` on, everyone sees every page again (read-only for others' ink: draw/policy.py).

`visible()` is the rule, and the only place it is written; every read path (live fan-out,
catch-up, snapshots over the socket and HTTP, open strokes at join, presence, lasers,
exports) asks it through `view_message`, `view_event` and `view_strokes`. The browser mirrors
it (frontend/audience.js) only to know which page it shows; tests/fixtures/audience.json
holds the table both sides are tested against.

A student's stream skips what they may not see, but its seqs stay whole: an event they may
not see is sent as a `skipped` event of the same seq (nothing of it, not even its author),
so the browser still detects a real gap and never resyncs on a filtered one.

Pure: no sockets, no database; settings are draw/classroom.ClassSettings.
"""

from dataclasses import dataclass

from draw.compaction import CHECKPOINT
from draw.history import SKIPPED, STROKE, skipped_event
from draw.lanes import lane_of, lane_of_item, lane_of_key, named_lanes
from draw.participants import HOST, STUDENT, VIEWER

# The fan-out groups of a board (draw/relay.py): a frame is encoded once per group, not once per
# socket. EVERYONE while lanes are off or revealed, and for the host always; VIEW for viewers;
# a lane group per student; ONLY_HOST_INK for a student none of whose ink is in a batch.
EVERYONE = "all"
VIEW = "view"
ONLY_HOST_INK = "base"
_LANE_PREFIX = "lane:"


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a frame is for: a role (host, student, viewer) and, for a student, who."""

    role: str
    participant: str | None = None

    @classmethod
    def of(cls, participant):
        """The audience of a draw.participants.Participant."""
        return cls(participant.role, participant.id if participant.role == STUDENT else None)


HOST_AUDIENCE = Audience(HOST)
VIEWER_AUDIENCE = Audience(VIEWER)


def visible(page, audience, settings):
    """Whether an item on `page` (draw/lanes.py; None: every page) is shown to `audience`."""
    if page is None or not settings.lanes or settings.reveal or audience.role == HOST:
        return True
    if audience.role == STUDENT:
        return page == audience.participant
    return page == settings.spotlight


def is_filtered(settings):
    """Whether anyone sees less than the whole board under these settings."""
    return settings.lanes and not settings.reveal


def group_of(audience, settings):
    """The fan-out group whose frames `audience` receives."""
    if not is_filtered(settings) or audience.role == HOST:
        return EVERYONE
    if audience.role == STUDENT:
        return lane_group(audience.participant)
    return VIEW


def lane_group(participant):
    return _LANE_PREFIX + participant


def audience_of_group(group):
    """The audience a group's frames are made for (ONLY_HOST_INK: a student whose page holds
    nothing of the batch; any student's id that is no author in it gives the same view)."""
    if group == EVERYONE:
        return HOST_AUDIENCE
    if group == VIEW:
        return VIEWER_AUDIENCE
    if group == ONLY_HOST_INK:
        return Audience(STUDENT, "")
    return Audience(STUDENT, group.removeprefix(_LANE_PREFIX))


def groups_for(messages, settings):
    """The groups a batch of `messages` must be encoded for: EVERYONE alone when nobody's view is
    filtered; else VIEW, ONLY_HOST_INK and the lane of every student with ink in the batch."""
    if not is_filtered(settings):
        return [EVERYONE]
    lanes = dict.fromkeys(lane_group(page) for page in _lanes_in(messages) if page is not None)
    return [EVERYONE, VIEW, ONLY_HOST_INK, *lanes]


def _lanes_in(messages):
    for message in messages:
        if "author" in message:
            yield lane_of_message(message)
        named = named_lanes(message)
        for name in ("hide", "show", "move"):
            for author, stroke in message.get(name, ()):
                yield lane_of_key((author, stroke), named)


def lane_of_message(message):
    """The page of the item a stroke's message (live or committed) is about: a begin and a
    stroke event carry the item, the host's points on a student's page name it (draw/session.py)."""
    item = message.get("item")
    if item is not None:
        return lane_of_item(message["author"], item)
    return message.get("lane") or lane_of(message["author"])


def view_message(message, audience, settings):
    """`message` (a wire message of the board's traffic) as `audience` may see it, or None.

    An event keeps its seq: one they may not see becomes `skipped`. A live message (a stroke's
    begin, points, end or drop, a laser) of a page they may not see is left out.
    """
    if message.get("type") != "event":
        if "author" not in message:
            # Nobody's ink (a count of people, say): the same for everyone.
            return message
        return message if visible(lane_of_message(message), audience, settings) else None
    return view_event(message, audience, settings)


def view_event(event, audience, settings):
    """A committed event (draw/history.py) as `audience` may see it: itself, its keys cut down
    to those on pages they see, or a `skipped` event of its seq when nothing of it is left."""
    if not is_filtered(settings) or audience.role == HOST or event["kind"] == SKIPPED:
        return event
    if event["kind"] == STROKE:
        return event if visible(lane_of_message(event), audience, settings) else _skipped(event)
    if event["kind"] == CHECKPOINT:
        return _viewed_checkpoint(event, audience, settings)
    viewed = dict(event)
    named = named_lanes(event)
    left = 0
    for name in ("hide", "show", "move"):
        if name in event:
            keys = [key for key in event[name] if visible(lane_of_key(tuple(key), named), audience, settings)]
            viewed[name] = keys
            left += len(keys)
    if "lanes" in event:
        pages = {page: keys for page, keys in event["lanes"].items() if visible(page, audience, settings)}
        if pages:
            viewed["lanes"] = pages
        else:
            del viewed["lanes"]
    return viewed if left else _skipped(event)


def _viewed_checkpoint(entry, audience, settings):
    """A log's checkpoint entry (draw/compaction.py) holding only the items `audience` sees."""
    strokes = [
        item for item in entry["strokes"] if visible(lane_of_item(item[1], item[2]), audience, settings)
    ]
    seen = {(item[1], item[0]) for item in strokes}
    return {**entry, "strokes": strokes, "hidden": [key for key in entry["hidden"] if tuple(key) in seen]}


def _skipped(event):
    skipped = skipped_event(event["seq"])
    return {"type": "event", **skipped} if "type" in event else skipped


def view_strokes(strokes, audience, settings):
    """The committed strokes (draw/history.CommittedStroke) of a board that `audience` sees."""
    if not is_filtered(settings) or audience.role == HOST:
        return list(strokes)
    return [
        stroke for stroke in strokes if visible(lane_of_item(stroke.author, stroke.item), audience, settings)
    ]
