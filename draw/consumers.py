"""The board websocket: accept, parse, hand to board logic, relay. Nothing more."""

import logging
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from draw import protocol
from draw.boards import group_name, is_valid_board_name
from draw.participants import participant_from_token, token_for
from draw.ratelimit import TokenBucket
from draw.relay import relay_for
from draw.strokes import OpenStrokes

logger = logging.getLogger(__name__)


class BoardConsumer(AsyncJsonWebsocketConsumer):
    """One browser on one board."""

    async def connect(self):
        self.board = self.scope["url_route"]["kwargs"]["board"]
        if not is_valid_board_name(self.board):
            await self.close(code=protocol.CLOSE_BOARD_NOT_FOUND, reason="no such board")
            return
        config = settings.SKETCHSITE
        self.limits = protocol.Limits.from_settings(config)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.participant = participant_from_token(query.get("token", [""])[0])
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
        self.relay = relay_for(self.channel_layer, config["RELAY_TICK_MS"] / 1000)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(
            protocol.welcome(
                self.board,
                self.participant,
                token_for(self.participant),
                self.limits,
                config["MAX_POINTS_PER_SECOND"],
            )
        )

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            for stroke in self.open_strokes.discard_all():
                # Others see the unfinished stroke end where the connection dropped.
                self.relay.publish(self.group, protocol.StrokeEnd(stroke.stroke).to_wire(self.participant))

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            await self.close(code=protocol.CLOSE_UNSUPPORTED_DATA, reason="binary frames are not accepted")
            return
        if len(text_data) > self.limits.max_message_bytes:
            await self.close(
                code=protocol.CLOSE_MESSAGE_TOO_BIG,
                reason=f"message larger than {self.limits.max_message_bytes} bytes",
            )
            return
        try:
            message = protocol.parse(text_data, self.limits)
            self.accept_message(message)
        except protocol.ProtocolError as refused:
            await self.refuse(refused)

    def accept_message(self, message):
        """Check the message against this author's strokes and budget, then relay it."""
        self.spend_points(message)
        if isinstance(message, protocol.StrokeBegin):
            self.open_strokes.begin(message)
        elif isinstance(message, protocol.StrokePoints):
            self.open_strokes.add_points(message)
        else:
            self.open_strokes.end(message)
        self.relay.publish(self.group, message.to_wire(self.participant))

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
        await self.send_json(protocol.error(refused.code, refused.reason, refused.stroke))

    async def board_batch(self, event):
        await self.send(text_data=event["text"])

    @classmethod
    async def encode_json(cls, content):
        return protocol.encode(content)
