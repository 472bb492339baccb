"""Comments on a meeting, for the organizers and the speaker only, keyed by the command that
wrote each. Ratings are not stored here: they are the reactions to the feedback post (the
tracked posts' rows), read when needed."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "comments on meetings, for organizers and speakers",
        """
        CREATE TABLE feedback_comments (
            id INTEGER PRIMARY KEY,
            occurrence_id INTEGER NOT NULL,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL,
            source_event_id TEXT NOT NULL UNIQUE
        );
        CREATE INDEX feedback_comments_by_occurrence ON feedback_comments (occurrence_id, id);
        """,
    ),
    Migration(
        "which speakers got their webinar's feedback once its week was over",
        "CREATE TABLE feedback_told (occurrence_id INTEGER PRIMARY KEY, at INTEGER NOT NULL);",
    ),
)


@dataclass(frozen=True)
class Comment:
    author: str
    text: str


async def add(store: Store, occurrence_id: int, author: str, text: str, at: int,
              source_event_id: str) -> None:
    await store.execute(
        "INSERT OR IGNORE INTO feedback_comments (occurrence_id, author, text, at, "
        "source_event_id) VALUES (?, ?, ?, ?, ?)",
        (occurrence_id, author, text, at, source_event_id))


async def of_meeting(store: Store, occurrence_id: int) -> list[Comment]:
    rows = await store.fetch_all(
        "SELECT author, text FROM feedback_comments WHERE occurrence_id = ? ORDER BY id",
        (occurrence_id,))
    return [Comment(row["author"], row["text"]) for row in rows]


async def count_by(store: Store, occurrence_id: int, author: str) -> int:
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM feedback_comments WHERE occurrence_id = ? AND author = ?",
        (occurrence_id, author))
    return row["n"] if row else 0


async def told(store: Store) -> set[int]:
    rows = await store.fetch_all("SELECT occurrence_id FROM feedback_told")
    return {row["occurrence_id"] for row in rows}


async def mark_told(store: Store, occurrence_id: int, at: int) -> None:
    await store.execute("INSERT OR IGNORE INTO feedback_told (occurrence_id, at) VALUES (?, ?)",
                        (occurrence_id, at))
