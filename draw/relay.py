"""Fan-out of a board's traffic: one group_send per board per tick, one write per browser.

Every message a consumer accepts is queued on its board's relay in this process. Once
per tick the relay encodes everything queued as one `batch` text and group_sends it to
the board's group. The members of that group are not the consumers but one channel per
server process holding the board; each process hands the text to its own consumers,
which write it to their sockets. With thirty drawers and five hundred viewers that is
one encode and one channel-layer message per process per tick, instead of one
group_send per point and one channel-layer message per viewer, which is what keeps a
one-process classroom live (docs/performance.md has the figures).

A consumer that is still sending a joiner its catch-up holds the batches back and
writes them after, so the board's state always comes before the live traffic.
"""

import asyncio
import itertools
import logging
import time
import weakref

from draw import protocol

logger = logging.getLogger(__name__)

BATCH_EVENT = "board.batch"
JOINED_EVENT = "board.joined"
# Group membership lapses after the layer's group_expiry (a day); renew it well before.
GROUP_RENEW_SECONDS = 3600
# After the channel layer fails (Redis restarting), rejoin after this, doubling up to the max.
REJOIN_FIRST_SECONDS = 0.2
REJOIN_MAX_SECONDS = 2.0


class BoardRelay:
    """One board in one process: its local consumers, its pending messages, its flusher."""

    def __init__(self, hub, group):
        self.hub = hub
        self.group = group
        # Consumers by a key unique in this process, so other processes can answer one of them.
        self.consumers = {}
        self.pending = []
        self.flusher = None
        self.last_flush = 0.0
        self.channel = None
        self.listener = None
        # Every joiner awaits this one start, and gets its error if it fails.
        self.starting = asyncio.ensure_future(self._start())

    async def _start(self):
        layer = self.hub.channel_layer
        # The default prefix matters: channels-redis reads every process-specific channel
        # through one shared queue per prefix, and a second prefix would wait its turn.
        self.channel = await layer.new_channel()
        await layer.group_add(self.group, self.channel)
        self.listener = asyncio.create_task(self._listen())

    async def stop(self):
        # Only a relay that started has consumers to leave it (RelayHub.join).
        if self.flusher is not None:
            await self.flusher  # what the last people sent still goes out
        self.listener.cancel()
        try:
            await self.hub.channel_layer.group_discard(self.group, self.channel)
        except Exception:
            # The layer is down; the membership lapses with the layer's group expiry.
            logger.warning("could not leave %s on the channel layer", self.group, exc_info=True)

    def publish(self, wire_message):
        self.pending.append(wire_message)
        if self.flusher is None:
            self.flusher = asyncio.create_task(self._flush_loop())

    async def _flush_loop(self):
        # One flusher per board keeps frames in the order the messages were accepted. The
        # first message after a quiet tick goes out at once; then at most one flush a tick,
        # so a lone drawer pays no tick delay and a busy board still gets one frame a tick.
        loop = asyncio.get_running_loop()
        try:
            while True:
                await asyncio.sleep(max(0.0, self.last_flush + self.hub.tick_seconds - loop.time()))
                messages, self.pending = self.pending, []
                if not messages:
                    return
                self.last_flush = loop.time()
                for text in encode_batches(messages, self.hub.max_frame_bytes):
                    try:
                        await self.hub.channel_layer.group_send(
                            self.group, {"type": BATCH_EVENT, "text": text}
                        )
                    except Exception:
                        # Live points are a preview and committed events are in the log (a
                        # client that misses one resyncs): a lost batch must not stop the board.
                        logger.exception("could not relay %d messages to %s", len(messages), self.group)
        finally:
            self.flusher = None

    async def announce_join(self, consumer):
        """Ask the other processes to send a joiner the strokes their people are drawing.

        Their answers come to this process's channel, behind any batch they relayed before,
        and go to the joiner through `deliver`, which keeps them after its catch-up.
        """
        await self.hub.channel_layer.group_send(
            self.group, {"type": JOINED_EVENT, "origin": self.channel, "joiner": consumer.relay_key}
        )

    def open_strokes(self, exclude=None):
        """`stroke.begin` messages, with their points so far, of every stroke open in this process."""
        return [
            begin
            for consumer in self.consumers.values()
            if consumer is not exclude
            for begin in consumer.open_stroke_begins()
        ]

    async def _listen(self):
        layer = self.hub.channel_layer
        renewed = time.monotonic()
        while True:
            try:
                await self._handle(await layer.receive(self.channel))
                if time.monotonic() - renewed > GROUP_RENEW_SECONDS:
                    await layer.group_add(self.group, self.channel)
                    renewed = time.monotonic()
            except Exception:
                # Redis went away. A restarted Redis has forgotten the group, so nothing
                # would arrive here again until this process's channel rejoins it.
                logger.warning("lost the channel layer on %s; rejoining", self.group, exc_info=True)
                await self._rejoin()
                renewed = time.monotonic()

    async def _handle(self, message):
        if message["type"] == BATCH_EVENT:
            if "joiner" in message:
                joiner = self.consumers.get(message["joiner"])
                consumers = [joiner] if joiner is not None else []
            else:
                consumers = list(self.consumers.values())
            for consumer in consumers:
                try:
                    await consumer.deliver(message["text"])
                except Exception:
                    # This loop is the board's only way out of the process: one browser's
                    # failure must not end it for everyone else.
                    logger.exception("could not deliver a batch on %s to one browser", self.group)
        elif message["type"] == JOINED_EVENT and message["origin"] != self.channel:
            begins = self.open_strokes()
            if begins:
                text = protocol.encode(protocol.batch(begins))
                reply = {"type": BATCH_EVENT, "text": text, "joiner": message["joiner"]}
                await self.hub.channel_layer.send(message["origin"], reply)

    async def _rejoin(self):
        wait = REJOIN_FIRST_SECONDS
        while True:
            await asyncio.sleep(wait)
            try:
                await self.hub.channel_layer.group_add(self.group, self.channel)
            except Exception:
                logger.debug("channel layer still down on %s", self.group, exc_info=True)
                wait = min(wait * 2, REJOIN_MAX_SECONDS)
            else:
                logger.warning("channel layer back on %s", self.group)
                return


