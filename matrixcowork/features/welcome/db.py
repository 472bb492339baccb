"""Who was welcomed, which run of the conversation they are in, and the one reminder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "people the welcome conversation was started for",
        """
        CREATE TABLE welcome_people (
            user_id TEXT PRIMARY KEY,
            run INTEGER NOT NULL DEFAULT 1,
            started_at TEXT NOT NULL,
            asked_at TEXT NOT NULL,
            reminded INTEGER NOT NULL DEFAULT 0,
            started INTEGER NOT NULL DEFAULT 0,
            finished_at TEXT
        );
        """,
    ),
)


@dataclass(frozen=True)
class Welcome:
    user_id: str
    run: int
    asked_at: str
    reminded: bool
    finished: bool
    started: bool  # False while another conversation kept it from starting


def _welcome(row: Any) -> Welcome:
    return Welcome(row["user_id"], row["run"], row["asked_at"], bool(row["reminded"]),
                   row["finished_at"] is not None, bool(row["started"]))


async def first(store: Store, user_id: str, now: str) -> bool:
    """The first welcome for this person: False if they had one (never started twice)."""
    return await store.execute(
        "INSERT OR IGNORE INTO welcome_people (user_id, started_at, asked_at) VALUES (?, ?, ?)",
        (user_id, now, now)) > 0


async def again(store: Store, user_id: str, now: str) -> int:
    """`!welcome`: a new run; its number."""
    await store.execute(
        "INSERT INTO welcome_people (user_id, started_at, asked_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET run = run + 1, started_at = excluded.started_at, "
        "asked_at = excluded.asked_at, reminded = 0, started = 0, finished_at = NULL",
        (user_id, now, now))
    found = await get(store, user_id)
    assert found is not None
    return found.run


async def get(store: Store, user_id: str) -> Welcome | None:
    row = await store.fetch_one("SELECT * FROM welcome_people WHERE user_id = ?", (user_id,))
    return _welcome(row) if row else None


async def asked(store: Store, user_id: str, now: str) -> None:
    await store.execute("UPDATE welcome_people SET asked_at = ? WHERE user_id = ?",
                        (now, user_id))


async def started(store: Store, user_id: str, now: str) -> None:
    await store.execute("UPDATE welcome_people SET started = 1, asked_at = ? WHERE user_id = ?",
                        (now, user_id))


async def reminded(store: Store, user_id: str) -> None:
    await store.execute("UPDATE welcome_people SET reminded = 1 WHERE user_id = ?", (user_id,))


async def finished(store: Store, user_id: str, now: str) -> None:
    await store.execute("UPDATE welcome_people SET finished_at = ? WHERE user_id = ?",
                        (now, user_id))


async def waiting(store: Store) -> list[Welcome]:
    """Conversations going on whose one reminder is not sent yet, and those waiting to
    start."""
    rows = await store.fetch_all(
        "SELECT * FROM welcome_people WHERE finished_at IS NULL AND reminded = 0")
    return [_welcome(row) for row in rows]
