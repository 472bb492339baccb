"""Command round trip: the organizer types `!who` and waits for the answer, many times over.

The bot and the bare echo client sit in the same room. The organizer alternates `!who` (the
bot answers) and a plain question (the echo client answers with a one-word notice reply), so
every sample of the bot has a sample of the floor taken right next to it, under the same load.
Target: bot p95 <= 1.10 x echo p95, and the bot's p50 at most 5 ms over the echo's.

    python -m bench.command_roundtrip [--members 200] [--commands 200] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from .client import Listener
from .common import Scene, make_world, scene
from .reaction_burst import arguments
from .stats import meets, ratio, summary

TARGET = 1.10
P50_OVER_MS = 5.0
COMMAND = "!who"
QUESTION = "who is here?"


async def measure(s: Scene, commands: int) -> dict[str, Any]:
    world = s.world
    bot, echo = world.bot.user_id, world.bare.user_id
    asker = Listener(world.server.url, world.orga)
    await asker.start()
    bot_ms: list[float] = []
    echo_ms: list[float] = []
    try:
        for _ in range(commands):
            trip = await asker.ask(world.room_id, COMMAND, {bot})
            if bot in trip:
                bot_ms.append(trip[bot] * 1000)
            trip = await asker.ask(world.room_id, QUESTION, {echo})
            if echo in trip:
                echo_ms.append(trip[echo] * 1000)
    finally:
        await asker.close()
    bot_s, echo_s = summary(bot_ms), summary(echo_ms)
    p95_ratio = ratio(bot_s["p95"], echo_s["p95"]) if bot_ms and echo_ms else float("inf")
    p50_over = bot_s.get("p50", 0) - echo_s.get("p50", 0)
    verdict = meets(p95_ratio, TARGET)
    if verdict == "ok" and p50_over > P50_OVER_MS:
        verdict = "over"
    return {
        "command": COMMAND, "commands": commands, "bot_ms": bot_s, "echo_ms": echo_s,
        "p50_ratio": round(ratio(bot_s.get("p50", 0), echo_s.get("p50", 0)), 3),
        "p50_over_ms": round(p50_over, 1), "p95_ratio": round(p95_ratio, 3),
        "unanswered": {"bot": commands - len(bot_ms), "echo": commands - len(echo_ms)},
        "target": f"bot p95 <= {TARGET} x echo p95, p50 <= echo p50 + {P50_OVER_MS:.0f} ms",
        "verdict": verdict,
    }


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    world = await make_world(args.workdir, args.members)
    try:
        async with scene(world, "roundtrip") as s:
            return await measure(s, args.commands)
    finally:
        world.server.stop()


def main() -> None:
    import json

    parser = arguments(__doc__)
    parser.add_argument("--commands", type=int, default=200)
    print(json.dumps(asyncio.run(main_async(parser.parse_args())), indent=2))


if __name__ == "__main__":
    main()
