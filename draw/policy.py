"""Who may do what on a board: every rule of class mode in one pure function, `can()`.

The server asks it before anything a message asks for happens; the page mirrors it
(frontend/policy.js) only to hide what would be refused.
"""

from draw.participants import HOST, STUDENT

DRAW = "draw"  # begin a stroke, or undo or redo one's own changes
ERASE_OWN = "erase_own"  # erase one's own strokes
ERASE_ANY = "erase_any"  # erase strokes of others
CLEAR = "clear"
REMOVE_INK = "remove_ink"  # hide every stroke of one participant
REMOVE = "remove"  # close a participant's sockets and refuse its token
SET_CLASS = "set_class"
LASER = "laser"
IN_A_LANE = "in_a_lane"  # draw, erase or move on one student's page (draw/lanes.py)

ACTIONS = (DRAW, ERASE_OWN, ERASE_ANY, CLEAR, REMOVE_INK, REMOVE, SET_CLASS, LASER, IN_A_LANE)

_HOST_ONLY = frozenset({ERASE_ANY, REMOVE_INK, REMOVE, SET_CLASS, IN_A_LANE})
# What every student may do on a board that has no host.
_OPEN_CANVAS = frozenset({CLEAR, ERASE_ANY})


def can(participant, action, settings):
    """Whether `participant` may do `action` on a board with these ClassSettings."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if participant.role == HOST:
        return True
    if participant.role != STUDENT:
        return False
    if action in _OPEN_CANVAS and not settings.hosted:
        # A board nobody hosts is an open canvas, everyone equal, as before class mode.
        return True
    if action in _HOST_ONLY or action == CLEAR:
        return False
    if action == DRAW:
        return not settings.pens_down
    if action == LASER:
        return settings.student_laser
    return True  # ERASE_OWN


def refusal_code(participant, action, settings):
    """The error code refusing `action`: `locked` for a student's drawing while pens are down."""
    if action == DRAW and participant.role == STUDENT and settings.pens_down:
        return "locked"
    return "forbidden"
