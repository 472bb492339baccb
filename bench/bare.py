"""The floor: a bare matrix-nio client that syncs the same room as the bot and does nothing else.

It stamps every timeline event with the moment its sync response arrived (no bot can see an
event sooner) and, unless `--no-echo`, answers every text message of someone else with a notice
reply: the minimal echo bot the command round trip is compared with. Commands for the bot
(starting with `!`) are left to the bot: two answers to one message would race for the same
room at the homeserver, and the faster one would always slow the other down. Run as a process of its
own, like the bot, so neither shares an event loop with the driver.

Like the bot, it keeps its sync token (in `--since-file`) and resumes from it after a restart.
A resumed sync that is `limited` (more happened than its timeline holds) is completed by paging
back through `/messages` to the last event the previous run saw (kept next to the token), so
the floor receives every event made while it was down, as the catch-up benchmark needs.

    python -m bench.bare --homeserver URL --user-id ID --device-id D --token-file F --room R
        --since-file F --out records.jsonl [--no-echo]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    MessageDirection,
    RoomMessagesResponse,
    SyncResponse,
)

from .processes import JsonLines, until_signal

FIRST_FILTER = {"room": {"timeline": {"limit": 10}}}
FILTER = {"room": {"timeline": {"limit": 1000}}}  # the floor must not miss a burst
BOT_PREFIX = "!"


async def run(args: argparse.Namespace, out: JsonLines, token: str, since: str | None) -> None:
    config = AsyncClientConfig(store_sync_tokens=False, encryption_enabled=False)
    client = AsyncClient(args.homeserver, args.user_id, config=config)
    client.restore_login(args.user_id, args.device_id, token)
    since_file = Path(args.since_file)
    last_file = since_file.with_suffix(".last")
    try:
        response = await client.sync(timeout=0, sync_filter=FILTER if since else FIRST_FILTER,
                                     since=since, full_state=True)
        arrived = time.time()
        if isinstance(response, SyncResponse):
            if since and last_file.exists():
                await page_back(client, args.room, response, last_file.read_text().strip(), out)
            await handle(client, args, response, arrived, out, echo=False)
            await keep(since_file, last_file, args.room, response)
        out.write("live")
        while True:
            response = await client.sync(timeout=30_000, sync_filter=FILTER)
            arrived = time.time()
            if isinstance(response, SyncResponse):
                await handle(client, args, response, arrived, out, echo=args.echo)
                await keep(since_file, last_file, args.room, response)
            else:
                await asyncio.sleep(0.5)
    finally:
        await client.close()


async def keep(since_file: Path, last_file: Path, room_id: str, response: SyncResponse) -> None:
    """The token to resume from, and the room's last event seen (where paging back stops)."""
    await asyncio.to_thread(since_file.write_text, response.next_batch)
    joined = response.rooms.join.get(room_id)
    if joined is not None and joined.timeline.events:
        await asyncio.to_thread(last_file.write_text, joined.timeline.events[-1].event_id)


async def page_back(client: AsyncClient, room_id: str, response: SyncResponse, last_seen: str,
                    out: JsonLines) -> None:
    """The events a limited timeline left out: /messages backwards to the last one seen."""
    joined = response.rooms.join.get(room_id)
    if joined is None or not joined.timeline.limited:
        return
    start = joined.timeline.prev_batch
    while start:
        page = await client.room_messages(room_id, start=start, limit=1000,
                                          direction=MessageDirection.back)
        if not isinstance(page, RoomMessagesResponse):
            await asyncio.sleep(0.5)
            continue
        arrived = time.time()
        sources = []
        for event in page.chunk:
            if event.event_id == last_seen:
                start = None
                break
            sources.append(event.source)
        out.write_many([record(source, arrived) for source in sources])
        if start is not None:
            start = page.end if page.chunk else None


async def handle(client: AsyncClient, args: argparse.Namespace, response: SyncResponse,
                 arrived: float, out: JsonLines, echo: bool) -> None:
    joined = response.rooms.join.get(args.room)
    if joined is None:
        return
    events = [e.source for e in joined.timeline.events]
    out.write_many([record(source, arrived) for source in events])
    if not echo:
        return
    for source in events:
        content = source.get("content", {})
        if (source.get("type") == "m.room.message" and content.get("msgtype") == "m.text"
                and source.get("sender") != client.user_id
                and not content.get("body", "").startswith(BOT_PREFIX)):
            await client.room_send(args.room, "m.room.message", {
                "msgtype": "m.notice", "body": "echo",
                "m.relates_to": {"m.in_reply_to": {"event_id": source["event_id"]}},
            })


def record(source: dict[str, Any], arrived: float) -> dict[str, Any]:
    return {"kind": "event", "t": arrived, "id": source.get("event_id"),
            "type": source.get("type"), "sender": source.get("sender"),
            "ts": source.get("origin_server_ts")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("--homeserver", "--user-id", "--device-id", "--token-file", "--room",
                 "--since-file", "--out"):
        parser.add_argument(name, required=True)
    parser.add_argument("--no-echo", dest="echo", action="store_false")
    args = parser.parse_args()
    token = Path(args.token_file).read_text(encoding="utf-8").strip()
    since_file = Path(args.since_file)
    since = since_file.read_text().strip() if since_file.exists() else None
    asyncio.run(until_signal(run(args, JsonLines(args.out), token, since)))


if __name__ == "__main__":
    main()
