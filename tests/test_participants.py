"""Who connects: tokens, names and roles, without sockets (draw/participants.py)."""

from draw.participants import (
    DEFAULT_HOST_NAME,
    HOST,
    STUDENT,
    VIEWER,
    clean_name,
    connecting_participant,
    host_participant_id,
    identity_from_token,
    token_for,
)


def test_a_token_brings_back_its_participant_and_name_and_a_forged_one_a_new_participant():
    assert identity_from_token(token_for("ada1234567", "Ada")) == ("ada1234567", "Ada")
    assert identity_from_token(token_for("ada1234567")) == ("ada1234567", None)
    forged = token_for("ada1234567", "Ada")[:-2] + "xx"
    participant_id, name = identity_from_token(forged)
    assert participant_id != "ada1234567" and name is None


def test_names_are_trimmed_to_one_line_of_1_to_24_characters():
    assert clean_name("  Ada \t Lovelace\n") == "Ada Lovelace"
    assert clean_name("<b>x</b>") == "<b>x</b>"  # kept as typed: escaped wherever shown
    assert clean_name("   ") is None
    assert clean_name("x" * 25) is None
    assert clean_name("a\u200bb") == "a b"


def test_every_connection_with_the_host_key_is_the_same_host_whatever_its_token():
    first = connecting_participant(("tab1abcdef", None), is_host=True, host_key_hash="k1", wants_view=False)
    second = connecting_participant(("tab2abcdef", "Ms R"), is_host=True, host_key_hash="k1", wants_view=True)
    assert first.id == second.id == host_participant_id("k1")
    assert (first.role, first.name, second.name) == (HOST, DEFAULT_HOST_NAME, "Ms R")
    assert host_participant_id("k2") != first.id


def test_a_hosts_token_without_the_key_is_a_new_student_and_view_asks_for_a_viewer():
    old_host = (host_participant_id("k1"), "Ms R")
    demoted = connecting_participant(old_host, is_host=False, host_key_hash="k2", wants_view=False)
    assert demoted.role == STUDENT and demoted.id != old_host[0] and demoted.name is None
    viewer = connecting_participant(("p1abcdefgh", None), is_host=False, host_key_hash="k1", wants_view=True)
    assert (viewer.id, viewer.role) == ("p1abcdefgh", VIEWER)
