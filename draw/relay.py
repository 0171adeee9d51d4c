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

    def __init__(self, channel_layer, tick_seconds):
        self.channel_layer = channel_layer
        self.tick_seconds = tick_seconds
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
                text = protocol.encode(protocol.batch(messages))
                try:
                    await self.channel_layer.group_send(group, {"type": BATCH_EVENT, "text": text})
                except Exception:
                    # Live points are a preview; a lost batch must not stop the board.
                    logger.exception("could not relay %d messages to %s", len(messages), group)
        finally:
            self._flushers.pop(group, None)


_relays = weakref.WeakKeyDictionary()


def relay_for(channel_layer, tick_seconds):
    """The relay of the running event loop (tests run several loops, one after another)."""
    loop = asyncio.get_running_loop()
    relay = _relays.get(loop)
    if relay is None or relay.channel_layer is not channel_layer:
        relay = BoardRelay(channel_layer, tick_seconds)
        _relays[loop] = relay
    return relay
