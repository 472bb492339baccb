"""A community's history written straight into a bot database, as the bot would have left it.

500 members; on each working day about 40 of them check in (10,000 attendance rows a year),
most by reacting to that day's tracked post (one reaction row each), some by command; about
ten commands a day are marked handled. Every month one sync and two webinars take place (36
meetings a year). Deterministic (seeded), so runs compare.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from matrixcowork.core.store import Store
from matrixcowork.core.tracked import MIGRATIONS as TRACKED_MIGRATIONS
from matrixcowork.features.checkin import db as checkin_db
from matrixcowork.features.webinars import db as webinars_db
from matrixcowork.features.webinars.proposals import FEATURE as WEBINARS
from matrixcowork.meetings import db as meetings_db

MEMBERS = 500
PER_DAY = 40
COMMANDS_PER_DAY = 10
ROOM = "!coworking:localhost"
ONSITE, REMOTE = "\U0001F3E2", "\U0001F3E0"
DETMOLD = "\U0001F3ED"
OLD_PLACES = (("onsite", ONSITE, 0.4), ("remote", REMOTE, 1.0))
"""(place key, its reaction, cumulative share): the config without locations."""
REGION = (("bielefeld", ONSITE, 0.3), ("detmold", DETMOLD, 0.5), ("remote", REMOTE, 1.0))
"""Two locations and remote, for the figures with locations."""
PLANS_PER_DAY = 15  # members who planned the day ahead


def member(i: int) -> str:
    return f"@member{i:03d}:localhost"


async def migrated(path: Path) -> None:
    """Create the database with the tables of the core, the tracked posts and the check-in."""
    store = await Store.open(path)
    try:
        await store.migrate("tracked", TRACKED_MIGRATIONS)
        await store.migrate("checkin", checkin_db.MIGRATIONS)
        await store.migrate(meetings_db.COMPONENT, meetings_db.MIGRATIONS)
        await store.migrate(WEBINARS, webinars_db.MIGRATIONS)
    finally:
        await store.close()


def working_days(first: date, last: date) -> Iterator[date]:
    return (day for day in _days(first, last) if day.weekday() < 5)


def seed(path: Path, first: date, last: date, tz: ZoneInfo,
         places: tuple[tuple[str, str, float], ...] = OLD_PLACES) -> int:
    """Write the history of the working days from `first` to `last` at these places, and
    the plans made for them; returns attendance rows."""
    rng = random.Random(first.toordinal() * 7919 + last.toordinal())
    posts, reactions, attendance, handled, plans = [], [], [], [], []
    for day in working_days(first, last):
        post = f"$checkin-{day.isoformat()}"
        posts.append((post, ROOM, "checkin", "daily", day.isoformat(), day.isoformat(),
                      day.isoformat()))
        start = int(datetime.combine(day, time(9, 0), tz).timestamp())
        for n, i in enumerate(rng.sample(range(MEMBERS), rng.randint(PER_DAY - 10, PER_DAY + 10))):
            user, at = member(i), start + rng.randint(0, 4 * 3600)
            draw = rng.random()
            place, key = next((p, k) for p, k, share in places if draw < share)
            by_reaction = rng.random() < 0.85
            note = f"working on item {n}" if rng.random() < 0.2 else None
            attendance.append((day.isoformat(), user, place, at,
                               "reaction" if by_reaction else "command", note))
            if by_reaction:
                reactions.append((f"$r-{day.isoformat()}-{i}", post, user, key, at * 1000))
        for i in rng.sample(range(MEMBERS), PLANS_PER_DAY):
            plans.append((member(i), day.isoformat(), rng.choice(places)[0], start - 86400))
        handled += [(f"$c-{day.isoformat()}-{k}", start) for k in range(COMMANDS_PER_DAY)]
    _insert(path, posts, reactions, attendance, handled, plans)
    _insert_meetings(path, first, last, tz)
    return len(attendance)


def _insert_meetings(path: Path, first: date, last: date, tz: ZoneInfo) -> None:
    """A sync on the 1st and webinars on the 10th and 20th of each month (18:00), with the
    webinars' rows; those after `last - 90 days` are still to come or just held."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            for day in (d for d in _days(first, last) if d.day in (1, 10, 20)):
                kind = "sync" if day.day == 1 else "webinar"
                start = meetings_db.utc_text(datetime.combine(day, time(18, 0), tz))
                cursor = connection.execute(
                    "INSERT INTO meeting_occurrences (kind, title, slot, start_utc, duration_min, "
                    "conference, status) VALUES (?, ?, ?, ?, 60, ?, ?)",
                    (kind, f"{kind} {day}", start, start, f"cowork-{kind}-{day}",
                     "done" if day < last - timedelta(days=90) else "scheduled"))
                if kind == "webinar":
                    connection.execute(
                        "INSERT INTO webinars (source_event_id, title, description, speaker_id, "
                        "status, proposed_at, occurrence_id) VALUES (?, ?, ?, ?, 'scheduled', "
                        "0, ?)", (f"$w-{day}", f"Webinar {day}", "What we learned.",
                                  member(day.toordinal() % MEMBERS), cursor.lastrowid))
    finally:
        connection.close()


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _insert(path: Path, posts: list[tuple], reactions: list[tuple], attendance: list[tuple],
            handled: list[tuple], plans: list[tuple]) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.executemany(
                "INSERT INTO tracked_posts (event_id, room_id, feature, kind, subject, "
                "created_on, open_until) VALUES (?, ?, ?, ?, ?, ?, ?)", posts)
            connection.executemany(
                "INSERT INTO tracked_reactions (reaction_id, post_id, user_id, key, ts) "
                "VALUES (?, ?, ?, ?, ?)", reactions)
            connection.executemany(
                "INSERT INTO checkin_attendance (day, user_id, mode, at, source, note) "
                "VALUES (?, ?, ?, ?, ?, ?)", attendance)
            connection.executemany(
                "INSERT INTO handled_events (event_id, handled_at) VALUES (?, ?)", handled)
            connection.executemany(
                "INSERT INTO checkin_plans (user_id, day, place, made_at) VALUES (?, ?, ?, ?)",
                plans)
    finally:
        connection.close()
