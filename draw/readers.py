"""Who reads a board over HTTP (its snapshot and exports), and as which audience.

A board without a host is open, as it always was: anyone reads it, a reader who names nobody
as the projector does. A board with a host answers only a reader it knows:

- `Authorization: Bearer <participant token or host key>`, as the page's own fetches send it;
- or a signed read link, `?link=<signed>`, made for one reader of one board by `link_for()`
  and opened without any credential until it expires (`READ_LINK_MAX_AGE_SECONDS`): what a
  person clicks, or hands to a program. It names the board, the role and the participant,
  never the host key or a token, so an address that ends up in a log opens nothing for long.

A participant the host removed reads nothing, by token or by link. Each reader gets the board
as its audience sees it (draw/audience.py). No HTTP here: the views turn a ReaderRefused into
its status.
"""

from dataclasses import dataclass

from django.core import signing

from draw.audience import VIEWER_AUDIENCE, Audience
from draw.guessing import wrong_host_key
from draw.hostkeys import is_host_key
from draw.participants import (
    HOST,
    STUDENT,
    VIEWER,
    host_participant_id,
    is_host_participant_id,
    verified_identity,
)

_LINK_SALT = "sketchsite.read-link"
_ROLES = (HOST, STUDENT, VIEWER)


@dataclass(frozen=True)
class ReaderRefused(Exception):
    """Why a request may not read the board: `status` 401 (say who you are), 403 (you may not),
    or 429 (too many wrong credentials: ask again after `retry_after` seconds)."""

    status: int
    reason: str
    retry_after: int | None = None


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads: their audience, and their participant id (None for the projector's view)."""

    audience: Audience
    participant: str | None


def reader_of(state, credential="", link="", address=None):
    """The Reader a request from `address` with this bearer `credential` or read `link` is, on the
    board read as `state` (draw/store.BoardState); ReaderRefused when it may not read it. Wrong
    credentials are bounded per board, and per address when it is given (draw/guessing.py)."""
    if link:
        return _reader_of_link(state, link)
    if credential and is_host_key(credential, state.host_key_hash):
        return Reader(Audience(HOST), host_participant_id(state.host_key_hash))
    identity = verified_identity(credential) if credential else None
    if identity is not None and not is_host_participant_id(identity[0]):
        participant = identity[0]
        if participant in state.removed:
            raise ReaderRefused(403, "removed by the host")
        return Reader(Audience(STUDENT, participant), participant)
    if not state.host_key_hash:
        # An open board: whoever asks reads what the projector shows (all of it, without lanes).
        return Reader(VIEWER_AUDIENCE, None)
    if credential:
        refused = wrong_host_key(address, state.name)
        if refused is not None:
            raise ReaderRefused(429, "too many wrong credentials: try again in a minute", refused.retry_after)
        raise ReaderRefused(401, "that is neither a participant's token of this board nor its host key")
    raise ReaderRefused(
        401,
        "this board has a host: send Authorization: Bearer <participant token or host key>, "
        "or open a read link the board's page made",
    )


def link_for(board, reader):
    """A read link's signed value for `reader` of `board`; it opens the board until it expires."""
    return signing.dumps([board, reader.audience.role, reader.participant], salt=_LINK_SALT, compress=False)


def _reader_of_link(state, link):
    from django.conf import settings

    try:
        value = signing.loads(link, salt=_LINK_SALT, max_age=settings.SKETCHSITE["READ_LINK_MAX_AGE_SECONDS"])
    except signing.SignatureExpired:
        raise ReaderRefused(403, "this read link has expired: ask the board's page for a new one") from None
    except signing.BadSignature:
        raise ReaderRefused(403, "this read link is not one this server made") from None
    if not (isinstance(value, list) and len(value) == 3 and value[0] == state.name and value[1] in _ROLES):
        raise ReaderRefused(403, "this read link is for another board")
    _, role, participant = value
    if role == HOST:
        if participant != host_participant_id(state.host_key_hash):
            # Made before the host key was reset: the old host opens nothing.
            raise ReaderRefused(403, "this read link was made with a host key reset since")
        return Reader(Audience(HOST), participant)
    if role == STUDENT:
        if participant in state.removed:
            raise ReaderRefused(403, "removed by the host")
        return Reader(Audience(STUDENT, participant), participant)
    return Reader(VIEWER_AUDIENCE, None)
