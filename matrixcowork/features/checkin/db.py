"""Attendance behind verbs: one row per member and day, whatever way they checked in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

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
)

REACTION = "reaction"
COMMAND = "command"


@dataclass(frozen=True)
class Attendance:
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
        "SELECT * FROM checkin_attendance WHERE day = ? AND user_id = ?",
        (day.isoformat(), user_id),
    )
    return _attendance(row) if row else None


async def attendance_between(store: Store, first: date, last: date) -> list[Attendance]:
    """Every row from `first` to `last` (both included), by day and check-in time."""
    rows = await store.fetch_all(
        "SELECT * FROM checkin_attendance WHERE day BETWEEN ? AND ? ORDER BY day, at, user_id",
        (first.isoformat(), last.isoformat()),
    )
    return [_attendance(row) for row in rows]


def _attendance(row: Any) -> Attendance:
    return Attendance(
        day=date.fromisoformat(row["day"]),
        user_id=row["user_id"],
        mode=row["mode"],
        at=row["at"],
        source=row["source"],
        note=row["note"],
    )
