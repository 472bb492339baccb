"""The world of the check-in stories: a coworking room made by Anna, with Ben, Cem and the bot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matrixcowork.features.checkin import CheckinFeature
from tests.helpers import Bot, Member, Seen, shared_room, unique

ONSITE = "\U0001F3E2"  # 🏢
REMOTE = "\U0001F3E0"  # 🏠
VS16 = "\ufe0f"


@dataclass
class World:
    bot: Bot
    room: str
    anna: Member
    ben: Member
    cem: Member

    @property
    def checkin(self) -> CheckinFeature:
        assert self.bot.app
        return next(f for f in self.bot.app.features if isinstance(f, CheckinFeature))

    async def post_today(self) -> str:
        """The daily job, called directly; returns the post's id once Anna sees it."""
        post = await self.checkin.post_today(self.bot.clock.now())
        assert post is not None
        await self.anna.wait_for(lambda s: event_id(s) == post.event_id)
        return post.event_id

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.bot.services.store.fetch_all(sql, params)]

    async def attendance(self) -> dict[tuple[str, str], str]:
        """(day, member) -> mode, straight from the store."""
        rows = await self.rows("SELECT day, user_id, mode FROM checkin_attendance")
        return {(day, user): mode for day, user, mode in rows}

    async def wait_for_post_text(self, post_id: str, *, has: list[str],
                                 lacks: list[str] = ()) -> str:
        """The text of the first edit of the post (as Anna receives it) that fits."""
        def fits(seen: Seen) -> bool:
            if edited_post(seen) != post_id:
                return False
            body = new_body(seen)
            return all(x in body for x in has) and not any(x in body for x in lacks)

        return new_body(await self.anna.wait_for(fits))


def nick(member: Member) -> str:
    """How the bot names a member: the display name, which Synapse sets to the localpart."""
    return member.user_id[1:].split(":")[0]


def event_id(seen: Seen) -> str | None:
    return getattr(seen.event, "event_id", None)


def edited_post(seen: Seen) -> str | None:
    relates = seen.content.get("m.relates_to") or {}
    return relates.get("event_id") if relates.get("rel_type") == "m.replace" else None


def new_body(seen: Seen) -> str:
    return seen.content.get("m.new_content", {}).get("body", "")


def line_of(body: str, start: str) -> str:
    """The line of a post or answer that starts with `start` (a mode's emoji), or ""."""
    return next((line for line in body.splitlines() if line.startswith(start)), "")


async def coworking_world(make_bot, members: dict[str, Member], **checkin: Any) -> World:
    """Bot with the check-in configured; Anna creates the coworking room under its alias."""
    alias = unique("cowork")
    bot = make_bot(
        rooms=[{"key": "coworking", "name": "Coworking", "alias": alias}],
        checkin={"room": "coworking", **checkin},
    )
    await bot.start()
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    room = await shared_room(bot, alias, anna, ben, cem)
    return World(bot, room, anna, ben, cem)
