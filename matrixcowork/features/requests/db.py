"""Requests to join (knocks) and the notes about new members, behind verbs.

A request is keyed by the knock's event id, so a knock seen twice (the timeline and, after a
gap or a restart, the room state) is one request; a person has at most one open request. The
decision is a conditional update of the open row: whoever's reaction comes first decides, a
second organizer's changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "requests to join the space (knocks), and notes about people who joined",
        """
        CREATE TABLE join_requests (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            room_id TEXT NOT NULL,
            knock_event_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN
                ('open', 'accepted', 'declined', 'joined', 'withdrawn')),
            post_room_id TEXT,
            post_event_id TEXT,
            decided_by TEXT,
            asked_at TEXT NOT NULL,
            decided_at TEXT
        );
        CREATE UNIQUE INDEX join_requests_one_open ON join_requests (user_id)
            WHERE status = 'open';
        CREATE TABLE join_notes (
            event_id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            note_event_id TEXT NOT NULL
        );
        """,
    ),
)

OPEN = "open"


@dataclass(frozen=True)
class Request:
    id: int
    user_id: str
    room_id: str
    knock_event_id: str
    name: str
    reason: str
    status: str
    post_room_id: str | None
    post_event_id: str | None
    decided_by: str | None
    asked_at: str


def _request(row: Any) -> Request:
    return Request(row["id"], row["user_id"], row["room_id"], row["knock_event_id"],
                   row["name"], row["reason"], row["status"], row["post_room_id"],
                   row["post_event_id"], row["decided_by"], row["asked_at"])


async def add(store: Store, user_id: str, room_id: str, knock_event_id: str, name: str,
              reason: str, now: str) -> Request | None:
    """A new open request; None if this knock is known or the person has one open."""
    added = await store.execute(
        "INSERT OR IGNORE INTO join_requests "
        "(user_id, room_id, knock_event_id, name, reason, asked_at) VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, room_id, knock_event_id, name, reason, now),
    )
    if not added:
        return None
    return await by_knock(store, knock_event_id)


async def asked_since(store: Store, user_id: str, since: str) -> int:
    """How many requests this person made since then (a flood of knock, withdraw, knock)."""
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM join_requests WHERE user_id = ? AND asked_at >= ?",
        (user_id, since))
    return int(row["n"]) if row else 0


async def by_knock(store: Store, knock_event_id: str) -> Request | None:
    row = await store.fetch_one("SELECT * FROM join_requests WHERE knock_event_id = ?",
                                (knock_event_id,))
    return _request(row) if row else None


async def get(store: Store, request_id: int) -> Request | None:
    row = await store.fetch_one("SELECT * FROM join_requests WHERE id = ?", (request_id,))
    return _request(row) if row else None


async def open_of(store: Store, user_id: str) -> Request | None:
    row = await store.fetch_one(
        "SELECT * FROM join_requests WHERE user_id = ? AND status = 'open'", (user_id,))
    return _request(row) if row else None


async def latest_of(store: Store, user_id: str) -> Request | None:
    row = await store.fetch_one(
        "SELECT * FROM join_requests WHERE user_id = ? ORDER BY id DESC LIMIT 1", (user_id,))
    return _request(row) if row else None


async def open_requests(store: Store, room_id: str | None = None) -> list[Request]:
    """Open requests, oldest first (of one room, if given)."""
    rows = await store.fetch_all(
        "SELECT * FROM join_requests WHERE status = 'open' AND (? IS NULL OR room_id = ?) "
        "ORDER BY id", (room_id, room_id))
    return [_request(row) for row in rows]


async def unposted(store: Store) -> list[Request]:
    """Open requests whose post was not sent (a crash in between): posted after a restart."""
    rows = await store.fetch_all(
        "SELECT * FROM join_requests WHERE status = 'open' AND post_event_id IS NULL ORDER BY id")
    return [_request(row) for row in rows]


async def set_post(store: Store, request_id: int, room_id: str, event_id: str) -> None:
    await store.execute(
        "UPDATE join_requests SET post_room_id = ?, post_event_id = ? WHERE id = ?",
        (room_id, event_id, request_id))


async def decide(store: Store, request_id: int, status: str, by: str | None, now: str) -> bool:
    """Close an open request; False if it was closed already (someone was quicker)."""
    return await store.execute(
        "UPDATE join_requests SET status = ?, decided_by = ?, decided_at = ? "
        "WHERE id = ? AND status = 'open'", (status, by, now, request_id)) > 0


async def reopen(store: Store, request_id: int) -> None:
    """The decision could not be carried out (the homeserver refused): open again."""
    await store.execute(
        "UPDATE join_requests SET status = 'open', decided_by = NULL, decided_at = NULL "
        "WHERE id = ?", (request_id,))


async def noted(store: Store, event_id: str) -> bool:
    row = await store.fetch_one("SELECT 1 FROM join_notes WHERE event_id = ?", (event_id,))
    return row is not None


async def record_note(store: Store, event_id: str, user_id: str, note_event_id: str) -> None:
    await store.execute(
        "INSERT OR IGNORE INTO join_notes (event_id, user_id, note_event_id) VALUES (?, ?, ?)",
        (event_id, user_id, note_event_id))


async def latest_note(store: Store, user_id: str) -> str | None:
    """The event id of the organizers' note about this person's latest join."""
    row = await store.fetch_one(
        "SELECT note_event_id FROM join_notes WHERE user_id = ? ORDER BY rowid DESC LIMIT 1",
        (user_id,))
    return row["note_event_id"] if row else None
