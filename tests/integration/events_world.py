"""The world of the member-event stories: one coworking room where events, the sync and
webinars meet, the web server on, Anna the organizer, Ben and Cem members (moderators, as
`allowed_servers: []` leaves nobody else a member) and Dora, an outsider in the room."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from icalendar import Calendar
from nio import RoomGetStateEventResponse

from matrixcowork.features.events import EventsFeature
from tests.helpers import Bot, Member, Seen, shared_room, unique

from .webinar_world import free_port

YES, MAYBE, NO, HERE = "\u2705", "\u2754", "\u274c", "\u270b"
WIDGETS = "im.vector.modular.widgets"
OUTSIDER = "This is for members of the community. Ask an organizer to invite you."


@dataclass
class EventsWorld:
    bot: Bot
    room: str
    base_url: str
    anna: Member
    ben: Member
    cem: Member
    dora: Member

    @property
    def feature(self) -> EventsFeature:
        assert self.bot.app
        return next(f for f in self.bot.app.features if isinstance(f, EventsFeature))

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.bot.services.store.fetch_all(sql, params)]

    def is_post(self, seen: Seen, room: str | None = None) -> bool:
        return (seen.room_id == (room or self.room) and seen.event.sender == self.bot.user_id
                and "body" in seen.content and seen.reply_to is None
                and "m.new_content" not in seen.content)

    async def post(self, starts: str, after: int = 0) -> Seen:
        """The first post of the bot (not an answer, not an edit) that starts so, as Anna
        receives it, among those she saw after her `after`-th event."""
        return await self.anna.wait_for(
            lambda s: self.is_post(s) and s.body.startswith(starts)
            and self.anna.seen.index(s) >= after)

    async def edit(self, post_id: str, *, has: list[str]) -> str:
        def fits(seen: Seen) -> bool:
            body = seen.content.get("m.new_content", {}).get("body", "")
            relates = seen.content.get("m.relates_to") or {}
            return relates.get("event_id") == post_id and all(x in body for x in has)

        return (await self.anna.wait_for(fits)).content["m.new_content"]["body"]

    async def barrier(self) -> None:
        """What the bot sent before is in Anna's timeline."""
        await self.anna.ask(self.room, "!help")

    async def state(self, event_type: str, state_key: str = "") -> dict[str, Any] | None:
        response = await self.anna.client.room_get_state_event(self.room, event_type, state_key)
        return response.content if isinstance(response, RoomGetStateEventResponse) else None

    async def fetch(self, path: str) -> tuple[int, str, str]:
        async with aiohttp.ClientSession() as session, session.get(self.base_url + path) as got:
            return got.status, got.headers.get("Content-Type", ""), await got.text()

    async def feed(self, path: str) -> list[Any]:
        status, kind, text = await self.fetch(path)
        assert status == 200 and kind.startswith("text/calendar"), (status, text)
        return Calendar.from_ical(text).walk("VEVENT")

    async def direct_chat(self, member: Member) -> str:
        """A direct chat of the member with the bot, once the bot is in it."""
        room = await member.create_room(invite=[self.bot.user_id], is_direct=True)
        await member.wait_for(lambda s: s.room_id == room
                              and getattr(s.event, "state_key", None) == self.bot.user_id
                              and getattr(s.event, "membership", None) == "join")
        return room


async def events_world(make_bot, members: dict[str, Member], dora: Member,
                       **events: Any) -> EventsWorld:
    alias = unique("cowork")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    bot = make_bot(
        rooms=[{"key": "coworking", "name": "Coworking", "alias": alias}],
        events={"room": "coworking", **events},
        sync={"room": "coworking", "public": True},
        webinars={"room": "coworking"},
        web={"enabled": True, "port": port, "public_url": base_url},
        jitsi={"conference_prefix": "owl-event"},
        allowed_servers=[],
        moderators=[ben.user_id, cem.user_id],
    )
    await bot.start()
    room = await shared_room(bot, alias, anna, ben, cem, dora)
    return EventsWorld(bot, room, base_url, anna, ben, cem, dora)
