"""Direct chats with members, and the one conversation the bot holds in each.

A member's direct chat is the one they opened to the bot (the doors join it and tell us) or
the one the bot makes on first use: `is_direct`, invited, encrypted when the bot has
encryption on, as Element makes them. The bot speaks there only once the member is in it:
until then what it has to say waits in the store and goes out, in order, the moment they join
(an encrypted message sent to someone only invited would reach no device of theirs). Every
message has a transaction id from its cause, kept with it, so a restart or a replayed sync
never sends it twice.

At most one conversation goes on per member, owned by one feature (the welcome questions, the
update round, ...), with its state as JSON in the store; a restart goes on where it was. Plain
messages the member writes in their direct chat reach the owning feature's reply handler once
each (marked handled by event id, as commands are); commands go to the router as everywhere.
Before a handler runs, the conversation notes the answer and its state before it: a crash
between the handler's work and the handled mark replays the answer from that state, so the
same steps happen again (what it sends is sent once, by transaction id) and none twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nio import RoomMemberEvent, RoomMessageText
from nio.api import RoomPreset

from .chat import Chat, ChatError, txn_for
from .clock import Clock
from .store import Migration, Store

log = logging.getLogger(__name__)

MIGRATIONS = (
    Migration(
        "members' direct chats with the bot, what waits for them, and conversations",
        """
        CREATE TABLE direct_rooms (
            user_id TEXT PRIMARY KEY,
            room_id TEXT NOT NULL
        );
        CREATE TABLE direct_outbox (
            txn TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            body TEXT NOT NULL,
            queued_at TEXT NOT NULL,
            event_id TEXT
        );
        CREATE INDEX direct_outbox_waiting ON direct_outbox (user_id) WHERE event_id IS NULL;
        CREATE TABLE direct_conversations (
            user_id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            state TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        "a conversation remembers the answer it last took and its state before it, and ends "
        "without being forgotten, so an answer replayed after a crash is taken once",
        """
        ALTER TABLE direct_conversations ADD COLUMN last_event TEXT;
        ALTER TABLE direct_conversations ADD COLUMN prev_state TEXT;
        ALTER TABLE direct_conversations ADD COLUMN ended INTEGER NOT NULL DEFAULT 0;
        """,
    ),
)


@dataclass(frozen=True)
class Conversation:
    user_id: str
    owner: str
    state: dict[str, Any]


ReplyHandler = Callable[[Conversation, str, str], Awaitable[None]]
"""(conversation, the member's text, its event id): called once per plain message."""


