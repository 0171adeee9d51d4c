"""Properties over generated input: parse() only ever refuses, and any frames keep the board replayable."""

import copy
import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from draw import backgrounds, items, protocol
from draw.history import BoardHistory
from draw.participants import Participant
from draw.protocol import ERROR_CODES, Limits, ProtocolError
from draw.session import BoardSession, Close, Publish, Reply, Store
from draw.store import Commit

CASES = json.loads((Path(__file__).parent / "fixtures" / "protocol.json").read_text())
VALID_FRAMES = [case["frame"] for case in CASES["valid"]]
FIXTURE_FRAMES = VALID_FRAMES + [
    case["frame"] for case in CASES["invalid"] if isinstance(case["frame"], dict)
]

# Derandomized so that CI runs the same examples every time; no example database on disk.
PROPERTY_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Small limits, so generated frames reach every budget and bound.
SMALL = Limits(
    board_width=200,
    board_height=100,
    max_message_bytes=2048,
    max_points_per_message=8,
    max_stroke_width=16,
    max_erase_strokes=4,
    max_points_per_second=40,
    max_points_per_stroke=20,
    max_open_strokes=2,
    max_strokes_per_board=3,
    max_actions_per_second=3,
    max_action_burst=6,
    max_errors_per_minute=12,
)

SERVER_MESSAGE_TYPES = {
    protocol.WELCOME,
    protocol.SNAPSHOT,
    protocol.BATCH,
    protocol.EVENT,
    protocol.ACK,
    protocol.STROKE_DROP,
    protocol.ERROR,
}
PUBLISHED_TYPES = {protocol.STROKE_BEGIN, protocol.STROKE_POINTS, protocol.STROKE_DROP, protocol.EVENT}

# --- generated JSON and frames ------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "s1", "#000000", "stroke.begin", "undo", "\u0000", "é🎨", "x" * 40]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=20,
)
long_strings = st.one_of(
    st.text(min_size=30, max_size=200),
    st.integers(min_value=30, max_value=20000).map(lambda size: "x" * size),
    st.integers(min_value=1, max_value=6000).map(lambda size: "é🎨" * size),
)
# Literals that json.dumps would never write but a hostile client may send.
RAW_NUMBERS = ["9" * 5000, "-" + "9" * 400, "1e999", "-1e999", "NaN", "Infinity", "-0", "1.0", "1E2", "0.5"]


# A JSON number standing as a value in json.dumps output, not a digit inside a string.
NUMBER_TOKEN = re.compile(r"(?<=[\[:,] )-?\d+(?=[,\]}])|(?<=\[)-?\d+(?=[,\]])")


@st.composite
def points_with_one_odd_value(draw):
    """Points inside the board but for one value that is not a board unit."""
    points = draw(st.lists(st.integers(0, 100), min_size=2, max_size=8))
    index = draw(st.integers(0, len(points) - 1))
    points[index] = draw(st.sampled_from([1.0, 0.5, True, False, None, "1", -1, 10**6, [1]]))
    return points


@st.composite
def mutated_frames(draw, frames):
    """Frame text made by breaking a frame: fields dropped, added or retyped, odd numbers, deep nesting."""
    frame = draw(frames)
    # A fixture frame given as raw text (an escape JSON alone can spell) is broken as its object.
    frame = json.loads(frame) if isinstance(frame, str) else copy.deepcopy(frame)
    if not isinstance(frame, dict):
        return json.dumps(frame)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        keys = sorted(frame)
        operation = draw(st.sampled_from(["drop", "add", "retype", "number", "points", "string", "type"]))
        if operation == "drop" and keys:
            del frame[draw(st.sampled_from(keys))]
        elif operation == "add":
            frame[draw(st.one_of(st.text(max_size=8), st.sampled_from(["author", "seq", "points"])))] = draw(
                json_values
            )
        elif operation == "retype" and keys:
            frame[draw(st.sampled_from(keys))] = draw(json_values)
        elif operation == "number" and keys:
            frame[draw(st.sampled_from(keys))] = draw(
                st.one_of(
                    st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(),
                    st.sampled_from([0, -1, 1, 64, 65, 2**31, 2**63, 1.0, True, False]),
                )
            )
        elif operation == "points":
            frame["points"] = draw(
                st.one_of(
                    points_with_one_odd_value(),
                    st.lists(
                        st.one_of(st.integers(-5, 2000), st.floats(), st.booleans(), st.text(max_size=2))
                    ),
                    st.lists(st.lists(st.integers(0, 100), max_size=2), max_size=4),
                    st.lists(st.integers(0, 100), min_size=998, max_size=1004),
                    json_values,
                )
            )
        elif operation == "string" and keys:
            frame[draw(st.sampled_from(keys))] = draw(long_strings)
        elif operation == "type":
            frame["type"] = draw(
                st.sampled_from(sorted(protocol.CLIENT_MESSAGE_TYPES) + ["event", "ack", ""])
            )
    text = json.dumps(frame, ensure_ascii=draw(st.booleans()))
    # Then, maybe, break the text itself.
    breakage = draw(st.sampled_from(["none", "number", "nest", "truncate"]))
    numbers = list(NUMBER_TOKEN.finditer(text))
    if breakage == "number" and numbers:
        token = draw(st.sampled_from(numbers))
        text = text[: token.start()] + draw(st.sampled_from(RAW_NUMBERS)) + text[token.end() :]
    elif breakage == "nest" and text.endswith("}"):
        depth = draw(st.integers(min_value=1, max_value=6000))
        name = draw(st.sampled_from(["points", "strokes", "width", "extra"]))
        text = text[:-1] + f', "{name}": ' + "[" * depth + "]" * depth + "}"
    elif breakage == "truncate":
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    return text


