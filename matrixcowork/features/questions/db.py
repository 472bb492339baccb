"""Questions for a meeting's speaker, numbered per meeting, each keyed by the `!ask` that
asked it (a replay asks nothing twice) and linked to its own post once it is up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "questions asked for a meeting, with their posts and whether they were answered",
        """
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            occurrence_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL,
            room_id TEXT,
            post_event_id TEXT,
            answered_by TEXT,
            answered_at INTEGER,
            source_event_id TEXT NOT NULL UNIQUE,
            UNIQUE (occurrence_id, number)
        );
        """,
    ),
)


@dataclass(frozen=True)
class Question:
    id: int
    occurrence_id: int
    number: int
    author: str
    text: str
    room_id: str | None
    post_event_id: str | None
    answered_by: str | None

    @property
    def answered(self) -> bool:
        return self.answered_by is not None


def _question(row: Any) -> Question:
    return Question(row["id"], row["occurrence_id"], row["number"], row["author"], row["text"],
                    row["room_id"], row["post_event_id"], row["answered_by"])


async def ask(store: Store, occurrence_id: int, author: str, text: str, at: int,
              source_event_id: str) -> Question:
    """Once per command; the next number of the meeting."""
    async with store.transaction() as db:
        await db.execute(
            "INSERT OR IGNORE INTO questions (occurrence_id, number, author, text, at, "
            "source_event_id) SELECT ?, COALESCE(MAX(number), 0) + 1, ?, ?, ?, ? "
            "FROM questions WHERE occurrence_id = ?",
            (occurrence_id, author, text, at, source_event_id, occurrence_id),
        )
    found = await asked_by(store, source_event_id)
    assert found is not None
    return found


async def asked_by(store: Store, source_event_id: str) -> Question | None:
    row = await store.fetch_one("SELECT * FROM questions WHERE source_event_id = ?",
                                (source_event_id,))
    return _question(row) if row else None


async def get(store: Store, question_id: int) -> Question | None:
    row = await store.fetch_one("SELECT * FROM questions WHERE id = ?", (question_id,))
    return _question(row) if row else None


async def posted(store: Store, question_id: int, room_id: str, event_id: str) -> None:
    await store.execute("UPDATE questions SET room_id = ?, post_event_id = ? WHERE id = ?",
                        (room_id, event_id, question_id))


async def of_meeting(store: Store, occurrence_id: int) -> list[Question]:
    rows = await store.fetch_all(
        "SELECT * FROM questions WHERE occurrence_id = ? ORDER BY number", (occurrence_id,))
    return [_question(row) for row in rows]


async def by_number(store: Store, occurrence_id: int, number: int) -> Question | None:
    row = await store.fetch_one(
        "SELECT * FROM questions WHERE occurrence_id = ? AND number = ?",
        (occurrence_id, number))
    return _question(row) if row else None


async def count_by(store: Store, occurrence_id: int, author: str) -> int:
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM questions WHERE occurrence_id = ? AND author = ?",
        (occurrence_id, author))
    return row["n"] if row else 0


async def mark_answered(store: Store, question_id: int, by: str, at: int) -> None:
    await store.execute(
        "UPDATE questions SET answered_by = ?, answered_at = ? "
        "WHERE id = ? AND answered_by IS NULL", (by, at, question_id))
