"""Who may do what: every rule of draw/policy.py, for every role, on hosted and open boards."""

import pytest

from draw import policy
from draw.classroom import ClassSettings
from draw.participants import HOST, STUDENT, VIEWER, Participant

HOSTED = ClassSettings(hosted=True)
OPEN = ClassSettings(hosted=False)
host, student, viewer = Participant("h", HOST), Participant("s", STUDENT), Participant("v", VIEWER)


@pytest.mark.parametrize("action", policy.ACTIONS)
@pytest.mark.parametrize("settings", [HOSTED, OPEN, HOSTED.changed({"pens_down": True})])
def test_the_host_may_do_everything_and_a_viewer_nothing(action, settings):
    assert policy.can(host, action, settings)
    assert not policy.can(viewer, action, settings)
    assert policy.refusal_code(viewer, action, settings) == "forbidden"


@pytest.mark.parametrize("action", [policy.REMOVE_INK, policy.REMOVE, policy.SET_CLASS])
@pytest.mark.parametrize("settings", [HOSTED, OPEN])
def test_a_student_may_never_conduct_the_class(action, settings):
    assert not policy.can(student, action, settings)
    assert policy.refusal_code(student, action, settings) == "forbidden"


def test_a_student_draws_unless_pens_are_down_which_is_refused_as_locked():
    assert policy.can(student, policy.DRAW, HOSTED)
    pens_down = HOSTED.changed({"pens_down": True})
    assert not policy.can(student, policy.DRAW, pens_down)
    assert policy.refusal_code(student, policy.DRAW, pens_down) == "locked"
    assert policy.can(host, policy.DRAW, pens_down)


def test_a_student_erases_their_own_strokes_even_with_pens_down():
    assert policy.can(student, policy.ERASE_OWN, HOSTED)
    assert policy.can(student, policy.ERASE_OWN, HOSTED.changed({"pens_down": True}))


def test_on_a_hosted_board_clear_and_erasing_others_are_the_hosts():
    assert not policy.can(student, policy.CLEAR, HOSTED)
    assert not policy.can(student, policy.ERASE_ANY, HOSTED)


def test_a_board_nobody_hosts_is_an_open_canvas():
    assert policy.can(student, policy.CLEAR, OPEN)
    assert policy.can(student, policy.ERASE_ANY, OPEN)


def test_the_laser_is_the_hosts_unless_students_may_use_it():
    assert not policy.can(student, policy.LASER, HOSTED)
    assert policy.can(student, policy.LASER, HOSTED.changed({"student_laser": True}))


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        policy.can(host, "fly", HOSTED)
