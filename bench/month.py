"""A month of a 500-member community's traffic, sent to the bot's room in a few minutes.

22 check-in days with about 40 check-ins each (880 check-in changes: reactions to the post and
their redactions, spread over the members), 10 commands a day and 20 chat messages a day.
`scale` shrinks it (0.25: about a week).
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Awaitable
from typing import Any

from nio import AsyncClient

from .client import client_for, reaction, send
from .common import World

DAYS, CHECKINS, COMMANDS, MESSAGES = 22, 40, 10, 20
PARALLEL = 20
ONSITE, REMOTE = "\U0001F3E2", "\U0001F3E0"
COMMAND_MIX = ("!who", "!stats", "!checkin remote", "!status writing the month report")


async def _limited(calls: list[Awaitable[Any]]) -> list[Any]:
    gate = asyncio.Semaphore(PARALLEL)

    async def one(call: Awaitable[Any]) -> Any:
        async with gate:
            return await call

    return await asyncio.gather(*(one(c) for c in calls))


async def _checkin_cycles(client: AsyncClient, room_id: str, post_id: str, cycles: int,
                          key: str) -> int:
    """React and take it back, `cycles` times: each is two check-in changes for the bot."""
    changes = 0
    for _ in range(cycles):
        sent = await send(client, room_id, "m.reaction", reaction(post_id, key))
        if "id" in sent:
            await client.room_redact(room_id, sent["id"])
            changes += 2
    return changes


async def simulate(world: World, post_id: str, scale: float) -> dict[str, int]:
    """Send the month; returns how many events of each sort were sent."""
    clients = [client_for(world.server.url, m) for m in world.members]
    try:
        changes = round(DAYS * CHECKINS * scale)
        cycles = math.ceil(changes / 2 / len(clients))
        checkins = await _limited([
            _checkin_cycles(c, world.room_id, post_id, cycles, (ONSITE, REMOTE)[i % 2])
            for i, c in enumerate(clients)
        ])
        texts = [COMMAND_MIX[i % len(COMMAND_MIX)] for i in range(round(DAYS * COMMANDS * scale))]
        texts += [f"good morning, day {i}" for i in range(round(DAYS * MESSAGES * scale))]
        random.Random(11).shuffle(texts)
        sent = await _limited([
            send(clients[i % len(clients)], world.room_id, "m.room.message",
                 {"msgtype": "m.text", "body": body})
            for i, body in enumerate(texts)
        ])
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    return {"checkin_changes": sum(checkins), "commands": sum(
        1 for body, r in zip(texts, sent, strict=True) if body.startswith("!") and "id" in r),
        "messages": sum(1 for body, r in zip(texts, sent, strict=True) if not body.startswith("!"))}
