"""Board names: what a valid one looks like, its channel group, and fresh readable names."""

import re
import secrets

BOARD_NAME_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?"
_BOARD_NAME = re.compile(BOARD_NAME_PATTERN)
CLASSIC_BOARD = "draw"

# Join codes: six of the capitals and digits nobody confuses when read off a projector
# (no I, O, 0 or 1).
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
_JOIN_CODE = re.compile(rf"[{JOIN_CODE_ALPHABET}]{{{JOIN_CODE_LENGTH}}}")

_ADJECTIVES = (
    "amber azure bold brave bright calm clever cosmic crisp daring eager fancy gentle golden "
    "happy jolly kind lively lucky merry mighty misty noble quick quiet rapid shiny silver "
    "sunny swift tidy witty"
).split()
_ANIMALS = (
    "badger beaver bison crane dolphin eagle falcon ferret fox gecko heron koala lemur lynx "
    "marten moose newt otter owl panda puffin quail rabbit raven seal sparrow tiger turtle "
    "walrus whale wombat yak zebra"
).split()


def is_valid_board_name(name):
    """A short lowercase slug: 1-32 letters, digits and inner dashes."""
    return isinstance(name, str) and _BOARD_NAME.fullmatch(name) is not None


def group_name(board):
    return f"board.{board}"


def random_board_name():
    """A readable name to say out loud in a classroom, e.g. 'swift-otter-42'."""
    return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_ANIMALS)}-{secrets.randbelow(90) + 10}"


def new_join_code():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normal_join_code(text):
    """A typed code as stored (upper case, without spaces or dashes), or None if it cannot be one.

    ASCII letters, digits, spaces and dashes only, checked before the case changes: str.upper()
    makes "FF" of the ligature U+FB00 and "SS" of "ß", so a code could be spelt in letters
    that are not on the board.
    """
    if not isinstance(text, str) or not text.isascii():
        return None
    code = text.strip().upper().replace(" ", "").replace("-", "")
    return code if _JOIN_CODE.fullmatch(code) else None