garbage_texts = st.one_of(st.text(max_size=60), json_values.map(json.dumps), st.just(""), st.just("[]"))

# --- parse() -----------------------------------------------------------------------------


def parsed_or_refused(text, limits):
    """parse() of `text`, checked: a clean typed message, or None for a refusal with a known code."""
    try:
        message = protocol.parse(text, limits)
    except ProtocolError as refused:
        assert refused.code in ERROR_CODES
        assert isinstance(refused.reason, str) and refused.reason
        assert refused.ref is None or protocol.STROKE_ID_PATTERN.fullmatch(refused.ref)
        return None
    assert_clean(message, limits)
    return message


def assert_clean(message, limits):
    """A parsed message holds nothing a client could smuggle past the rules of docs/protocol.md."""
    if isinstance(message, protocol.ClassChange):
        assert message.changes and set(message.changes) <= set(protocol.CLASS_SETTINGS)
        for name, value in message.changes.items():
            if name == protocol.SPOTLIGHT:
                assert value is None or protocol.PARTICIPANT_ID_PATTERN.fullmatch(value)
            elif name == protocol.BACKGROUND:
                assert value in backgrounds.KINDS
            elif name == protocol.PICTURE:
                assert value is None or protocol.is_picture_digest(value)
            else:
                assert type(value) is bool
        return
    if isinstance(message, protocol.Remove):
        assert protocol.PARTICIPANT_ID_PATTERN.fullmatch(message.participant)
        return
    if isinstance(message, protocol.Laser):
        if message.at is not None:
            x, y = message.at
            assert type(x) is int and type(y) is int
            assert 0 <= x <= limits.board_width and 0 <= y <= limits.board_height
        return
    if isinstance(message, protocol.Edit):
        assert message.kind in (
            protocol.UNDO,
            protocol.REDO,
            protocol.CLEAR,
            protocol.ERASE,
            protocol.MOVE,
            "remove_ink",
        )
        assert protocol.STROKE_ID_PATTERN.fullmatch(message.id)
        if message.kind == "remove_ink":
            assert protocol.PARTICIPANT_ID_PATTERN.fullmatch(message.participant)
            return
        if message.kind == protocol.MOVE:
            assert all(type(value) is int for value in message.by)
        if message.kind in (protocol.ERASE, protocol.MOVE):
            assert 1 <= len(message.strokes) <= max(limits.max_erase_strokes, limits.max_move_strokes)
            for author, stroke in message.strokes:
                assert protocol.STROKE_ID_PATTERN.fullmatch(author)
                assert protocol.STROKE_ID_PATTERN.fullmatch(stroke)
        else:
            assert message.strokes == ()
        return
    assert isinstance(message, (protocol.StrokeBegin, protocol.StrokePoints, protocol.StrokeEnd))
    assert protocol.STROKE_ID_PATTERN.fullmatch(message.stroke)
    points = message.points
    assert isinstance(points, list)
    assert all(type(value) is int for value in points)
    if isinstance(message, protocol.StrokePoints):
        assert points
    if isinstance(message, protocol.StrokeBegin):
        # Its points are checked against its kind at once (those of points and end, against
        # the kind of the stroke they continue, by the session).
        item = message.item
        size = items.stride(item["kind"])
        assert len(points) % size == 0 and len(points) // size <= limits.max_points_per_message
        assert all(0 <= x <= limits.board_width for x in points[0::size])
        assert all(0 <= y <= limits.board_height for y in points[1::size])
        assert re.fullmatch(r"#[0-9a-f]{6}", item["color"])
        if "width" in item:
            assert type(item["width"]) is int and 1 <= item["width"] <= limits.max_stroke_width


@PROPERTY_SETTINGS
@given(text=st.text(max_size=200))
def test_parse_of_any_text_returns_a_message_or_refuses_with_a_known_code(text):
    parsed_or_refused(text, Limits())


