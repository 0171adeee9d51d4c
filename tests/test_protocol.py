"""The wire protocol, table-driven from tests/fixtures/protocol.json (shared with the browser tests)."""

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from draw import protocol
from draw.classroom import ClassSettings
from draw.history import BoardHistory
from draw.participants import Participant
from draw.presence import Person

CASES = json.loads((Path(__file__).parent / "fixtures" / "protocol.json").read_text())
LIMITS = protocol.Limits(**CASES["limits"])
TYPE_OF = {
    protocol.StrokeBegin: protocol.STROKE_BEGIN,
    protocol.StrokePoints: protocol.STROKE_POINTS,
    protocol.StrokeEnd: protocol.STROKE_END,
}


def frame_text(frame):
    return frame if isinstance(frame, str) else json.dumps(frame)


def as_fixture(message):
    """A parsed message in the fixture's form: its wire type and its fields."""
    if isinstance(message, protocol.Edit):
        fields = {}
        if message.kind == protocol.ERASE:
            fields = {"strokes": [list(key) for key in message.strokes]}
        elif message.kind == protocol.MOVE:
            fields = {"strokes": [list(key) for key in message.strokes], "by": list(message.by)}
        elif message.kind == "remove_ink":
            fields = {"participant": message.participant}
        return {"type": message.TYPE, "id": message.id, **fields}
    if isinstance(message, protocol.ClassChange):
        return {"type": protocol.CLASS, "set": message.changes}
    if isinstance(message, protocol.Laser):
        return {"type": protocol.LASER, "at": None if message.at is None else list(message.at)}
    if isinstance(message, protocol.Remove):
        return {"type": protocol.REMOVE, "participant": message.participant}
    return {"type": TYPE_OF[type(message)], **asdict(message)}


@pytest.mark.parametrize("case", CASES["valid"], ids=[case["name"] for case in CASES["valid"]])
def test_valid_frame_parses_to_its_message(case):
    assert as_fixture(protocol.parse(frame_text(case["frame"]), LIMITS)) == case["parsed"]


@pytest.mark.parametrize("case", CASES["invalid"], ids=[case["name"] for case in CASES["invalid"]])
def test_invalid_frame_is_refused_with_its_code(case):
    with pytest.raises(protocol.ProtocolError) as refused:
        protocol.parse(frame_text(case["frame"]), LIMITS)
    assert refused.value.code == case["code"]
    assert refused.value.reason


def test_every_client_message_type_has_a_valid_example():
    assert {case["parsed"]["type"] for case in CASES["valid"]} == protocol.CLIENT_MESSAGE_TYPES


def test_fixture_limits_are_the_defaults():
    assert LIMITS == protocol.Limits()


def test_relayed_message_carries_the_author():
    message = protocol.parse('{"type":"stroke.points","stroke":"s1","points":[1,2]}')
    assert message.to_wire("p1") == {
        "type": "stroke.points",
        "stroke": "s1",
        "author": "p1",
        "points": [1, 2],
    }


def test_encoded_messages_are_compact_json():
    assert protocol.encode({"type": "x", "points": [1, 2]}) == '{"type":"x","points":[1,2]}'


def test_deeply_nested_json_is_bad_json_not_a_crash():
    with pytest.raises(protocol.ProtocolError) as refused:
        protocol.parse("[" * 100_000 + "]" * 100_000, protocol.Limits(max_message_bytes=10**6))
    assert refused.value.code == "bad_json"


def server_examples(kind):
    return [example["message"] for example in CASES["server_examples"] if example["message"]["type"] == kind]


def test_the_fixtures_server_examples_are_what_the_server_makes():
    """The browser's tests read these examples; the server's encoders make the same shapes."""
    (welcome,) = server_examples(protocol.WELCOME)
    made = protocol.welcome(
        welcome["board"],
        Participant(welcome["you"], welcome["role"], welcome["name"]),
        welcome["token"],
        welcome["seq"],
        protocol.Limits(**{**CASES["limits"], **welcome["limits"]}),
        ClassSettings.from_wire(welcome["class"], version=1),
        welcome["send_ms"],
    )
    assert made == welcome
    paces = server_examples(protocol.PACE)
    assert {pace["send_ms"] for pace in paces} >= {0}
    for pace in paces:
        assert protocol.pace(pace["send_ms"]) == pace
    for change in server_examples(protocol.CLASS):
        assert protocol.class_settings(ClassSettings.from_wire(change["class"], version=1)) == change
    for presence in server_examples(protocol.PRESENCE):
        people = [Person(**person) for person in presence["people"]] if "people" in presence else None
        assert protocol.presence(presence["count"], people) == presence
    for laser in server_examples(protocol.LASER):
        assert protocol.laser(laser["author"], laser["at"]) == laser
    for part in server_examples(protocol.SNAPSHOT):
        assert protocol.snapshot(part["seq"], part["strokes"], part["index"], part["total"]) == part
    for ack in server_examples(protocol.ACK):
        assert protocol.ack(ack["ref"], ack["seq"]) == ack
    for drop in server_examples(protocol.STROKE_DROP):
        assert protocol.stroke_drop(drop["stroke"], drop["author"]) == drop
    for error in server_examples(protocol.ERROR):
        assert error["code"] in protocol.ERROR_CODES
        assert protocol.error(error["code"], error["message"], error.get("ref")) == error
    events = server_examples(protocol.EVENT) + [
        message for batch in server_examples(protocol.BATCH) for message in batch["messages"]
    ]
    for begin in (message for message in events if message["type"] == protocol.STROKE_BEGIN):
        parsed = protocol.StrokeBegin(begin["stroke"], begin["item"], begin["points"])
        assert parsed.to_wire(begin["author"], begin.get("name")) == begin
    assert {message["type"] for message in events} <= {
        protocol.EVENT,
        protocol.STROKE_BEGIN,
        protocol.STROKE_POINTS,
    }
    # Committed events replay in order, their hide and show lists naming [author, id] pairs.
    replayed = BoardHistory().apply_all(
        {key: value for key, value in message.items() if key != "type"}
        for message in sorted(
            (message for message in events if message["type"] == protocol.EVENT), key=lambda m: m["seq"]
        )
    )
    assert replayed.seq == max(message["seq"] for message in events if message["type"] == protocol.EVENT)
