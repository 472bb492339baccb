"""The space stories' world: a community config, a provisioned bot, and what members do in it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nio import AsyncClient, JoinResponse, RoomResolveAliasResponse

from matrixcowork.core.chat import Chat
from matrixcowork.features.space import SpaceFeature, roomstate
from matrixcowork.features.space.report import Report
from matrixcowork.features.space.roomstate import RoomState
from tests.helpers import Bot, Member, Seen, unique

SERVER = "localhost"
ROOMS: dict[str, dict[str, str]] = {
    "general": {"name": "Allgemein", "topic": "Alles rund um unsere Community"},
    "coworking": {"name": "Coworking", "topic": "Wer ist heute da?"},
    "webinars": {"name": "Webinare", "topic": "Offen für die Region", "access": "public"},
    "jobs": {"name": "Jobs & Aufträge", "topic": "Aufträge teilen"},
}


def community(keys: tuple[str, ...] = ("general", "coworking", "webinars")) -> dict[str, Any]:
    """Config overrides for a space with unique aliases (the homeserver lives all session)."""
    tag = unique("owl")
    return {
        "space": {
            "name": "Coworking OWL", "alias": f"{tag}-space", "topic": "Virtuell coworken",
            "welcome_room": "general", "checkin_room": "coworking", "intro_room": "general",
        },
        "rooms": [{"key": key, "alias": f"{tag}-{key}", **ROOMS[key]} for key in keys],
    }


def feature(bot: Bot) -> SpaceFeature:
    assert bot.app is not None
    return next(f for f in bot.app.features if isinstance(f, SpaceFeature))


async def provisioned(bot: Bot) -> Report:
    """The report of the provisioning run the bot started with."""
    task = feature(bot).provisioning
    assert task is not None
    report = await asyncio.wait_for(task, 120)
    assert report is not None
    return report


async def resolve(member: Member, localpart: str) -> str:
    response = await member.client.room_resolve_alias(f"#{localpart}:{SERVER}")
    assert isinstance(response, RoomResolveAliasResponse), response
    return response.room_id


async def join(member: Member, room_id: str) -> bool:
    return isinstance(await member.client.join(room_id), JoinResponse)


async def fetch_state(client: AsyncClient, room_id: str) -> RoomState:
    """A room's state as this client (a member's or the bot's) may read it."""
    return await roomstate.fetch_state(Chat(client), room_id)


async def joined_state(member: Member, room_id: str) -> RoomState:
    assert await join(member, room_id)
    return await fetch_state(member.client, room_id)


def reconfigure(bot: Bot, rooms: list[dict[str, Any]]) -> None:
    """What an organizer does in config.yaml before restarting the bot."""
    bot.config = type(bot.config).model_validate({**bot.config.model_dump(), "rooms": rooms})


def room_dicts(bot: Bot) -> list[dict[str, Any]]:
    return [room.model_dump() for room in bot.config.rooms]


async def joined_rooms(bot: Bot) -> set[str]:
    return set((await bot.services.client.joined_rooms()).rooms)


@dataclass
class Community:
    bot: Bot
    config: dict[str, Any]
    report: Report
    space_id: str
    room_ids: list[str]  # in config order; the first is the welcome room

    @property
    def general(self) -> str:
        return self.room_ids[0]


async def provisioned_community(make_bot: Callable[..., Bot], anna: Member) -> Community:
    """A bot that has provisioned the default community; Anna has joined its first room."""
    config = community()
    bot = make_bot(**config)
    await bot.start()
    report = await provisioned(bot)
    space_id = await resolve(anna, config["space"]["alias"])
    room_ids = [await resolve(anna, room["alias"]) for room in config["rooms"]]
    assert await join(anna, room_ids[0])
    return Community(bot, config, report, space_id, room_ids)


async def invite_into_space(world: Community, organizer: Member, member: Member) -> Seen:
    """`!invite` by the organizer, then the member accepts; returns the bot's reply."""
    answer = await organizer.ask(world.general, "!invite " + member.user_id)
    assert await join(member, world.space_id)
    return answer


def welcome_of(member: Member, room_id: str) -> Callable[[Seen], bool]:
    return lambda s: (s.room_id == room_id and s.body.startswith("Welcome")
                      and member.user_id in s.content.get("m.mentions", {}).get("user_ids", []))


def welcomes_for(member: Member, watcher: Member, room_id: str) -> list[Seen]:
    return [s for s in watcher.seen if welcome_of(member, room_id)(s)]


async def barrier(member: Member, room_id: str) -> None:
    """Two round trips: everything the bot got before the first was handled by the second."""
    await member.ask(room_id, "!help")
    await member.ask(room_id, "!help")


async def run_cli(*args: str) -> tuple[int, str]:
    """Exit code and standard output (the log goes to standard error)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "matrixcowork", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, output.decode()