@PROPERTY_SETTINGS
@given(value=json_values)
def test_parse_of_any_json_value_returns_a_message_or_refuses_with_a_known_code(value):
    parsed_or_refused(json.dumps(value), Limits())


@settings(PROPERTY_SETTINGS, max_examples=600)
@given(text=mutated_frames(st.sampled_from(FIXTURE_FRAMES)), small=st.booleans())
def test_parse_of_broken_fixture_frames_returns_a_clean_message_or_refuses_with_a_known_code(text, small):
    parsed_or_refused(text, SMALL if small else Limits())


# --- the board session ----------------------------------------------------------------------

PARTICIPANTS = ("ann", "bob")
STROKE_IDS = tuple(f"s{number}" for number in range(1, 7))
EDIT_IDS = tuple(f"e{number}" for number in range(1, 13))

coordinates = st.tuples(st.integers(0, SMALL.board_width), st.integers(0, SMALL.board_height))
point_lists = st.one_of(
    st.lists(coordinates, max_size=4), st.lists(coordinates, max_size=SMALL.max_points_per_message + 2)
).map(lambda pairs: [value for pair in pairs for value in pair])
stroke_ids = st.sampled_from(STROKE_IDS)
edit_ids = st.sampled_from(EDIT_IDS)
valid_frames = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just("stroke.begin"),
            "stroke": stroke_ids,
            "item": st.fixed_dictionaries(
                {
                    "kind": st.just("marker"),
                    "color": st.sampled_from(["#000000", "#E03131", "#1971c2"]),
                    "width": st.integers(1, SMALL.max_stroke_width),
                }
            ),
        },
        optional={"points": point_lists},
    ),
    st.fixed_dictionaries({"type": st.just("stroke.points"), "stroke": stroke_ids, "points": point_lists}),
    st.fixed_dictionaries(
        {"type": st.just("stroke.end"), "stroke": stroke_ids}, optional={"points": point_lists}
    ),
    st.fixed_dictionaries({"type": st.sampled_from(["undo", "redo", "clear"]), "id": edit_ids}),
    st.fixed_dictionaries(
        {
            "type": st.just("erase"),
            "id": edit_ids,
            "strokes": st.lists(
                st.tuples(st.sampled_from(PARTICIPANTS + ("zed",)), stroke_ids).map(list),
                min_size=1,
                max_size=SMALL.max_erase_strokes + 1,
            ),
        }
    ),
)
# Not frames: the socket sends a binary frame, drops and comes back, or the database fails the next commit.
BINARY, RECONNECT, FAIL_NEXT_STORE = "binary", "reconnect", "fail-next-store"


@st.composite
def whole_strokes(draw):
    """begin, points and end of one stroke, as a browser sends them."""
    stroke = draw(stroke_ids)
    begin = {
        "type": "stroke.begin",
        "stroke": stroke,
        "item": {"kind": "marker", "color": "#2f9e44", "width": 4},
        "points": draw(point_lists),
    }
    middle = [
        {"type": "stroke.points", "stroke": stroke, "points": points}
        for points in draw(st.lists(point_lists.filter(bool), max_size=3))
    ]
    end = {"type": "stroke.end", "stroke": stroke, "points": draw(point_lists)}
    return [json.dumps(frame) for frame in (begin, *middle, end)]


undo_then_redo = st.tuples(edit_ids, edit_ids).map(
    lambda ids: [json.dumps({"type": "undo", "id": ids[0]}), json.dumps({"type": "redo", "id": ids[1]})]
)
single_frames = st.one_of(
    valid_frames.map(json.dumps),
    valid_frames.map(json.dumps),
    mutated_frames(valid_frames),
    garbage_texts,
    st.sampled_from([BINARY, RECONNECT, FAIL_NEXT_STORE]),
)
steps = st.tuples(
    st.sampled_from(range(len(PARTICIPANTS))),
    st.one_of(whole_strokes(), whole_strokes(), undo_then_redo, single_frames.map(lambda frame: [frame])),
    st.sampled_from([0.0, 0.0, 0.0, 0.05, 0.3, 1.0, 10.0]),
)


class FakeClock:
    """A clock each example moves by hand, so the budgets decide the same way every run."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class MemoryLog:
    """A board's log in memory, committed as draw/store.py does: resolve, then apply with the next seq."""

    # As in the store, the live history applies the event it resolved while the log keeps a copy
    # through JSON, as the database does: a list the session changes later shows up as a difference.

    def __init__(self, max_visible):
        self.history = BoardHistory(max_visible=max_visible)
        self.events = []
        self.by_key = {}

    def commit(self, kind, author, client_id, request):
        stored = self.by_key.get((author, client_id))
        if stored is not None:
            return Commit(stored["seq"], json.loads(json.dumps(stored)), duplicate=True)
        effect = self.history.resolve(kind, author, request)
        event = {"seq": self.history.seq + 1, "kind": kind, "author": author, **effect}
        stored = json.loads(json.dumps(event))
        self.events.append(stored)
        self.by_key[(author, client_id)] = stored
        self.history.apply(event)
        return Commit(event["seq"], event, duplicate=False)


