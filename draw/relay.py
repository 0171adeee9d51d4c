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

Durable and volatile apart: strokes and edits go to every member in order. A laser's
position and presence are volatile: only the newest per sender is kept between flushes,
and a member that is catching up or has a backlog simply misses them.

How long a tick is follows the board's load here (draw/pacing.py): with few sockets and
few drawers every message goes out at once; a busy board ticks. The same load decides how
often the board's browsers send, announced to each socket of the board in this process
in `welcome` and, when it changes, in `pace`.

Class mode crosses processes here too: a host's change of the class settings and a
removal go to every process holding the board, and each process sends its part of the
board's roster (draw/presence.py) to the others, merging what it hears into the people
list its members see.
"""

import asyncio
import itertools
import json
import logging
import time
from dataclasses import replace
from typing import Protocol

import psutil

from draw import audience, frames, metrics, protocol
from draw.boards import group_name
from draw.classroom import ClassSettings
from draw.outages import OutageLog
from draw.pacing import BudgetShare, SendPace
from draw.participants import HOST, STUDENT, VIEWER
from draw.presence import LocalPeople, Roster

logger = logging.getLogger(__name__)

BATCH_EVENT = "board.batch"
JOINED_EVENT = "board.joined"
CLASS_EVENT = "board.class"
REMOVE_EVENT = "board.remove"
HOST_KEY_EVENT = "board.host_key"
DELETED_EVENT = "board.deleted"
ROSTER_EVENT = "board.roster"
# A roster part not heard again for this many heartbeats belongs to a stopped process.
ROSTER_EXPIRY_HEARTBEATS = 3
# Group membership lapses after the layer's group_expiry (a day); renew it well before.
GROUP_RENEW_SECONDS = 3600
# How often a board's load is counted, and for how long a socket counts as drawing after its
# last live stroke message (longer than the pauses between one person's strokes).
PACE_EVALUATE_SECONDS = 0.5
# How often the process looks how busy the machine is (draw/pacing.BudgetShare).
LOAD_SAMPLE_SECONDS = 0.5
DRAWING_WINDOW_SECONDS = 2.0
_DRAWING = frozenset((protocol.STROKE_BEGIN, protocol.STROKE_POINTS, protocol.STROKE_END))
# After the channel layer fails (Redis restarting), rejoin after this, doubling up to the max.
REJOIN_FIRST_SECONDS = 0.2
REJOIN_MAX_SECONDS = 2.0


class BoardMember(Protocol):
    """What the relay needs of a browser on the board."""

    participant: object  # draw.participants.Participant, once known

    async def deliver(self, text):
        """Write one encoded frame of the board's live traffic to the browser."""

    def is_behind(self):
        """Whether the browser has a backlog: volatile frames skip it."""

    def open_stroke_begins(self):
        """`stroke.begin` messages, points so far included, of the strokes it is drawing."""

    async def close(self, code, reason):
        """Close the browser's socket (its participant was removed, or is no longer host)."""


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
        # Who it is, once the board's state has said (draw/participants.Participant), and who
        # its frames are for (draw/audience.Audience), known a little earlier.
        self.participant = None
        self.audience = None
        # When it last published a live stroke message: it counts among the board's drawers.
        self.drew_at = None

    def publish(self, wire_message):
        if wire_message["type"] in _DRAWING:
            self.drew_at = time.monotonic()
        self.relay.publish(wire_message)

    def publish_volatile(self, key, wire_message):
        self.relay.publish_volatile(key, wire_message)

    def enter(self, participant):
        """The member is on the board as `participant`: it counts in the board's presence."""
        self.participant = participant
        self.relay.people_changed(entered=participant)

    async def deliver(self, text):
        """Write `text` (a frame, or a batch's views by group: see BoardRelay) to the member,
        or hold it while the member catches up."""
        if self.held is not None:
            if self.overflowed:
                return
            self.held_bytes += len(text) if isinstance(text, str) else sum(map(len, _all_texts(text)))
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
                for frame in [text] if isinstance(text, str) else self.relay.texts_for(self, text):
                    await self.member.deliver(frame)
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
        self.pending_volatile = {}
        self.flusher = None
        # The newest class settings this process has read or heard (ClassSettings.version);
        # below any stored version until the first joiner has read the board.
        self.class_settings = ClassSettings(version=-1)
        self.local_people = LocalPeople(max_away=hub.max_people)
        self.roster = Roster(expiry_seconds=ROSTER_EXPIRY_HEARTBEATS * hub.presence_heartbeat_seconds)
        self.part_sender = None
        self.presence_pusher = None
        self.heartbeat = None
        self.asked_for_parts = False
        self.last_flush = 0.0
        # Follows the board's load (draw/pacing.py); at once until the load is first counted.
        self.tick_seconds = 0.0
        self.send_pace = SendPace()
        self.pacer = None
        # Drawers in this process at the last count, and in each other process holding the
        # board as its batches said: {channel: (drawers, when heard)}. Every process writes
        # every drawer's messages to its own sockets, so the board-wide count sets the pace.
        self.local_drawers = 0
        self.remote_drawers = {}
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
        self.heartbeat = asyncio.create_task(self._beat())
        self.pacer = asyncio.create_task(self._pace())

    async def stop(self):
        # Only a relay that started has members to leave it (RelayHub.join).
        if self.flusher is not None:
            await self.flusher  # what the last people sent still goes out
        for task in (self.heartbeat, self.part_sender, self.presence_pusher, self.pacer):
            if task is not None:
                task.cancel()
        # Everyone here has gone: the other processes show them away.
        await self._send_part()
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

    def publish_volatile(self, key, wire_message):
        """Queue a volatile message: a newer one of the same key replaces it before it goes."""
        self.pending_volatile[key] = wire_message
        if self.flusher is None:
            self.flusher = asyncio.create_task(self._flush_loop())

    async def send_class(self, settings):
        """The class settings changed (and are stored): every process applies and forwards them."""
        event = {"type": CLASS_EVENT, "class": settings.to_wire(), "version": settings.version}
        await self.hub.channel_layer.group_send(self.group, event)

    async def send_removal(self, participant_id):
        await self.hub.channel_layer.group_send(
            self.group, {"type": REMOVE_EVENT, "participant": participant_id}
        )

    def learned_class(self, settings):
        """Settings read from the database: kept if newer than what this process knows."""
        if settings.version > self.class_settings.version:
            self.class_settings = settings

    def has_student(self, participant_id):
        """Whether that student is on the board: here now, or in the roster heard from every process."""
        here = self.local_people.here() + self.roster.people()
        return any(person.id == participant_id and person.role == STUDENT for person in here)

    def people_changed(self, entered=None, left=None):
        if entered is not None:
            self.local_people.entered(entered)
            # The newcomer needs the list even when its participant was here already.
            self._push_presence_soon()
        if left is not None:
            self.local_people.left(left)
        if self.part_sender is None:
            self.part_sender = asyncio.create_task(self._send_part_soon())

    async def _flush_loop(self):
        # One flusher per board keeps frames in the order the messages were accepted. The
        # first message after a quiet tick goes out at once; then at most one flush a tick,
        # so a lone drawer pays no tick delay and a busy board still gets one frame a tick.
        loop = asyncio.get_running_loop()
        try:
            while True:
                await asyncio.sleep(max(0.0, self.last_flush + self.tick_seconds - loop.time()))
                messages, self.pending = self.pending, []
                volatile, self.pending_volatile = self.pending_volatile, {}
                if not messages and not volatile:
                    return
                self.last_flush = loop.time()
                metrics.RELAY_FLUSHES.inc()
                metrics.RELAY_BATCH_MESSAGES.observe(len(messages))
                origin = {"origin": self.channel, "drawers": self.local_drawers}
                events = self._batch_events(messages, origin)
                events.extend(self._batch_events(list(volatile.values()), {"volatile": True}))
                for event in events:
                    try:
                        await self.hub.channel_layer.group_send(self.group, event)
                    except Exception as error:  # noqa: BLE001 - any layer failure
                        # Live points are a preview and committed events are in the log (a
                        # client that misses one resyncs): a lost batch must not stop the board.
                        self.outage.failed(error)
                    else:
                        self.outage.recovered()
        finally:
            self.flusher = None

    def _batch_events(self, messages, fields):
        """The channel-layer events carrying `messages` to every process: while nobody's view is
        filtered, one per frame, encoded once for everyone as before lanes; in lanes, one holding
        the frames of each audience group (draw/audience.py), each encoded once here."""
        if not messages:
            return []
        settings = self.class_settings
        groups = audience.groups_for(messages, settings)
        if groups == [audience.EVERYONE]:
            return [{"type": BATCH_EVENT, "text": text, **fields} for text in self._encoded(messages)]
        return [{"type": BATCH_EVENT, "views": self._views(messages, groups, settings), **fields}]

    def _views(self, messages, groups, settings):
        """{group: its frames} of `messages`, each group's encoded once."""
        views = {}
        for group in groups:
            who = audience.audience_of_group(group)
            seen = [audience.view_message(message, who, settings) for message in messages]
            seen = [message for message in seen if message is not None]
            views[group] = self._encoded(seen) if seen else []
        metrics.RELAY_AUDIENCE_GROUPS.observe(len(groups))
        return views

    def _views_of_unfiltered(self, text):
        """A batch event another process encoded for everyone, while this process already knows
        the board is in lanes (the switch is on its way there): viewed here, so that no student
        here is sent another's ink in between."""
        messages = json.loads(text)["messages"]
        settings = self.class_settings
        return self._views(messages, audience.groups_for(messages, settings), settings)

    def texts_for(self, membership, views):
        """The frames of a batch's `views` for `membership`: its group's, or for a student with
        nothing of their own in the batch, the host's ink alone."""
        who = membership.audience or audience.VIEWER_AUDIENCE
        group = audience.group_of(who, self.class_settings)
        texts = views.get(group)
        if texts is None:
            # Views made while the settings were others (a switch on its way): the narrowest.
            texts = views.get(audience.ONLY_HOST_INK if who.role == STUDENT else audience.VIEW, [])
        return texts

    def _encoded(self, messages):
        """`batch` frames of the messages; one that fails to encode is left out, not the tick."""
        try:
            return frames.encode_batches(messages, self.hub.max_frame_bytes)
        except Exception:  # noqa: BLE001 - a bug in one message must not stop the board
            logger.exception("a message on %s could not be encoded; it is left out", self.group)
            return frames.encode_batches([m for m in messages if _encodes(m)], self.hub.max_frame_bytes)

    @property
    def send_ms(self):
        """The send interval this process announces to the board's browsers now."""
        return self.send_pace.send_ms

    def drawers(self, now):
        """Sockets of the board that sent a live stroke message lately, in every process."""
        since = now - DRAWING_WINDOW_SECONDS
        self.local_drawers = sum(
            1
            for membership in self.memberships.values()
            if membership.drew_at is not None and membership.drew_at >= since
        )
        for origin, (_, heard) in list(self.remote_drawers.items()):
            if heard < since:
                del self.remote_drawers[origin]
        return self.local_drawers + sum(count for count, _ in self.remote_drawers.values())

    async def _pace(self):
        while True:
            await asyncio.sleep(PACE_EVALUATE_SECONDS)
            await self.repace(time.monotonic())

    async def repace(self, now):
        """Count the board's load: set the tick, and tell every socket here a changed send interval."""
        pacing = self.hub.pacing.scaled(self.hub.budget_share.share)
        drawers = self.drawers(now)
        # The processes whose batches come here too: those heard from within the window.
        processes = 1 + len(self.remote_drawers)
        self.tick_seconds = pacing.tick_seconds(len(self.memberships), drawers, processes)
        send_ms = self.send_pace.update(pacing.send_ms(drawers), now)
        if send_ms is None:
            return
        text = protocol.encode(protocol.pace(send_ms))
        metrics.FRAMES_OUT.labels(protocol.PACE).inc(len(self.memberships))
        for membership in list(self.memberships.values()):
            await self._deliver_safely(membership, text)

    async def announce_join(self, membership):
        who = membership.audience or audience.VIEWER_AUDIENCE
        await self.hub.channel_layer.group_send(
            self.group,
            {
                "type": JOINED_EVENT,
                "origin": self.channel,
                "joiner": membership.key,
                "audience": [who.role, who.participant],
            },
        )

    def open_strokes(self, exclude=None, who=audience.HOST_AUDIENCE):
        """`stroke.begin` messages, with their points so far, of every stroke open in this process
        that audience `who` may see."""
        settings = self.class_settings
        return [
            begin
            for membership in self.memberships.values()
            if membership is not exclude
            for begin in membership.member.open_stroke_begins()
            if audience.view_message(begin, who, settings) is not None
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
        kind = message["type"]
        if kind == BATCH_EVENT:
            await self._deliver_batch(message)
        elif kind == JOINED_EVENT and message["origin"] != self.channel:
            role, participant = message.get("audience") or (audience.VIEWER_AUDIENCE.role, None)
            joiner = audience.Audience(role, participant)
            for text in frames.encode_batches(self.open_strokes(who=joiner), self.hub.max_frame_bytes):
                reply = {"type": BATCH_EVENT, "text": text, "joiner": message["joiner"]}
                await self.hub.channel_layer.send(message["origin"], reply)
        elif kind in (CLASS_EVENT, HOST_KEY_EVENT):
            await self._apply_class(ClassSettings.from_wire(message["class"], message["version"]))
            if kind == HOST_KEY_EVENT:
                # Hosts by the old key: they connect again, and the old key makes them students.
                await self._close_members(
                    lambda participant: participant.role == HOST,
                    protocol.CLOSE_HOST_KEY_CHANGED,
                    "the board's host key changed",
                )
        elif kind == DELETED_EVENT:
            await self._close_members(
                lambda participant: True, protocol.CLOSE_BOARD_DELETED, "the host deleted this board"
            )
        elif kind == REMOVE_EVENT:
            await self._close_members(
                lambda participant: participant.id == message["participant"],
                protocol.CLOSE_REMOVED,
                "removed by the host",
            )
        elif kind == ROSTER_EVENT:
            if self.roster.heard(message["origin"], message["part"], time.monotonic()):
                self._push_presence_soon()
            if message.get("ask") and message["origin"] != self.channel and self.part_sender is None:
                self.part_sender = asyncio.create_task(self._send_part_soon())

    async def _deliver_batch(self, message):
        """A batch of the board's traffic to its members here: one text for everyone, or, for a
        board in lanes, `views` holding each audience group's frames (see texts_for)."""
        views = message.get("views")
        if views is None and "joiner" not in message and audience.is_filtered(self.class_settings):
            views = self._views_of_unfiltered(message["text"])
        if views is None:
            single = [message["text"]]
            frames_for = lambda membership: single  # noqa: E731 - the hot path: one list per tick
        else:
            frames_for = lambda membership: self.texts_for(membership, views)  # noqa: E731
        if message.get("volatile"):
            await self._deliver_volatile(frames_for)
            return
        if "joiner" in message:
            joiner = self.memberships.get(message["joiner"])
            memberships = [joiner] if joiner is not None else []
        else:
            memberships = list(self.memberships.values())
            origin = message.get("origin")
            if origin is not None and origin != self.channel:
                self.remote_drawers[origin] = (message.get("drawers", 0), time.monotonic())
        if views is None:
            metrics.FRAMES_OUT_BATCH.inc(len(memberships))
        for membership in memberships:
            try:
                # Straight to a live member: this runs once per browser per tick.
                if membership.held is None:
                    texts = frames_for(membership)
                    if views is not None:
                        metrics.FRAMES_OUT_BATCH.inc(len(texts))
                    for text in texts:
                        await membership.member.deliver(text)
                else:
                    await membership.deliver(single[0] if views is None else views)
            except Exception:
                # This loop is the board's only way out of the process: one browser's
                # failure must not end it for everyone else.
                logger.exception("could not deliver a batch on %s to one browser", self.group)

    async def _apply_class(self, settings):
        if settings.version <= self.class_settings.version:
            return
        self.class_settings = settings
        text = protocol.encode(protocol.class_settings(settings))
        for membership in list(self.memberships.values()):
            await self._deliver_safely(membership, text)
        # Who may see names may have changed.
        self._push_presence_soon()

    async def _close_members(self, chosen, code, reason):
        for membership in list(self.memberships.values()):
            if membership.participant is not None and chosen(membership.participant):
                await membership.member.close(code, reason)

    async def _deliver_safely(self, membership, text):
        try:
            await membership.deliver(text)
        except Exception:
            logger.exception("could not deliver to one browser on %s", self.group)

    async def _deliver_volatile(self, frames_for):
        """Volatile frames to each live member that keeps up: `frames_for(membership)`, a list."""
        for membership in list(self.memberships.values()):
            if membership.held is not None or membership.member.is_behind():
                continue
            for text in frames_for(membership):
                await self._deliver_safely(membership, text)

    # --- presence ------------------------------------------------------------------------

    async def _send_part_soon(self):
        try:
            await asyncio.sleep(self.hub.presence_interval_seconds)
        finally:
            self.part_sender = None
        await self._send_part()

    async def _send_part(self):
        """This process's part of the roster to every process (this one too)."""
        event = {"type": ROSTER_EVENT, "origin": self.channel, "part": self.local_people.part()}
        if not self.asked_for_parts:
            # New to the board here: the other processes send theirs back.
            event["ask"] = self.asked_for_parts = True
        try:
            await self.hub.channel_layer.group_send(self.group, event)
        except Exception as error:  # noqa: BLE001 - any layer failure
            self.outage.failed(error)

    async def _beat(self):
        while True:
            await asyncio.sleep(self.hub.presence_heartbeat_seconds)
            await self._send_part()
            if self.roster.expire(time.monotonic()):
                self._push_presence_soon()

    def _push_presence_soon(self):
        if self.presence_pusher is None:
            self.presence_pusher = asyncio.create_task(self._push_presence())

    async def _push_presence(self):
        """The merged people list to this process's members, as each may see it."""
        try:
            await asyncio.sleep(self.hub.presence_interval_seconds)
        finally:
            self.presence_pusher = None
        settings = self.class_settings
        people = self.roster.people()
        count = self.roster.count(people)
        listed = people[: self.hub.max_people]
        if settings.anonymous:
            listed = [replace(person, name=None) for person in listed]
        with_people = protocol.encode(protocol.presence(count, listed))
        count_only = protocol.encode(protocol.presence(count))

        filtered = audience.is_filtered(settings)
        # The projector names the spotlit student when the host lets it, and nobody else.
        spotlit = [person for person in listed if person.id == settings.spotlight]
        with_spotlit = count_only
        if filtered and spotlit and settings.spotlight_name and not settings.anonymous:
            with_spotlit = protocol.encode(protocol.presence(count, spotlit))

        def frames_for(membership):
            participant = membership.participant
            if participant is None:
                return []
            if participant.role == HOST:
                return [with_people]
            if participant.role == VIEWER:
                return [with_spotlit]
            # In lanes a student sees nobody else's name: not beside ink, not in the list.
            if participant.role == STUDENT and settings.names_visible and not filtered:
                return [with_people]
            return [count_only]

        await self._deliver_volatile(frames_for)

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


def _all_texts(views):
    return [text for texts in views.values() for text in texts]


def _encodes(message):
    try:
        protocol.encode(message)
    except Exception:  # noqa: BLE001 - whatever fails, the message cannot go
        return False
    return True


class RelayHub:
    """The board relays of one process: created once by the application and handed to consumers."""

    def __init__(
        self,
        channel_layer,
        pacing,
        max_frame_bytes,
        max_held_bytes,
        max_people=200,
        presence_interval_seconds=0.2,
        presence_heartbeat_seconds=10,
        watch_load=True,
    ):
        self.channel_layer = channel_layer
        # The board budget and the longest delays (draw/pacing.Pacing), and the share of the
        # budget this process can afford now (draw/pacing.BudgetShare), from how busy the machine is.
        self.pacing = pacing
        self.budget_share = BudgetShare()
        # Off only where a test needs the whole budget whatever the machine is doing.
        self.watch_load = watch_load
        self.load_watch = None
        self.max_frame_bytes = max_frame_bytes
        self.max_held_bytes = max_held_bytes
        self.max_people = max_people
        self.presence_interval_seconds = presence_interval_seconds
        self.presence_heartbeat_seconds = presence_heartbeat_seconds
        self.boards = {}
        self.keys = itertools.count(1)
        self.join_outage = OutageLog(logger, "channel layer (joining boards)")

    async def join(self, group, member):
        """A new membership of `member` on the board's relay, holding its traffic until released."""
        if self.watch_load and self.load_watch is None:
            self.load_watch = asyncio.create_task(self._watch_load())
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
        if membership.participant is not None:
            relay.people_changed(left=membership.participant)
        if relay.memberships or self.boards.get(relay.group) is not relay:
            return
        del self.boards[relay.group]
        metrics.LIVE_BOARDS.set(len(self.boards))
        await relay.stop()

    async def _watch_load(self):
        """Look how busy the machine is, for the boards' budget share (draw/pacing.BudgetShare)."""
        # Since the last call: the first says nothing.
        psutil.cpu_percent()
        while True:
            await asyncio.sleep(LOAD_SAMPLE_SECONDS)
            self.budget_share.update(psutil.cpu_percent() / 100)

    async def _stop_when_started(self, relay):
        try:
            await relay.starting
        except Exception:  # noqa: BLE001 - the joiners were told
            return
        await relay.stop()


async def announce_host_key(channel_layer, board, settings):
    """Tell every process holding `board` that its host key was reset (ClassSettings after it)."""
    event = {"type": HOST_KEY_EVENT, "class": settings.to_wire(), "version": settings.version}
    await channel_layer.group_send(group_name(board), event)


async def announce_deleted(channel_layer, board):
    """Tell every process holding `board` that its host deleted it: each closes its sockets."""
    await channel_layer.group_send(group_name(board), {"type": DELETED_EVENT})
