"""Memory and start: the bot process's RSS after start and after a simulated month, and the
time from starting the process to being live and to the first handled event.

The baseline is the bare nio client (`bench.bare`, no echo) in the same room: its RSS after the
same month, and its start to the same first event. Target: bot RSS <= 100 MB.
The bot's database holds the month before today (seeded) so `!stats` has a month to count.

Start to first event: the bot is stopped, a member reacts to today's post, and the bot starts
again from its stored sync token; the clock runs from the process start to the committed
attendance row. The bare client, restarted from its own stored sync token, runs to the moment
its first sync delivers that reaction.

    python -m bench.memory_start [--members 200] [--scale 1.0] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from matrixcowork.ops.health import DB_FILE

from .client import client_for, reaction, send
from .common import TIMEZONE, World, checkin_post, make_world, start_bare, start_bot, today
from .month import simulate
from .processes import Proc, Record, rss_mb
from .reaction_burst import arguments
from .seed import migrated, seed
from .stats import meets, ratio

LIMIT_MB = 100.0
WAIT = 300.0


async def measure(world: World, scale: float) -> dict[str, Any]:
    data_dir = world.fresh_dir("memory-bot")
    data_dir.mkdir(parents=True)
    await migrated(data_dir / DB_FILE)
    last = date.fromisoformat(today()) - timedelta(days=1)
    await asyncio.to_thread(seed, data_dir / DB_FILE, last - timedelta(days=30), last,
                            ZoneInfo(TIMEZONE))
    bare = start_bare(world, "memory-bare", echo=False)
    bot = start_bot(world, data_dir)
    try:
        await bare.live()
        await bot.live()
        post_id = await checkin_post(data_dir)
        rss = {"bot_start": bot.rss_mb(), "bare_start": bare.rss_mb()}
        month = await simulate(world, post_id, scale)
        await until_handled(world, bot)
        rss.update(bot_month=bot.rss_mb(), bot_peak=rss_mb(bot.pid, "VmHWM"),
                   bare_month=bare.rss_mb())
    finally:
        bot.stop()
        bare.stop()
    start = await restart(world, data_dir, post_id)
    rss = {k: round(v, 1) for k, v in rss.items()}
    return {
        "month": month, "scale": scale, "rss_mb": rss,
        "rss_ratio": round(ratio(rss["bot_month"], rss["bare_month"]), 2),
        "start_s": start,
        "target": f"bot RSS after the month <= {LIMIT_MB:.0f} MB",
        "verdict": meets(rss["bot_month"], LIMIT_MB),
    }


async def until_handled(world: World, bot: Proc) -> None:
    """The bot handles events in order: once it answered a last command, it handled all."""
    client = client_for(world.server.url, world.orga)
    try:
        last = await send(client, world.room_id, "m.room.message",
                          {"msgtype": "m.text", "body": "!who"})
    finally:
        await client.close()
    await bot.wait_for(lambda rs: any(r["kind"] == "command" and r["id"] == last["id"]
                                      for r in rs), WAIT, "the month handled")


async def restart(world: World, data_dir: Any, post_id: str) -> dict[str, Any]:
    """Start to live and start to the first handled event, for the bot and the bare client."""
    client = client_for(world.server.url, world.orga)
    try:
        backlog = await send(client, world.room_id, "m.reaction", reaction(post_id, "\U0001F3E2"))
    finally:
        await client.close()
    bot = start_bot(world, data_dir)
    try:
        row = await bot.wait_for(lambda rs: checkin_of(rs, world.orga.user_id), WAIT,
                                 "the backlog reaction")
        bot_live = await bot.live()
    finally:
        bot.stop()
    bare = start_bare(world, "memory-bare", echo=False, resume=True)
    try:
        seen = await bare.wait_for(lambda rs: next(
            (r for r in rs if r.get("id") == backlog["id"]), None), WAIT, "the reaction")
        bare_live = await bare.live()
    finally:
        bare.stop()
    figures = {
        "bot_to_live": bot_live["t"] - bot.started,
        "bot_to_first_event": row["t"] - bot.started,
        "bare_to_live": bare_live["t"] - bare.started,
        "bare_to_first_event": seen["t"] - bare.started,
    }
    figures = {k: round(v, 2) for k, v in figures.items()}
    figures["first_event_ratio"] = round(
        ratio(figures["bot_to_first_event"], figures["bare_to_first_event"]), 2)
    return figures


def checkin_of(records: list[Record], user_id: str) -> Record | None:
    return next((r for r in records if r["kind"] == "checkin" and r["user"] == user_id), None)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    world = await make_world(args.workdir, args.members)
    try:
        return await measure(world, args.scale)
    finally:
        world.server.stop()


def main() -> None:
    import json

    parser = arguments(__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    print(json.dumps(asyncio.run(main_async(parser.parse_args())), indent=2))


if __name__ == "__main__":
    main()
