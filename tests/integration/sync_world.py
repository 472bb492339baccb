"""The world of the sync stories: a sync room made by Anna, with Ben, Cem and the bot, and a
clock the story moves through the month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nio import RoomGetStateEventResponse

from matrixcowork.features.sync import SyncFeature
from tests.helpers import Bot, Member, Seen, shared_room, unique

YES, MAYBE, NO, HERE = "\u2705", "\u2754", "\u274c", "\u270b"
WIDGETS, LAYOUT = "im.vector.modular.widgets", "io.element.widgets.layout"


@dataclass
class SyncWorld:
    bot: Bot
    room: str
    anna: Member
    ben: Member
    cem: Member

    @property
    def sync(self) -> SyncFeature:
        assert self.bot.app
        return next(f for f in self.bot.app.features if isinstance(f, SyncFeature))

    async def tick(self, when: datetime) -> None:
        """Time passes to `when`, and what became due runs."""
        await self.bot.move_to(when)

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.bot.services.store.fetch_all(sql, params)]

    async def steps(self) -> dict[str, str]:
        """Step -> outcome for the first occurrence."""
        return dict(await self.rows(
            "SELECT step, outcome FROM meeting_steps WHERE occurrence_id = 1"))

    async def conference(self) -> str:
        """The Jitsi conference of the first occurrence."""
        return (await self.rows("SELECT conference FROM meeting_occurrences WHERE id = 1"))[0][0]

    def is_bot_post(self, seen: Seen) -> bool:
        return (seen.room_id == self.room and seen.event.sender == self.bot.user_id
                and getattr(seen.event, "type", "m.room.message") == "m.room.message"
                and "body" in seen.content and edited_post(seen) is None
                and seen.reply_to is None)

    def posts(self) -> list[Seen]:
        """The bot's own posts in the sync room that Anna has received (no replies, no edits)."""
        return [s for s in self.anna.seen if self.is_bot_post(s)]

    async def next_post(self, starts: str) -> Seen:
        return await self.anna.wait_for(lambda s: self.is_bot_post(s) and s.body.startswith(starts))

    async def barrier(self) -> None:
        """Everything the bot sent before this is in Anna's timeline (she sees the answer to
        her own command, which comes after it), and what was sent before was handled."""
        await self.anna.ask(self.room, "!help")

    async def state(self, event_type: str, state_key: str = "") -> dict[str, Any] | None:
        response = await self.anna.client.room_get_state_event(self.room, event_type, state_key)
        return response.content if isinstance(response, RoomGetStateEventResponse) else None

    async def wait_for_edit(self, post_id: str, *, has: list[str], lacks: list[str] = ()) -> str:
        def fits(seen: Seen) -> bool:
            body = seen.content.get("m.new_content", {}).get("body", "")
            return (edited_post(seen) == post_id and all(x in body for x in has)
                    and not any(x in body for x in lacks))

        seen = await self.anna.wait_for(fits)
        return seen.content["m.new_content"]["body"]


def edited_post(seen: Seen) -> str | None:
    relates = seen.content.get("m.relates_to") or {}
    return relates.get("event_id") if relates.get("rel_type") == "m.replace" else None


def nick(member: Member) -> str:
    return member.user_id[1:].split(":")[0]


def mentioned(seen: Seen) -> list[str]:
    return seen.content.get("m.mentions", {}).get("user_ids", [])


async def sync_world(make_bot, members: dict[str, Member], now: datetime,
                     **sync: Any) -> SyncWorld:
    """Bot with the sync configured, started at `now`; Anna creates the room under its alias."""
    alias = unique("sync")
    bot = make_bot(
        rooms=[{"key": "sync", "name": "Sync", "alias": alias}],
        sync={"room": "sync", **sync},
        jitsi={"conference_prefix": "owl-sync"},
    )
    bot.clock.set(now)
    await bot.start()
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    room = await shared_room(bot, alias, anna, ben, cem)
    return SyncWorld(bot, room, anna, ben, cem)
