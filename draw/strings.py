"""What a string from outside may hold: Unicode scalar values only. Pure.

JSON lets a frame that is perfectly valid UTF-8 spell a lone surrogate as an escape
("\\ud800"); Python decodes it into a str that can never be written out as UTF-8 again,
so one such string, stored, would make every frame and export holding it fail. Every
string a client sends is checked here once, wherever it sits in the message, before any
field is looked at; each field's own form (a colour, an id) is its exact ASCII pattern
in frontend/items.json, checked by the field's parser.
"""

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_in(text):
    """The first surrogate code point in `text` (which no UTF-8 can carry), or None."""
    # isascii() is a flag of the str in CPython: the common all-ASCII string costs nothing.
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    return None if found is None else ord(found.group())


def is_scalar_text(text):
    """Whether `text` is a str of Unicode scalar values only, so it encodes to UTF-8."""
    return isinstance(text, str) and surrogate_in(text) is None


def may_hold_surrogates(frame_text):
    """Whether a frame's decoded JSON can hold a surrogate at all: only through a \\u escape,
    since the frame itself arrived as UTF-8 (or holds one itself, when it did not)."""
    return "\\u" in frame_text or surrogate_in(frame_text) is not None


def unscalar_string(value, path=""):
    """(path, code point) of the first string in a decoded JSON value, key or value, that holds
    a surrogate; None when every one is scalar text. Paths read like `item.text` or
    `strokes[0][1]`."""
    if isinstance(value, str):
        code = surrogate_in(value)
        return None if code is None else (path or "(the message)", code)
    if isinstance(value, dict):
        for key, item in value.items():
            code = surrogate_in(key)
            if code is not None:
                return (f"{path}.(a field's name)" if path else "(a field's name)", code)
            if isinstance(item, str | list | dict):
                found = unscalar_string(item, f"{path}.{key[:40]}" if path else key[:40])
                if found is not None:
                    return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str | list | dict):
                found = unscalar_string(item, f"{path}[{index}]")
                if found is not None:
                    return found
    return None
