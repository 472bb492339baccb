"""A bot with every feature switched on, in a provisioned space: the world in which the fuzz and
permission tests reach every declared command. Features added later join by adding their
config section to `every_feature`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from matrixcowork.core.commands import Command, CommandRouter
from tests.helpers import Bot, Member
from tests.integration.space_world import community, join, provisioned, resolve

# What the router says when it does not run a command (English, the tests' language).
REFUSALS = {
    "Only organizers can do that.",
    "Only organizers and moderators can do that.",
    "This is for members of the community. Ask an organizer to invite you.",
    "I don't know that command. Type !help to see what I can do.",
    "That command is too long.",
}
USAGE = "\n\nUsage: !"
SAMPLE_ARGS = {  # plausible arguments by name: a refusal must not be a usage error in disguise
    "user": "@someone:localhost", "n": "1", "weeks": "2", "month": "2026-12",
    "YYYY-MM-DD HH:MM": "2026-12-03 18:00", "skills": "Python, Holz",
}


def every_feature(**overrides: Any) -> dict[str, Any]:
    config = community(("general", "coworking", "webinars"))
    return {
        **config,
        "checkin": {"room": "coworking", "core_hours": {"start": "09:00", "end": "17:00"}},
        "sync": {"room": "general"},
        "coffee": {"room": "general"},
        "coworking": {"room": "coworking"},
        "webinars": {"room": "webinars"},
        "events": {"room": "general"},
        "digest": {"room": "general"},
        "prompts": {"room": "general"},
        "quiet": {"room": "general"},
        **overrides,
    }


@dataclass
class World:
    bot: Bot
    config: dict[str, Any]
    space_id: str
    rooms: dict[str, str]  # room key -> id

    @property
    def general(self) -> str:
        return self.rooms["general"]

    @property
    def router(self) -> CommandRouter:
        assert self.bot.app and self.bot.app.sync_loop
        return self.bot.app.sync_loop.dispatcher.router


async def every_feature_world(make_bot: Callable[..., Bot], anna: Member,
                              **overrides: Any) -> World:
    """Provisioned, caught up (the scheduler's first pass done), Anna in the general room."""
    config = every_feature(**overrides)
    bot = make_bot(**config)
    await bot.start()
    await provisioned(bot)
    space_id = await resolve(anna, config["space"]["alias"])
    rooms = {room["key"]: await resolve(anna, room["alias"]) for room in config["rooms"]}
    assert await join(anna, rooms["general"])
    return World(bot, config, space_id, rooms)


def sample_line(cmd: Command) -> str:
    """The command with plausible arguments."""
    args = [SAMPLE_ARGS.get(arg.name, "Holzwerkstatt") for arg in cmd.args]
    return " ".join(["!" + cmd.name, *args])


def is_refusal(reply: str) -> bool:
    """The router's own answers: not allowed, unknown, too long, or a usage error."""
    return reply in REFUSALS or USAGE in reply


async def answered(member: Member, room_id: str, lines: list[str],
                   timeout: float = 60) -> list[str]:
    """Type every line, then collect the bot's one reply to each, in order."""
    event_ids = [await member.say(room_id, line) for line in lines]
    replies: list[Awaitable[Any]] = [member.reply(e, timeout) for e in event_ids]
    return [seen.body for seen in await asyncio.gather(*replies)]
