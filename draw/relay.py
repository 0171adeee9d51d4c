"""Fan-out of a board's traffic: one group_send per board per tick, one write per browser.

Every message a session publishes is queued on its board's relay in this process. Once
per tick the relay encodes everything queued as `batch` frames and group_sends them to
the board's group. The members of that group are not the browsers but one channel per
server process holding the board; each process hands the text to its own members, which
write it to their sockets. That is one encode and one channel-layer message per process
per tick, instead of one per point and per browser (docs/performance.md has the figures).

The relay owns its members: who is on the board in this process, and whether each one
is still catching up. A member that is catching up has its batches held, and released in
order once its catch-up is out, so the board's state always comes before live traffic.
"""

import asyncio
import itertools
import logging
import time
from typing import Protocol

from draw import frames, metrics
from draw.outages import OutageLog

logger = logging.getLogger(__name__)

BATCH_EVENT = "board.batch"
JOINED_EVENT = "board.joined"
# Group membership lapses after the layer's group_expiry (a day); renew it well before.
GROUP_RENEW_SECONDS = 3600
# After the channel layer fails (Redis restarting), rejoin after this, doubling up to the max.
REJOIN_FIRST_SECONDS = 0.2
REJOIN_MAX_SECONDS = 2.0


class BoardMember(Protocol):
    """What the relay needs of a browser on the board."""

    async def deliver(self, text):
        """Write one encoded frame of the board's live traffic to the browser."""

    def open_stroke_begins(self):
        """`stroke.begin` messages, points so far included, of the strokes it is drawing."""


class Membership:
    """A member's place on one board's relay in this process."""

    def __init__(self, relay, key, member):
        self.relay = relay
        self.key = key
        self.member = member
        # Frames that arrive while the member catches up; None once it is live. A member whose
        # catch-up takes so long that more than the hub's max_held_bytes arrive meanwhile is
        # too far behind to be worth holding for.
        self.held = []
        self.held_bytes = 0
        self.overflowed = False

    def publish(self, wire_message):
        self.relay.publish(wire_message)

    async def deliver(self, text):
        if self.held is not None:
            if self.overflowed:
                return
            self.held_bytes += len(text)
            if self.held_bytes > self.relay.hub.max_held_bytes:
                self.held, self.overflowed = [], True
                return
            self.held.append(text)
            return
        await self.member.deliver(text)

    async def release(self):
        """The member has the board's state: send what was held, in order, then go live.

        False, and nothing sent, when more arrived meanwhile than the hub holds for a member.
        """
        # Frames that arrive while the held ones go out are held too, so order is kept.
        while self.held and not self.overflowed:
            held, self.held = self.held, []
            for text in held:
                await self.member.deliver(text)
        self.held = None
        return not self.overflowed

    async def announce(self):
        """Ask the other processes for the strokes their people are drawing, for this member."""
        await self.relay.announce_join(self)


