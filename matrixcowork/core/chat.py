"""Everything the bot sends to Matrix goes through here.

Retry policy lives in one place: nio itself retries 429s (honouring `retry_after_ms`) and
connection errors with backoff while keeping the transaction id, so a retried send is never
duplicated; this module adds retries for transient 5xx answers (a homeserver restarting behind a
proxy) and turns every remaining error response into a `ChatError`. Callers that must not send
twice across a crash pass a deterministic `txn`: the homeserver de-duplicates it.

Command replies are queued (`queue`, the outbox in outbox.py) and sent by a task per room, so
the sync loop never waits for the homeserver's rate limit; every awaited send to a room first
waits for what that room had queued, so a room's messages keep the order they were made in.

In an encrypted room everything is sent encrypted, reactions included (nio alone would send
those in clear), and reactions read back from the homeserver are decrypted (crypto.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import uuid4

from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    Event,
    JoinedMembersResponse,
    JoinedRoomsResponse,
    ReactionEvent,
    RoomCreateResponse,
    RoomGetStateEventResponse,
    RoomGetStateResponse,
    RoomResolveAliasResponse,
    RoomSendResponse,
)
from nio.api import RelationshipType
from nio.rooms import MatrixRoom

from . import content as build
from . import crypto, limits
from .outbox import Outbox

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
CLIENT_CONFIG = AsyncClientConfig(
    max_limit_exceeded=None,  # wait out every 429 as long as the server asks
    max_timeouts=None,  # keep retrying connection errors, backing off up to 30 s
    max_timeout_retry_wait_time=30,
    request_timeout=60,
    store_sync_tokens=False,
)
CLEAR_IN_NIO = frozenset({"m.reaction"})  # nio's room_send leaves these unencrypted
# Relations per request when reading a post's reactions: Synapse answers 5 a page unless asked
# (a check-in post with 200 reactions took 42 requests; it caps a page at 1,000).
RELATIONS_PAGE = 1000


class ChatError(Exception):
    """The homeserver refused a request (forbidden, unknown room, bad content), or kept
    failing (`transient`)."""

    def __init__(self, action: str, response: ErrorResponse) -> None:
        self.status_code = str(response.status_code or "")
        self.action = action
        self.transient = _is_transient(response)  # 5xx: worth trying again later
        super().__init__(f"{action}: {response.status_code} {response.message}")


def _is_transient(response: ErrorResponse) -> bool:
    transport = response.transport_response
    return transport is not None and transport.status >= 500


def txn_for(*parts: str) -> str:
    """A transaction id derived from what caused the send, stable across restarts."""
    return "mc" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


class Chat:
    def __init__(self, client: AsyncClient, store: Store | None = None) -> None:
        """With a store, replies are queued in its outbox (the bot); without one (a tool, a
        test's member) `queue` sends at once."""
        self.client = client
        # The sender tasks look `send_event` up at each send, so a wrapper sees those too.
        self.outbox = Outbox(store, lambda *args: self.send_event(*args)) if store else None

    @property
    def user_id(self) -> str:
        return self.client.user_id

    async def _call(self, action: str, request: Callable[[], Awaitable[T]]) -> T:
        delay = 0.5
        for attempt in range(6):
            response = await request()
            if not isinstance(response, ErrorResponse):
                return response
            if not _is_transient(response) or attempt == 5:
                raise ChatError(action, response)
            log.warning("%s failed transiently (%s), retrying", action, response.status_code)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)
        raise AssertionError("unreachable")

    # --- messages -------------------------------------------------------------------------

    async def send_event(
        self, room_id: str, event_type: str, content: dict[str, Any], txn: str | None = None
    ) -> str:
        """Send any room event; in an encrypted room it is encrypted, reactions included.
        Content with a body always says whom it mentions (nobody unless the builder said).
        What the room's outbox held before goes out first."""
        if self.outbox is not None:
            await self.outbox.caught_up(room_id)
        content = build.stated(content)
        encrypted = self.client.olm is not None and await self._encrypted(room_id)
        content = limits.within(content, encrypted, event_type)  # never M_TOO_LARGE
        if encrypted and event_type in CLEAR_IN_NIO:
            txn = txn or uuid4().hex  # one id for all retries

            def send() -> Awaitable[Any]:
                return crypto.send_encrypted(self.client, room_id, event_type, content, txn)
        else:
            def send() -> Awaitable[Any]:
                return self.client.room_send(
                    room_id, event_type, content, tx_id=txn, ignore_unverified_devices=True
                )
        response: RoomSendResponse = await self._call(f"send {event_type} to {room_id}", send)
        return response.event_id

    async def _encrypted(self, room_id: str) -> bool:
        """Whether a room is encrypted. nio can only send with encryption on to rooms a sync
        told it about: a room created or joined a moment ago is looked up and made known."""
        room = self.client.rooms.get(room_id)
        if room is None:
            encrypted = await self.get_state(room_id, "m.room.encryption") is not None
            room = self._remember(room_id, encrypted)
        if room.encrypted and self.client.should_query_keys:
            await self.client.keys_query()  # a device that just appeared gets this message too
        return room.encrypted

    def _remember(self, room_id: str, encrypted: bool) -> MatrixRoom:
        """Tell nio about a room before its sync does."""
        room = self.client.rooms.get(room_id)
        if room is None:
            room = self.client.rooms[room_id] = MatrixRoom(room_id, self.user_id, encrypted)
        if encrypted:
            room.encrypted = True
            self.client.encrypted_rooms.add(room_id)
        return room

    async def send(
        self,
        room_id: str,
        markdown_text: str,
        *,
        reply_to: str | None = None,
        mentions: list[str] | None = None,
        txn: str | None = None,
        msgtype: str = "m.notice",
    ) -> str:
        """Send a notice (Markdown rendered to HTML plus a plain body); returns its event id."""
        content = build.message(markdown_text, msgtype=msgtype, mentioned=mentions,
                                reply_to=reply_to)
        return await self.send_event(room_id, "m.room.message", content, txn)

    async def queue(
        self,
        room_id: str,
        markdown_text: str,
        *,
        txn: str,
        reply_to: str | None = None,
        mentions: list[str] | None = None,
        wait: bool = False,
    ) -> str | None:
        """Queue a notice in the room's outbox (built as `send` builds it); returns once it is
        committed, or with `wait` once it is sent, with its event id. `txn` (from what caused
        it) makes queueing it twice queue it once."""
        content = build.message(markdown_text, mentioned=mentions, reply_to=reply_to)
        if self.outbox is None:
            return await self.send_event(room_id, "m.room.message", content, txn)
        if wait:
            return await self.outbox.put_and_wait(room_id, "m.room.message", content, txn)
        await self.outbox.put(room_id, "m.room.message", content, txn)
        return None

    async def edit(
        self,
        room_id: str,
        event_id: str,
        markdown_text: str,
        *,
        mentions: list[str] | None = None,
        msgtype: str = "m.notice",
    ) -> str:
        content = build.edit(event_id, markdown_text, msgtype=msgtype, mentioned=mentions)
        return await self.send_event(room_id, "m.room.message", content)

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        return await self.send_event(room_id, "m.reaction", content, txn_for(event_id, key))

    async def offer_reactions(self, room_id: str, event_id: str, keys: Sequence[str]) -> None:
        """The bot reacts first, so members answer with one click; a refused reaction is
        logged and the others are still added."""
        for key in keys:
            try:
                await self.react(room_id, event_id, key)
            except ChatError as err:
                log.warning("cannot add the %s reaction: %s", key, err)

    async def redact(self, room_id: str, event_id: str, reason: str | None = None) -> None:
        await self._call(
            f"redact {event_id}", lambda: self.client.room_redact(room_id, event_id, reason)
        )

    async def reactions_to(self, room_id: str, event_id: str) -> list[ReactionEvent]:
        """Every reaction the homeserver holds for an event (redacted ones are left out)."""
        events = await self.relations(room_id, event_id, RelationshipType.annotation)
        return [event for event in events if isinstance(event, ReactionEvent)]

    async def relations(
        self, room_id: str, event_id: str, rel_type: RelationshipType
    ) -> list[Event]:
        """Every event that relates to an event this way (all pages), decrypted."""
        # No event type filter: in an encrypted room they are m.room.encrypted.
        relations = self.client.room_get_event_relations(room_id, event_id, rel_type,
                                                         limit=RELATIONS_PAGE)
        try:
            return crypto.decrypted(self.client, room_id, [e async for e in relations])
        except AttributeError:
            # nio's iterator reads `next_batch` from an error response: a refused page.
            raise ChatError(
                f"relations of {event_id}", ErrorResponse("relations request failed")
            ) from None

    async def references_to(self, room_id: str, event_id: str) -> list[Event]:
        """Every event that references an event (e.g. the responses to a poll), decrypted."""
        return await self.relations(room_id, event_id, RelationshipType.reference)

    # --- state and rooms ------------------------------------------------------------------

    async def put_state(
        self, room_id: str, event_type: str, content: dict[str, Any], state_key: str = ""
    ) -> None:
        await self._call(
            f"set {event_type} in {room_id}",
            lambda: self.client.room_put_state(room_id, event_type, content, state_key),
        )

    async def get_state(
        self, room_id: str, event_type: str, state_key: str = ""
    ) -> dict[str, Any] | None:
        """The current content of a state event, or None if it is not set."""
        response = await self.client.room_get_state_event(room_id, event_type, state_key)
        if isinstance(response, RoomGetStateEventResponse):
            return response.content
        if str(response.status_code) == "M_NOT_FOUND":
            return None
        raise ChatError(f"get {event_type} in {room_id}", response)

    async def room_state(self, room_id: str) -> list[dict[str, Any]]:
        """Every state event of a room as the homeserver holds it now, in one request."""
        response: RoomGetStateResponse = await self._call(
            f"read the state of {room_id}", lambda: self.client.room_get_state(room_id)
        )
        return response.events

    async def joined_rooms(self) -> set[str]:
        """The rooms the bot is joined to, as the homeserver says now (not the sync)."""
        response: JoinedRoomsResponse = await self._call(
            "list joined rooms", lambda: self.client.joined_rooms()
        )
        return set(response.rooms)

    async def joined_members(self, room_id: str) -> set[str]:
        """Who is joined to a room, as the homeserver says now."""
        response: JoinedMembersResponse = await self._call(
            f"list the members of {room_id}", lambda: self.client.joined_members(room_id)
        )
        return {member.user_id for member in response.members}

    async def create_room(self, **kwargs: Any) -> str:
        response: RoomCreateResponse = await self._call(
            "create room", lambda: self.client.room_create(**kwargs)
        )
        initial = kwargs.get("initial_state") or ()
        if self.client.olm and any(e.get("type") == "m.room.encryption" for e in initial):
            # A sync may show the room half made (before its encryption event): know it now.
            self._remember(response.room_id, encrypted=True)
        return response.room_id

    async def resolve_alias(self, alias: str) -> str | None:
        response = await self.client.room_resolve_alias(alias)
        if isinstance(response, RoomResolveAliasResponse):
            return response.room_id
        if str(response.status_code) == "M_NOT_FOUND":
            return None
        raise ChatError(f"resolve {alias}", response)

    async def profile_name(self, user_id: str) -> str | None:
        """The display name in someone's profile; None if they set none or it cannot be read."""
        response = await self.client.get_displayname(user_id)
        return getattr(response, "displayname", None) or None

    async def join(self, room_id: str) -> None:
        await self._call(f"join {room_id}", lambda: self.client.join(room_id))

    async def leave(self, room_id: str) -> None:
        await self._call(f"leave {room_id}", lambda: self.client.room_leave(room_id))

    async def invite(self, room_id: str, user_id: str) -> None:
        await self._call(
            f"invite {user_id} to {room_id}", lambda: self.client.room_invite(room_id, user_id)
        )

    async def kick(self, room_id: str, user_id: str, reason: str | None = None) -> None:
        """Remove someone; for a knock, this is how it is declined (with the reason shown)."""
        await self._call(
            f"kick {user_id} from {room_id}",
            lambda: self.client.room_kick(room_id, user_id, reason),
        )
