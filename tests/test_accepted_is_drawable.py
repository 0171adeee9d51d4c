"""Whatever the server accepts can be sent to everyone, stored, read back, joined and drawn.

Properties over client frames written as raw JSON text, their strings drawn from all of
Unicode: lone surrogates (always spelled as \\u escapes, since a frame arrives as UTF-8),
other scripts' digits, format characters, colours only Python's int(x, 16) reads, and runs
longer than any limit. Every frame that `protocol.parse()` accepts goes through a host's
BoardSession as the consumer carries it out; every frame the server then sends must encode
to UTF-8, every log row must read back (draw/logrows.py) as the event it was, and a fresh
joiner's snapshot and both exports must hold every stroke on show.
"""

import json
import xml.etree.ElementTree as ElementTree

from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from draw import export, frames, items, logrows, protocol
from draw.classroom import ClassSettings
from draw.exporter import fallback_font_path, text_font_path
from draw.history import STROKE, BoardHistory
from draw.participants import HOST, Participant, clean_name, host_participant_id
from draw.protocol import Limits, ProtocolError
from draw.session import BoardSession, Close, Publish, RemoveParticipant, Reply, SetClass, Store, Volatile
from draw.store import Commit

# Derandomized so that CI runs the same examples every time; no example database on disk.
# Enough examples that both holes of 5425dac (a text spelling a lone surrogate, a colour
# only int(x, 16) reads) are found from scratch, without an @example naming either.
PROPERTY_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

LIMITS = Limits()
# The export's scale: small, since only whether each item draws is in question.
PNG_SCALE = 0.25

HOST_ID = host_participant_id("lesson-host-key")
STUDENT_ID = "k7m2p9q4rs"
AUTHORS = (HOST_ID, STUDENT_ID)
# Ids the generated frames name: those of the strokes on the seeded board, and new ones.
KNOWN_STROKE_IDS = ("s1", "t1", "h1", "n1", "n2")
KNOWN_EDIT_IDS = ("e1", "e2", "e3")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- strings from all of Unicode -------------------------------------------------------

ASCII_DIGITS = "0123456789"
HEX_DIGITS = ASCII_DIGITS + "abcdefABCDEF"
# What Python's int(x, 16) reads besides hex digits: a sign, underscores, spaces, a 0x.
INT_SYNTAX = "+-_ xX"
other_digits = st.characters(categories=["Nd"], exclude_characters=ASCII_DIGITS)
# Characters a lossy decoder, a copied document or a text editor leaves behind: the
# replacement character, the noncharacters U+FFFE and U+FFFF, a byte order mark, joiners,
# a bidi override, line and paragraph separators, an emoji needing a surrogate pair in JSON.
odd_characters = st.sampled_from(
    "\ufffd\ufffe\uffff\ufeff\u200d\u200b\u2060\u00ad\u202e\u2028\u2029\x00\x7f\U0001f3a8\U000e0041"
)
any_character = st.one_of(
    # Every code point but the surrogates...
    st.characters(),
    # ...and those, which only a \u escape can put in a frame.
    st.characters(categories=["Cs"]),
    other_digits,
    st.characters(categories=["Cf"]),
    odd_characters,
    st.sampled_from(HEX_DIGITS + INT_SYNTAX + "#"),
)
long_runs = st.builds(
    lambda before, character, count, after: before + character * count + after,
    st.text(any_character, max_size=3),
    any_character,
    st.one_of(
        st.integers(1, 2 * LIMITS.max_text_length),
        st.sampled_from([LIMITS.max_text_length - 1, LIMITS.max_text_length, LIMITS.max_text_length + 1]),
    ),
    st.text(any_character, max_size=3),
)
hostile_strings = st.one_of(
    st.text(any_character, min_size=1, max_size=12),
    st.text(any_character, max_size=40),
    long_runs,
)


# --- frames, written as JSON text ------------------------------------------------------

# How a string is spelled in a frame: as UTF-8, with every non-ASCII character escaped (what
# json.dumps does by default), or with every character escaped, astral ones as surrogate pairs.
UTF8, ASCII, ESCAPED = "utf-8", "ascii", "escaped"


def holds_surrogate(text):
    return any("\ud800" <= character <= "\udfff" for character in text)


