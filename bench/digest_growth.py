"""Data growth of the weekly digest: its CPU time on 1, 10 and 100 years of history of a
500-member community (the store of `bench.data_growth`: about 10,000, 100,000 and 1,000,000
attendance rows, 36 meetings a year), measured as `!stats` is there.

The digest is built as the feature builds it, `DigestFeature.week` through the real offers of
the check-in, the sync (its meeting engine and agenda), the webinars, people and the coffee,
on a real database file with a fixed "now", then rendered. Besides the seeded history the
store holds what this week's digest shows (`this_week`: the next sync with 5 agenda items and
20 answers, a webinar, 30 newcomers with cards, a coffee round of 10 groups), the same at
every size; the tables that grow are the attendance, the tracked posts and reactions, the
meetings and the webinars. Every statement is traced and explained: a full scan of a growing
table is reported. Target: flat (largest <= 2 x smallest + 1 ms) and <= 50 ms of CPU.

    python -m bench.digest_growth [--sizes 1 10 100] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from matrixcowork.core.clock import FakeClock
from matrixcowork.core.config import parse_config
from matrixcowork.core.i18n import I18n
from matrixcowork.core.offers import (
    CHECKINS_BETWEEN,
    COFFEE_RESULT,
    NEW_MEMBERS,
    NEXT_SYNC,
    WEBINAR_NEWS,
    Offers,
)
from matrixcowork.core.store import Store
from matrixcowork.core.tracked import TrackedPosts
from matrixcowork.features.checkin import queries as checkin_queries
from matrixcowork.features.coffee import db as coffee_db
from matrixcowork.features.coffee import offered as coffee_offered
from matrixcowork.features.coffee.rounds import Rounds
from matrixcowork.features.digest import DigestFeature
from matrixcowork.features.digest import db as digest_db
from matrixcowork.features.people import db as people_db
from matrixcowork.features.people import offered as people_offered
from matrixcowork.features.sync import KIND as SYNC_KIND
from matrixcowork.features.sync import agenda
from matrixcowork.features.sync import offered as sync_offered
from matrixcowork.features.webinars import queries as webinar_queries
from matrixcowork.meetings.engine import MeetingEngine
from matrixcowork.meetings.steps import Timing
from matrixcowork.ops.health import DB_FILE

from .data_growth import FLAT, LIMIT_MS, NOW, SLACK_MS, TZ, full_scans, timed
from .homeserver import DEFAULT_WORKDIR
from .seed import member, migrated, seed
from .stats import meets, ratio


class Everyone:
    """The permissions of a community whose every member counts (the seed's members)."""

    def allows(self, user_id: str, access: Any) -> bool:
        return True


async def no_votes(webinar: Any) -> int:
    return 0  # the seed has no open proposals: never called


def digest_feature(data_dir: Path, store: Store) -> DigestFeature:
    """The digest feature with the other features' real offers on `store`."""
    config = parse_config({
        "homeserver": "http://127.0.0.1:1", "user_id": "@bot:localhost", "password": "-",
        "admins": ["@orga:localhost"], "data_dir": str(data_dir), "language": "en",
        "checkin": {"room": "coworking"}, "sync": {"room": "sync"},
        "webinars": {"room": "webinars"}, "coffee": {"room": "coworking"},
        "digest": {"room": "coworking"},
        "rooms": [{"key": key, "name": key, "alias": key}
                  for key in ("coworking", "sync", "webinars")],
    }, "bench", environ={})
    clock = FakeClock(TZ, NOW)
    i18n = I18n("en", TZ)
    tracked = TrackedPosts(store, None, clock, Everyone())  # type: ignore[arg-type]
    services: Any = SimpleNamespace(config=config, store=store, clock=clock, i18n=i18n,
                                    tracked=tracked, chat=None, offers=Offers(),
                                    client=SimpleNamespace(rooms={}))
    engine = MeetingEngine(services, SYNC_KIND, Timing(timedelta(days=7), ()), feature="sync",
                           label="monthly sync")
    rounds: Any = SimpleNamespace(services=services)
    rounds.met = partial(Rounds.met, rounds)  # the coffee's own rule: a ✅ on the follow-up
    offers: Offers = services.offers
    offers.provide(CHECKINS_BETWEEN, partial(checkin_queries.week, store))
    offers.provide(NEXT_SYNC, partial(sync_offered.next_sync, engine))
    offers.provide(WEBINAR_NEWS, partial(webinar_queries.news, store, no_votes, 3))
    offers.provide(NEW_MEMBERS, partial(people_offered.new_members, store))
    offers.provide(COFFEE_RESULT, partial(coffee_offered.result, rounds))
    return DigestFeature(services)


async def this_week(store: Store) -> None:
    """What the digest of `NOW` has to tell besides the check-ins (once, before any size)."""
    start = "2026-12-01T17:00:00Z"
    await store.execute(
        "INSERT INTO meeting_occurrences (kind, title, slot, start_utc, duration_min, "
        "conference, status) VALUES ('sync', 'Monthly sync', ?, ?, 60, "
        "'cowork-next-sync', 'scheduled')", (start, start))
    row = await store.fetch_one(
        "SELECT id FROM meeting_occurrences WHERE conference = 'cowork-next-sync'")
    assert row is not None
    occ = row["id"]
    for n in range(5):
        await agenda.add(store, occ, member(n), f"Topic {n}", 0, f"$agenda-{n}")
    await store.execute(
        "INSERT INTO tracked_posts (event_id, room_id, feature, kind, subject, created_on) "
        "VALUES ('$announce', '!sync:localhost', 'sync', 'announcement', ?, '2026-11-24')",
        (str(occ),))
    for n in range(20):
        await store.execute(
            "INSERT INTO tracked_reactions (reaction_id, post_id, user_id, key, ts) "
            "VALUES (?, '$announce', ?, '\u2705', ?)", (f"$rsvp-{n}", member(n), n))
    web = "2026-12-10T17:00:00Z"
    await store.execute(
        "INSERT INTO meeting_occurrences (kind, title, slot, start_utc, duration_min, "
        "conference, status) VALUES ('webinar', 'Webinar', ?, ?, 60, 'cowork-next-web', "
        "'scheduled')", (web, web))
    row = await store.fetch_one(
        "SELECT id FROM meeting_occurrences WHERE conference = 'cowork-next-web'")
    assert row is not None
    await store.execute(
        "INSERT INTO webinars (source_event_id, title, speaker_id, status, proposed_at, "
        "occurrence_id) VALUES ('$next-web', 'Matrix für Einsteiger', ?, 'scheduled', 0, ?)",
        (member(1), row["id"]))
    for n in range(30):
        await people_db.know(store, member(400 + n), NOW.date() - timedelta(days=3), "space")
        await people_db.set_text(store, member(400 + n), "intro", f"I am member {n}.", "now")
    groups = [((member(2 * n), member(2 * n + 1)), f"cowork-coffee-{n}") for n in range(10)]
    await coffee_db.save_round(store, NOW.date() - timedelta(days=7), "now", groups)


async def measure_size(data_dir: Path, path: Path, repeat: int) -> dict[str, Any]:
    statements: list[str] = []
    store = await Store.open(path)
    try:
        for component, migrations in (("sync", agenda.MIGRATIONS),
                                      ("people", people_db.MIGRATIONS),
                                      ("coffee", coffee_db.MIGRATIONS),
                                      ("digest", digest_db.MIGRATIONS)):
            await store.migrate(component, migrations)
        if await store.fetch_one("SELECT 1 FROM webinars WHERE source_event_id = '$next-web'"
                                 ) is None:
            await this_week(store)
        digest = digest_feature(data_dir, store)

        async def build() -> str | None:
            return digest.texts.digest(await digest.week(NOW))

        text = await build()
        await store._db.set_trace_callback(statements.append)
        figures: dict[str, Any] = {"digest_ms": await timed(build, repeat)}
        await store._db.set_trace_callback(None)
    finally:
        await store.close()
    figures["scans"] = full_scans(path, statements)
    figures["sections"] = [line for line in (text or "").split("\n\n")
                           if line.startswith("**")]
    return figures


async def measure(workdir: Path, sizes: list[int], repeat: int = 30) -> dict[str, Any]:
    data_dir = workdir / "digest-growth"
    path = data_dir / DB_FILE
    for stale in data_dir.glob(f"{DB_FILE}*"):
        stale.unlink()
    data_dir.mkdir(parents=True, exist_ok=True)
    await migrated(path)
    results: dict[str, Any] = {}
    total, last = 0, NOW.date()
    for years in sorted(sizes):  # each size adds older years to the same store
        first = NOW.date() - timedelta(days=round(365.25 * years) - 1)
        started = time.perf_counter()
        total += await asyncio.to_thread(seed, path, first, last, TZ)
        last = first - timedelta(days=1)
        figures = await measure_size(data_dir, path, repeat)
        figures.update(rows=total, seed_seconds=round(time.perf_counter() - started, 1))
        results[str(years)] = figures
    smallest, largest = results[min(results, key=int)], results[max(results, key=int)]
    cpu, base = largest["digest_ms"]["cpu"], smallest["digest_ms"]["cpu"]
    flat = cpu <= FLAT * base + SLACK_MS
    return {"sizes": results,
            "check": {"growth": round(ratio(cpu, base), 2), "largest_cpu": cpu,
                      "verdict": meets(cpu, LIMIT_MS) if flat else "MISSED"},
            "target": f"flat (largest <= {FLAT} x smallest + {SLACK_MS} ms) "
                      f"and <= {LIMIT_MS:.0f} ms CPU"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.workdir, args.sizes)), indent=2))


if __name__ == "__main__":
    main()
