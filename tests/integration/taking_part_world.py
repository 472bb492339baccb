"""The world of the taking-part stories (minutes, questions, feedback): a provisioned space with
a members' room and a public sync room, `allowed_servers: []` so only who joined the space is a
member. Anna organizes; Ben and Cem (the griefer) join the space; Dora, an outsider, only
comes into the public sync room. The clock stands four days before the January sync."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from matrixcowork.core.permissions import Access
from matrixcowork.ops.devserver import DevServer
from tests.helpers import Bot, Member, Seen, berlin, make_member, unique
from tests.integration.space_world import join, provisioned, resolve

from .sync_world import edited_post

START = berlin(2027, 1, 1, 12, 0)  # the sync: Tue, Jan 5, 2027, 18:00–19:00
SYNC_START, SYNC_END = berlin(2027, 1, 5, 18, 0), berlin(2027, 1, 5, 19, 0)
HERE, YES, VOTE = "\u270b", "\u2705", "\U0001F44D"


@dataclass
class World:
    bot: Bot
    space_id: str
    general: str
    sync: str  # the public sync room
    webinars: str  # the public webinar room
    anna: Member
    ben: Member
    cem: Member
    dora: Member  # the outsider

    async def tick(self, when: datetime) -> None:
        await self.bot.move_to(when)

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.bot.services.store.fetch_all(sql, params)]

    async def barrier(self, room: str | None = None) -> None:
        """Two round trips: everything sent before was handled."""
        for _ in range(2):
            await self.anna.ask(room or self.sync, "!help")

    def is_post(self, seen: Seen, room: str | None = None) -> bool:
        return (seen.room_id == (room or self.sync) and seen.event.sender == self.bot.user_id
                and seen.event.source.get("type") == "m.room.message"
                and "body" in seen.content and edited_post(seen) is None
                and seen.reply_to is None)

    async def post(self, starts: str, room: str | None = None) -> Seen:
        return await self.anna.wait_for(lambda s: self.is_post(s, room)
                                        and s.body.startswith(starts))

    async def edit(self, post_id: str, *, has: list[str], lacks: list[str] = ()) -> str:
        def fits(seen: Seen) -> bool:
            body = seen.content.get("m.new_content", {}).get("body", "")
            return (edited_post(seen) == post_id and all(x in body for x in has)
                    and not any(x in body for x in lacks))

        seen = await self.anna.wait_for(fits)
        return seen.content["m.new_content"]["body"]

    def latest_text(self, post_id: str) -> str:
        """What the post shows now, as Anna's client received it (original or last edit)."""
        text = next(s.body for s in self.anna.seen if s.event.event_id == post_id)
        for seen in self.anna.seen:
            if edited_post(seen) == post_id:
                text = seen.content["m.new_content"]["body"]
        return text


async def taking_part_world(make_bot, members: dict[str, Member], synapse: DevServer,
                            **overrides: Any) -> World:
    tag = unique("owl")
    rooms = [{"key": "general", "alias": f"{tag}-general", "name": "Allgemein"},
             {"key": "sync", "alias": f"{tag}-sync", "name": "Sync", "access": "public"},
             {"key": "webinars", "alias": f"{tag}-webinars", "name": "Webinare",
              "access": "public"}]
    config = {
        "space": {"name": "Coworking OWL", "alias": f"{tag}-space", "topic": "Virtuell",
                  "welcome_room": "general", "intro_room": "general"},
        "rooms": rooms, "allowed_servers": [],
        "sync": {"room": "sync"}, "webinars": {"room": "webinars", "vote_threshold": 1},
        **overrides,
    }
    bot = make_bot(**config)
    bot.clock.set(START)
    await bot.start()
    await provisioned(bot)
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    dora = await make_member(synapse, "dora")
    members["dora"] = dora  # closed with the others
    space_id = await resolve(anna, config["space"]["alias"])
    ids = {room["key"]: await resolve(anna, room["alias"]) for room in rooms}
    assert await join(anna, ids["general"])
    for member in (ben, cem):
        await anna.ask(ids["general"], "!invite " + member.user_id)
        assert await join(member, space_id)
        assert await join(member, ids["general"])
    for member in (anna, ben, cem, dora):
        assert await join(member, ids["sync"]) and await join(member, ids["webinars"])
    world = World(bot, space_id, ids["general"], ids["sync"], ids["webinars"],
                  anna, ben, cem, dora)
    await world.barrier()
    permissions = bot.services.permissions
    assert permissions.access_of(ben.user_id) == Access.MEMBER
    assert permissions.access_of(cem.user_id) == Access.MEMBER
    assert permissions.access_of(dora.user_id) == Access.EVERYONE
    return world
