"""Fan-out of live drawing: one group_send per board per tick, encoded once.

Every accepted message is queued for its board; a flusher sends everything
queued during one tick as a single `batch` frame, encoded to text once for all
recipients. With thirty people drawing this turns thirty group_sends per tick
into one, which is what keeps a one-process classroom live.
"""

import asyncio
import logging
import weakref

from draw import protocol

logger = logging.getLogger(__name__)

BATCH_EVENT = "board.batch"


class BoardRelay:
    """Coalesces messages per board group and flushes them in order, once per tick."""

    def __init__(self, channel_layer, tick_seconds, max_frame_bytes=262144):
        self.channel_layer = channel_layer
        self.tick_seconds = tick_seconds
        self.max_frame_bytes = max_frame_bytes
        self._pending = {}
        self._flushers = {}

    def publish(self, group, wire_message):
        self._pending.setdefault(group, []).append(wire_message)
        if group not in self._flushers:
            self._flushers[group] = asyncio.create_task(self._flush_loop(group))

    async def _flush_loop(self, group):
        # One flusher per board keeps frames in the order they were accepted.
        try:
            while True:
                await asyncio.sleep(self.tick_seconds)
                messages = self._pending.pop(group, None)
                if not messages:
                    return
                for text in encode_batches(messages, self.max_frame_bytes):
                    try:
                        await self.channel_layer.group_send(group, {"type": BATCH_EVENT, "text": text})
                    except Exception:
                        # Live points are a preview and committed events are in the log (a
                        # client that misses one resyncs): a lost batch must not stop the board.
                        logger.exception("could not relay %d messages to %s", len(messages), group)
        finally:
            self._flushers.pop(group, None)


def encode_batches(messages, max_frame_bytes):
    """`batch` frames holding `messages` in order, each under max_frame_bytes when it can be."""
    text = protocol.encode(protocol.batch(messages))
    if len(text) <= max_frame_bytes or len(messages) == 1:
        return [text]
    half = len(messages) // 2
    return encode_batches(messages[:half], max_frame_bytes) + encode_batches(messages[half:], max_frame_bytes)


_relays = weakref.WeakKeyDictionary()


def relay_for(channel_layer, tick_seconds, max_frame_bytes=262144):
    """The relay of the running event loop (tests run several loops, one after another)."""
    loop = asyncio.get_running_loop()
    relay = _relays.get(loop)
    if relay is None or relay.channel_layer is not channel_layer:
        relay = BoardRelay(channel_layer, tick_seconds, max_frame_bytes)
        _relays[loop] = relay
    return relay
