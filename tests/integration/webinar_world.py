"""The world of the webinar stories: a webinar room and a public lobby made by Anna, with Ben,
Cem and the bot; the bot's web server on a free port; a clock the story moves."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from icalendar import Calendar

from matrixcowork.features.webinars import WebinarsFeature
from tests.helpers import Bot, Member, Seen, shared_room, unique

from .sync_world import edited_post

POLL_START = "org.matrix.msc3381.poll.start"
POLL_RESPONSE = "org.matrix.msc3381.poll.response"
POLL_END = "org.matrix.msc3381.poll.end"
VOTE = "\U0001F44D"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def event_type(seen: Seen) -> str:
    return seen.event.source.get("type", "")


@dataclass
class WebinarWorld:
    bot: Bot
    room: str  # the webinar room
    lobby: str  # a public room where webinars are announced too
    base_url: str
    anna: Member
    ben: Member
    cem: Member

    @property
    def feature(self) -> WebinarsFeature:
        assert self.bot.app
        return next(f for f in self.bot.app.features if isinstance(f, WebinarsFeature))

    async def tick(self, when: datetime) -> None:
        """Time passes to `when`, and what became due runs."""
        await self.bot.move_to(when)

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.bot.services.store.fetch_all(sql, params)]

    async def barrier(self, member: Member | None = None) -> None:
        """Everything sent before this was handled by the bot (it handles events in order)."""
        await (member or self.ben).ask(self.room, "!help")

    def is_post(self, seen: Seen, room: str | None = None) -> bool:
        """A bot's own new message (no reply, no edit) in the room."""
        return (seen.room_id == (room or self.room) and seen.event.sender == self.bot.user_id
                and event_type(seen) == "m.room.message" and edited_post(seen) is None
                and seen.reply_to is None)

    async def post(self, starts: str, room: str | None = None) -> Seen:
        return await self.anna.wait_for(lambda s: self.is_post(s, room)
                                        and s.body.startswith(starts))

    async def bot_event(self, kind: str) -> Seen:
        return await self.anna.wait_for(lambda s: s.room_id == self.room
                                        and s.event.sender == self.bot.user_id
                                        and event_type(s) == kind)

    async def edit(self, post_id: str, *, has: list[str]) -> str:
        def fits(seen: Seen) -> bool:
            body = seen.content.get("m.new_content", {}).get("body", "")
            return edited_post(seen) == post_id and all(x in body for x in has)

        seen = await self.anna.wait_for(fits)
        return seen.content["m.new_content"]["body"]

    async def respond(self, member: Member, poll_id: str, answer: str) -> str:
        """A vote as Element sends it."""
        response = await member.client.room_send(self.room, POLL_RESPONSE, {
            "m.relates_to": {"rel_type": "m.reference", "event_id": poll_id},
            POLL_RESPONSE: {"answers": [answer]},
        })
        return response.event_id

    async def fetch(self, path: str) -> tuple[int, str, str]:
        """(status, content type, text) of a page of the bot's web server."""
        async with aiohttp.ClientSession() as session, session.get(self.base_url + path) as got:
            return got.status, got.headers.get("Content-Type", ""), await got.text()

    async def feed(self) -> list[Any]:
        status, kind, text = await self.fetch("/calendar.ics")
        assert status == 200 and kind.startswith("text/calendar")
        return Calendar.from_ical(text).walk("VEVENT")


async def webinar_world(make_bot, members: dict[str, Member], sync: dict[str, Any] | None = None,
                        **webinars: Any) -> WebinarWorld:
    """Bot with webinars configured and its web server on; Anna creates both rooms. With
    `sync`, the monthly sync meets in the webinar room."""
    room_alias, lobby_alias = unique("webinare"), unique("lobby")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    bot = make_bot(
        rooms=[{"key": "webinars", "name": "Webinare", "alias": room_alias, "access": "public"},
               {"key": "lobby", "name": "Lobby", "alias": lobby_alias, "access": "public"}],
        webinars={"room": "webinars", "announce_rooms": ["lobby"], **webinars},
        web={"enabled": True, "port": port, "public_url": base_url},
        jitsi={"conference_prefix": "owl-webinar"},
        **({"sync": {"room": "webinars", **sync}} if sync is not None else {}),
    )
    await bot.start()
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    rooms = [await shared_room(bot, alias, anna, ben, cem)
             for alias in (room_alias, lobby_alias)]
    return WebinarWorld(bot, rooms[0], rooms[1], base_url, anna, ben, cem)
