"""Why a message was refused: every error code and the one refusal type. Pure.

Shared by draw/protocol.py and draw/items.py; docs/protocol.md has the same table.
"""

# Every refusal's code, and what it means; docs/protocol.md has the same table.
ERROR_CODES = {
    "bad_json": "the frame is not JSON",
    "bad_message": "not a JSON object, or no string 'type'",
    "unknown_type": "'type' is not a client message type",
    "bad_field": "a field is missing, of the wrong type, or not allowed in this message",
    "out_of_range": "a coordinate outside the board, or a width outside 1..max",
    "too_many_points": "more points in one message than max_points_per_message",
    "too_many_strokes": "more strokes open at once than max_open_strokes, or too many in one erase",
    "too_big": "the frame is larger than max_message_bytes (the server closes with 4009)",
    "rate_limited": "more points, strokes or edits a second than the connection's budget",
    "duplicate_stroke": "stroke.begin for a stroke of yours still open",
    "unknown_stroke": "points or end for a stroke this connection has not begun, or has ended",
    "stroke_too_long": "the stroke would exceed max_points_per_stroke points",
    "empty_stroke": "a stroke ended without a single point",
    "board_full": "the board is full (max_strokes_per_board strokes or max_points_per_board points)",
    "nothing_to_undo": "you have nothing to undo",
    "nothing_to_redo": "you have nothing to redo",
    "nothing_to_erase": "none of those strokes is on the board",
    "nothing_to_clear": "the board is already empty",
    "store_unavailable": "the board could not be stored just now; send it again later",
    "forbidden": "your role may not do this",
    "locked": "pens are down: the host has paused drawing",
    "nothing_to_remove": "that participant has no strokes on the board",
    "nothing_to_move": "none of those items is on the board, or they cannot move further that way",
    "internal_error": "the server could not handle this message (a fault of its own); the board goes on",
}
# Refusals about the moment, not the message: the browser keeps the stroke or edit and sends
# it again after a backoff.
RETRYABLE_CODES = frozenset({"rate_limited", "store_unavailable"})

# The error code of a frame over max_message_bytes; the consumer closes with 4009 for it.
TOO_BIG = "too_big"


class ProtocolError(Exception):
    """A refused message, the one refusal type: `code` is from ERROR_CODES, `reason` is for people."""

    def __init__(self, code, reason, ref=None):
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.ref = ref
        self.message_type = None
