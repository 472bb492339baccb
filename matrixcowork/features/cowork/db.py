"""Focus sprints, their members' goals and results, and calls on demand, behind verbs.

Rows that a command creates are keyed by the command's event id, so a command replayed after
a crash finds its sprint or call instead of starting a second one. Times are UTC text
(`meetings.db.utc_text`), sortable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...core.store import Migration, Store
from ...meetings.db import from_utc_text, utc_text

RUNNING, DONE = "running", "done"
BY_COMMAND, BY_REACTION, BY_REPLY = "command", "reaction", "reply"

MIGRATIONS = (
    Migration(
        "focus sprints with their members' goals and results; calls on demand",
        """
        CREATE TABLE cowork_sprints (
            id INTEGER PRIMARY KEY,
            command_id TEXT NOT NULL UNIQUE,
            room_id TEXT NOT NULL,
            starter TEXT NOT NULL,
            start_utc TEXT NOT NULL,
            end_utc TEXT NOT NULL,
            post_id TEXT,
            end_post_id TEXT,
            status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done'))
        );
        CREATE INDEX cowork_sprints_by_status ON cowork_sprints (status, end_utc);
        CREATE TABLE cowork_sprint_members (
            sprint_id INTEGER NOT NULL REFERENCES cowork_sprints (id),
            user_id TEXT NOT NULL,
            joined_by TEXT NOT NULL CHECK (joined_by IN ('command', 'reaction', 'reply')),
            goal TEXT,
            reached INTEGER NOT NULL DEFAULT 0 CHECK (reached IN (0, 1)),
            PRIMARY KEY (sprint_id, user_id)
        );
        CREATE INDEX cowork_sprint_members_by_user ON cowork_sprint_members (user_id);
        CREATE TABLE cowork_calls (
            id INTEGER PRIMARY KEY,
            command_id TEXT NOT NULL UNIQUE,
            room_id TEXT NOT NULL,
            conference TEXT NOT NULL UNIQUE,
            topic TEXT,
            starter TEXT NOT NULL,
            start_utc TEXT NOT NULL,
            timeout_utc TEXT NOT NULL,
            end_utc TEXT
        );
        CREATE INDEX cowork_calls_open ON cowork_calls (end_utc, timeout_utc);
        """,
    ),
)


# --- sprints ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sprint:
    id: int
    command_id: str
    room_id: str
    starter: str
    start: datetime
    end: datetime
    post_id: str | None
    end_post_id: str | None
    status: str


@dataclass(frozen=True)
class Member:
    user_id: str
    joined_by: str
    goal: str | None
    reached: bool


@dataclass(frozen=True)
class FocusFigures:
    joined: int
    reached: int


async def create_sprint(store: Store, command_id: str, room_id: str, starter: str,
                        start: datetime, end: datetime) -> Sprint:
    """The sprint this command started (created now, or found after a replay)."""
    await store.execute(
        "INSERT OR IGNORE INTO cowork_sprints (command_id, room_id, starter, start_utc, "
        "end_utc) VALUES (?, ?, ?, ?, ?)",
        (command_id, room_id, starter, utc_text(start), utc_text(end)),
    )
    row = await store.fetch_one("SELECT * FROM cowork_sprints WHERE command_id = ?",
                                (command_id,))
    assert row is not None
    return _sprint(row)


async def sprint(store: Store, sprint_id: int) -> Sprint | None:
    row = await store.fetch_one("SELECT * FROM cowork_sprints WHERE id = ?", (sprint_id,))
    return _sprint(row) if row else None


async def running_in(store: Store, room_id: str) -> Sprint | None:
    row = await store.fetch_one(
        "SELECT * FROM cowork_sprints WHERE room_id = ? AND status = ? ORDER BY id LIMIT 1",
        (room_id, RUNNING),
    )
    return _sprint(row) if row else None


async def running_with_post(store: Store, room_id: str, post_id: str) -> Sprint | None:
    row = await store.fetch_one(
        "SELECT * FROM cowork_sprints WHERE room_id = ? AND post_id = ? AND status = ?",
        (room_id, post_id, RUNNING),
    )
    return _sprint(row) if row else None


async def running(store: Store) -> list[Sprint]:
    rows = await store.fetch_all(
        "SELECT * FROM cowork_sprints WHERE status = ? ORDER BY end_utc, id", (RUNNING,)
    )
    return [_sprint(row) for row in rows]


async def set_post(store: Store, sprint_id: int, post_id: str) -> None:
    await store.execute("UPDATE cowork_sprints SET post_id = ? WHERE id = ?",
                        (post_id, sprint_id))


async def finish(store: Store, sprint_id: int, end_post_id: str) -> None:
    await store.execute(
        "UPDATE cowork_sprints SET status = ?, end_post_id = ? WHERE id = ?",
        (DONE, end_post_id, sprint_id),
    )


async def join(store: Store, sprint_id: int, user_id: str, joined_by: str,
               goal: str | None = None) -> None:
    """A member is in; a goal given replaces the one before, no goal keeps it."""
    await store.execute(
        "INSERT INTO cowork_sprint_members (sprint_id, user_id, joined_by, goal) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (sprint_id, user_id) "
        "DO UPDATE SET goal = coalesce(excluded.goal, goal)",
        (sprint_id, user_id, joined_by, goal),
    )


async def leave(store: Store, sprint_id: int, user_id: str) -> None:
    """Taking the 🙋 back: out, unless they came by command or named a goal."""
    await store.execute(
        "DELETE FROM cowork_sprint_members WHERE sprint_id = ? AND user_id = ? "
        "AND joined_by = ? AND goal IS NULL",
        (sprint_id, user_id, BY_REACTION),
    )


async def members(store: Store, sprint_id: int) -> list[Member]:
    rows = await store.fetch_all(
        "SELECT * FROM cowork_sprint_members WHERE sprint_id = ? ORDER BY rowid",
        (sprint_id,),
    )
    return [Member(r["user_id"], r["joined_by"], r["goal"], bool(r["reached"])) for r in rows]


async def set_reached(store: Store, sprint_id: int, user_id: str, reached: bool) -> None:
    await store.execute(
        "UPDATE cowork_sprint_members SET reached = ? WHERE sprint_id = ? AND user_id = ?",
        (int(reached), sprint_id, user_id),
    )


async def focus_figures(store: Store, user_id: str | None = None) -> FocusFigures:
    """Sprints joined and goals reached: one member's, or everyone's."""
    row = await store.fetch_one(
        "SELECT count(*) AS joined, coalesce(sum(m.reached), 0) AS reached "
        "FROM cowork_sprint_members m JOIN cowork_sprints s ON s.id = m.sprint_id "
        "WHERE s.status = ? AND (? IS NULL OR m.user_id = ?)",
        (DONE, user_id, user_id),
    )
    assert row is not None
    return FocusFigures(row["joined"], row["reached"])


async def finished_sprints(store: Store) -> int:
    row = await store.fetch_one("SELECT count(*) AS n FROM cowork_sprints WHERE status = ?",
                                (DONE,))
    assert row is not None
    return int(row["n"])


def _sprint(row: Any) -> Sprint:
    return Sprint(
        id=row["id"], command_id=row["command_id"], room_id=row["room_id"],
        starter=row["starter"], start=from_utc_text(row["start_utc"]),
        end=from_utc_text(row["end_utc"]),
        post_id=row["post_id"], end_post_id=row["end_post_id"], status=row["status"],
    )


# --- calls -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    id: int
    room_id: str
    conference: str
    topic: str | None
    starter: str
    start: datetime
    timeout: datetime


async def create_call(store: Store, command_id: str, room_id: str, conference: str,
                      topic: str | None, starter: str, start: datetime,
                      timeout: datetime) -> Call:
    """The call this command started (created now, or found after a replay)."""
    await store.execute(
        "INSERT OR IGNORE INTO cowork_calls (command_id, room_id, conference, topic, starter, "
        "start_utc, timeout_utc) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (command_id, room_id, conference, topic, starter, utc_text(start), utc_text(timeout)),
    )
    row = await store.fetch_one("SELECT * FROM cowork_calls WHERE command_id = ?",
                                (command_id,))
    assert row is not None
    return _call(row)


async def open_calls(store: Store, room_id: str | None = None) -> list[Call]:
    """Calls not ended yet (in one room, or everywhere), oldest first."""
    rows = await store.fetch_all(
        "SELECT * FROM cowork_calls WHERE end_utc IS NULL AND (? IS NULL OR room_id = ?) "
        "ORDER BY timeout_utc, id",
        (room_id, room_id),
    )
    return [_call(row) for row in rows]


async def end_call(store: Store, call_id: int, at: datetime) -> bool:
    """False if it had ended already."""
    return bool(await store.execute(
        "UPDATE cowork_calls SET end_utc = ? WHERE id = ? AND end_utc IS NULL",
        (utc_text(at), call_id),
    ))


def _call(row: Any) -> Call:
    return Call(
        id=row["id"], room_id=row["room_id"], conference=row["conference"], topic=row["topic"],
        starter=row["starter"], start=from_utc_text(row["start_utc"]),
        timeout=from_utc_text(row["timeout_utc"]),
    )
