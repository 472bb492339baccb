"""The world of the coworking stories: Anna's coworking room (under the configured alias) with
Ben, Cem and the bot; core hours 09:00–17:00 on weekdays; a clock the story moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nio import RoomGetStateEventResponse

from matrixcowork.core.jitsi import LAYOUT_EVENT, WIDGET_EVENT
from matrixcowork.features.cowork import CoworkFeature
from tests.helpers import Bot, Member, Seen, shared_room, unique

JITSI_BASE = "https://meet.owl.example"
PREFIX = "owl-cowork"


@dataclass
class CoworkWorld:
    bot: Bot
    room: str
    anna: Member
    ben: Member
    cem: Member

    @property
    def cowork(self) -> CoworkFeature:
        assert self.bot.app
        return next(f for f in self.bot.app.features if isinstance(f, CoworkFeature))

    async def tick(self, when: datetime) -> None:
        """Time passes to `when`, and what became due runs."""
        await self.bot.move_to(when)

    async def restart_at(self, when: datetime) -> None:
        """The bot is down until `when`, then starts again (and catches up)."""
        await self.bot.stop()
        self.bot.clock.set(when)
        await self.bot.start()

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.bot.services.store.fetch_all(sql, params)]

    def is_bot_post(self, seen: Seen) -> bool:
        return (seen.room_id == self.room and seen.event.sender == self.bot.user_id
                and getattr(seen.event, "type", "m.room.message") == "m.room.message"
                and "body" in seen.content and "m.new_content" not in seen.content)

    def posts(self, starts: str) -> list[Seen]:
        """The bot's posts in the room that Anna has received and that start so."""
        return [s for s in self.anna.seen if self.is_bot_post(s) and s.body.startswith(starts)]

    async def post(self, starts: str, number: int = 1) -> Seen:
        """The `number`th such post, once Anna has it."""
        await self.anna.wait_for(lambda _: len(self.posts(starts)) >= number)
        return self.posts(starts)[number - 1]

    async def barrier(self) -> None:
        """Everything sent before this was handled by the bot (it answers in order)."""
        await self.ben.ask(self.room, "!help")

    async def state(self, event_type: str, state_key: str = "") -> dict[str, Any] | None:
        """What Anna's client reads from the room's current state."""
        response = await self.anna.client.room_get_state_event(self.room, event_type, state_key)
        return response.content if isinstance(response, RoomGetStateEventResponse) else None

    async def widget(self, conference: str) -> dict[str, Any] | None:
        return await self.state(WIDGET_EVENT, f"matrixcowork-{conference}")

    async def on_top(self) -> set[str]:
        """The widget ids in the room's layout."""
        return set(((await self.state(LAYOUT_EVENT)) or {}).get("widgets", {}))

    async def wait_for_edit(self, post_id: str, has: list[str]) -> str:
        def fits(seen: Seen) -> bool:
            relates = seen.content.get("m.relates_to") or {}
            body = seen.content.get("m.new_content", {}).get("body", "")
            return relates.get("event_id") == post_id and all(x in body for x in has)

        seen = await self.anna.wait_for(fits)
        return seen.content["m.new_content"]["body"]


def mentioned(seen: Seen) -> list[str]:
    return seen.content.get("m.mentions", {}).get("user_ids", [])


async def cowork_world(make_bot, members: dict[str, Member], now: datetime,
                       **coworking: Any) -> CoworkWorld:
    """Bot with coworking configured, started at `now`; Anna creates the room under its
    alias and invites everyone."""
    alias = unique("cowork")
    bot = make_bot(
        rooms=[{"key": "coworking", "name": "Coworking", "alias": alias}],
        checkin={"room": "coworking", "time": "18:00",
                 "core_hours": {"start": "09:00", "end": "17:00"}},
        coworking={"room": "coworking", **coworking},
        jitsi={"base_url": JITSI_BASE, "conference_prefix": PREFIX},
    )
    bot.clock.set(now)
    await bot.start()
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    room = await shared_room(bot, alias, anna, ben, cem)
    return CoworkWorld(bot, room, anna, ben, cem)
