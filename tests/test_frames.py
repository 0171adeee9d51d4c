"""Outgoing frames stay under the transport limit: snapshot parts and relay batches split by size."""

import json

from draw.frames import encode_batches, snapshot_parts


def compact(index, points=10, text=None):
    item = {"kind": "marker", "color": "#000000", "width": 4}
    if text is not None:
        item = {"kind": "text", "color": "#000000", "size": 40, "text": text}
        points = 1
    return [f"s{index}", "ann", item, [1, 2] * points, index + 1]


def test_snapshot_parts_split_by_count_and_keep_order():
    strokes = [compact(i) for i in range(25)]
    parts = list(snapshot_parts(strokes, max_strokes=10, max_bytes=10**9))
    assert [(index, len(part)) for index, part in parts] == [(0, 10), (10, 10), (20, 5)]
    assert [stroke for _, part in parts for stroke in part] == strokes


def test_snapshot_parts_split_long_strokes_by_size():
    strokes = [compact(i, points=1000) for i in range(6)]
    parts = list(snapshot_parts(strokes, max_strokes=250, max_bytes=30_000))
    assert all(len(json.dumps(part)) < 30_000 for _, part in parts)
    assert sum(len(part) for _, part in parts) == 6


def test_snapshot_parts_count_long_texts_by_their_bytes():
    strokes = [compact(i, text="ü" * 500) for i in range(20)]
    parts = list(snapshot_parts(strokes, max_strokes=250, max_bytes=5_000))
    assert all(len(json.dumps(part, ensure_ascii=False).encode()) < 5_000 for _, part in parts)
    assert sum(len(part) for _, part in parts) == 20


def test_empty_board_is_one_empty_part():
    assert list(snapshot_parts([], 250, 100_000)) == [(0, [])]


def test_relay_batches_split_when_too_big_and_keep_order():
    messages = [{"type": "event", "seq": i, "points": [1, 2] * 2000} for i in range(8)]
    frames = encode_batches(messages, max_frame_bytes=40_000)
    assert len(frames) > 1
    assert all(len(frame) <= 40_000 for frame in frames)
    assert [m["seq"] for frame in frames for m in json.loads(frame)["messages"]] == list(range(8))


def test_small_batch_is_one_frame():
    assert len(encode_batches([{"type": "stroke.points", "points": [1, 2]}], 1000)) == 1
