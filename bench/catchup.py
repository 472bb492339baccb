"""Catch-up: N events made while the bot was down, from process start to the last one handled.

The bot and the bare client (no echo) run once (fresh data dir, fresh check-in post) and stop.
Then the members make N events into the room, the mix of a busy day: reactions to today's
post (check-in keys and others), redactions of some of them, chat messages and a few
commands (`!who`, `!checkin`, `!status ...`). Then both start again from their stored sync
tokens. The bot is done when its first sync is handled (the gap reconciled: `live`) and every
command is answered; the bare client when it has received every one of the N events (paging
back through `/messages` where its sync was limited). Target: bot <= 1.2 x bare.

Nothing lost, nothing doubled: afterwards the bot's stored reactions to the post are compared
with the relations the homeserver holds, its attendance rows with the members whose reactions
hold a check-in key, and every command must have exactly one reply of the bot.

    python -m bench.catchup [--members 50] [--events 5000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import random
from collections import Counter
from typing import Any
from uuid import uuid4

from nio import (
    AsyncClient,
    MessageDirection,
    ReactionEvent,
    RoomMessagesResponse,
)
from nio.api import RelationshipType

from matrixcowork.core.emoji import normalize_key

from .client import client_for, reaction, send
from .common import World, checkin_post, db_rows, make_world, start_bare, start_bot, today
from .processes import Record
from .reaction_burst import ONSITE, REMOTE, arguments
from .stats import meets, ratio

TARGET = 1.2
WAIT = 300.0
CONCURRENCY = 16
SEED = 24
KEYS = (ONSITE, REMOTE, "\U0001F44D", "\u2615", "\U0001F389")  # check-in keys and others
COMMANDS = ("!who", "!checkin", "!status writing the offer")


def plan(members: int, events: int, rng: random.Random) -> list[tuple[int, str]]:
    """(member, action) in order: 45 % reactions, 13 % redactions, 40 % messages, 2 % commands."""
    actions = rng.choices(["react", "redact", "message", "command"], [45, 13, 40, 2], k=events)
    return [(rng.randrange(members), action) for action in actions]


async def make_events(world: World, post_id: str, events: int) -> dict[str, Any]:
    """Send the events, each member's in order; returns what was sent."""
    rng = random.Random(SEED)
    steps = plan(len(world.members), events, rng)
    clients = [client_for(world.server.url, m) for m in world.members]
    by_member: dict[int, list[str]] = {}
    for index, action in steps:
        by_member.setdefault(index, []).append(action)
    sent: Counter[str] = Counter()
    commands: list[str] = []
    refused = 0
    errors: Counter[str] = Counter()
    gate = asyncio.Semaphore(CONCURRENCY)

    async def member_run(index: int, actions: list[str]) -> None:
        nonlocal refused
        client = clients[index]
        mine: list[tuple[str, str]] = []  # this member's reactions still standing, and keys
        for number, action in enumerate(actions):
            free = [k for k in KEYS if k not in {key for _, key in mine}]
            if action == "react" and not free:
                action = "redact"  # the same key twice is refused (M_DUPLICATE_ANNOTATION)
            async with gate:
                if action == "redact" and mine:
                    response = await client.room_redact(world.room_id, mine.pop(0)[0])
                    ok = hasattr(response, "event_id")
                    result = {} if ok else {"error": str(response)[:80]}
                elif action in ("react", "redact"):
                    action = "react"
                    key = rng.choice(free)
                    result = await send(client, world.room_id, "m.reaction",
                                        reaction(post_id, key))
                    ok = "id" in result
                    if ok:
                        mine.append((result["id"], key))
                elif action == "command":
                    result = await send(client, world.room_id, "m.room.message",
                                        {"msgtype": "m.text", "body": rng.choice(COMMANDS)})
                    ok = "id" in result
                    if ok:
                        commands.append(result["id"])
                else:
                    result = await send(client, world.room_id, "m.room.message",
                                        {"msgtype": "m.text", "body": f"hello {number}"})
                    ok = "id" in result
            if ok:
                sent[action] += 1
            else:
                refused += 1
                errors[result.get("error", "?")[:80]] += 1

    try:
        await asyncio.gather(*(member_run(i, a) for i, a in by_member.items()))
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    return {"sent": dict(sent), "refused": refused, "commands": commands,
            "total": sum(sent.values()), "errors": dict(errors.most_common(3))}


