"""The question of the week's tables: what was asked when, who answered, what was suggested."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "questions of the week: the asked ones, their answers, members' suggestions",
        """
        CREATE TABLE prompts_asked (
            day TEXT PRIMARY KEY,
            question TEXT NOT NULL,
            every_weeks INTEGER NOT NULL,
            room_id TEXT,
            event_id TEXT
        );
        CREATE INDEX prompts_asked_by_post ON prompts_asked (event_id);
        CREATE TABLE prompts_answers (
            event_id TEXT PRIMARY KEY,
            day TEXT NOT NULL REFERENCES prompts_asked (day),
            user_id TEXT NOT NULL
        );
        CREATE INDEX prompts_answers_by_day ON prompts_answers (day);
        CREATE TABLE prompts_suggestions (
            id INTEGER PRIMARY KEY,
            source_event_id TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved')),
            approved_by TEXT,
            approved_at INTEGER
        );
        """,
    ),
)


@dataclass(frozen=True)
class Asked:
    day: date
    question: str
    every_weeks: int
    room_id: str | None
    event_id: str | None
    answers: int  # distinct people who answered


@dataclass(frozen=True)
class Suggestion:
    id: int
    user_id: str
    text: str
    status: str


async def ask(store: Store, day: date, question: str, every_weeks: int, room_id: str) -> None:
    """Decide the day's question before it is sent (a restart sends the same one)."""
    await store.execute(
        "INSERT OR IGNORE INTO prompts_asked (day, question, every_weeks, room_id) "
        "VALUES (?, ?, ?, ?)",
        (day.isoformat(), question, every_weeks, room_id),
    )


async def set_post(store: Store, day: date, event_id: str) -> None:
    await store.execute("UPDATE prompts_asked SET event_id = ? WHERE day = ?",
                        (event_id, day.isoformat()))


async def asked(store: Store, newest: int | None = None) -> list[Asked]:
    """The asked questions with their answer counts, newest first."""
    rows = await store.fetch_all(
        "SELECT a.*, (SELECT COUNT(DISTINCT user_id) FROM prompts_answers n "
        "WHERE n.day = a.day) AS answers FROM prompts_asked a ORDER BY a.day DESC LIMIT ?",
        (-1 if newest is None else newest,),
    )
    return [_asked(row) for row in rows]


async def times_asked(store: Store) -> dict[str, int]:
    rows = await store.fetch_all(
        "SELECT question, COUNT(*) AS n FROM prompts_asked GROUP BY question")
    return {row["question"]: row["n"] for row in rows}


async def by_post(store: Store, room_id: str, event_id: str) -> Asked | None:
    rows = await store.fetch_all(
        "SELECT a.*, 0 AS answers FROM prompts_asked a WHERE event_id = ? AND room_id = ?",
        (event_id, room_id),
    )
    return _asked(rows[0]) if rows else None


async def answer(store: Store, event_id: str, day: date, user_id: str) -> bool:
    return await store.execute(
        "INSERT OR IGNORE INTO prompts_answers (event_id, day, user_id) VALUES (?, ?, ?)",
        (event_id, day.isoformat(), user_id),
    ) > 0


def _asked(row: Any) -> Asked:
    return Asked(date.fromisoformat(row["day"]), row["question"], row["every_weeks"],
                 row["room_id"], row["event_id"], row["answers"])


async def suggest(store: Store, source_event_id: str, user_id: str, text: str) -> Suggestion:
    """The suggestion of this command (a replayed command finds the same one)."""
    await store.execute(
        "INSERT OR IGNORE INTO prompts_suggestions (source_event_id, user_id, text) "
        "VALUES (?, ?, ?)",
        (source_event_id, user_id, text),
    )
    row = await store.fetch_one(
        "SELECT * FROM prompts_suggestions WHERE source_event_id = ?", (source_event_id,))
    assert row is not None
    return _suggestion(row)


async def suggestion(store: Store, suggestion_id: int) -> Suggestion | None:
    row = await store.fetch_one("SELECT * FROM prompts_suggestions WHERE id = ?",
                                (suggestion_id,))
    return _suggestion(row) if row else None


async def approve(store: Store, suggestion_id: int, by: str, at: int) -> bool:
    return await store.execute(
        "UPDATE prompts_suggestions SET status = 'approved', approved_by = ?, approved_at = ? "
        "WHERE id = ? AND status = 'open'",
        (by, at, suggestion_id),
    ) > 0


async def approved(store: Store) -> list[str]:
    rows = await store.fetch_all(
        "SELECT text FROM prompts_suggestions WHERE status = 'approved' "
        "ORDER BY approved_at, id")
    return [row["text"] for row in rows]


def _suggestion(row: Any) -> Suggestion:
    return Suggestion(row["id"], row["user_id"], row["text"], row["status"])