class DirectChats:
    """Core infrastructure with a feature's shape: subscriptions and `on_gap` for the dispatcher."""

    name = "direct"
    migrations = MIGRATIONS

    def __init__(self, store: Store, chat: Chat, clock: Clock) -> None:
        self.store = store
        self.chat = chat
        self.clock = clock
        self._handlers: dict[str, ReplyHandler] = {}
        self._rooms: dict[str, str] | None = None  # user -> room, read once from the store
        self._made: set[str] = set()  # rooms made this run that no sync has shown yet
        self._locks: dict[str, asyncio.Lock] = {}

    def answer_with(self, owner: str, handler: ReplyHandler) -> None:
        self._handlers[owner] = handler

    # --- the rooms --------------------------------------------------------------------

    async def _known(self) -> dict[str, str]:
        if self._rooms is None:
            rows = await self.store.fetch_all("SELECT user_id, room_id FROM direct_rooms")
            self._rooms = {row["user_id"]: row["room_id"] for row in rows}
        return self._rooms

    async def _keep(self, user_id: str, room_id: str) -> None:
        await self.store.execute(
            "INSERT INTO direct_rooms (user_id, room_id) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET room_id = excluded.room_id",
            (user_id, room_id),
        )
        (await self._known())[user_id] = room_id

    async def _open(self, room_id: str, user_id: str) -> bool:
        """The bot is in the room and the member is in it or invited."""
        if room_id in self._made:
            return True
        room = self.chat.client.rooms.get(room_id)
        if room is None:
            return False  # the bot left it, or was removed
        if user_id in room.users:
            return True
        # Lazy loading may not have shown an invitation still open: the homeserver knows.
        try:
            state = await self.chat.get_state(room_id, "m.room.member", user_id)
        except ChatError:
            return False
        return state is not None and state.get("membership") in ("join", "invite")

    async def _joined(self, room_id: str, user_id: str) -> bool:
        room = self.chat.client.rooms.get(room_id)
        if room is not None and room.members_synced:
            return user_id in room.users and user_id not in room.invited_users
        try:  # a room the bot joined a moment ago, before its sync
            return user_id in await self.chat.joined_members(room_id)
        except ChatError:
            return False

    async def room_of(self, user_id: str) -> str:
        async with self._lock(user_id):
            room_id = (await self._known()).get(user_id)
            if room_id is not None and await self._open(room_id, user_id):
                return room_id
            initial = []
            if self.chat.client.olm is not None:
                initial.append({"type": "m.room.encryption", "state_key": "",
                                "content": {"algorithm": "m.megolm.v1.aes-sha2"}})
            room_id = await self.chat.create_room(
                is_direct=True, invite=[user_id], initial_state=initial,
                preset=RoomPreset.trusted_private_chat,
            )
            self._made.add(room_id)
            await self._keep(user_id, room_id)
            log.info("made a direct chat %s with %s", room_id, user_id)
            return room_id

    async def remember(self, user_id: str, room_id: str) -> None:
        """A direct chat the member opened to the bot: from now on theirs."""
        await self._keep(user_id, room_id)
        await self._flush(user_id)

    def _lock(self, user_id: str) -> asyncio.Lock:
        return self._locks.setdefault(user_id, asyncio.Lock())

    # --- speaking ---------------------------------------------------------------------

    async def send(self, user_id: str, markdown_text: str, *, txn: str) -> None:
        changed = await self.store.execute(
            "INSERT OR IGNORE INTO direct_outbox (txn, user_id, body, queued_at) "
            "VALUES (?, ?, ?, ?)",
            (txn, user_id, markdown_text, self.clock.now().isoformat()),
        )
        if changed:
            await self.room_of(user_id)
        await self._flush(user_id)

    async def _flush(self, user_id: str) -> None:
        """What waits for the member, in order, once they are in their direct chat."""
        room_id = (await self._known()).get(user_id)
        if room_id is None or not await self._joined(room_id, user_id):
            return
        async with self._lock(user_id):
            waiting = await self.store.fetch_all(
                "SELECT txn, body FROM direct_outbox WHERE user_id = ? AND event_id IS NULL "
                "ORDER BY rowid", (user_id,),
            )
            for row in waiting:
                event_id = await self.chat.send(room_id, row["body"],
                                                txn=txn_for("direct", row["txn"]))
                await self.store.execute(
                    "UPDATE direct_outbox SET event_id = ? WHERE txn = ?", (event_id, row["txn"])
                )

    # --- conversations ----------------------------------------------------------------

    async def current(self, user_id: str) -> Conversation | None:
        row = await self.store.fetch_one(
            "SELECT owner, state FROM direct_conversations WHERE user_id = ? AND ended = 0",
            (user_id,),
        )
        return Conversation(user_id, row["owner"], json.loads(row["state"])) if row else None

    async def begin(self, user_id: str, owner: str, state: dict[str, Any]) -> bool:
        """False, and nothing changes, while another feature's conversation goes on."""
        changed = await self.store.execute(
            "INSERT INTO direct_conversations (user_id, owner, state, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET owner = excluded.owner, "
            "state = excluded.state, updated_at = excluded.updated_at, ended = 0, "
            "last_event = NULL, prev_state = NULL "
            "WHERE direct_conversations.owner = excluded.owner OR direct_conversations.ended",
            (user_id, owner, json.dumps(state), self.clock.now().isoformat()),
        )
        return changed > 0

    async def save(self, user_id: str, owner: str, state: dict[str, Any]) -> None:
        await self.store.execute(
            "UPDATE direct_conversations SET state = ?, updated_at = ? "
            "WHERE user_id = ? AND owner = ? AND ended = 0",
            (json.dumps(state), self.clock.now().isoformat(), user_id, owner),
        )

    async def end(self, user_id: str, owner: str) -> None:
        """Over; the row stays (ended) so an answer replayed after a crash finds it."""
        await self.store.execute(
            "UPDATE direct_conversations SET ended = 1 WHERE user_id = ? AND owner = ?",
            (user_id, owner),
        )

    # --- what the sync brings -----------------------------------------------------------

    def subscriptions(self) -> dict[type, Callable[[str, Any], Awaitable[None]]]:
        return {RoomMessageText: self._on_message, RoomMemberEvent: self._on_member}

    async def _member_of(self, room_id: str) -> str | None:
        return next((user for user, room in (await self._known()).items() if room == room_id),
                    None)

    async def _on_member(self, room_id: str, event: RoomMemberEvent) -> None:
        self._made.discard(room_id)  # the sync shows it now: its members are known
        owner = await self._member_of(room_id)
        if owner is None:
            return
        if event.state_key not in (owner, self.chat.user_id) and event.membership in (
                "join", "invite"):
            # A third in the chat: it is not theirs alone any more; the next word makes a new one.
            log.info("leaving %s: %s came into %s's direct chat", room_id, event.state_key, owner)
            await self.store.execute("DELETE FROM direct_rooms WHERE user_id = ?", (owner,))
            (await self._known()).pop(owner, None)
            await self.chat.leave(room_id)
        elif event.state_key == owner and event.membership == "join":
            await self._flush(owner)

    async def _on_message(self, room_id: str, event: RoomMessageText) -> None:
        user_id, event_id = event.sender, event.event_id
        if (await self._known()).get(user_id) != room_id:
            return
        row = await self.store.fetch_one(
            "SELECT owner, state, last_event, prev_state, ended FROM direct_conversations "
            "WHERE user_id = ?", (user_id,),
        )
        handler = self._handlers.get(row["owner"]) if row else None
        if row is None or handler is None or await self.store.was_handled(event_id):
            return
        if row["last_event"] == event_id:  # taken before a crash: again, from the state before
            state = row["prev_state"]
        elif row["ended"]:
            return
        else:
            state = row["state"]
            await self.store.execute(
                "UPDATE direct_conversations SET last_event = ?, prev_state = state "
                "WHERE user_id = ?", (event_id, user_id),
            )
        await handler(Conversation(user_id, row["owner"], json.loads(state)), event.body,
                      event_id)
        await self.store.mark_handled(event_id)

    async def on_gap(self, room_id: str) -> None:
        """Joins the bot did not see (downtime, a limited sync): send what waited."""
        user_id = await self._member_of(room_id)
        if user_id is not None:
            await self._flush(user_id)