def assert_server_message(message):
    assert message["type"] in SERVER_MESSAGE_TYPES, message
    if message["type"] == protocol.ERROR:
        assert message["code"] in ERROR_CODES, message
        assert isinstance(message["message"], str) and message["message"]
        assert "ref" not in message or protocol.STROKE_ID_PATTERN.fullmatch(message["ref"])
    elif message["type"] == protocol.ACK:
        assert protocol.STROKE_ID_PATTERN.fullmatch(message["ref"]) and message["seq"] >= 1
    json.dumps(message, allow_nan=False)


class Board:
    """Two participants' sessions on one board, their actions carried out as the consumer does."""

    def __init__(self):
        self.clock = FakeClock()
        self.log = MemoryLog(SMALL.max_strokes_per_board)
        self.sessions = [self.connect(participant) for participant in PARTICIPANTS]
        self.failing = [False] * len(PARTICIPANTS)
        # What every screen is told, in order; committed events replayed as a browser would.
        self.published = []

    def connect(self, participant):
        return BoardSession("board", Participant(participant), SMALL, clock=self.clock)

    def step(self, index, frame):
        session = self.sessions[index]
        if frame == RECONNECT:
            self.reconnect(index)
            return
        if frame == FAIL_NEXT_STORE:
            self.failing[index] = True
            return
        actions = session.receive_binary() if frame == BINARY else session.receive_text(frame)
        if self.act(index, session, actions):
            self.reconnect(index)

    def act(self, index, session, actions):
        """Carry out actions; True if the session asked to close."""
        closed = False
        for action in actions:
            assert type(action) in (Reply, Publish, Store, Close), action
            if isinstance(action, Reply):
                assert_server_message(action.message)
            elif isinstance(action, Publish):
                assert action.message["type"] in PUBLISHED_TYPES, action.message
                # Nothing goes out in another participant's name.
                assert action.message["author"] == session.participant.id, action.message
                self.published.append(json.loads(protocol.encode(action.message)))
            elif isinstance(action, Store):
                closed |= self.act(index, session, self.carry_out(index, session, action))
            else:
                assert action.code in (
                    protocol.CLOSE_UNSUPPORTED_DATA,
                    protocol.CLOSE_POLICY_VIOLATION,
                    protocol.CLOSE_MESSAGE_TOO_BIG,
                )
                closed = True
        return closed

    def carry_out(self, index, session, store):
        if self.failing[index]:
            self.failing[index] = False
            return session.store_failed(store)
        try:
            commit = self.log.commit(store.kind, session.participant.id, store.client_id, store.request)
        except ProtocolError as refused:
            return session.store_refused(store, refused)
        return session.stored(store, commit)

    def reconnect(self, index):
        session = self.sessions[index]
        assert not self.act(index, session, session.leave())
        self.sessions[index] = self.connect(session.participant.id)


def visible(history):
    return [(stroke.key, stroke.points, stroke.item, stroke.seq) for stroke in history.visible_strokes()]


@settings(PROPERTY_SETTINGS, max_examples=400)
@given(script=st.lists(steps, min_size=15, max_size=60))
def test_any_frames_from_two_participants_keep_a_board_that_replays_from_its_log(script):
    board = Board()
    for index, frames, elapsed in script:
        board.clock.now += elapsed
        for frame in frames:
            board.step(index, frame)
        assert board.log.history.visible_count <= SMALL.max_strokes_per_board
    for index in range(len(PARTICIPANTS)):
        board.reconnect(index)

    events = board.log.events
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    replayed = BoardHistory(max_visible=SMALL.max_strokes_per_board).apply_all(events)
    assert visible(replayed) == visible(board.log.history)
    assert replayed.visible_count == len(replayed.visible_strokes()) <= SMALL.max_strokes_per_board
    # Every committed event was published once, in seq order: a screen replaying them agrees.
    published = [
        {key: value for key, value in message.items() if key != "type"}
        for message in board.published
        if message["type"] == protocol.EVENT
    ]
    assert published == events
    assert visible(BoardHistory().apply_all(published)) == visible(board.log.history)
    for event in events:
        if event["kind"] == "stroke":
            points = event["points"]
            assert 1 <= len(points) // 2 <= SMALL.max_points_per_stroke and len(points) % 2 == 0
            assert all(0 <= x <= SMALL.board_width for x in points[0::2])
            assert all(0 <= y <= SMALL.board_height for y in points[1::2])