class BoardRelay:
    """One board in one process: its members, its pending messages, its flusher."""

    def __init__(self, hub, group):
        self.hub = hub
        self.group = group
        self.memberships = {}
        self.pending = []
        self.flusher = None
        self.last_flush = 0.0
        self.channel = None
        self.listener = None
        self.outage = OutageLog(logger, f"channel layer on {group}")
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
        # Only a relay that started has members to leave it (RelayHub.join).
        if self.flusher is not None:
            await self.flusher  # what the last people sent still goes out
        self.listener.cancel()
        try:
            await self.hub.channel_layer.group_discard(self.group, self.channel)
        except Exception as error:  # noqa: BLE001 - any layer failure
            # The layer is down; the membership lapses with the layer's group expiry.
            logger.warning("could not leave %s on the channel layer: %s", self.group, error)

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
                metrics.RELAY_FLUSHES.inc()
                metrics.RELAY_BATCH_MESSAGES.observe(len(messages))
                for text in frames.encode_batches(messages, self.hub.max_frame_bytes):
                    try:
                        await self.hub.channel_layer.group_send(
                            self.group, {"type": BATCH_EVENT, "text": text}
                        )
                    except Exception as error:  # noqa: BLE001 - any layer failure
                        # Live points are a preview and committed events are in the log (a
                        # client that misses one resyncs): a lost batch must not stop the board.
                        self.outage.failed(error)
                    else:
                        self.outage.recovered()
        finally:
            self.flusher = None

    async def announce_join(self, membership):
        await self.hub.channel_layer.group_send(
            self.group, {"type": JOINED_EVENT, "origin": self.channel, "joiner": membership.key}
        )

    def open_strokes(self, exclude=None):
        """`stroke.begin` messages, with their points so far, of every stroke open in this process."""
        return [
            begin
            for membership in self.memberships.values()
            if membership is not exclude
            for begin in membership.member.open_stroke_begins()
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
            except Exception as error:  # noqa: BLE001 - any layer failure
                # Redis went away. A restarted Redis has forgotten the group, so nothing
                # would arrive here again until this process's channel rejoins it.
                self.outage.failed(error)
                await self._rejoin()
                renewed = time.monotonic()

    async def _handle(self, message):
        if message["type"] == BATCH_EVENT:
            if "joiner" in message:
                joiner = self.memberships.get(message["joiner"])
                memberships = [joiner] if joiner is not None else []
            else:
                memberships = list(self.memberships.values())
            text = message["text"]
            metrics.FRAMES_OUT_BATCH.inc(len(memberships))
            for membership in memberships:
                try:
                    # Straight to a live member: this runs once per browser per tick.
                    if membership.held is None:
                        await membership.member.deliver(text)
                    else:
                        await membership.deliver(text)
                except Exception:
                    # This loop is the board's only way out of the process: one browser's
                    # failure must not end it for everyone else.
                    logger.exception("could not deliver a batch on %s to one browser", self.group)
        elif message["type"] == JOINED_EVENT and message["origin"] != self.channel:
            for text in frames.encode_batches(self.open_strokes(), self.hub.max_frame_bytes):
                reply = {"type": BATCH_EVENT, "text": text, "joiner": message["joiner"]}
                await self.hub.channel_layer.send(message["origin"], reply)

    async def _rejoin(self):
        wait = REJOIN_FIRST_SECONDS
        while True:
            await asyncio.sleep(wait)
            try:
                await self.hub.channel_layer.group_add(self.group, self.channel)
            except Exception as error:  # noqa: BLE001 - any layer failure
                self.outage.failed(error)
                wait = min(wait * 2, REJOIN_MAX_SECONDS)
            else:
                self.outage.recovered()
                return


class RelayHub:
    """The board relays of one process: created once by the application and handed to consumers."""

    def __init__(self, channel_layer, tick_seconds, max_frame_bytes, max_held_bytes):
        self.channel_layer = channel_layer
        self.tick_seconds = tick_seconds
        self.max_frame_bytes = max_frame_bytes
        self.max_held_bytes = max_held_bytes
        self.boards = {}
        self.keys = itertools.count(1)
        self.join_outage = OutageLog(logger, "channel layer (joining boards)")

    async def join(self, group, member):
        """A new membership of `member` on the board's relay, holding its traffic until released."""
        relay = self.boards.get(group)
        if relay is None:
            relay = self.boards[group] = BoardRelay(self, group)
            metrics.LIVE_BOARDS.set(len(self.boards))
        membership = Membership(relay, next(self.keys), member)
        relay.memberships[membership.key] = membership
        try:
            # Shielded: a joiner that goes away must not cancel the start the others await.
            await asyncio.shield(relay.starting)
        except BaseException as error:
            if isinstance(error, Exception):
                self.join_outage.failed(error)
            relay.memberships.pop(membership.key, None)
            failed = relay.starting.done() and relay.starting.exception() is not None
            # A failed start is forgotten at once, so the next joiner tries a fresh relay;
            # a relay its only joiner abandoned is stopped once it has started.
            if (failed or not relay.memberships) and self.boards.get(group) is relay:
                del self.boards[group]
                metrics.LIVE_BOARDS.set(len(self.boards))
                if not failed:
                    asyncio.ensure_future(self._stop_when_started(relay))
            raise
        self.join_outage.recovered()
        return membership

    async def leave(self, membership):
        relay = membership.relay
        relay.memberships.pop(membership.key, None)
        if relay.memberships or self.boards.get(relay.group) is not relay:
            return
        del self.boards[relay.group]
        metrics.LIVE_BOARDS.set(len(self.boards))
        await relay.stop()

    async def _stop_when_started(self, relay):
        try:
            await relay.starting
        except Exception:  # noqa: BLE001 - the joiners were told
            return
        await relay.stop()
