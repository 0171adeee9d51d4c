"""Who is drawing: short participant ids, carried across reconnects by a signed token."""

import secrets

from django.core import signing

_SALT = "sketchsite.participant"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_participant_id():
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def token_for(participant):
    return signing.dumps(participant, salt=_SALT, compress=False)


def participant_from_token(token):
    """The participant a token was issued to, or a new one when the token is missing or forged."""
    if token:
        try:
            participant = signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            participant = None
        if isinstance(participant, str) and 1 <= len(participant) <= 32:
            return participant
    return new_participant_id()
