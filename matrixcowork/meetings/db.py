"""Occurrences, the steps done for each, and attendance, behind verbs.

Times are stored in UTC as `YYYY-MM-DDTHH:MM:SSZ` (sortable text). A recurring series names
each occurrence by its slot (the rule's time, kept when the meeting is moved), so a slot is
created once even if it is cancelled or moved.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..core.store import Migration, Store

COMPONENT = "meetings"
SCHEDULED, CANCELLED, DONE = "scheduled", "cancelled", "done"
RAN, SKIPPED = "done", "skipped"

MIGRATIONS = (
    Migration(
        "meeting occurrences, their steps and attendance",
        """
        CREATE TABLE meeting_occurrences (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            room_key TEXT,
            room_id TEXT,
            slot TEXT,
            start_utc TEXT NOT NULL,
            duration_min INTEGER NOT NULL CHECK (duration_min > 0),
            conference TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL DEFAULT 'scheduled'
                CHECK (status IN ('scheduled', 'cancelled', 'done')),
            extra TEXT NOT NULL DEFAULT '{}',
            UNIQUE (kind, slot)
        );
        CREATE INDEX meeting_occurrences_by_status ON meeting_occurrences (kind, status, start_utc);
        CREATE TABLE meeting_steps (
            occurrence_id INTEGER NOT NULL REFERENCES meeting_occurrences (id),
            step TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('done', 'skipped')),
            at TEXT NOT NULL,
            PRIMARY KEY (occurrence_id, step)
        );
        CREATE TABLE meeting_attendance (
            occurrence_id INTEGER NOT NULL REFERENCES meeting_occurrences (id),
            user_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (occurrence_id, user_id)
        );
        """,
    ),
    Migration(
        "meeting posts belong to the feature whose meeting it is (its reaction handlers)",
        """
        UPDATE tracked_posts SET feature = CASE feature
            WHEN 'meetings.sync' THEN 'sync'
            WHEN 'meetings.webinar' THEN 'webinars'
            WHEN 'meetings.cowork' THEN 'cowork' END
        WHERE feature IN ('meetings.sync', 'meetings.webinar', 'meetings.cowork');
        """,
    ),
    Migration(
        "how often an occurrence was moved or cancelled (a calendar's SEQUENCE only goes up)",
        """
        ALTER TABLE meeting_occurrences ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
        UPDATE meeting_occurrences
        SET changes = (slot IS NOT NULL AND slot != start_utc) + (status = 'cancelled');
        """,
    ),
)
TABLES = (COMPONENT, MIGRATIONS)  # for the features that use the engine (`shared_tables`)


def utc_text(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_utc_text(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Occurrence:
    id: int
    kind: str
    title: str
    room_key: str | None
    room_id: str | None
    slot: str | None
    start: datetime  # UTC
    duration: timedelta
    conference: str
    status: str
    extra: dict[str, Any]
    changes: int = 0  # moves and cancellations so far

    @property
    def end(self) -> datetime:
        return self.start + self.duration


@dataclass(frozen=True)
class NewOccurrence:
    kind: str
    title: str
    start: datetime
    duration: timedelta
    conference: str
    room_key: str | None = None
    room_id: str | None = None
    slot: datetime | None = None
    extra: dict[str, Any] | None = None


async def create(store: Store, new: NewOccurrence) -> Occurrence | None:
    """Insert it; None when the series already has this slot."""
    async with store.transaction() as db:
        cursor = await db.execute(
            "INSERT OR IGNORE INTO meeting_occurrences (kind, title, room_key, room_id, slot, "
            "start_utc, duration_min, conference, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (new.kind, new.title, new.room_key, new.room_id,
             utc_text(new.slot) if new.slot else None, utc_text(new.start),
             int(new.duration.total_seconds() // 60), new.conference,
             json.dumps(new.extra or {})),
        )
        occurrence_id = cursor.lastrowid if cursor.rowcount else None
    return await get(store, occurrence_id) if occurrence_id else None


async def get(store: Store, occurrence_id: int) -> Occurrence | None:
    row = await store.fetch_one(
        "SELECT * FROM meeting_occurrences WHERE id = ?", (occurrence_id,)
    )
    return _occurrence(row) if row else None


async def has_slot(store: Store, kind: str, slot: datetime) -> bool:
    row = await store.fetch_one(
        "SELECT 1 FROM meeting_occurrences WHERE kind = ? AND slot = ?", (kind, utc_text(slot))
    )
    return row is not None


async def scheduled(store: Store, kind: str) -> list[Occurrence]:
    """The occurrences still to come or running (not cancelled, not done), by start."""
    rows = await store.fetch_all(
        "SELECT * FROM meeting_occurrences WHERE kind = ? AND status = ? ORDER BY start_utc, id",
        (kind, SCHEDULED),
    )
    return [_occurrence(row) for row in rows]


async def scheduled_from(store: Store, kind: str, start: datetime) -> list[Occurrence]:
    """The scheduled occurrences of a kind starting at or after `start`, by start."""
    rows = await store.fetch_all(
        "SELECT * FROM meeting_occurrences WHERE kind = ? AND status = ? AND start_utc >= ? "
        "ORDER BY start_utc, id",
        (kind, SCHEDULED, utc_text(start)),
    )
    return [_occurrence(row) for row in rows]


async def of_kind(store: Store, kind: str, statuses: Sequence[str]) -> list[Occurrence]:
    """The occurrences of a kind with one of these statuses, by start."""
    rows = await store.fetch_all(
        f"SELECT * FROM meeting_occurrences WHERE kind = ? "
        f"AND status IN ({','.join('?' * len(statuses))}) ORDER BY start_utc, id",
        (kind, *statuses),
    )
    return [_occurrence(row) for row in rows]


async def starting_from(store: Store, kind: str, start: datetime) -> list[Occurrence]:
    """Every occurrence of a kind starting at or after `start`, whatever its status, by start
    (public listings show cancelled ones as cancelled)."""
    rows = await store.fetch_all(
        "SELECT * FROM meeting_occurrences WHERE kind = ? AND start_utc >= ? "
        "ORDER BY start_utc, id",
        (kind, utc_text(start)),
    )
    return [_occurrence(row) for row in rows]


async def set_status(store: Store, occurrence_id: int, status: str) -> None:
    await store.execute(
        "UPDATE meeting_occurrences SET status = ?, "
        "changes = changes + (? = 'cancelled' AND status != 'cancelled') WHERE id = ?",
        (status, status, occurrence_id),
    )


async def set_start(store: Store, occurrence_id: int, start: datetime) -> None:
    await store.execute(
        "UPDATE meeting_occurrences SET changes = changes + (start_utc != ?), start_utc = ? "
        "WHERE id = ?",
        (utc_text(start), utc_text(start), occurrence_id),
    )


async def set_room_id(store: Store, occurrence_id: int, room_id: str) -> None:
    await store.execute(
        "UPDATE meeting_occurrences SET room_id = ? WHERE id = ?", (room_id, occurrence_id)
    )


async def steps_of(store: Store, occurrence_id: int) -> dict[str, str]:
    """Step name -> outcome ('done' or 'skipped') of what was handled."""
    rows = await store.fetch_all(
        "SELECT step, outcome FROM meeting_steps WHERE occurrence_id = ?", (occurrence_id,)
    )
    return {row["step"]: row["outcome"] for row in rows}


async def record_step(
    store: Store, occurrence_id: int, step: str, outcome: str, at: datetime
) -> None:
    await store.execute(
        "INSERT OR IGNORE INTO meeting_steps (occurrence_id, step, outcome, at) "
        "VALUES (?, ?, ?, ?)",
        (occurrence_id, step, outcome, utc_text(at)),
    )


async def forget_steps(store: Store, occurrence_id: int, steps: list[str]) -> None:
    """Let these steps happen again (reminders after a move)."""
    await store.execute(
        f"DELETE FROM meeting_steps WHERE occurrence_id = ? "
        f"AND step IN ({','.join('?' * len(steps))})",
        (occurrence_id, *steps),
    )


async def attend(store: Store, occurrence_id: int, user_id: str, at: int) -> None:
    await store.execute(
        "INSERT OR IGNORE INTO meeting_attendance (occurrence_id, user_id, at) VALUES (?, ?, ?)",
        (occurrence_id, user_id, at),
    )


async def unattend(store: Store, occurrence_id: int, user_id: str) -> None:
    await store.execute(
        "DELETE FROM meeting_attendance WHERE occurrence_id = ? AND user_id = ?",
        (occurrence_id, user_id),
    )


async def attendees(store: Store, occurrence_id: int) -> list[str]:
    rows = await store.fetch_all(
        "SELECT user_id FROM meeting_attendance WHERE occurrence_id = ? ORDER BY at, user_id",
        (occurrence_id,),
    )
    return [row["user_id"] for row in rows]


def _occurrence(row: Any) -> Occurrence:
    return Occurrence(
        id=row["id"],
        kind=row["kind"],
        title=row["title"],
        room_key=row["room_key"],
        room_id=row["room_id"],
        slot=row["slot"],
        start=from_utc_text(row["start_utc"]),
        duration=timedelta(minutes=row["duration_min"]),
        conference=row["conference"],
        status=row["status"],
        extra=json.loads(row["extra"]),
        changes=row["changes"],
    )
