"""Who is drawing: a Participant value, carried across reconnects by a signed token."""

import secrets
from dataclasses import dataclass

from django.core import signing

_SALT = "sketchsite.participant"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True, slots=True)
class Participant:
    """One person on a board: the id that authors their strokes (role and name come with class mode)."""

    id: str


def new_participant():
    return Participant("".join(secrets.choice(_ALPHABET) for _ in range(10)))


def token_for(participant):
    return signing.dumps(participant.id, salt=_SALT, compress=False)


def participant_from_token(token):
    """The participant a token was issued to, or a new one when the token is missing or forged."""
    if token:
        try:
            participant_id = signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            participant_id = None
        if isinstance(participant_id, str) and 1 <= len(participant_id) <= 32:
            return Participant(participant_id)
    return new_participant()
