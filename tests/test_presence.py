"""The people on a board across processes: draw/presence.py without sockets."""

from draw.participants import HOST, STUDENT, VIEWER, Participant
from draw.presence import LocalPeople, Person, Roster

ADA = Participant("ada1", STUDENT, "Ada")
GRACE = Participant("grace1", STUDENT, "Grace")
TEACHER = Participant("t1", HOST, "Ms Rivera")
PROJECTOR = Participant("p1", VIEWER, None)


def test_a_participant_with_two_sockets_is_away_only_once_both_have_gone():
    people = LocalPeople(max_away=10)
    people.entered(ADA)
    people.entered(ADA)
    people.left(ADA)
    assert people.part() == [["ada1", "Ada", STUDENT, True]]
    people.left(ADA)
    assert people.part() == [["ada1", "Ada", STUDENT, False]]


def test_a_participant_who_comes_back_is_online_again_with_the_same_name():
    people = LocalPeople(max_away=10)
    people.entered(ADA)
    people.left(ADA)
    people.entered(ADA)
    assert people.part() == [["ada1", "Ada", STUDENT, True]]


def test_away_people_are_bounded_oldest_forgotten_first():
    people = LocalPeople(max_away=2)
    for index in range(4):
        participant = Participant(f"p{index}", STUDENT, f"P{index}")
        people.entered(participant)
        people.left(participant)
    assert [entry[0] for entry in people.part()] == ["p2", "p3"]


def test_parts_from_two_processes_merge_online_wins_and_viewers_are_not_counted():
    roster = Roster(expiry_seconds=30)
    roster.heard("a", [["ada1", "Ada", STUDENT, False], ["t1", "Ms Rivera", HOST, True]], now=0)
    roster.heard("b", [["ada1", "Ada", STUDENT, True], ["p1", None, VIEWER, True]], now=0)
    assert roster.people() == [
        Person("p1", None, VIEWER, True),
        Person("ada1", "Ada", STUDENT, True),
        Person("t1", "Ms Rivera", HOST, True),
    ]
    assert roster.count() == 2


def test_people_are_listed_online_first_then_by_name():
    roster = Roster(expiry_seconds=30)
    part = [["g", "grace", STUDENT, True], ["z", "Zoe", STUDENT, False], ["a", "Ada", STUDENT, True]]
    part += [["s10", "Student 10", STUDENT, True], ["s2", "Student 2", STUDENT, True]]
    roster.heard("a", part, now=0)
    assert [person.name for person in roster.people()] == ["Ada", "grace", "Student 2", "Student 10", "Zoe"]


def test_a_part_not_heard_for_its_expiry_is_forgotten():
    roster = Roster(expiry_seconds=30)
    roster.heard("gone", [["ada1", "Ada", STUDENT, True]], now=0)
    roster.heard("here", [["t1", "Ms Rivera", HOST, True]], now=25)
    assert not roster.expire(now=29)
    assert roster.expire(now=31)
    assert [person.id for person in roster.people()] == ["t1"]


def test_hearing_the_same_part_again_changes_nothing():
    roster = Roster(expiry_seconds=30)
    part = [["ada1", "Ada", STUDENT, True]]
    assert roster.heard("a", part, now=0)
    assert not roster.heard("a", part, now=5)
    assert roster.heard("a", [["ada1", "Ada", STUDENT, False]], now=6)
