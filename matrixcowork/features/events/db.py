"""Member events, the slots of their series, and personal calendar tokens, behind verbs.

An event is a series of one or more occurrences of the meeting engine (kind "event"). Each
occurrence belongs to a slot of its event (the rule's time, kept when it is moved), so a
cancelled or moved one never comes back. The `cause` (the creating command's event id) makes a
replayed `!event create` find the event it made the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...core.store import Migration, Store
from ...meetings.db import from_utc_text, utc_text

ACTIVE, ENDED = "active", "ended"

MIGRATIONS = (
    Migration(
        "member events, the slots of their series, and personal calendar tokens",
        """
        CREATE TABLE member_events (
            id INTEGER PRIMARY KEY,
            creator TEXT NOT NULL,
            title TEXT NOT NULL,
            place TEXT,
            minutes INTEGER NOT NULL CHECK (minutes > 0),
            recurrence TEXT,
            public INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
            cause TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX member_events_by_creator ON member_events (creator, status);
        CREATE TABLE member_event_slots (
            event_id INTEGER NOT NULL REFERENCES member_events (id),
            slot TEXT NOT NULL,
            occurrence_id INTEGER NOT NULL UNIQUE,
            PRIMARY KEY (event_id, slot)
        );
        CREATE TABLE calendar_tokens (
            user_id TEXT PRIMARY KEY,
            token TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
        );
        """,
    ),
)


@dataclass(frozen=True)
class MemberEvent:
    id: int
    creator: str
    title: str
    place: str | None  # None: a video call
    minutes: int
    recurrence: str | None  # a rule of the sync's kind ("every thu 18:00"), None: once
    public: bool
    status: str


@dataclass(frozen=True)
class NewEvent:
    creator: str
    title: str
    place: str | None
    minutes: int
    recurrence: str | None
    public: bool
    cause: str
    created_at: int


async def create(store: Store, new: NewEvent) -> MemberEvent:
    """Insert it, or find the one the same command made before a crash."""
    await store.execute(
        "INSERT OR IGNORE INTO member_events (creator, title, place, minutes, recurrence, "
        "public, cause, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (new.creator, new.title, new.place, new.minutes, new.recurrence, int(new.public),
         new.cause, new.created_at),
    )
    row = await store.fetch_one("SELECT * FROM member_events WHERE cause = ?", (new.cause,))
    assert row is not None
    return _event(row)


async def get(store: Store, event_id: int) -> MemberEvent | None:
    row = await store.fetch_one("SELECT * FROM member_events WHERE id = ?", (event_id,))
    return _event(row) if row else None


async def active(store: Store) -> list[MemberEvent]:
    rows = await store.fetch_all(
        "SELECT * FROM member_events WHERE status = ? ORDER BY id", (ACTIVE,))
    return [_event(row) for row in rows]


async def count_active_by(store: Store, creator: str) -> int:
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM member_events WHERE creator = ? AND status = ?",
        (creator, ACTIVE))
    return row["n"] if row else 0


async def end(store: Store, event_id: int) -> None:
    await store.execute("UPDATE member_events SET status = ? WHERE id = ?", (ENDED, event_id))


async def add_slot(store: Store, event_id: int, slot: datetime, occurrence_id: int) -> None:
    await store.execute(
        "INSERT OR IGNORE INTO member_event_slots (event_id, slot, occurrence_id) "
        "VALUES (?, ?, ?)", (event_id, utc_text(slot), occurrence_id))


async def has_slot(store: Store, event_id: int, slot: datetime) -> bool:
    row = await store.fetch_one(
        "SELECT 1 FROM member_event_slots WHERE event_id = ? AND slot = ?",
        (event_id, utc_text(slot)))
    return row is not None


async def occurrence_ids(store: Store, event_id: int) -> list[int]:
    rows = await store.fetch_all(
        "SELECT occurrence_id FROM member_event_slots WHERE event_id = ? ORDER BY slot",
        (event_id,))
    return [row["occurrence_id"] for row in rows]


async def last_slot(store: Store, event_id: int) -> datetime | None:
    row = await store.fetch_one(
        "SELECT MAX(slot) AS slot FROM member_event_slots WHERE event_id = ?", (event_id,))
    return from_utc_text(row["slot"]) if row and row["slot"] else None


async def created_by(store: Store, creator: str) -> list[int]:
    """The occurrence ids of every event this member created."""
    rows = await store.fetch_all(
        "SELECT s.occurrence_id FROM member_event_slots s JOIN member_events e "
        "ON e.id = s.event_id WHERE e.creator = ?", (creator,))
    return [row["occurrence_id"] for row in rows]


# --- personal calendar tokens -------------------------------------------------------------


async def token_of(store: Store, user_id: str) -> str | None:
    row = await store.fetch_one("SELECT token FROM calendar_tokens WHERE user_id = ?",
                                (user_id,))
    return row["token"] if row else None


async def set_token(store: Store, user_id: str, token: str, at: int) -> None:
    """A new token replaces the old one: the old address stops working."""
    await store.execute(
        "INSERT INTO calendar_tokens (user_id, token, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, "
        "created_at = excluded.created_at", (user_id, token, at))


async def owner_of(store: Store, token: str) -> str | None:
    row = await store.fetch_one("SELECT user_id FROM calendar_tokens WHERE token = ?",
                                (token,))
    return row["user_id"] if row else None


def _event(row: Any) -> MemberEvent:
    return MemberEvent(
        id=row["id"], creator=row["creator"], title=row["title"], place=row["place"],
        minutes=row["minutes"], recurrence=row["recurrence"], public=bool(row["public"]),
        status=row["status"],
    )


async def slot_of(store: Store, occurrence_id: int) -> datetime | None:
    row = await store.fetch_one(
        "SELECT slot FROM member_event_slots WHERE occurrence_id = ?", (occurrence_id,))
    return from_utc_text(row["slot"]) if row else None


async def event_of(store: Store, occurrence_id: int) -> MemberEvent | None:
    row = await store.fetch_one(
        "SELECT e.* FROM member_events e JOIN member_event_slots s ON s.event_id = e.id "
        "WHERE s.occurrence_id = ?", (occurrence_id,))
    return _event(row) if row else None


async def get_by_cause(store: Store, cause: str) -> MemberEvent | None:
    row = await store.fetch_one("SELECT * FROM member_events WHERE cause = ?", (cause,))
    return _event(row) if row else None