class RelayHub:
    """The board relays of one process (one event loop)."""

    def __init__(self, channel_layer, tick_seconds, max_frame_bytes):
        self.channel_layer = channel_layer
        self.tick_seconds = tick_seconds
        self.max_frame_bytes = max_frame_bytes
        self.boards = {}
        self.keys = itertools.count(1)

    async def join(self, group, consumer):
        """The board's relay, with `consumer` among those it delivers to (as `consumer.relay_key`)."""
        consumer.relay_key = next(self.keys)
        relay = self.boards.get(group)
        if relay is None:
            relay = self.boards[group] = BoardRelay(self, group)
        relay.consumers[consumer.relay_key] = consumer
        try:
            # Shielded: a joiner that goes away must not cancel the start the others await.
            await asyncio.shield(relay.starting)
        except Exception:
            relay.consumers.pop(consumer.relay_key, None)
            # The channel layer is down: the next joiner tries again with a fresh relay.
            if self.boards.get(group) is relay:
                del self.boards[group]
            raise
        return relay

    async def leave(self, group, consumer):
        relay = self.boards.get(group)
        if relay is None:
            return
        relay.consumers.pop(consumer.relay_key, None)
        if not relay.consumers:
            del self.boards[group]
            await relay.stop()


def encode_batches(messages, max_frame_bytes):
    """`batch` frames holding `messages` in order, each under max_frame_bytes when it can be."""
    text = protocol.encode(protocol.batch(messages))
    if len(text) <= max_frame_bytes or len(messages) == 1:
        return [text]
    half = len(messages) // 2
    return encode_batches(messages[:half], max_frame_bytes) + encode_batches(messages[half:], max_frame_bytes)


_hubs = weakref.WeakKeyDictionary()


def hub_for(channel_layer, tick_seconds, max_frame_bytes):
    """The hub of the running event loop (tests run several loops, one after another)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.channel_layer is not channel_layer:
        hub = _hubs[loop] = RelayHub(channel_layer, tick_seconds, max_frame_bytes)
    return hub
