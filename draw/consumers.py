"""The board websocket: accept, parse through the board session, act on what it decides."""

import logging
import re
import time
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.apps import apps
from django.db import DatabaseError

from draw import frames, metrics, protocol
from draw.boards import group_name, is_valid_board_name
from draw.budgets import ParticipantBudgets, budget_keys
from draw.guessing import wrong_host_key
from draw.hostkeys import is_host_key
from draw.pages import page_index
from draw.participants import (
    Participant,
    connecting_participant,
    new_participant_id,
    token_for,
    verified_identity,
)
from draw.protocol import ProtocolError
from draw.session import (
    INVALID,
    MAX_CATCH_UP_EVENTS,
    BoardSession,
    Close,
    Publish,
    RemoveParticipant,
    Reply,
    SetClass,
    Store,
    Volatile,
)
from draw.transport import BoardSocket

logger = logging.getLogger(__name__)

# Counters bound to their labels once: labels() takes a lock and a lookup on every call.
_FRAMES_IN = {kind: metrics.FRAMES_IN.labels(kind) for kind in (*protocol.CLIENT_MESSAGE_TYPES, INVALID)}
_FRAMES_OUT = {
    kind: metrics.FRAMES_OUT_BATCH if kind == protocol.BATCH else metrics.FRAMES_OUT.labels(kind)
    for kind in (
        protocol.WELCOME,
        protocol.SNAPSHOT,
        protocol.BATCH,
        protocol.EVENT,
        protocol.ACK,
        protocol.ERROR,
        protocol.CLASS,
    )
}


