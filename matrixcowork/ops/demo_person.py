"""A scripted member of the demo community: a plain Matrix client that joins what it is invited
to, keeps what the bot sends, types commands and waits for the bot's reply."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from nio import AsyncClient, AsyncClientConfig, SyncResponse

from .devserver import Account

WAIT = 30.0
MAX_LINES = 4
HISTORY = 30

Event = dict[str, Any]  # an event's source as the homeserver sent it


class Person:
    def __init__(self, url: str, account: Account, bot_id: str) -> None:
        config = AsyncClientConfig(store_sync_tokens=False, encryption_enabled=False)
        self.client = AsyncClient(url, account.user_id, config=config)
        self.client.restore_login(account.user_id, account.device_id, account.access_token)
        self.name = account.user_id[1:].split(":")[0]
        self.bot_id = bot_id
        self.seen: list[tuple[str, Event]] = []  # (room id, event) of everything the bot sent
        self.invited: list[str] = []
        self._synced = False

    async def sync(self, timeout_ms: int = 0) -> None:
        response = await self.client.sync(timeout=timeout_ms, full_state=not self._synced)
        if not isinstance(response, SyncResponse):
            return
        self._synced = True
        for room_id in response.rooms.invite:
            await self.client.join(room_id)
            self.invited.append(room_id)
        for room_id, joined in response.rooms.join.items():
            events = [event.source for event in joined.timeline.events]
            if joined.timeline.limited:  # a room just joined: what the bot said before
                events = [*await self._earlier(room_id, joined.timeline.prev_batch), *events]
            self.seen += [(room_id, e) for e in events if e.get("sender") == self.bot_id]

    async def _earlier(self, room_id: str, token: str | None) -> list[Event]:
        response = await self.client.room_messages(room_id, start=token, limit=HISTORY)
        events = getattr(response, "chunk", [])
        return [event.source for event in reversed(events)]

    async def room(self, alias: str) -> str | None:
        """The room behind an alias, waiting while the bot is still creating it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2 * WAIT
        while loop.time() < deadline:
            response = await self.client.room_resolve_alias(alias)
            if getattr(response, "room_id", None):
                return response.room_id
            await asyncio.sleep(0.5)
        return None

    async def wait_for(self, room_id: str, fits: Callable[[Event], bool],
                       wait: float = WAIT) -> Event | None:
        """The first event of the bot in the room that fits, syncing meanwhile."""
        return await self.wait_in(lambda room: room == room_id, fits, wait)

    async def wait_in(self, rooms: Callable[[str], bool], fits: Callable[[Event], bool],
                      wait: float = WAIT) -> Event | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while loop.time() < deadline:
            for seen_room, event in self.seen:
                if rooms(seen_room) and fits(event):
                    return event
            await self.sync(timeout_ms=1000)
        return None

    async def post(self, room_id: str, has: str, wait: float = WAIT) -> Event | None:
        """A new post of the bot (no reply, no edit) with this in its text."""
        return await self.wait_for(room_id, lambda e: is_post(e) and has in body(e), wait)

    async def say(self, room_id: str, text: str) -> str | None:
        sent = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": text})
        return getattr(sent, "event_id", None)

    async def ask(self, room_id: str, command: str) -> Event | None:
        """The bot's answer to a command."""
        event_id = await self.say(room_id, command)
        return await self.wait_for(room_id, lambda e: reply_to(e) == event_id)

    async def react(self, room_id: str, event: Event | None, key: str) -> None:
        if event is not None:
            await self.client.room_send(room_id, "m.reaction", {"m.relates_to": {
                "rel_type": "m.annotation", "event_id": event["event_id"], "key": key}})

    async def send(self, room_id: str, kind: str, content: dict[str, Any]) -> None:
        await self.client.room_send(room_id, kind, content)


def body(event: Event) -> str:
    return str(event.get("content", {}).get("body", ""))


def reply_to(event: Event) -> str | None:
    relates = event.get("content", {}).get("m.relates_to") or {}
    return (relates.get("m.in_reply_to") or {}).get("event_id")


def is_post(event: Event) -> bool:
    content = event.get("content", {})
    relates = content.get("m.relates_to") or {}
    return (event.get("type") == "m.room.message" and reply_to(event) is None
            and relates.get("rel_type") != "m.replace")


def short(text: str) -> str:
    """The first lines of a bot's text, indented under the command."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], "…"]
    return "\n       ".join(lines)
