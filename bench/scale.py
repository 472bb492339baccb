"""2,000 members (the whole region): the CPU of `!who` and of the check-in post's edit.

The bot's own work for both, in this process, as the running bot does it: read the day's
attendance from a store of N check-ins, name each member from a coworking room and a space
of N members each (nio's room state, as the sync fills it), write the text, build the
content (HTML, plain body, mentions) and fit it under the event size limit as `Chat` does
before sending. No homeserver: the network part is the round trip benchmark's. Judged on
CPU time; the first (cold) figure and the median of the next runs (warm: a running bot edits
the post again and again) are both reported. Also the memory the two rooms' member lists take
in nio (what Python allocates for them, by tracemalloc), to add to the bot's RSS at 50 members.

    python -m bench.scale [--members 2000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nio import AsyncClient
from nio.rooms import MatrixRoom

from matrixcowork.core import content, limits
from matrixcowork.core.config import parse_config
from matrixcowork.core.i18n import I18n
from matrixcowork.core.rooms import display_name
from matrixcowork.core.store import Store
from matrixcowork.features.checkin import db
from matrixcowork.features.checkin.texts import CheckinTexts

from .seed import member, migrated

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 30, 9, 30, tzinfo=TZ)
LIMIT_MS = 10.0
NOTE_EVERY = 4  # one in four says what they work on


def names_client(members: list[str]) -> AsyncClient:
    """A client whose rooms (the space, then the coworking room) hold every member."""
    client = AsyncClient("http://127.0.0.1:1", "@bot:localhost")
    for room_id in ("!space:localhost", "!coworking:localhost"):
        room = MatrixRoom(room_id, client.user_id)
        for index, user_id in enumerate(members):
            room.add_member(user_id, f"Mitglied {index:04d} (OWL)", None)
        client.rooms[room_id] = room
    return client


def cpu_ms(call: Callable[[], Any]) -> float:
    started = time.process_time()
    call()
    return (time.process_time() - started) * 1000


async def measure(members: int, repeat: int = 20) -> dict[str, Any]:
    logging.getLogger(limits.__name__).setLevel(logging.ERROR)  # "cut to fit", every run
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.sqlite"
        await migrated(path)
        store = await Store.open(path)
        try:
            return await _measure(store, members, repeat)
        finally:
            await store.close()


async def _measure(store: Store, members: int, repeat: int) -> dict[str, Any]:
    config = parse_config({
        "homeserver": "http://127.0.0.1:1", "user_id": "@bot:localhost", "password": "-",
        "admins": ["@orga:localhost"], "data_dir": "/nonexistent", "language": "de",
        "checkin": {"room": "coworking"},
        "rooms": [{"key": "coworking", "name": "Coworking", "alias": "coworking"}],
    }, "bench", environ={})
    assert config.checkin is not None
    people = [member(i) for i in range(members)]
    tracemalloc.start()
    client = names_client(people)
    rooms_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    texts = CheckinTexts(I18n("de", TZ), config.checkin, "!",
                         lambda user_id: display_name(client, user_id))
    day = NOW.date()
    for index, user_id in enumerate(people):
        await db.check_in(store, day, user_id, ("onsite", "remote")[index % 2],
                          int(NOW.timestamp()), db.REACTION,
                          "Angebot & Rechnung <fertig>" if index % NOTE_EVERY == 0 else None)
    sizes: dict[str, int] = {}

    def send(kind: str, built: dict[str, Any]) -> None:
        sent = limits.within(content.stated(built), encrypted=False)
        sizes[kind] = limits.size(sent)
        sizes[f"{kind}_cut"] = int("formatted_body" not in sent)

    async def who() -> float:
        started = time.process_time()
        rows = await db.attendance_between(store, day, day)
        send("who", content.message(texts.who(day, rows)))
        return (time.process_time() - started) * 1000

    async def edit() -> float:
        started = time.process_time()
        rows = await db.attendance_between(store, day, day)
        send("edit", content.edit("$post:localhost", texts.post(day, rows)))
        return (time.process_time() - started) * 1000

    figures: dict[str, Any] = {"members": members, "limit_ms": LIMIT_MS,
                               "rooms_rss_mb": round(rooms_mb, 1)}
    for name, call in (("who", who), ("edit", edit)):
        cold = await call()
        warm = [await call() for _ in range(repeat)]
        median = statistics.median(warm)
        figures[name] = {"cold_cpu_ms": round(cold, 2), "cpu_ms": round(median, 2),
                         "bytes": sizes[name], "cut_to_plain": bool(sizes[f"{name}_cut"]),
                         "verdict": "ok" if median <= LIMIT_MS else "over"}
    return figures


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.members, args.repeat)), indent=2))


if __name__ == "__main__":
    main()
