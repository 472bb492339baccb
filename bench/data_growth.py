"""Data growth: `!who`, `!stats`, `!whois`'s last coworking day, the export and the calendar
feed on 1, 10 and 100 years of history of a 500-member community (about 10,000, 100,000 and
1,000,000 attendance rows at two locations and remote, 15 plans a day; 36 meetings a year).

The figures call the check-in feature's own verbs and renderers with a fixed "now", on a real
database file; the baseline is the same work on the smallest store. Every statement they run is
traced and explained: a full scan of a growing table is reported. Target: flat, and <= 50 ms
for `!who` and `!stats` at the largest size.

    python -m bench.data_growth [--sizes 1 10 100] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from matrixcowork.core.clock import FakeClock
from matrixcowork.core.config import parse_config
from matrixcowork.core.i18n import I18n
from matrixcowork.core.store import Store
from matrixcowork.core.tracked import TrackedPosts
from matrixcowork.features.checkin import db
from matrixcowork.features.checkin.export import export_attendance
from matrixcowork.features.checkin.queries import last_day
from matrixcowork.features.checkin.stats import month_range, month_stats
from matrixcowork.features.checkin.texts import CheckinTexts
from matrixcowork.features.webinars.calendar import build_calendar
from matrixcowork.features.webinars.events import FEED_PAST
from matrixcowork.features.webinars.listing import public_events
from matrixcowork.ops.health import DB_FILE

from .homeserver import DEFAULT_WORKDIR
from .seed import REGION, member, migrated, seed
from .stats import meets, ratio

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 30, 9, 30, tzinfo=TZ)  # a Monday: `!stats` sees a whole month
LIMIT_MS = 50.0
MEMBER = member(1)
FLAT, SLACK_MS = 2.0, 1.0  # "flat": largest <= FLAT x smallest + SLACK_MS (timer noise)
GROWING = ("checkin_attendance", "checkin_plans", "tracked_posts", "tracked_reactions",
           "handled_events", "meeting_occurrences", "webinars")


async def timed(call: Callable[[], Awaitable[Any]], repeat: int) -> dict[str, float]:
    """Medians of `repeat` runs in ms: wall time, and the CPU time of the process (all its
    threads, aiosqlite's included), which a loaded machine does not inflate."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        await call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {"wall": round(statistics.median(wall), 2), "cpu": round(statistics.median(cpu), 2)}


class Workload:
    """The queries of `!who`, `!stats` and the export, as the feature runs them."""

    def __init__(self, data_dir: Path) -> None:
        self.config = parse_config({
            "homeserver": "http://127.0.0.1:1", "user_id": "@bot:localhost", "password": "-",
            "admins": ["@orga:localhost"], "data_dir": str(data_dir), "language": "en",
            "checkin": {"room": "coworking", "locations": [
                {"key": "bielefeld", "name": "Bielefeld", "emoji": "\U0001F3E2"},
                {"key": "detmold", "name": "Detmold", "emoji": "\U0001F3ED"}]},
            "sync": {"room": "sync", "public": True},
            "webinars": {"room": "webinars"}, "rooms": [
                {"key": key, "name": key, "alias": key}
                for key in ("coworking", "sync", "webinars")],
        }, "bench", environ={})
        assert self.config.checkin is not None
        self.render = CheckinTexts(I18n("en", TZ), self.config.checkin, "!", lambda user: user)
        self.store: Store | None = None

    async def who(self) -> str:
        assert self.store
        day = NOW.date()
        return self.render.who(day, await db.attendance_between(self.store, day, day),
                               await db.plans_between(self.store, day, day))

    async def stats(self) -> str:
        assert self.store
        first, last = month_range(NOW.date())
        figures = month_stats(first, await db.attendance_between(self.store, first, last))
        return self.render.stats(figures, "@orga:localhost", see_all=True)

    async def export_year(self) -> int:
        """`matrixcowork export attendance` of the last twelve months, as CSV."""
        last = NOW.date()
        return await export_attendance(self.config, last - timedelta(days=365), last, "csv",
                                       io.StringIO())

    async def calendar_feed(self) -> bytes:
        """`/calendar.ics`: the public syncs and webinars from 90 days ago on."""
        services: Any = SimpleNamespace(config=self.config, store=self.store)
        events = await public_events(services, NOW - FEED_PAST, lambda user: user,
                                     lambda conference: f"https://meet.jit.si/{conference}")
        return build_calendar(events, "Coworking", TZ, NOW)

    async def whois_newcomer(self) -> None:
        """`!whois` of someone who never checked in: their last coworking day (none)."""
        assert self.store
        await last_day(self.store, "@newcomer:localhost")

    async def reaction_reads(self) -> None:
        """What a reaction and a command read besides their writes: the post, the member's
        reactions to it, the member's day, whether the command was handled."""
        assert self.store
        everyone: Any = SimpleNamespace(allows=lambda user_id, access: True)
        tracked = TrackedPosts(self.store, None, FakeClock(TZ, NOW),  # type: ignore[arg-type]
                               everyone)
        post = await tracked.find("checkin", "daily", NOW.date().isoformat())
        assert post is not None
        await tracked.get(post.event_id)
        await tracked.reactions(post, MEMBER)
        await db.attendance_of(self.store, NOW.date(), MEMBER)
        await self.store.was_handled("$command")


async def measure_size(work: Workload, path: Path, repeat: int) -> dict[str, Any]:
    statements: list[str] = []
    work.store = await Store.open(path)
    try:
        await work.store._db.set_trace_callback(statements.append)
        figures = {
            "who_ms": await timed(work.who, repeat),
            "stats_ms": await timed(work.stats, repeat),
            "reaction_reads_ms": await timed(work.reaction_reads, repeat),
            "whois_newcomer_ms": await timed(work.whois_newcomer, repeat),
            "calendar_feed_ms": await timed(work.calendar_feed, max(1, repeat // 3)),
        }
        await work.store._db.set_trace_callback(None)
    finally:
        await work.store.close()
        work.store = None
    figures["export_year_ms"] = await timed(work.export_year, max(1, repeat // 10))
    figures["scans"] = full_scans(path, statements)
    return figures


def full_scans(path: Path, statements: list[str]) -> list[str]:
    """Statements whose plan reads a whole growing table or a whole index of it (a SEARCH
    without a condition on the index, as SQLite plans MIN/MAX over a column it cannot seek)."""
    connection = sqlite3.connect(path)
    found = set()
    try:
        for sql in set(statements):
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}"):
                detail = row[-1]
                if any(detail.startswith(f"SCAN {table}") or (
                        detail.startswith(f"SEARCH {table} ") and "(" not in detail)
                       for table in GROWING):
                    found.add(f"{detail}: {sql[:120]}")
    finally:
        connection.close()
    return sorted(found)


async def measure(workdir: Path, sizes: list[int], repeat: int = 30) -> dict[str, Any]:
    data_dir = workdir / "growth"
    path = data_dir / DB_FILE
    for stale in data_dir.glob(f"{DB_FILE}*"):
        stale.unlink()
    data_dir.mkdir(parents=True, exist_ok=True)
    await migrated(path)
    work = Workload(data_dir)
    results: dict[str, Any] = {}
    total, last = 0, NOW.date()
    for years in sorted(sizes):  # each size adds older years to the same store
        first = NOW.date() - timedelta(days=round(365.25 * years) - 1)
        started = time.perf_counter()
        total += await asyncio.to_thread(seed, path, first, last, TZ, REGION)
        last = first - timedelta(days=1)
        figures = await measure_size(work, path, repeat)
        figures.update(rows=total, seed_seconds=round(time.perf_counter() - started, 1))
        results[str(years)] = figures
    return verdict(results)


def verdict(results: dict[str, Any]) -> dict[str, Any]:
    """Judged on CPU time: on a machine shared with other work, wall time mostly measures
    the wait for a core (both are reported)."""
    smallest, largest = results[min(results, key=int)], results[max(results, key=int)]
    checks = {}
    for name in ("who_ms", "stats_ms"):
        cpu, base = largest[name]["cpu"], smallest[name]["cpu"]
        flat = cpu <= FLAT * base + SLACK_MS
        checks[name] = {"growth": round(ratio(cpu, base), 2), "largest_cpu": cpu,
                        "verdict": meets(cpu, LIMIT_MS) if flat else "MISSED"}
    return {"sizes": results, "checks": checks,
            "target": f"flat (largest <= {FLAT} x smallest + {SLACK_MS} ms) "
                      f"and <= {LIMIT_MS:.0f} ms CPU"}


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.workdir, args.sizes)), indent=2))


if __name__ == "__main__":
    main()