class BoardConsumer(BoardSocket):
    """One browser on one board. The application gives it `hub`, `store`, `limits` and framing sizes."""

    # Given by the application (sketchsite/asgi.py), from the settings.
    hub = None
    store = None
    limits = None
    snapshot_chunk = None
    max_frame_bytes = None
    max_removed_participants = None
    guesses = None
    # Given by the application, or the draw app's (draw/budgets.py, draw/connections.py).
    participant_budgets = None
    address_connections = None

    session = None
    membership = None
    counted_address = None
    budget_keys = None

    async def connect(self):
        await self.accept()
        board = self.scope["url_route"]["kwargs"]["board"]
        if not is_valid_board_name(board):
            await self.close(protocol.CLOSE_BOARD_NOT_FOUND, "no such board")
            return
        connections = self.address_connections or apps.get_app_config("draw").connections
        address = self._address()
        if not connections.enter(address):
            reason = f"more than {connections.max_per_address} connections from this address"
            await self.close(protocol.CLOSE_TOO_MANY_CONNECTIONS, reason)
            return
        self.counted_address = address
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        since = _int_or_zero(query.get("since", ["0"])[0])
        try:
            # Join the board before reading it: an event committed meanwhile then arrives both
            # in the catch-up and live, and the browser drops the copy by its seq. Read first
            # and it could arrive in neither.
            self.membership = await self.hub.join(group_name(board), self)
            state = await database_sync_to_async(self.store.read)(board)
            if state.deleted:
                await self.close(protocol.CLOSE_BOARD_DELETED, "the host deleted this board")
                return
            await database_sync_to_async(self.store.visited)(board)
            relay = self.membership.relay
            relay.learned_class(state.classroom)
            offered_key = query.get("host", [""])[0]
            is_host = is_host_key(offered_key, state.host_key_hash)
            if offered_key and state.host_key_hash and not is_host:
                refused = await self._wrong_host_key(board)
                if refused is not None:
                    reason = f"too many wrong host keys: try again in {refused.retry_after} s"
                    await self.close(protocol.CLOSE_WRONG_HOST_KEYS, reason)
                    return
            signed = verified_identity(query.get("token", [""])[0])
            participant = connecting_participant(
                signed or (new_participant_id(), None),
                is_host=is_host,
                host_key_hash=state.host_key_hash,
                wants_view=query.get("view", [""])[0] == "1",
            )
            if participant.id in state.removed:
                await self.close(protocol.CLOSE_REMOVED, "removed by the host")
                return
            limits = self.limits.for_board(state.width, state.height)
            # A participant the server made before (its token, the host key) is known again; any
            # other connection is a new id each time, and spends its address's budgets.
            stable = is_host or (signed is not None and signed[0] == participant.id)
            # This machine's sockets (a benchmark, a proxy that hides addresses) are not one address.
            stable = stable or connections.is_unbounded(address)
            keys = budget_keys(board, participant.id, address, stable)
            # Off the event loop: with REDIS_URL set it asks Redis (briefly: draw/budgets.py).
            budgets, _new = await sync_to_async(self._budget_store().checkout, thread_sensitive=False)(
                keys, lambda: ParticipantBudgets.whole(limits)
            )
            self.budget_keys = keys
            session = BoardSession(
                board, participant, limits, class_settings=lambda: relay.class_settings, budgets=budgets
            )
            # What the relay holds for it meanwhile is given out as this audience sees it.
            self.membership.audience = session.audience
            events = None
            if session.wants_events_since(since, state.seq):
                events = await database_sync_to_async(self.store.events_since)(
                    board, since, MAX_CATCH_UP_EVENTS
                )
        except Exception as error:  # noqa: BLE001 - the browser is told, whatever it was
            # The database or the channel layer is away (logged once per outage where it
            # failed); the browser comes back after its backoff. Anything else is a bug: logged.
            if not (isinstance(error, DatabaseError) or self.hub.join_outage.ongoing):
                logger.exception("could not open board %s for a browser", board)
            await self.close(protocol.CLOSE_TRY_AGAIN_LATER, "the board cannot be opened just now")
            return
        self.session = session
        metrics.CACHED_BOARDS.set(self.store.cached_boards)
        welcome = protocol.welcome(
            board,
            Participant(participant.id, participant.role, session.shown_name()),
            token_for(participant.id, participant.name),
            state.seq,
            session.limits,
            relay.class_settings,
            relay.send_ms,
        )
        await self.send_message(welcome)
        catch_up_frames = _FRAMES_OUT[protocol.SNAPSHOT if events is None else protocol.BATCH]
        for text in session.catch_up_frames(state, events, self.snapshot_chunk, self.max_frame_bytes):
            catch_up_frames.inc()
            await self.send_text_paced(text)
        # Strokes being drawn right now: this process's at once, other processes' by reply.
        open_here = self.membership.relay.open_strokes(exclude=self.membership, who=session.audience)
        for text in frames.encode_batches(open_here, self.max_frame_bytes):
            _FRAMES_OUT[protocol.BATCH].inc()
            await self.send_text(text)
        try:
            await self.membership.announce()
        except Exception as error:  # noqa: BLE001 - the layer's failure is the relay's outage
            self.membership.relay.outage.failed(error)
        if not await self.membership.release():
            await self.close(protocol.CLOSE_TOO_SLOW, "this connection fell too far behind")
            return
        self.membership.enter(participant)

    async def _wrong_host_key(self, board):
        """The refusal when this address or board has offered too many wrong host keys, else None."""
        # Off the event loop: with REDIS_URL set it asks Redis (briefly: draw/guessing.py).
        return await sync_to_async(wrong_host_key, thread_sensitive=False)(
            self._address(), board, self.guesses
        )

    def _address(self):
        return (self.scope.get("client") or (None,))[0]

    def _budget_store(self):
        return self.participant_budgets or apps.get_app_config("draw").budgets

    async def receive_text(self, text):
        # Frames that were on their way when the server closed the socket (4008, say) are not
        # acted on: an edit committed then could never be acked, and its author never undo it.
        if self.session is None or self.closing:
            return
        try:
            await self.act(self.session.receive_text(text))
        except Exception:  # noqa: BLE001 - one message's failure is its sender's error
            # A bug met by one message must not close this socket with 1011, nor anyone
            # else's: the sender is told, and the board goes on.
            logger.exception("a message on board %s failed", self.session.board)
            await self._send_internal_error()
        _FRAMES_IN[self.session.last_message_type or INVALID].inc()

    async def _send_internal_error(self):
        try:
            await self.send_message(protocol.error("internal_error", protocol.ERROR_CODES["internal_error"]))
        except Exception:  # noqa: BLE001 - the socket itself is what failed
            logger.exception("could not tell a browser on board %s of a failure", self.session.board)

    async def receive_binary(self):
        if self.session is not None and not self.closing:
            await self.act(self.session.receive_binary())

    async def act(self, actions):
        for action in actions:
            if isinstance(action, Reply):
                await self.send_message(action.message)
            elif isinstance(action, Publish):
                self.membership.publish(action.message)
            elif isinstance(action, Volatile):
                self.membership.publish_volatile(action.key, action.message)
            elif isinstance(action, Store):
                await self.act(await self.commit(action))
            elif isinstance(action, SetClass | RemoveParticipant):
                await self.act(await self.conduct(action))
            elif isinstance(action, Close):
                await self.close(action.code, action.reason)

    async def commit(self, store):
        """Carry out a Store; the session decides what its outcome makes happen."""
        started = time.perf_counter()
        try:
            commit = await database_sync_to_async(self.store.commit)(
                self.session.board, store.kind, self.session.participant, store.client_id, store.request
            )
        except ProtocolError as refused:
            return self.session.store_refused(store, refused)
        except DatabaseError:
            return self.session.store_failed(store)
        finally:
            metrics.COMMIT_SECONDS.observe(time.perf_counter() - started)
        return self.session.stored(store, commit)

    async def conduct(self, action):
        """Carry out a host's SetClass or RemoveParticipant: store it, then tell every process."""
        board, relay = self.session.board, self.membership.relay
        spotlight = action.changes.get(protocol.SPOTLIGHT) if isinstance(action, SetClass) else None
        if spotlight is not None and not await self._is_on_board(spotlight):
            refused = ProtocolError("bad_field", "the spotlight must be on a student of this board")
            return self.session.refuse(refused)
        for picture in _pictures_named(action):
            if not await database_sync_to_async(self.store.has_picture)(board, picture):
                refused = ProtocolError("bad_field", "that picture was not uploaded to this board")
                return self.session.refuse(refused)
        if (
            isinstance(action, SetClass)
            and protocol.PAGE in action.changes
            and protocol.PAGES not in action.changes
        ):
            if page_index(relay.class_settings.pages, action.changes[protocol.PAGE]) is None:
                return self.session.refuse(
                    ProtocolError("bad_field", "that page is not one of the board's pages")
                )
        try:
            if isinstance(action, SetClass):
                settings = await database_sync_to_async(self.store.set_class)(board, action.changes)
                await relay.send_class(settings)
            else:
                await database_sync_to_async(self.store.remove_participant)(
                    board, action.participant, self.max_removed_participants
                )
                await relay.send_removal(action.participant)
        except DatabaseError:
            return [
                Reply(protocol.error("store_unavailable", "that could not be stored just now; try again"))
            ]
        except Exception as error:  # noqa: BLE001 - the channel layer's failure is the relay's outage
            relay.outage.failed(error)
            return [Reply(protocol.error("store_unavailable", "that could not reach everyone; try again"))]
        return []

    async def _is_on_board(self, participant_id):
        """Whether a student of that id is here now (in any process) or has ink on the board."""
        if self.membership.relay.has_student(participant_id):
            return True
        state = await database_sync_to_async(self.store.read)(self.session.board)
        return any(stroke.author == participant_id for stroke in state.strokes)

    async def send_message(self, message):
        _FRAMES_OUT[message["type"]].inc()
        if message["type"] == protocol.ERROR:
            metrics.REFUSALS.labels(message["code"]).inc()
        await self.send_text(protocol.encode(message))

    # --- as a member of the board's relay (draw/relay.py) ------------------------------

    # A frame of the board's live traffic, straight to the socket (the relay counts them).
    deliver = BoardSocket.send_text

    def open_stroke_begins(self):
        return self.session.open_stroke_begins() if self.session is not None else []

    async def disconnected(self):
        if self.counted_address is not None:
            (self.address_connections or apps.get_app_config("draw").connections).leave(self.counted_address)
            self.counted_address = None
        if self.budget_keys is not None and self.session is not None:
            keys, self.budget_keys = self.budget_keys, None
            try:
                await sync_to_async(self._budget_store().checkin, thread_sensitive=False)(
                    keys, self.session.budgets
                )
            except Exception:  # noqa: BLE001 - what the connection holds on its board must still go
                logger.exception("could not keep the budgets of a browser on board %s", self.session.board)
        membership, self.membership = self.membership, None
        if membership is None:
            return
        if self.session is not None:
            for action in self.session.leave():
                membership.publish(action.message)
        await self.hub.leave(membership)


def _int_or_zero(text):
    """A `since` as sent: ASCII digits only (int() also reads other scripts' digits, '_' and
    spaces); anything else asks for a whole snapshot, as 0 does."""
    return int(text) if _SINCE.fullmatch(text) else 0


_SINCE = re.compile(r"[0-9]{1,18}", re.ASCII)


def _pictures_named(action):
    """The digests of the pictures a host's class change puts under the ink (its own, its pages')."""
    if not isinstance(action, SetClass):
        return set()
    named = {action.changes.get(protocol.PICTURE)}
    named.update(page.picture for page in action.changes.get(protocol.PAGES, ()))
    return named - {None}
