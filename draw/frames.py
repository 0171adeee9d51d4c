"""What the server sends, split into frames that stay under the transport's frame limit.

Pure. Daphne refuses to send a frame over SKETCHSITE_TRANSPORT_MAX_MESSAGE_BYTES and
closes the socket instead (1011), so a board whose state does not fit one frame would
be unjoinable. Snapshot parts, catch-up batches, open-stroke batches and relayed batches
all go through here, split to about SKETCHSITE_OUTGOING_FRAME_BYTES each.
"""

from draw import protocol

# An upper bound on a compact stroke's JSON besides its points and its text: two ids of at
# most 32 characters, the item's kind, colour and width or size, a seq and the punctuation.
_STROKE_ENVELOPE_BYTES = 192
# A character of a text item: at most four bytes of UTF-8 (control characters are refused,
# so none is escaped longer).
_TEXT_CHARACTER_BYTES = 4
# A coordinate is at most five digits (boards are at most 10,000 units) and a comma.
_COORDINATE_BYTES = 6
# The snapshot frame around its strokes: type, seq, index and total.
_SNAPSHOT_ENVELOPE_BYTES = 128


def snapshot_parts(strokes, max_strokes, max_bytes):
    """(index, strokes) parts of at most max_strokes strokes and under max_bytes each; one if empty."""
    budget = max_bytes - _SNAPSHOT_ENVELOPE_BYTES
    index, part, size = 0, [], 0
    for stroke in strokes:
        points, text = stroke[3], stroke[2].get("text", "")
        stroke_size = (
            _COORDINATE_BYTES * len(points) + _TEXT_CHARACTER_BYTES * len(text) + _STROKE_ENVELOPE_BYTES
        )
        if part and (len(part) >= max_strokes or size + stroke_size > budget):
            yield index, part
            index, part, size = index + len(part), [], 0
        part.append(stroke)
        size += stroke_size
    yield index, part


def snapshot_frames(seq, strokes, max_strokes, max_bytes):
    """`snapshot` messages holding every compact stroke of a board at `seq`, in order."""
    return [
        protocol.snapshot(seq, part, index, len(strokes))
        for index, part in snapshot_parts(strokes, max_strokes, max_bytes)
    ]


def encode_batches(messages, max_frame_bytes):
    """`batch` frames holding `messages` in order, each under max_frame_bytes when it can be.

    A single message larger than that goes alone; the settings keep the transport limit
    above the largest message the server makes (a clear of a full board).
    """
    if not messages:
        return []
    text = protocol.encode(protocol.batch(messages))
    if len(text) <= max_frame_bytes or len(messages) == 1:
        return [text]
    half = len(messages) // 2
    return encode_batches(messages[:half], max_frame_bytes) + encode_batches(messages[half:], max_frame_bytes)