def escaped(text):
    """`text` as a JSON string with every UTF-16 unit a \\u escape, lone surrogates included."""
    units = text.encode("utf-16-le", "surrogatepass")
    return (
        '"'
        + "".join(f"\\u{int.from_bytes(units[i : i + 2], 'little'):04x}" for i in range(0, len(units), 2))
        + '"'
    )


def json_text(draw, value):
    """The JSON text of `value`, each string (field names too) in a spelling drawn for it; a
    string holding a lone surrogate is always escaped, since no UTF-8 frame can carry one raw."""
    if isinstance(value, str):
        spelling = draw(st.sampled_from([UTF8, UTF8, ASCII, ESCAPED]))
        if spelling == ESCAPED:
            return escaped(value)
        return json.dumps(value, ensure_ascii=spelling == ASCII or holds_surrogate(value))
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(f"{json_text(draw, name)}:{json_text(draw, field)}" for name, field in value.items())
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ",".join(json_text(draw, element) for element in value) + "]"
    return json.dumps(value)


@st.composite
def frame_texts(draw, frames):
    """A frame (a dict), maybe made odd (a field dropped, one added, its type changed), as JSON text."""
    frame = dict(draw(frames))
    oddity = draw(weighted((12, st.just("none")), (1, st.sampled_from(["drop", "add", "type"]))))
    if oddity == "drop" and len(frame) > 1:
        del frame[draw(st.sampled_from(sorted(name for name in frame if name != "type")))]
    elif oddity == "add":
        frame[draw(st.one_of(hostile_strings, st.sampled_from(["author", "seq", "name", "kind"])))] = draw(
            st.one_of(hostile_strings, st.integers(), st.booleans())
        )
    elif oddity == "type":
        frame["type"] = draw(
            st.one_of(hostile_strings, st.sampled_from(sorted(protocol.CLIENT_MESSAGE_TYPES)))
        )
    text = json_text(draw, frame)
    # The frame itself arrived as UTF-8: whatever it spells, it is Unicode text.
    text.encode("utf-8")
    return text


def weighted(*choices):
    """One of the (weight, strategy) choices, chosen in proportion to its weight; it shrinks
    towards the first. (st.one_of would not do: it drops a strategy given twice.)"""
    total = sum(weight for weight, _ in choices)

    def chosen(number):
        for weight, strategy in choices:
            if number < weight:
                return strategy
            number -= weight

    return st.integers(0, total - 1).flatmap(chosen)


def mostly(valid, hostile):
    """Usually a valid value, so that whole frames are accepted; sometimes a hostile one."""
    return weighted((3, valid), (1, hostile))


stroke_ids = mostly(st.sampled_from(KNOWN_STROKE_IDS), hostile_strings)
edit_ids = mostly(st.sampled_from(KNOWN_EDIT_IDS), hostile_strings)
participant_ids = mostly(st.sampled_from(AUTHORS + ("zed",)), hostile_strings)


def colour_of(characters):
    return st.text(characters, min_size=6, max_size=6).map("#".__add__)


colours = weighted(
    (4, colour_of(st.sampled_from(HEX_DIGITS))),
    # What int(x, 16) reads is not always a colour: a sign, '_', spaces, 0x, other digits.
    (2, colour_of(st.one_of(st.sampled_from(HEX_DIGITS), st.sampled_from(INT_SYNTAX), other_digits))),
    (1, colour_of(st.one_of(st.sampled_from(HEX_DIGITS + INT_SYNTAX), any_character))),
    (1, hostile_strings),
)
# Text as typed, with a character from all of Unicode here and there: text that a control
# character alone would not already have refused, so that a surrogate among letters is tried.
typed_letters = st.characters(categories=["L", "M", "N", "P", "S", "Zs"])
unusual_characters = st.one_of(
    st.characters(categories=["Cs"]), st.characters(categories=["Cf"]), other_digits, odd_characters
)
sprinkled_texts = st.lists(
    weighted((4, typed_letters), (1, unusual_characters)), min_size=1, max_size=20
).map("".join)
texts = weighted((2, hostile_strings), (2, sprinkled_texts), (1, st.text(min_size=1, max_size=30)))
FIELD_VALUES = {
    "color": colours,
    "width": mostly(st.integers(1, LIMITS.max_stroke_width), st.sampled_from([0, -1, 65, 1.5, True, "4"])),
    "text_size": mostly(
        st.integers(LIMITS.min_text_size, LIMITS.max_text_size), st.sampled_from([0, 7, 201, 2.0])
    ),
    "text": texts,
}


