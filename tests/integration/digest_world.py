"""The world of the digest, prompt and quiet stories: a provisioned space with `allowed_servers:
[]`, so only who joined the space is a member. Anna organizes; Ben and Cem are in the space and
its general and coworking rooms; Dora is an outsider who only comes into the public webinar
room. Ben's display name is a bystander's name a griefer may type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.helpers import Bot, Member, Seen
from tests.integration.space_world import (
    barrier,
    community,
    invite_into_space,
    join,
    provisioned,
    resolve,
)

BYSTANDER = "Bettina Beispiel"
HEAD = "📰"


@dataclass
class World:
    bot: Bot
    space_id: str
    rooms: dict[str, str]
    anna: Member
    ben: Member
    cem: Member
    dora: Member

    @property
    def general(self) -> str:
        return self.rooms["general"]

    def feature(self, cls: type) -> Any:
        assert self.bot.app
        return next(f for f in self.bot.app.features if isinstance(f, cls))

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.bot.services.store.fetch_all(sql, params)]

    def from_bot(self, seen: Seen, room: str | None = None) -> bool:
        return (seen.event.sender == self.bot.user_id and "body" in seen.content
                and "m.new_content" not in seen.content
                and (room is None or seen.room_id == room))

    def digests(self, day: date | None = None) -> list[Seen]:
        """The digest posts Anna has seen in the general room (of one day, if given)."""
        return [s for s in self.anna.seen if self.from_bot(s, self.general)
                and s.body.startswith(HEAD) and not s.reply_to
                and (day is None or f"{day:%b} {day.day}, {day.year}" in s.body.split("\n")[0])]

    async def barrier(self) -> None:
        await barrier(self.anna, self.general)


async def space_world(make_bot, members: dict[str, Member], dora: Member,
                      organizers: tuple[Member, ...] = (), extra_rooms: tuple[str, ...] = (),
                      **features: Any) -> World:
    """`organizers`: more organizers besides Anna (not in the space; they talk to the bot in
    their direct chats)."""
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    await ben.client.set_displayname(BYSTANDER)
    config = community(("general", "coworking", "webinars"))
    tag = config["space"]["alias"].removesuffix("-space")
    config["rooms"] += [{"key": key, "alias": f"{tag}-{key}", "name": key.title(),
                         "topic": "Nur fürs Orga-Team"} for key in extra_rooms]
    bot = make_bot(**config, allowed_servers=[], **features)
    bot.config = type(bot.config).model_validate({
        **bot.config.model_dump(), "admins": [anna.user_id, *(o.user_id for o in organizers)]})
    await bot.start()
    await provisioned(bot)
    space_id = await resolve(anna, config["space"]["alias"])
    rooms = {room["key"]: await resolve(anna, room["alias"]) for room in config["rooms"]}
    assert await join(anna, rooms["general"])
    assert await join(anna, rooms["coworking"])
    assert await join(anna, rooms["webinars"])
    for key in extra_rooms:
        assert await join(anna, rooms[key])
    world = World(bot, space_id, rooms, anna, ben, cem, dora)
    for member in (ben, cem):
        await invite_into_space(world, anna, member)  # type: ignore[arg-type]
        for key in ("general", "coworking", "webinars"):
            assert await join(member, rooms[key])
    assert await join(dora, rooms["webinars"])  # public: she comes in without being a member
    for member in (ben, cem):
        await barrier(member, rooms["general"])
    await barrier(dora, rooms["webinars"])
    return world
