"""The update round: who opted in, each sync's round (its post, when asked and reminded),
who was asked, and the answers (one row per person and sync, changed by a later answer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "the update round before each sync: opt-ins, rounds, who was asked, answers",
        """
        CREATE TABLE updates_optin (user_id TEXT PRIMARY KEY, since INTEGER NOT NULL);
        CREATE TABLE updates_rounds (
            occurrence_id INTEGER PRIMARY KEY,
            room_id TEXT NOT NULL,
            post_event_id TEXT,
            asked_at INTEGER NOT NULL,
            reminded_at INTEGER
        );
        CREATE TABLE updates_asked (
            occurrence_id INTEGER NOT NULL,
            user_id TEXT NOT NULL,
            PRIMARY KEY (occurrence_id, user_id)
        );
        CREATE TABLE updates_answers (
            occurrence_id INTEGER NOT NULL,
            user_id TEXT NOT NULL,
            moved TEXT NOT NULL DEFAULT '',
            help TEXT NOT NULL DEFAULT '',
            offer TEXT NOT NULL DEFAULT '',
            at INTEGER NOT NULL,
            thread_event_id TEXT,
            PRIMARY KEY (occurrence_id, user_id)
        );
        """,
    ),
)


@dataclass(frozen=True)
class Round:
    occurrence_id: int
    room_id: str
    post_event_id: str | None
    asked: bool  # everyone was asked (0 while asking: a crash then asks again, once each)
    reminded: bool


@dataclass(frozen=True)
class Answer:
    user_id: str
    moved: str
    help: str
    offer: str
    thread_event_id: str | None


async def opt(store: Store, user_id: str, on: bool, at: int) -> None:
    if on:
        await store.execute("INSERT OR IGNORE INTO updates_optin (user_id, since) VALUES (?, ?)",
                            (user_id, at))
    else:
        await store.execute("DELETE FROM updates_optin WHERE user_id = ?", (user_id,))


async def opted_in(store: Store) -> list[str]:
    rows = await store.fetch_all("SELECT user_id FROM updates_optin ORDER BY since, user_id")
    return [row["user_id"] for row in rows]


def _round(row: Any) -> Round:
    return Round(row["occurrence_id"], row["room_id"], row["post_event_id"],
                 row["asked_at"] > 0, row["reminded_at"] is not None)


async def round_of(store: Store, occurrence_id: int) -> Round | None:
    row = await store.fetch_one("SELECT * FROM updates_rounds WHERE occurrence_id = ?",
                                (occurrence_id,))
    return _round(row) if row else None


async def begin_round(store: Store, occurrence_id: int, room_id: str, users: list[str]
                      ) -> None:
    """Who is asked is fixed now (a later `!update` adds its author); `asked` marks the end."""
    async with store.transaction() as db:
        await db.execute("INSERT OR IGNORE INTO updates_rounds (occurrence_id, room_id, "
                         "asked_at) VALUES (?, ?, 0)", (occurrence_id, room_id))
        await db.executemany("INSERT OR IGNORE INTO updates_asked (occurrence_id, user_id) "
                             "VALUES (?, ?)", [(occurrence_id, user) for user in users])


async def asked_all(store: Store, occurrence_id: int, at: int) -> None:
    await store.execute("UPDATE updates_rounds SET asked_at = ? WHERE occurrence_id = ?",
                        (at, occurrence_id))


async def set_post(store: Store, occurrence_id: int, event_id: str) -> None:
    await store.execute("UPDATE updates_rounds SET post_event_id = ? WHERE occurrence_id = ?",
                        (event_id, occurrence_id))


async def reminded(store: Store, occurrence_id: int, at: int) -> None:
    await store.execute("UPDATE updates_rounds SET reminded_at = ? WHERE occurrence_id = ?",
                        (at, occurrence_id))


async def asked(store: Store, occurrence_id: int) -> list[str]:
    rows = await store.fetch_all(
        "SELECT user_id FROM updates_asked WHERE occurrence_id = ? ORDER BY user_id",
        (occurrence_id,))
    return [row["user_id"] for row in rows]


async def answer(store: Store, occurrence_id: int, user_id: str, parts: list[str],
                 at: int) -> None:
    """Their answers so far (1 to 3 parts), replacing what they said before."""
    moved, help_, offer = [*parts, "", "", ""][:3]
    async with store.transaction() as db:
        await db.execute("INSERT OR IGNORE INTO updates_asked (occurrence_id, user_id) "
                         "VALUES (?, ?)", (occurrence_id, user_id))
        await db.execute(
            "INSERT INTO updates_answers (occurrence_id, user_id, moved, help, offer, at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (occurrence_id, user_id) DO UPDATE SET "
            "moved = excluded.moved, help = excluded.help, offer = excluded.offer, "
            "at = excluded.at", (occurrence_id, user_id, moved, help_, offer, at))


async def answers(store: Store, occurrence_id: int) -> list[Answer]:
    rows = await store.fetch_all(
        "SELECT * FROM updates_answers WHERE occurrence_id = ? ORDER BY at, user_id",
        (occurrence_id,))
    return [Answer(row["user_id"], row["moved"], row["help"], row["offer"],
                   row["thread_event_id"]) for row in rows]


async def set_thread(store: Store, occurrence_id: int, user_id: str, event_id: str) -> None:
    await store.execute("UPDATE updates_answers SET thread_event_id = ? "
                        "WHERE occurrence_id = ? AND user_id = ?",
                        (event_id, occurrence_id, user_id))
