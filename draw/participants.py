"""Who is on a board: a Participant value (id, role, name), carried across reconnects by a signed token."""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

from django.core import signing

from draw.items import is_id
from draw.strings import is_scalar_text

HOST = "host"
STUDENT = "student"
VIEWER = "viewer"
ROLES = (HOST, STUDENT, VIEWER)

# Display names: what fits beside a stroke's tip and in the people list.
MAX_NAME_LENGTH = 24
# What the host is called when the host link came without a name.
DEFAULT_HOST_NAME = "Teacher"
# What a decoder puts where bytes were not UTF-8; nobody's name holds one.
REPLACEMENT_CHARACTER = "\ufffd"
# Host participant ids hold a dash, which ids made for everyone else never do.
_HOST_ID_PREFIX = "host-"

_SALT = "sketchsite.participant"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True, slots=True)
class Participant:
    """One person on a board: the id that authors their strokes, their role here, and their name."""

    id: str
    role: str = STUDENT
    # None: no name given, or the board is anonymous.
    name: str | None = None


def new_participant_id():
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def host_participant_id(key_hash):
    """The one participant every connection with the board's host key is, on any device or tab.

    So a teacher's reload, second tab or second device shares one undo history (a clear stays
    undoable) and is one person in the people list; a new host key makes a new host.
    """
    return (
        _HOST_ID_PREFIX + hashlib.sha256(f"sketchsite.host-participant:{key_hash}".encode()).hexdigest()[:12]
    )


def is_host_participant_id(participant_id):
    return participant_id.startswith(_HOST_ID_PREFIX)


def token_for(participant_id, name=None):
    """A token that brings this participant, and its name, back on a later connection."""
    value = participant_id if name is None else [participant_id, name]
    return signing.dumps(value, salt=_SALT, compress=False)


def verified_identity(token):
    """(participant id, name) a token was issued for, or None when it is missing or forged."""
    if not token:
        return None
    try:
        value = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    participant_id, name = (value, None) if isinstance(value, str) else _pair(value)
    return (participant_id, name) if is_id(participant_id) else None


def identity_from_token(token):
    """(participant id, name) a token was issued for; a new id and no name when missing or forged."""
    if token:
        try:
            value = signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            value = None
        participant_id, name = (value, None) if isinstance(value, str) else _pair(value)
        if is_id(participant_id):
            return participant_id, name
    return new_participant_id(), None


def _pair(value):
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
        return value[0], clean_name(value[1])
    return None, None


def clean_name(text):
    """A display name as shown: trimmed, inner whitespace as single spaces, 1-24 characters.

    None when nothing printable is left, it is too long, or it holds U+FFFD or a surrogate.
    Django decodes a form with errors replaced, so U+FFFD is what bytes that were not UTF-8
    (raw or percent-escaped, a lone surrogate's among them) became; a surrogate could never
    be written out to a page, a frame or an export. Names are escaped wherever they are shown;
    this only keeps them to one readable line of text.
    """
    if not is_scalar_text(text) or REPLACEMENT_CHARACTER in text:
        return None
    text = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in text)
    text = " ".join(text.split())
    if not 1 <= len(text) <= MAX_NAME_LENGTH:
        return None
    return text


def connecting_participant(identity, is_host, host_key_hash, wants_view):
    """Who a new connection is: (id, name) from its token, and whether it gave the host key.

    The host key makes the board's one host participant; a viewer is read-only by asking.
    """
    participant_id, name = identity
    if is_host:
        return Participant(host_participant_id(host_key_hash), HOST, name or DEFAULT_HOST_NAME)
    if is_host_participant_id(participant_id):
        # A host's token without the host key (reset since): none of the host's history.
        participant_id, name = new_participant_id(), None
    return Participant(participant_id, VIEWER if wants_view else STUDENT, name)
