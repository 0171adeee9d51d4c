"""The board session's rules, by plain calls: budgets, open strokes, refusals, closes and leaving."""

import json

from draw import protocol
from draw.participants import Participant
from draw.protocol import Limits
from draw.session import BoardSession, Close, Publish, Reply, Store
from draw.store import Commit


class FakeClock:
    """A clock the test moves by hand, so every budget is exact."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def session_for(participant="alice", clock=None, **limits):
    return BoardSession("board", Participant(participant), Limits(**limits), clock=clock or FakeClock())


def send(session, **message):
    return session.receive_text(json.dumps(message))


def begin(session, stroke="s1", points=(10, 10)):
    return send(
        session,
        type="stroke.begin",
        stroke=stroke,
        item={"kind": "marker", "color": "#1e1e1e", "width": 4},
        points=list(points),
    )


def of_type(actions, kind):
    return [action for action in actions if isinstance(action, kind)]


def errors(actions):
    return [action.message for action in of_type(actions, Reply) if action.message["type"] == "error"]


def test_an_edit_storm_past_the_action_burst_is_refused_and_stores_nothing():
    session = session_for(max_action_burst=5, max_actions_per_second=1)
    kinds = ["undo", "redo", "clear"]
    for index in range(5):
        (store,) = send(session, type=kinds[index % 3], id=f"e{index}")
        assert isinstance(store, Store) and store.client_id == f"e{index}"
    for index in range(5, 8):
        actions = send(session, type=kinds[index % 3], id=f"e{index}")
        assert not of_type(actions, Store)
        assert [(error["code"], error["ref"]) for error in errors(actions)] == [("rate_limited", f"e{index}")]


def test_the_action_budget_refills_at_its_rate():
    clock = FakeClock()
    session = session_for(clock=clock, max_action_burst=2, max_actions_per_second=4)
    for index in range(2):
        assert of_type(send(session, type="undo", id=f"u{index}"), Store)
    assert errors(send(session, type="undo", id="u2"))[0]["code"] == "rate_limited"
    clock.now = 0.25
    assert of_type(send(session, type="undo", id="u3"), Store)


def test_a_stroke_begin_without_an_action_to_spend_is_refused_and_nothing_is_published():
    session = session_for(max_action_burst=1)
    assert of_type(send(session, type="clear", id="c1"), Store)
    actions = begin(session, "s1")
    assert not of_type(actions, Publish) and not of_type(actions, Store)
    assert [(error["code"], error["ref"]) for error in errors(actions)] == [("rate_limited", "s1")]
    # The stroke never opened: its points are refused too, and nothing is published for them.
    actions = send(session, type="stroke.points", stroke="s1", points=[20, 20])
    assert errors(actions)[0]["code"] == "unknown_stroke" and not of_type(actions, Publish)


def test_a_stroke_ended_without_points_is_refused_dropped_and_not_stored():
    session = session_for()
    (begun,) = begin(session, "s1", points=())
    assert begun == Publish(
        {
            "type": "stroke.begin",
            "stroke": "s1",
            "author": "alice",
            "item": {"kind": "marker", "color": "#1e1e1e", "width": 4},
            "points": [],
        }
    )
    actions = send(session, type="stroke.end", stroke="s1")
    assert not of_type(actions, Store)
    assert [action.message for action in of_type(actions, Publish)] == [protocol.stroke_drop("s1", "alice")]
    assert [(error["code"], error["ref"]) for error in errors(actions)] == [("empty_stroke", "s1")]


def test_points_past_the_point_budget_are_refused_and_the_stroke_dropped():
    session = session_for(max_points_per_second=10)
    begin(session, "s1", points=[1, 1] * 6)
    actions = send(session, type="stroke.points", stroke="s1", points=[2, 2] * 5)
    assert [action.message for action in of_type(actions, Publish)] == [protocol.stroke_drop("s1", "alice")]
    assert [(error["code"], error["ref"]) for error in errors(actions)] == [("rate_limited", "s1")]
    # The server forgot the stroke: its end stores nothing.
    actions = send(session, type="stroke.end", stroke="s1", points=[3, 3])
    assert not of_type(actions, Store) and errors(actions)[0]["code"] == "unknown_stroke"
    assert session.open_stroke_begins() == []


def test_a_stroke_ended_is_stored_whole_with_every_point_in_order():
    session = session_for()
    begin(session, "s1", points=[1, 2])
    send(session, type="stroke.points", stroke="s1", points=[3, 4, 5, 6])
    (store,) = send(session, type="stroke.end", stroke="s1", points=[7, 8])
    assert store == Store(
        "stroke",
        "s1",
        {
            "stroke": "s1",
            "item": {"kind": "marker", "color": "#1e1e1e", "width": 4},
            "points": [1, 2, 3, 4, 5, 6, 7, 8],
        },
    )


def test_another_participants_stroke_id_can_be_neither_extended_nor_ended_nor_dropped():
    alice, bob = session_for("alice"), session_for("bob")
    begin(alice, "s1", points=[1, 1])
    for message in (
        {"type": "stroke.points", "stroke": "s1", "points": [9, 9]},
        {"type": "stroke.end", "stroke": "s1"},
    ):
        actions = send(bob, **message)
        assert not of_type(actions, Publish) and not of_type(actions, Store)
        assert [(error["code"], error["ref"]) for error in errors(actions)] == [("unknown_stroke", "s1")]
    assert bob.leave() == []
    # Alice's stroke is untouched, and Bob may draw an "s1" of his own beside it.
    begin(bob, "s1", points=[5, 5])
    (bob_store,) = send(bob, type="stroke.end", stroke="s1", points=[6, 6])
    (alice_store,) = send(alice, type="stroke.end", stroke="s1", points=[2, 2])
    assert alice_store.request["points"] == [1, 1, 2, 2]
    assert bob_store.request["points"] == [5, 5, 6, 6]


def test_more_refusals_than_the_error_budget_close_with_4008():
    session = session_for(max_errors_per_minute=3)
    for _ in range(3):
        (reply,) = session.receive_text("not json")
        assert reply.message["code"] == "bad_json"
    (close,) = session.receive_text("not json")
    assert close.code == protocol.CLOSE_POLICY_VIOLATION


def test_a_frame_over_max_message_bytes_closes_with_4009():
    session = session_for(max_message_bytes=1024)
    frame = json.dumps({"type": "stroke.end", "stroke": "s1", "pad": "x" * 1024})
    (close,) = session.receive_text(frame)
    assert isinstance(close, Close) and close.code == protocol.CLOSE_MESSAGE_TOO_BIG


def test_a_binary_frame_closes_with_4003():
    (close,) = session_for().receive_binary()
    assert isinstance(close, Close) and close.code == protocol.CLOSE_UNSUPPORTED_DATA


def test_a_failed_store_is_store_unavailable_with_its_ref_and_spends_no_error_budget():
    session = session_for(max_errors_per_minute=2)
    edit = Store("undo", "u1", {"strokes": []})
    for _ in range(20):
        assert session.store_failed(edit) == [
            Reply(
                protocol.error(
                    "store_unavailable", "the board could not be stored just now; it will be sent again", "u1"
                )
            )
        ]
    stroke = Store(
        "stroke",
        "s1",
        {"stroke": "s1", "item": {"kind": "marker", "color": "#000000", "width": 1}, "points": [1, 1]},
    )
    for _ in range(20):
        actions = session.store_failed(stroke)
        assert [action.message for action in of_type(actions, Publish)] == [
            protocol.stroke_drop("s1", "alice")
        ]
        assert [(error["code"], error["ref"]) for error in errors(actions)] == [("store_unavailable", "s1")]
    # The whole error budget is still there.
    for _ in range(2):
        assert errors(session.receive_text("not json"))
    assert of_type(session.receive_text("not json"), Close)


def test_a_refused_store_spends_the_error_budget_and_names_its_ref():
    session = session_for(max_errors_per_minute=1)
    edit = Store("undo", "u1", {"strokes": []})
    refused = protocol.ProtocolError("nothing_to_undo", "you have nothing to undo")
    assert [(error["code"], error["ref"]) for error in errors(session.store_refused(edit, refused))] == [
        ("nothing_to_undo", "u1")
    ]
    assert of_type(session.store_refused(edit, refused), Close)


def test_a_stored_stroke_is_published_and_acknowledged_and_a_repeat_only_acknowledged():
    session = session_for()
    store = Store(
        "stroke",
        "s1",
        {"stroke": "s1", "item": {"kind": "marker", "color": "#000000", "width": 1}, "points": [1, 1]},
    )
    event = {"seq": 4, "kind": "stroke", "author": "alice", **store.request}
    assert session.stored(store, Commit(4, event, duplicate=False)) == [
        Publish(protocol.event(event)),
        Reply(protocol.ack("s1", 4)),
    ]
    assert session.stored(store, Commit(4, event, duplicate=True)) == [
        Publish(protocol.stroke_drop("s1", "alice")),
        Reply(protocol.ack("s1", 4)),
    ]


def test_leaving_drops_every_open_stroke_and_only_those():
    session = session_for()
    begin(session, "open1")
    begin(session, "done")
    begin(session, "open2")
    send(session, type="stroke.end", stroke="done")
    assert session.leave() == [
        Publish(protocol.stroke_drop("open1", "alice")),
        Publish(protocol.stroke_drop("open2", "alice")),
    ]
    assert session.open_stroke_begins() == []
    assert session.leave() == []
