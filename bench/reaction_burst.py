"""Reaction burst: N members react to today's check-in post at once.

For each reaction: from its `origin_server_ts` (the homeserver accepted it) to the moment the
bot committed the attendance row (bot), and to the moment the bare client's sync delivered it
(floor: no bot can see an event sooner). Target: bot p95 <= 1.2 x floor p95, nothing lost.

    python -m bench.reaction_burst [--members 200] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path
from typing import Any

from .client import client_for, reaction, send
from .common import Scene, db_rows, make_world, scene, today
from .homeserver import DEFAULT_WORKDIR
from .processes import Record
from .stats import meets, ratio, summary

ONSITE, REMOTE = "\U0001F3E2", "\U0001F3E0"
TARGET = 1.2
WAIT = 120.0


async def measure(s: Scene) -> dict[str, Any]:
    world = s.world
    clients = [client_for(world.server.url, m) for m in world.members]
    bot_mark, bare_mark = len(s.bot.poll()), len(s.bare.poll())
    cpu = {"bot": s.bot.cpu_seconds(), "bare": s.bare.cpu_seconds()}
    try:
        sends = await asyncio.gather(*(
            send(c, world.room_id, "m.reaction", reaction(s.post_id, (ONSITE, REMOTE)[i % 2]))
            for i, c in enumerate(clients)
        ))
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    sent = {r["id"]: r for r in sends if "id" in r}
    users = {r["user"] for r in sent.values()}

    def bot_done(records: list[Record]) -> bool:
        return users <= {r["user"] for r in records[bot_mark:] if r["kind"] == "checkin"}

    def bare_done(records: list[Record]) -> bool:
        return sent.keys() <= {r.get("id") for r in records[bare_mark:]}

    for proc, done in ((s.bot, bot_done), (s.bare, bare_done)):
        with contextlib.suppress(TimeoutError):  # what is missing then is counted as lost
            await proc.wait_for(done, WAIT, "every reaction")
    result = figures(sent, s.bot.records[bot_mark:], s.bare.records[bare_mark:],
                     stored=rows_today(s, users), refused=len(sends) - len(sent))
    result["cpu_ms_per_reaction"] = {
        "bot": round((s.bot.cpu_seconds() - cpu["bot"]) * 1000 / max(1, len(sent)), 2),
        "bare": round((s.bare.cpu_seconds() - cpu["bare"]) * 1000 / max(1, len(sent)), 2)}
    return result


def figures(sent: dict[str, Record], bot: list[Record], bare: list[Record],
            stored: int, refused: int) -> dict[str, Any]:
    """Latencies in ms from the homeserver's timestamp of each reaction."""
    seen = {r["id"]: r for r in bare if r["kind"] == "event" and r.get("id") in sent}
    committed: dict[str, float] = {}
    for r in bot:
        if r["kind"] == "checkin":
            committed.setdefault(r["user"], r["t"])
    bot_ms, floor_ms, added_ms = [], [], []
    for event_id, send_record in sent.items():
        origin = seen[event_id]["ts"] / 1000 if event_id in seen else send_record["accepted"]
        if event_id in seen:
            floor_ms.append((seen[event_id]["t"] - origin) * 1000)
        if send_record["user"] in committed:
            bot_ms.append((committed[send_record["user"]] - origin) * 1000)
        if event_id in seen and send_record["user"] in committed:
            added_ms.append((committed[send_record["user"]] - seen[event_id]["t"]) * 1000)
    spread = max(r["accepted"] for r in sent.values()) - min(r["sent"] for r in sent.values())
    bot_s, floor_s = summary(bot_ms), summary(floor_ms)
    p95_ratio = ratio(bot_s["p95"], floor_s["p95"]) if bot_ms and floor_ms else float("inf")
    return {
        "reactions": len(sent), "refused": refused, "burst_seconds": round(spread, 3),
        "bot_ms": bot_s, "floor_ms": floor_s, "added_ms": summary(added_ms),
        "p95_ratio": round(p95_ratio, 3),
        "lost": len(sent) - stored, "floor_missed": len(sent) - len(seen),
        "target": f"bot p95 <= {TARGET} x floor p95", "verdict": meets(p95_ratio, TARGET),
    }


def rows_today(s: Scene, users: set[str]) -> int:
    rows = db_rows(s.data_dir, "SELECT user_id FROM checkin_attendance WHERE day = ?", today())
    return len(users & {row[0] for row in rows})


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    world = await make_world(args.workdir, args.members)
    try:
        async with scene(world, "burst") as s:
            return await measure(s)
    finally:
        world.server.stop()


def arguments(description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    return parser


def main() -> None:
    import json

    print(json.dumps(asyncio.run(main_async(arguments(__doc__).parse_args())), indent=2))


if __name__ == "__main__":
    main()
