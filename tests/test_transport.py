"""The frames the board socket writes itself are the frames autobahn would have written."""

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from draw.transport import text_frame


def parsed(data):
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("the frame is incomplete")


@pytest.mark.parametrize("length", [0, 1, 125, 126, 65535, 65536, 300_000])
def test_a_text_frame_of_any_length_is_one_final_unmasked_text_frame(length):
    text = "x" * length
    frame = parsed(text_frame(text))
    assert frame.opcode == Opcode.TEXT and frame.fin
    assert frame.data == text.encode()


def test_a_text_frame_carries_utf8_and_counts_its_bytes():
    text = '{"name":"Zoë ✏️"}'
    data = text_frame(text)
    assert parsed(data).data.decode() == text
    assert data[1] == len(text.encode())


def test_the_header_is_the_one_autobahn_builds():
    assert text_frame("hi") == b"\x81\x02hi"
    assert text_frame("x" * 126)[:4] == b"\x81\x7e\x00\x7e"
    assert text_frame("x" * 65536)[:10] == b"\x81\x7f" + (65536).to_bytes(8, "big")