# Every kind, and text as often again: its text is the one string of an item that is free.
item_kinds = weighted((1, st.sampled_from(items.KINDS)), (1, st.just("text")))


@st.composite
def stroke_items(draw, kinds=item_kinds):
    """An item of a kind from the specs, with its fields; now and then a field too many."""
    kind = draw(kinds)
    item = {"kind": kind}
    for name, field_type in items.ITEM_SPECS[kind]["fields"].items():
        item[name] = draw(FIELD_VALUES[field_type])
    if draw(weighted((9, st.just(False)), (1, st.just(True)))):
        item[draw(hostile_strings)] = draw(texts)
    return item


def point_lists(kind, min_points, max_points):
    """A flat point list of `kind` on the board: [x, y] each, with ink's pressure."""
    coordinates = [st.integers(0, LIMITS.board_width), st.integers(0, LIMITS.board_height)]
    if items.stride(kind) == 3:
        coordinates.append(st.integers(0, items.MAX_PRESSURE))
    return st.lists(st.tuples(*coordinates), min_size=min_points, max_size=max_points).map(
        lambda points: [value for point in points for value in point]
    )


@st.composite
def stroke_frames(draw):
    """A stroke.begin of any kind, maybe some stroke.points, and its stroke.end."""
    item = draw(stroke_items())
    kind = item["kind"]
    stroke = draw(stroke_ids)
    begin = {"type": protocol.STROKE_BEGIN, "stroke": stroke, "item": item}
    if draw(st.booleans()):
        begin["points"] = draw(point_lists(kind, 0, 4))
    middle = [
        {"type": protocol.STROKE_POINTS, "stroke": stroke, "points": draw(point_lists(kind, 1, 3))}
        for _ in range(draw(st.integers(0, 2)))
    ]
    # The end holds a point at least, so a stroke whose begin had none still commits.
    end = {"type": protocol.STROKE_END, "stroke": stroke, "points": draw(point_lists(kind, 1, 2))}
    return [draw(frame_texts(st.just(frame))) for frame in (begin, *middle, end)]


stroke_keys = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(AUTHORS), st.sampled_from(KNOWN_STROKE_IDS)).map(list),
        st.tuples(participant_ids, stroke_ids).map(list),
    ),
    min_size=1,
    max_size=3,
)
class_settings_names = mostly(st.sampled_from(protocol.CLASS_SETTINGS), hostile_strings)
laser_points = st.tuples(st.integers(0, LIMITS.board_width), st.integers(0, LIMITS.board_height)).map(list)
message_frames = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from([protocol.UNDO, protocol.REDO, protocol.CLEAR]), "id": edit_ids}
    ),
    st.fixed_dictionaries({"type": st.just(protocol.ERASE), "id": edit_ids, "strokes": stroke_keys}),
    st.fixed_dictionaries(
        {
            "type": st.just(protocol.MOVE),
            "id": edit_ids,
            "strokes": stroke_keys,
            "by": st.tuples(st.integers(-300, 300), st.integers(-300, 300)).map(list),
        }
    ),
    st.fixed_dictionaries(
        {"type": st.just(protocol.REMOVE_INK), "id": edit_ids, "participant": participant_ids}
    ),
    st.fixed_dictionaries({"type": st.just(protocol.REMOVE), "participant": participant_ids}),
    st.fixed_dictionaries(
        {
            "type": st.just(protocol.CLASS),
            "set": st.dictionaries(class_settings_names, st.booleans(), min_size=1, max_size=3),
        }
    ),
    st.fixed_dictionaries({"type": st.just(protocol.LASER), "at": st.one_of(st.none(), laser_points)}),
    st.builds(
        lambda stroke, points: {"type": protocol.STROKE_POINTS, "stroke": stroke, "points": points},
        stroke_ids,
        point_lists("marker", 1, 3),
    ),
    st.builds(
        lambda stroke, item, points: {
            "type": protocol.STROKE_BEGIN,
            "stroke": stroke,
            "item": item,
            "points": points,
        },
        stroke_ids,
        stroke_items(),
        point_lists("marker", 0, 2),
    ),
)
# A script of one connection: whole strokes and single messages of every type, in any order.
scripts = st.lists(
    st.one_of(stroke_frames(), frame_texts(message_frames).map(lambda text: [text])),
    min_size=1,
    max_size=5,
).map(lambda parts: [text for part in parts for text in part])


