"""Attendance and plans behind verbs: one row per member and day, whatever way they checked in
(`mode` is the place: a location key or `remote`), and one plan per member and day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "attendance: one row per member and day",
        """
        CREATE TABLE checkin_attendance (
            day TEXT NOT NULL,
            user_id TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('onsite', 'remote')),
            at INTEGER NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('reaction', 'command')),
            note TEXT,
            PRIMARY KEY (day, user_id)
        )
        """,
    ),
    Migration(
        "attendance by member: a member's days (their last coworking day for !whois) "
        "without reading every row",
        "CREATE INDEX checkin_attendance_by_user ON checkin_attendance (user_id, day)",
    ),
    Migration(
        "attendance by place: the mode is a location's key or remote, no longer only "
        "onsite/remote (rows keep their values; `onsite` becomes the first location at start)",
        """
        CREATE TABLE checkin_attendance_places (
            day TEXT NOT NULL,
            user_id TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (length(mode) BETWEEN 1 AND 24),
            at INTEGER NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('reaction', 'command')),
            note TEXT,
            PRIMARY KEY (day, user_id)
        );
        INSERT INTO checkin_attendance_places (day, user_id, mode, at, source, note)
            SELECT day, user_id, mode, at, source, note FROM checkin_attendance;
        DROP TABLE checkin_attendance;
        ALTER TABLE checkin_attendance_places RENAME TO checkin_attendance;
        CREATE INDEX checkin_attendance_by_user ON checkin_attendance (user_id, day);
        """,
    ),
    Migration(
        "plans: where a member means to work on a coming day",
        """
        CREATE TABLE checkin_plans (
            user_id TEXT NOT NULL,
            day TEXT NOT NULL,
            place TEXT NOT NULL,
            made_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, day)
        );
        CREATE INDEX checkin_plans_by_day ON checkin_plans (day);
        """,
    ),
)

REACTION = "reaction"
COMMAND = "command"


class Attendance(NamedTuple):
    """A member's day (a named tuple: `!who` and the post read 2,000 of them at once)."""

    day: date
    user_id: str
    mode: str
    at: int  # unix seconds of the first check-in that day
    source: str
    note: str | None


async def check_in(
    store: Store, day: date, user_id: str, mode: str, at: int, source: str,
    note: str | None = None,
) -> None:
    """Set the member's mode for the day; the first check-in time stays, a new note wins."""
    await store.execute(
        "INSERT INTO checkin_attendance (day, user_id, mode, at, source, note) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (day, user_id) DO UPDATE SET mode = excluded.mode, "
        "source = excluded.source, note = COALESCE(excluded.note, note)",
        (day.isoformat(), user_id, mode, at, source, note),
    )


async def check_out(store: Store, day: date, user_id: str, source: str | None = None) -> bool:
    """Remove the member's row (only if it came from `source`, when given)."""
    removed = await store.execute(
        "DELETE FROM checkin_attendance WHERE day = ? AND user_id = ? "
        "AND (? IS NULL OR source = ?)",
        (day.isoformat(), user_id, source, source),
    )
    return removed > 0


async def set_note(store: Store, day: date, user_id: str, note: str) -> bool:
    changed = await store.execute(
        "UPDATE checkin_attendance SET note = ? WHERE day = ? AND user_id = ?",
        (note, day.isoformat(), user_id),
    )
    return changed > 0


async def attendance_of(store: Store, day: date, user_id: str) -> Attendance | None:
    row = await store.fetch_one(
        f"SELECT {_ATTENDANCE} FROM checkin_attendance WHERE day = ? AND user_id = ?",
        (day.isoformat(), user_id),
    )
    return _attendance(row) if row else None


async def attendance_between(store: Store, first: date, last: date) -> list[Attendance]:
    """Every row from `first` to `last` (both included), by day and check-in time."""
    rows = await store.fetch_all(
        f"SELECT {_ATTENDANCE} FROM checkin_attendance WHERE day BETWEEN ? AND ? "
        "ORDER BY day, at, user_id",
        (first.isoformat(), last.isoformat()),
    )
    days: dict[str, date] = {}
    return [Attendance(days.get(row[0]) or days.setdefault(row[0], date.fromisoformat(row[0])),
                       row[1], row[2], row[3], row[4], row[5]) for row in rows]


_ATTENDANCE = "day, user_id, mode, at, source, note"  # Attendance's fields, in order


def _attendance(row: Any) -> Attendance:
    return Attendance(date.fromisoformat(row[0]), row[1], row[2], row[3], row[4], row[5])


async def rename_place(store: Store, old: str, new: str) -> int:
    """Rows of the place `old` now say `new` (the old `onsite` becomes the first location);
    run at every start, so it is a no-op once done. Returns how many rows changed."""
    async with store.transaction() as conn:
        first = await conn.execute(
            "UPDATE checkin_attendance SET mode = ? WHERE mode = ?", (new, old))
        second = await conn.execute(
            "UPDATE checkin_plans SET place = ? WHERE place = ?", (new, old))
        return first.rowcount + second.rowcount


# --- plans -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    user_id: str
    day: date
    place: str


async def plan(store: Store, user_id: str, day: date, place: str, made_at: int) -> None:
    """One plan per member and day: a new one replaces it."""
    await store.execute(
        "INSERT INTO checkin_plans (user_id, day, place, made_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user_id, day) DO UPDATE SET place = excluded.place, "
        "made_at = excluded.made_at",
        (user_id, day.isoformat(), place, made_at),
    )


async def plans_of(store: Store, user_id: str, since: date) -> list[Plan]:
    rows = await store.fetch_all(
        "SELECT * FROM checkin_plans WHERE user_id = ? AND day >= ? ORDER BY day",
        (user_id, since.isoformat()),
    )
    return [_plan(row) for row in rows]


async def plans_between(store: Store, first: date, last: date) -> list[Plan]:
    """Everyone's plans from `first` to `last` (both included), by day and when made."""
    rows = await store.fetch_all(
        "SELECT * FROM checkin_plans WHERE day BETWEEN ? AND ? ORDER BY day, made_at, user_id",
        (first.isoformat(), last.isoformat()),
    )
    return [_plan(row) for row in rows]


async def count_plans(store: Store, user_id: str, since: date) -> int:
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM checkin_plans WHERE user_id = ? AND day >= ?",
        (user_id, since.isoformat()),
    )
    return row["n"] if row else 0


async def clear_plans(store: Store, user_id: str, since: date, day: date | None = None) -> int:
    """Take back the member's plans from `since` on (or only the one of `day`)."""
    return await store.execute(
        "DELETE FROM checkin_plans WHERE user_id = ? AND day >= ? AND (? IS NULL OR day = ?)",
        (user_id, since.isoformat(), day and day.isoformat(), day and day.isoformat()),
    )


def _plan(row: Any) -> Plan:
    return Plan(user_id=row["user_id"], day=date.fromisoformat(row["day"]), place=row["place"])
