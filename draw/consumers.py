"""The board websocket: accept, parse, hand to board logic, relay. Nothing more."""

from urllib.parse import parse_qs

from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings

from draw import protocol, store
from draw.boards import group_name, is_valid_board_name
from draw.history import STROKE
from draw.participants import participant_from_token, token_for
from draw.ratelimit import TokenBucket
from draw.relay import hub_for
from draw.strokes import OpenStrokes

# A client further behind than this gets a fresh snapshot instead of the missed events.
MAX_CATCH_UP_EVENTS = 500


class BoardConsumer(AsyncJsonWebsocketConsumer):
    """One browser on one board."""

    async def connect(self):
        self.board = self.scope["url_route"]["kwargs"]["board"]
        if not is_valid_board_name(self.board):
            await self.close(code=protocol.CLOSE_BOARD_NOT_FOUND, reason="no such board")
            return
        config = settings.SKETCHSITE
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.participant = participant_from_token(query.get("token", [""])[0])
        since = _int_or_zero(query.get("since", ["0"])[0])
        self.group = group_name(self.board)
        self.open_strokes = OpenStrokes(
            self.participant, config["MAX_OPEN_STROKES"], config["MAX_POINTS_PER_STROKE"]
        )
        self.point_budget = TokenBucket(
            config["MAX_POINTS_PER_SECOND"], burst=config["MAX_POINTS_PER_SECOND"]
        )
        self.error_budget = TokenBucket(
            config["MAX_ERRORS_PER_MINUTE"] / 60, burst=config["MAX_ERRORS_PER_MINUTE"]
        )
        self.hub = hub_for(self.channel_layer, config["RELAY_TICK_MS"] / 1000, config["OUTGOING_FRAME_BYTES"])
        # Live batches are held back until this client has the board's state.
        self.held = []
        self.ready = False
        # Join the board before reading it: an event committed meanwhile then arrives both in
        # the catch-up and live, and the client drops the copy by its seq. Read first and it
        # could arrive in neither.
        self.relay = await self.hub.join(self.group, self)
        board, history = await database_sync_to_async(store.read_board)(self.board)
        self.limits = protocol.Limits.from_settings(config, board.width, board.height)
        await self.accept()
        await self.send_json(
            protocol.welcome(
                self.board,
                self.participant,
                token_for(self.participant),
                history.seq,
                self.limits,
                {
                    "max_points_per_second": config["MAX_POINTS_PER_SECOND"],
                    "max_points_per_stroke": config["MAX_POINTS_PER_STROKE"],
                    "max_open_strokes": config["MAX_OPEN_STROKES"],
                    "max_strokes_per_board": config["MAX_STROKES_PER_BOARD"],
                },
            )
        )
        await self.send_catch_up(board, history, since)
        # Strokes being drawn right now: this process's at once, other processes' by reply.
        drawing_here = self.relay.open_strokes(exclude=self)
        if drawing_here:
            await self.send_json(protocol.batch(drawing_here))
        await self.relay.announce_join(self)
        # Batches that arrive while the held ones go out are held too, so order is kept.
        while self.held:
            held, self.held = self.held, []
            for text in held:
                await self.write(text)
        self.ready = True
        self.held = None

    async def send_catch_up(self, board, history, since):
        if 0 < since <= history.seq and history.seq - since <= MAX_CATCH_UP_EVENTS:
            events = await database_sync_to_async(store.events_since)(board, since, MAX_CATCH_UP_EVENTS)
            if events:
                await self.send_json(protocol.batch([protocol.event(event) for event in events]))
            return
        strokes = [stroke.to_compact() for stroke in history.visible_strokes()]
        chunk = settings.SKETCHSITE["SNAPSHOT_CHUNK"]
        for index in range(0, max(len(strokes), 1), chunk):
            await self.send_json(
                protocol.snapshot(history.seq, strokes[index : index + chunk], index, len(strokes))
            )

    async def leave_board(self):
        """Drop this browser's unfinished strokes for everyone and leave the board's relay."""
        relay = getattr(self, "relay", None)
        if relay is None:
            return
        self.relay = None
        for stroke in self.open_strokes.discard_all():
            # The author's client resends the whole stroke after reconnecting.
            relay.publish(protocol.stroke_drop(stroke.stroke, self.participant))
        await self.hub.leave(self.group, self)

    async def __call__(self, scope, receive, send):
        # Channels gives every consumer a channel-layer channel and waits on it and on the
        # socket together, a fresh task and a two-way wait per frame. A board consumer's
        # traffic from other browsers comes through its process's relay instead (relay.py),
        # so it reads its socket alone (150 drawers: 72 -> 60 % of a core, docs/performance.md).
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.base_send = _send_while_open(send)
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            # On disconnect (its handler ends the loop with StopConsumer) and also when a
            # handler failed: this browser's strokes and relay place must go.
            await self.leave_board()

    async def dispatch(self, message):
        # Channels closes stale database connections before every message it dispatches, a
        # hop through the one sync thread per frame that cost a third of the server's time
        # under load (docs/performance.md). Database work here runs in
        # database_sync_to_async, which closes stale connections itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message['type']}")
        await handler(message)

    async def deliver(self, text):
        """A batch from the board's relay: to the socket, or held until the catch-up is out."""
        if not self.ready:
            if self.held is not None:
                self.held.append(text)
            return
        await self.write(text)

    async def write(self, text):
        # Straight to the server: this runs once per browser per tick, so the wrapper layers
        # of AsyncWebsocketConsumer.send are worth skipping.
        await self.base_send({"type": "websocket.send", "text": text})

    def open_stroke_begins(self):
        """`stroke.begin` messages, with their points so far, of the strokes being drawn here."""
        return [
            protocol.StrokeBegin(stroke.stroke, stroke.color, stroke.width, list(stroke.points)).to_wire(
                self.participant
            )
            for stroke in self.open_strokes.strokes()
        ]

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            await self.close(code=protocol.CLOSE_UNSUPPORTED_DATA, reason="binary frames are not accepted")
            return
        try:
            message = protocol.parse(text_data, self.limits)
        except protocol.ProtocolError as refused:
            if refused.code == protocol.TOO_BIG:
                await self.close(code=protocol.CLOSE_MESSAGE_TOO_BIG, reason=refused.reason)
            else:
                await self.refuse(refused)
            return
        try:
            if isinstance(message, protocol.Edit):
                await self.commit(message.kind, message.id, message.request())
            else:
                await self.draw(message)
        except protocol.ProtocolError as refused:
            await self.refuse(refused)

    async def draw(self, message):
        """Live stroke messages: check them against this author's strokes and budget, relay them."""
        try:
            self.spend_points(message)
            if isinstance(message, protocol.StrokeBegin):
                self.open_strokes.begin(message)
            elif isinstance(message, protocol.StrokePoints):
                self.open_strokes.add_points(message)
            else:
                stroke = self.open_strokes.end(message)
        except protocol.ProtocolError:
            # A stroke missing a refused part must not be committed: forget it here and on
            # every screen; its author's client sends it again, whole.
            if self.open_strokes.discard(message.stroke):
                self.relay.publish(protocol.stroke_drop(message.stroke, self.participant))
            raise
        if isinstance(message, protocol.StrokeEnd):
            request = {
                "stroke": stroke.stroke,
                "color": stroke.color,
                "width": stroke.width,
                "points": stroke.points,
            }
            await self.commit(STROKE, stroke.stroke, request)
        else:
            self.relay.publish(message.to_wire(self.participant))

    async def commit(self, kind, client_id, request):
        """Store one event; acknowledge it to its author and relay it to the board once."""
        try:
            result = await database_sync_to_async(store.commit)(
                self.board, kind, self.participant, client_id, request
            )
        except store.CommitRefused as refused:
            if kind == STROKE:
                self.relay.publish(protocol.stroke_drop(client_id, self.participant))
            raise protocol.ProtocolError(refused.code, refused.reason, client_id) from None
        if not result.duplicate:
            self.relay.publish(protocol.event(result.event))
        elif kind == STROKE:
            # A resent stroke already stored: others drop the repeated preview.
            self.relay.publish(protocol.stroke_drop(client_id, self.participant))
        await self.send_json(protocol.ack(client_id, result.seq))

    def spend_points(self, message):
        if message.points and not self.point_budget.take(len(message.points) // 2):
            raise protocol.ProtocolError(
                "rate_limited",
                f"more than {settings.SKETCHSITE['MAX_POINTS_PER_SECOND']} points a second; slow down",
                message.stroke,
            )

    async def refuse(self, refused):
        if not self.error_budget.take():
            await self.close(code=protocol.CLOSE_POLICY_VIOLATION, reason="too many bad messages")
            return
        await self.send_json(protocol.error(refused.code, refused.reason, refused.ref))

    @classmethod
    async def encode_json(cls, content):
        return protocol.encode(content)


def _send_while_open(send):
    """The server's send, minus the error for a socket that is already closing.

    Between a close frame (the browser's, or ours) and the end of the connection, Daphne
    raises autobahn's Disconnected for every frame sent; such a frame has nowhere to go, and
    the error must not end the consumer before it has left its board, nor stop the relay
    loop that was writing to it.
    """

    async def send_while_open(message):
        try:
            await send(message)
        except Disconnected:
            pass

    return send_while_open


def snapshot_parts(strokes, max_strokes, max_bytes):
    """(index, strokes) parts of at most max_strokes strokes and about max_bytes each; one if empty."""
    index, part, size = 0, [], 0
    for stroke in strokes:
        # About 6 characters a coordinate, plus id, author, colour, width and seq.
        stroke_size = 6 * len(stroke[4]) + 64
        if part and (len(part) >= max_strokes or size + stroke_size > max_bytes):
            yield index, part
            index, part, size = index + len(part), [], 0
        part.append(stroke)
        size += stroke_size
    yield index, part


def _int_or_zero(text):
    try:
        return max(0, int(text))
    except ValueError:
        return 0