async def measure(world: World, events: int) -> dict[str, Any]:
    data_dir = world.fresh_dir("catchup-bot")
    bare = start_bare(world, "catchup-bare", echo=False)
    bot = start_bot(world, data_dir)
    try:
        await bare.live()
        await bot.live()
        post_id = await checkin_post(data_dir)
    finally:
        bot.stop()
        bare.stop()
    made = await make_events(world, post_id, events)
    last_made = await last_event_ids(world, made["total"])

    bot = start_bot(world, data_dir)
    try:
        live = await bot.live(WAIT)
        commands = set(made["commands"])

        def answered(records: list[Record]) -> Record | None:
            done = [r for r in records if r["kind"] == "command" and r["id"] in commands]
            return max(done, key=lambda r: r["t"]) if {r["id"] for r in done} >= commands \
                else None

        last_answer = await bot.wait_for(answered, WAIT, "every command answered") \
            if commands else live
        bot_cpu = bot.cpu_seconds()
    finally:
        bot.stop()
    bot_s = max(live["t"], last_answer["t"]) - bot.started

    bare = start_bare(world, "catchup-bare", echo=False, resume=True)
    try:
        def received(records: list[Record]) -> Record | None:
            seen = [r for r in records if r.get("id") in last_made]
            return max(seen, key=lambda r: r["t"]) if len(seen) >= len(last_made) else None

        last_seen = await bare.wait_for(received, WAIT, "every event")
        bare_cpu = bare.cpu_seconds()
    finally:
        bare.stop()
    bare_s = last_seen["t"] - bare.started
    check = await correctness(world, data_dir, post_id, made["commands"])
    run_ratio = ratio(bot_s, bare_s)
    return {
        "events": made["total"], "sent": made["sent"], "refused": made["refused"],
        "errors": made["errors"],
        "bot_s": round(bot_s, 2), "bare_s": round(bare_s, 2), "ratio": round(run_ratio, 2),
        "bot_live_s": round(live["t"] - bot.started, 2),
        "cpu_s": {"bot": round(bot_cpu, 2), "bare": round(bare_cpu, 2)},
        **check,
        "target": f"bot <= {TARGET} x bare, lost 0, doubled 0",
        "verdict": "ok" if meets(run_ratio, TARGET) == "ok" and not check["lost"]
        and not check["doubled"] else "over",
    }


async def last_event_ids(world: World, count: int) -> set[str]:
    """The ids of the room's last `count` events (what the members made), from the server."""
    client = client_for(world.server.url, world.orga)
    try:
        return {e["event_id"] for e in await room_events(client, world.room_id, count)}
    finally:
        await client.close()


async def room_events(client: AsyncClient, room_id: str, count: int) -> list[dict[str, Any]]:
    """The room's last `count` timeline events, newest first (sources). The filter is new
    each time: Synapse answers an initial sync the same as a moment ago from its cache."""
    fresh = {"limit": 1, "not_types": [f"bench.{uuid4().hex}"]}
    sync = await client.sync(timeout=0, sync_filter={"room": {"timeline": fresh}})
    start = sync.rooms.join[room_id].timeline.prev_batch  # type: ignore[union-attr]
    found = [e.source for e in sync.rooms.join[room_id].timeline.events]  # type: ignore[union-attr]
    while start and len(found) < count:
        page = await client.room_messages(room_id, start=start, limit=1000,
                                          direction=MessageDirection.back)
        if not isinstance(page, RoomMessagesResponse) or not page.chunk:
            break
        found += [e.source for e in page.chunk]
        start = page.end
    return found[::-1][-count:][::-1]


async def correctness(world: World, data_dir: Any, post_id: str,
                      commands: list[str]) -> dict[str, Any]:
    """Stored reactions = the homeserver's relations; attendance = members holding a check-in
    key; one reply per command."""
    client = client_for(world.server.url, world.orga)
    try:
        held: dict[str, tuple[str, str]] = {}
        async for event in client.room_get_event_relations(
                world.room_id, post_id, RelationshipType.annotation):
            if isinstance(event, ReactionEvent):
                held[event.event_id] = (event.sender, normalize_key(event.key))
        replies: Counter[str] = Counter()
        wanted = set(commands)
        timeline = await room_events(client, world.room_id, 20_000)
        events_read = len(timeline)
        for source in timeline:
            if source.get("sender") != world.bot.user_id:
                continue
            asked = ((source.get("content", {}).get("m.relates_to") or {})
                     .get("m.in_reply_to") or {}).get("event_id")
            if asked in wanted:
                replies[asked] += 1
    finally:
        await client.close()
    stored = {row[0]: (row[1], row[2]) for row in db_rows(
        data_dir, "SELECT reaction_id, user_id, key FROM tracked_reactions WHERE post_id = ?",
        post_id)}
    held = {k: v for k, v in held.items() if v[0] != world.bot.user_id}
    checked = {row[0] for row in db_rows(
        data_dir, "SELECT user_id FROM checkin_attendance WHERE day = ? AND source = "
        "'reaction'", today())}
    by_reaction = {user for user, key in held.values() if key in (ONSITE, REMOTE)}
    by_command = {row[0] for row in db_rows(
        data_dir, "SELECT user_id FROM checkin_attendance WHERE day = ? AND source = "
        "'command'", today())}
    return {
        "reactions_held": len(held), "reactions_stored": len(stored),
        "lost": len(held.keys() - stored.keys()) + sum(1 for c in commands if not replies[c])
        + len(by_reaction - checked - by_command),
        "doubled": len(stored.keys() - held.keys()) + sum(1 for c in commands if replies[c] > 1)
        + len(checked - by_reaction),
        "commands": len(commands), "commands_answered": sum(1 for c in commands if replies[c]),
        "events_read": events_read, "bot_replies": sum(replies.values()),
    }


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    world = await make_world(args.workdir, args.members)
    try:
        return await measure(world, args.events)
    finally:
        world.server.stop()


def main() -> None:
    import json

    parser = arguments(__doc__)
    parser.set_defaults(members=50)
    parser.add_argument("--events", type=int, default=5000)
    print(json.dumps(asyncio.run(main_async(parser.parse_args())), indent=2))


if __name__ == "__main__":
    main()
