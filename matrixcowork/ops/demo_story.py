"""What the demo members do on their own, so a newcomer sees the bot at work at once."""

from __future__ import annotations

import asyncio
from typing import Any

from nio import AsyncClient, AsyncClientConfig, RoomMessageNotice, SyncResponse

from .devserver import Account

WAIT = 30.0


class Person:
    """A scripted Matrix client: joins what it is invited to and records the bot's notices."""

    def __init__(self, url: str, account: Account, bot_id: str) -> None:
        config = AsyncClientConfig(store_sync_tokens=False, encryption_enabled=False)
        self.client = AsyncClient(url, account.user_id, config=config)
        self.client.restore_login(account.user_id, account.device_id, account.access_token)
        self.bot_id = bot_id
        self.notices: list[tuple[str, Any]] = []

    async def sync(self, timeout_ms: int = 0) -> None:
        response = await self.client.sync(timeout=timeout_ms, full_state=True)
        if not isinstance(response, SyncResponse):
            return
        for room_id in response.rooms.invite:
            await self.client.join(room_id)
        for room_id, joined in response.rooms.join.items():
            for event in joined.timeline.events:
                if isinstance(event, RoomMessageNotice) and event.sender == self.bot_id:
                    self.notices.append((room_id, event))

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

    async def wait_notice(self, room_id: str, predicate: Any) -> Any | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while loop.time() < deadline:
            for seen_room, event in self.notices:
                if seen_room == room_id and predicate(event):
                    return event
            await self.sync(timeout_ms=1000)
        return None

    async def ask(self, room_id: str, body: str) -> str:
        sent = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": body}
        )
        event_id = getattr(sent, "event_id", None)
        answer = await self.wait_notice(room_id, lambda e: _reply_to(e) == event_id)
        text = answer.body if answer else "(no answer yet)"
        return text.replace("\n", "\n       ")


def _reply_to(event: Any) -> str | None:
    relates = event.source.get("content", {}).get("m.relates_to") or {}
    return (relates.get("m.in_reply_to") or {}).get("event_id")


async def play(url: str, accounts: dict[str, Account]) -> list[str]:
    """Run the little story and return what a spectator should read."""
    bot_id = accounts["cowork-bot"].user_id
    orga, anna, ben = (Person(url, accounts[n], bot_id) for n in ("orga", "anna", "ben"))
    lines: list[str] = []
    try:
        await orga.sync()
        general = await orga.room("#demo-allgemein:localhost")
        coworking = await orga.room("#demo-coworking:localhost")
        if not (general and coworking):
            return ["The bot has not created the demo rooms (see the log above)."]
        await orga.sync()
        for person in (anna, ben):
            answer = await orga.ask(general, f"!invite {person.client.user_id}")
            lines.append(f"orga: !invite {person.client.user_id}\n  bot: {answer}")
        for person in (anna, ben):
            await person.sync()
            await person.client.join(coworking)
            await person.client.join(general)
        await orga.sync()
        answer = await orga.ask(coworking, "!checkin post")
        lines.append(f"orga: !checkin post\n  bot: {answer}")
        post = await anna.wait_notice(coworking, lambda e: "🏢" in e.body and not _reply_to(e))
        if post is not None:
            await anna.client.room_send(coworking, "m.reaction", {"m.relates_to": {
                "rel_type": "m.annotation", "event_id": post.event_id, "key": "🏢"}})
            lines.append("anna reacted 🏢 to today's check-in")
        answer = await ben.ask(coworking, "!checkin remote Angebot für die Stadtwerke")
        lines.append(f"ben: !checkin remote Angebot für die Stadtwerke\n  bot: {answer}")
        answer = await ben.ask(coworking, "!who")
        lines.append(f"ben: !who\n  bot: {answer}")
    finally:
        for person in (orga, anna, ben):
            await person.client.close()
    return ["", "What happened in the demo community:", *lines]