# --- what the server does with them --------------------------------------------------------


def sendable(text):
    """A frame a socket can send: UTF-8 text under the transport's limit, every string in it
    Unicode text, so none needed an escape to go out."""
    size = len(text.encode("utf-8"))
    assert size <= django_settings.SKETCHSITE["TRANSPORT_MAX_MESSAGE_BYTES"], size
    message = json.loads(text)
    json.dumps(message, ensure_ascii=False).encode("utf-8")
    return message


def sent_alone(message):
    """A reply, as the consumer sends it: one frame of its own."""
    return [sendable(protocol.encode(message))]


def sent_to_everyone(messages):
    """Relayed messages, as the relay sends them: in batches under the outgoing frame size."""
    max_bytes = django_settings.SKETCHSITE["OUTGOING_FRAME_BYTES"]
    return [
        relayed
        for text in frames.encode_batches(messages, max_bytes)
        for relayed in sendable(text)["messages"]
    ]


def stored_row(effect):
    """An effect as the log keeps it: a JSONField writes json.dumps' text, and reads it back."""
    text = json.dumps(effect)
    # The text a column holds is UTF-8 too, spelled with or without escapes.
    json.dumps(effect, ensure_ascii=False).encode("utf-8")
    return json.loads(text)


def read_row(seq, kind, author, effect):
    return logrows.read_event(seq, kind, author, effect)


def draw_svg(strokes):
    left_out = []
    svg = export.to_svg(LIMITS.board_width, LIMITS.board_height, strokes, left_out=left_out)
    return svg, left_out


def draw_png(strokes):
    left_out = []
    png = export.to_png(
        LIMITS.board_width,
        LIMITS.board_height,
        strokes,
        PNG_SCALE,
        font_path=text_font_path(),
        fallback_font_path=fallback_font_path(),
        left_out=left_out,
    )
    return png, left_out


