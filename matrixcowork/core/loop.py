"""The only reader of the homeserver: sync, filter at the door, dispatch, then save the token.

The sync token is saved after a batch was handled, so a crash mid-batch replays the batch
instead of losing it; commands are additionally marked handled by event id, and replies carry
transaction ids derived from the command, so a replay never answers twice. The first start
syncs with an empty timeline: the bot acts on nothing that happened before it existed.

A resumed sync whose timeline in a room is `limited` (more happened there than one batch
holds, e.g. while the bot was down) is completed before it is handled: `/messages` from the
timeline's start back to the previous sync token gives the events left out, and they are
handled first, in order, as part of the same batch. So commands typed while the bot was down
are all answered, not only the last hundred events' (a room over `BACKFILL_MAX` events keeps
its gap, which the features reconcile as before).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from nio import (
    MessageDirection,
    RoomMemberEvent,
    RoomMessagesResponse,
    RoomMessageText,
    SyncError,
    SyncResponse,
)

from ..features import EventHandler
from . import crypto
from .commands import CommandRouter
from .doors import Doors
from .services import Services

log = logging.getLogger(__name__)

# Lazy loading: a sync carries only the members whose events it carries (and Synapse's member
# counts); `_load_members` reads the full list once per room, for rooms within the size limit.
LAZY = {"lazy_load_members": True}
FIRST_SYNC_FILTER = {"room": {"timeline": {"limit": 0}, "state": LAZY}}
SYNC_FILTER = {"room": {"timeline": {"limit": 100}, "state": LAZY}}
LONG_POLL_MS = 30_000
MAX_BACKOFF = 30.0
BACKFILL_PAGE = 1000  # events per /messages request when completing a limited timeline
BACKFILL_MAX = 10_000  # per room and batch; beyond it the gap stays (features reconcile)
# How long the loop lets a batch's queued replies go out before it polls again. Sent while the
# next long poll starts, an answer raced the bot's own sync on the homeserver (+10 ms at the
# median, measured); a send held up by a rate limit or a slow server never holds the loop
# longer than this.
REPLY_GRACE = 0.25


async def guarded(what: str, call: Callable[[], Awaitable[Any]]) -> None:
    """One failing handler is logged and contained; it never ends the loop."""
    try:
        await call()
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("%s failed", what)


class Subscriber(Protocol):
    """What the dispatcher hands events and gaps to: the features and the tracked posts."""

    name: str

    def subscriptions(self) -> dict[type, EventHandler]: ...

    async def on_gap(self, room_id: str) -> None: ...


def is_edit(event: RoomMessageText) -> bool:
    relates = event.source.get("content", {}).get("m.relates_to")
    return isinstance(relates, dict) and relates.get("rel_type") == "m.replace"


class Dispatcher:
    def __init__(
        self, services: Services, router: CommandRouter, features: Sequence[Subscriber]
    ) -> None:
        self.services = services
        self.router = router
        self.features = features
        self.doors = Doors(services)
        self._subscriptions: list[tuple[type, EventHandler]] = [
            (event_type, handler)
            for feature in features
            for event_type, handler in feature.subscriptions().items()
        ]

    @property
    def own_user(self) -> str:
        return self.services.client.user_id

    async def dispatch(self, response: SyncResponse) -> None:
        for room_id, invited in response.rooms.invite.items():
            await guarded(
                f"invite to {room_id}", lambda r=room_id, i=invited: self.doors.on_invite(r, i)
            )
        for room_id, joined in response.rooms.join.items():
            if await self.doors.too_big(room_id):
                continue
            for event in self._since_own_join(joined.timeline.events):
                await guarded(
                    f"event {getattr(event, 'event_id', '?')} in {room_id}",
                    lambda r=room_id, e=event: self._on_event(r, e),
                )
            if joined.timeline.limited:
                await self.gap(room_id)

    def _since_own_join(self, events: list[Any]) -> list[Any]:
        """A room the bot just joined comes with history; only what follows the join counts."""
        for index in range(len(events) - 1, -1, -1):
            event = events[index]
            if (
                isinstance(event, RoomMemberEvent)
                and event.state_key == self.own_user
                and event.membership == "join"
                and event.prev_membership != "join"
            ):
                return events[index + 1:]
        return events

    async def gap(self, room_id: str) -> None:
        for feature in self.features:
            await guarded(f"{feature.name} gap in {room_id}", lambda f=feature: f.on_gap(room_id))

    async def _on_event(self, room_id: str, event: Any) -> None:
        if getattr(event, "sender", None) == self.own_user:
            return
        if isinstance(event, RoomMessageText):
            if is_edit(event):
                return
            if self.router.is_command(event.body):
                await self._on_command(room_id, event)
                return  # other messages go on to the features that subscribe to them
        for event_type, handler in self._subscriptions:
            if isinstance(event, event_type):
                await guarded(f"{event_type.__name__} handler", lambda h=handler: h(room_id, event))

    async def _on_command(self, room_id: str, event: RoomMessageText) -> None:
        store = self.services.store
        if await store.was_handled(event.event_id):
            return
        log.info("command from %s in %s: %s", event.sender, room_id, event.body[:60])
        await self.router.handle(room_id, event.sender, event.event_id, event.body)
        await store.mark_handled(event.event_id)


class SyncLoop:
    def __init__(
        self,
        services: Services,
        dispatcher: Dispatcher,
        on_first_sync: Callable[[], Awaitable[None]],
    ) -> None:
        self.services = services
        self.dispatcher = dispatcher
        self.on_first_sync = on_first_sync
        self.first_sync_done = asyncio.Event()
        self.last_sync_monotonic: float | None = None
        self.last_sync_wall: float | None = None

    async def sync_once(self, token: str | None, first_of_run: bool) -> SyncResponse | None:
        client = self.services.client
        if token is None:
            response = await client.sync(timeout=0, sync_filter=FIRST_SYNC_FILTER, full_state=True)
        else:
            response = await client.sync(
                timeout=0 if first_of_run else LONG_POLL_MS,
                sync_filter=SYNC_FILTER,
                since=token,
                full_state=first_of_run,
            )
        if isinstance(response, SyncError):
            log.warning("sync failed: %s %s", response.status_code, response.message)
            return None
        return response

    async def run(self) -> None:
        """Sync until cancelled, backing off on errors."""
        store = self.services.store
        token = await store.sync_token()
        first_of_run = True
        backoff = 1.0
        while True:
            try:
                response = await self.sync_once(token, first_of_run)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("sync request failed: %s", exc.__class__.__name__)
                response = None
            if response is None:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            if token is not None:
                await self._backfill(response, token)
            await self._after_sync(response)
            await self._load_members(response)
            if first_of_run:
                # Rooms and state are known now: features may start before events arrive.
                await self.on_first_sync()
            await self.dispatcher.dispatch(response)
            await self._let_replies_out()
            self.last_sync_monotonic = time.monotonic()
            self.last_sync_wall = time.time()
            await store.save_sync_token(response.next_batch, self.last_sync_wall)
            if first_of_run and token is not None:
                # Whatever happened while the bot was down: let features reconcile.
                for room_id in self.services.client.rooms:
                    await self.dispatcher.gap(room_id)
            token = response.next_batch
            first_of_run = False
            self.first_sync_done.set()

    async def _let_replies_out(self) -> None:
        outbox = self.services.chat.outbox
        if outbox is None or not outbox.queued():
            return
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow the loop's own
        # cancellation when the wait ends at the same moment, and the bot never stops.
        with contextlib.suppress(TimeoutError):  # the rest goes out while the loop goes on
            async with asyncio.timeout(REPLY_GRACE):
                await outbox.drained()

    async def _backfill(self, response: SyncResponse, since: str) -> None:
        """Put the events a limited timeline left out (between `since` and the timeline's
        start) in front of it; a room stays limited if that fails or is too much."""
        for room_id, joined in response.rooms.join.items():
            timeline = joined.timeline
            if not timeline.limited or not timeline.prev_batch:
                continue
            if await self.dispatcher.doors.too_big(room_id):
                continue
            try:
                missed = await self._missed(room_id, timeline.prev_batch, since)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("catching up in %s failed: %s", room_id, exc.__class__.__name__)
                missed = None
            if missed is not None:
                log.info("caught up %d events in %s", len(missed), room_id)
                timeline.events[:0] = missed
                timeline.limited = False

    async def _missed(self, room_id: str, start: str, since: str) -> list[Any] | None:
        """The room's events after `since` up to `start`, oldest first; None if incomplete."""
        client = self.services.client
        pages: list[list[Any]] = []
        count = 0
        while True:
            page = await client.room_messages(room_id, start=start, end=since,
                                              direction=MessageDirection.back,
                                              limit=BACKFILL_PAGE)
            if not isinstance(page, RoomMessagesResponse):
                log.warning("catching up in %s: %s", room_id, getattr(page, "message", page))
                return None
            pages.append(page.chunk)
            count += len(page.chunk)
            if not page.chunk or not page.end or page.end == start:
                break
            if count > BACKFILL_MAX:
                return None
            start = page.end
        return [event for chunk in reversed(pages) for event in reversed(chunk)]

    async def _load_members(self, response: SyncResponse) -> None:
        """Every member of each room new to this run (names, membership checks), unless the
        room is over the size limit: the dispatcher then leaves it."""
        client, limit = self.services.client, self.services.config.max_room_members
        for room_id in response.rooms.join:
            room = client.rooms.get(room_id)
            if room is not None and not room.members_synced and room.joined_count <= limit:
                await guarded(f"members of {room_id}",
                              lambda r=room_id: self.services.chat.joined_members(r))

    async def _after_sync(self, response: SyncResponse) -> None:
        """Key upload, query and claim, and queued to-device messages, before the batch is
        handled: replies then reach every device that was new in it."""
        await guarded("key maintenance", lambda: crypto.keep_keys(self.services.client))
