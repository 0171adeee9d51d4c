"""Host keys: the secret in a board's host link, derived from the site's secret and kept hashed.

A board stores a random salt and the SHA-256 of its key, never the key. The key is an HMAC
of the board's name and salt under SECRET_KEY, so the server can show a host their link
again (`manage.py serve` prints the classic board's at every start) while a copy of the
database alone opens nothing. Resetting the salt makes every earlier link a student's.
"""

import hashlib
import hmac
import secrets

from django.conf import settings


def new_salt():
    return secrets.token_hex(16)


def host_key(board_name, salt):
    """The host key of a board with this salt (URL-safe, 32 characters)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"sketchsite.host:{board_name}:{salt}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:32]


def key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def is_host_key(key, stored_hash):
    """Whether `key` opens a board whose host key hashes to `stored_hash` (constant time)."""
    if not key or not stored_hash or not isinstance(key, str) or len(key) > 64:
        return False
    return hmac.compare_digest(key_hash(key), stored_hash)
