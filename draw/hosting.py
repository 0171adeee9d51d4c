"""Giving a board a host key, and telling the browsers on it at once.

A reset must take effect while the lesson runs: a host link that reached a student is
worth nothing the moment the teacher resets it. Every process holding the board hears of
it over the channel layer; with the in-memory layer only the process that made the change
can (the admin's; a `manage.py hostlink` beside a one-process server reaches browsers when
they next connect).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from draw import store
from draw.relay import announce_host_key

logger = logging.getLogger(__name__)


def host_key(board, reset=False):
    """The board's host key (a new one on `reset`), after telling the browsers on the board."""
    key = store.default_store().host_key(board, reset=reset)
    try:
        async_to_sync(announce_host_key)(get_channel_layer(), board, store.board_state(board).classroom)
    except Exception as error:  # noqa: BLE001 - the key is stored; browsers learn it on reconnect
        logger.warning("could not tell the browsers on %s of its host key: %s", board, error)
    return key