class ServedBoard:
    """One board served to a host's connection as the consumer serves it, in memory: every
    frame the server sends checked, its log kept as JSON rows as the database keeps it."""

    def __init__(self, host_name):
        self.now = 0.0
        self.class_settings = ClassSettings(hosted=True)
        self.host = Participant(HOST_ID, HOST, host_name)
        self.session = BoardSession(
            "lesson", self.host, LIMITS, class_settings=lambda: self.class_settings, clock=lambda: self.now
        )
        self.history = BoardHistory(
            width=LIMITS.board_width,
            height=LIMITS.board_height,
            max_visible=LIMITS.max_strokes_per_board,
            max_visible_points=LIMITS.max_points_per_board,
        )
        self.rows = []
        self.stored_ids = {}
        self.removed = []
        self.accepted = 0

    def seed(self):
        """A board with a student's marker and the host's text and rectangle on it, for edits to name."""
        for author, request in (
            (
                STUDENT_ID,
                {
                    "stroke": "s1",
                    "item": {"kind": "marker", "color": "#1971c2", "width": 4},
                    "points": [10, 10, 60, 40],
                },
            ),
            (
                HOST_ID,
                {
                    "stroke": "t1",
                    "item": {"kind": "text", "color": "#e03131", "size": 24, "text": "Fractions"},
                    "points": [100, 100],
                },
            ),
            (
                HOST_ID,
                {
                    "stroke": "h1",
                    "item": {"kind": "rect", "color": "#2f9e44", "width": 2},
                    "points": [300, 300, 400, 380],
                },
            ),
        ):
            self.commit(STROKE, author, request)
        return self

    def receive(self, text):
        """Hand one frame to the session and carry out what it decides; whether parse() accepted it."""
        try:
            protocol.parse(text, LIMITS)
        except ProtocolError:
            accepted = False
        else:
            accepted = True
            self.accepted += 1
        # Every budget has refilled: only the message itself decides.
        self.now += 60.0
        self.carry_out(self.session.receive_text(text))
        # A joiner now is sent the strokes still being drawn.
        sent_to_everyone(self.session.open_stroke_begins())
        return accepted

    def carry_out(self, actions):
        for action in actions:
            if isinstance(action, Reply):
                sent_alone(action.message)
            elif isinstance(action, Publish | Volatile):
                sent_to_everyone([action.message])
            elif isinstance(action, Store):
                self.carry_out(self.store(action))
            elif isinstance(action, SetClass):
                self.class_settings = self.class_settings.changed(stored_row(action.changes))
                sent_to_everyone([protocol.class_settings(self.class_settings)])
            elif isinstance(action, RemoveParticipant):
                # Kept with the board, so the removed participant's token is refused from now on.
                self.removed = stored_row([*self.removed, action.participant])
            else:
                assert isinstance(action, Close), action

    def store(self, store):
        """A Store carried out as draw/store.py does: a resent id is the stored event again."""
        key = (self.host.id, store.client_id)
        stored = self.stored_ids.get(key)
        if stored is not None:
            return self.session.stored(store, Commit(stored["seq"], stored, duplicate=True))
        try:
            event = self.commit(store.kind, self.host.id, store.request)
        except ProtocolError as refused:
            return self.session.store_refused(store, refused)
        self.stored_ids[key] = event
        return self.session.stored(store, Commit(event["seq"], event, duplicate=False))

    def commit(self, kind, author, request):
        effect = self.history.resolve(kind, author, request)
        event = {"seq": self.history.seq + 1, "kind": kind, "author": author, **effect}
        self.history.apply(event)
        row = (event["seq"], kind, author, stored_row(effect))
        assert read_row(*row) == event
        self.rows.append(row)
        return event

    def check_joiner_and_exports(self):
        """A fresh joiner, its board read back from the log, is sent every stroke on show, and
        both exports of that board draw every one of them."""
        events = [read_row(*row) for row in self.rows]
        replayed = BoardHistory(width=LIMITS.board_width, height=LIMITS.board_height).apply_all(events)
        on_show = [stroke.to_compact() for stroke in replayed.visible_strokes()]
        assert on_show == [stroke.to_compact() for stroke in self.history.visible_strokes()]

        parts = frames.snapshot_frames(
            replayed.seq,
            on_show,
            django_settings.SKETCHSITE["SNAPSHOT_CHUNK"],
            django_settings.SKETCHSITE["OUTGOING_FRAME_BYTES"],
        )
        received = [stroke for part in parts for stroke in sent_alone(part)[0]["strokes"]]
        assert received == on_show
        # A joiner catching up is sent the events themselves.
        assert sent_to_everyone([protocol.event(event) for event in events]) == [
            protocol.event(event) for event in events
        ]

        strokes = replayed.visible_strokes()
        svg, left_out = draw_svg(strokes)
        assert left_out == []
        # What a browser opens: well-formed XML, in UTF-8.
        ElementTree.fromstring(svg.encode("utf-8"))
        png, left_out = draw_png(strokes)
        assert left_out == []
        assert png.startswith(PNG_SIGNATURE)


display_names = st.one_of(st.just("Teacher"), hostile_strings.map(clean_name).filter(bool))


@settings(PROPERTY_SETTINGS, max_examples=300)
@given(strokes=st.lists(stroke_frames(), min_size=1, max_size=3), host_name=display_names)
def test_every_stroke_the_server_accepts_is_sent_stored_read_back_snapshotted_and_drawn(strokes, host_name):
    board = ServedBoard(host_name).seed()
    for frames_of_stroke in strokes:
        for text in frames_of_stroke:
            board.receive(text)
        board.check_joiner_and_exports()


@settings(PROPERTY_SETTINGS, max_examples=300)
@given(script=scripts, host_name=display_names)
def test_every_client_message_the_server_accepts_leaves_a_board_every_joiner_and_export_can_read(
    script, host_name
):
    board = ServedBoard(host_name).seed()
    for text in script:
        board.receive(text)
    board.check_joiner_and_exports()


@settings(PROPERTY_SETTINGS, max_examples=300)
@given(text=st.one_of(hostile_strings, st.text(any_character, max_size=30)))
def test_every_display_name_the_join_form_accepts_is_unicode_text_without_a_replacement_character(text):
    name = clean_name(text)
    if name is not None:
        name.encode("utf-8")
        assert "\ufffd" not in name
