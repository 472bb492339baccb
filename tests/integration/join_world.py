"""The join stories' world: a community whose space one asks to join (knock), its organizers'
room, two organizers (Anna, Cem), a member (Ben) and people from the region who knock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import RoomKnockResponse

from matrixcowork.core.clock import FakeClock
from matrixcowork.ops.devserver import DevServer
from tests.helpers import Bot, Member, Seen, bot_config, make_member, unique

from .space_world import ROOMS, provisioned, resolve

ORGA = {"name": "Orga", "topic": "Nur für Organisatoren", "access": "organizers"}


def knock_community(**space: Any) -> dict[str, Any]:
    tag = unique("owlk")
    rooms = {**ROOMS, "orga": ORGA}
    keys = ("general", "coworking", "webinars", "orga")
    return {
        "space": {"name": "Coworking OWL", "alias": f"{tag}-space", "topic": "Virtuell coworken",
                  "welcome_room": "general", "intro_room": "general",
                  "organizer_room": "orga", **space},
        "rooms": [{"key": key, "alias": f"{tag}-{key}", **rooms[key]} for key in keys],
    }


@dataclass
class JoinWorld:
    bot: Bot
    config: dict[str, Any]
    synapse: DevServer
    anna: Member  # organizer
    cem: Member  # organizer
    ben: Member  # member, in the organizers' room as a helper
    space_id: str
    general: str
    orga: str
    data_dir: Path

    async def newcomer(self, name: str, encrypted: bool = False) -> Member:
        """Someone from the region with an account, not in the space; `encrypted`: their app
        encrypts like Element (the bot's direct chats are encrypted)."""
        keys = None
        if encrypted:
            keys = self.data_dir.parent / unique(f"{name}-keys")
            keys.mkdir()
        member = await make_member(self.synapse, name, encrypted=encrypted, store_dir=keys)
        self.extra.append(member)
        return member

    def __post_init__(self) -> None:
        self.extra: list[Member] = []

    async def knock(self, who: Member, reason: str | None = None,
                    room_id: str | None = None) -> None:
        """"Ask to join" in a client: POST /knock (nio's room_knock)."""
        response = await who.client.room_knock(room_id or self.space_id, reason)
        assert isinstance(response, RoomKnockResponse), response

    def request_of(self, who: Member) -> Callable[[Seen], bool]:
        """The bot's request post in the organizers' room (not an edit of it)."""
        return lambda s: (s.room_id == self.orga and s.event.sender == self.bot.user_id
                          and who.user_id in s.body and "would like to join" in s.body
                          and not edit_of(s))

    async def request(self, who: Member) -> Seen:
        return await self.anna.wait_for(self.request_of(who))

    async def request_numbered(self, who: Member, n: int) -> Seen:
        """Their n-th request post (from 0)."""
        await self.anna.wait_for(lambda s: len(self.requests_seen(who)) > n)
        return self.requests_seen(who)[n]

    def requests_seen(self, who: Member) -> list[Seen]:
        return [s for s in self.anna.seen if self.request_of(who)(s)]

    async def edited(self, post: Seen, text: str) -> Seen:
        return await self.anna.wait_for(
            lambda s: edit_of(s) == post.event.event_id
            and text in s.content.get("m.new_content", {}).get("body", ""))

    def edits_of(self, post: Seen) -> list[Seen]:
        return [s for s in self.anna.seen if edit_of(s) == post.event.event_id]

    async def barrier(self) -> None:
        """Everything the bot got before was handled (two round trips in the orga room)."""
        await self.anna.ask(self.orga, "!help")
        await self.anna.ask(self.orga, "!help")

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.bot.services.store.fetch_all(sql, params)]

    async def membership(self, who: Member, room_id: str | None = None) -> dict[str, Any]:
        response = await self.anna.client.room_get_state_event(
            room_id or self.space_id, "m.room.member", who.user_id)
        return getattr(response, "content", {})

    async def close(self) -> None:
        for member in self.extra:
            await member.close()


def edit_of(seen: Seen) -> str | None:
    relates = seen.content.get("m.relates_to") or {}
    return relates.get("event_id") if relates.get("rel_type") == "m.replace" else None


async def invited(who: Member, room_id: str, timeout: float = 30.0) -> None:
    """Until the person's client shows the invitation (after one of its syncs)."""
    async def seen() -> None:
        async with who._changed:
            while room_id not in who.client.invited_rooms:
                await who._changed.wait()
    await asyncio.wait_for(seen(), timeout)


async def join_world(synapse: DevServer, members: dict[str, Member], clock: FakeClock,
                     data_dir: Path, bots: list[Bot], settings: dict[str, Any] | None = None,
                     **space: Any) -> JoinWorld:
    """A provisioned knock community; Anna, Cem and Ben are in the space and the orga room.
    `settings`: more of the config (other sections)."""
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    config = knock_community(**space)
    bot = Bot(bot_config(synapse, data_dir, admins=[anna.user_id, cem.user_id],
                         **config, **(settings or {})), clock)
    bots.append(bot)
    await bot.start()
    await provisioned(bot)
    space_id = await resolve(anna, config["space"]["alias"])
    general = await resolve(anna, config["rooms"][0]["alias"])
    orga = await resolve(anna, config["rooms"][3]["alias"])
    for organizer in (anna, cem):  # invited when the bot made the rooms
        assert not hasattr(await organizer.client.join(space_id), "status_code")
        assert not hasattr(await organizer.client.join(orga), "status_code")
    await anna.client.room_invite(space_id, ben.user_id)
    await anna.client.room_invite(orga, ben.user_id)
    await ben.client.join(space_id)
    await ben.client.join(orga)
    await anna.client.join(general)
    for who in (cem, ben):
        await anna.wait_for(lambda s, w=who: s.room_id == orga
                            and getattr(s.event, "state_key", None) == w.user_id
                            and getattr(s.event, "membership", None) == "join")
    world = JoinWorld(bot, config, synapse, anna, cem, ben, space_id, general, orga, data_dir)
    await world.barrier()
    return world
