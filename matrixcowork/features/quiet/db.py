"""Who was seen when, quiet spells, the opt-outs and the monthly lists, behind verbs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "quiet members: last seen, quiet spells, opt-outs, the organizers' monthly lists",
        """
        CREATE TABLE quiet_members (
            user_id TEXT PRIMARY KEY,
            known_since TEXT NOT NULL,
            seen_on TEXT,
            quiet_since TEXT,
            opted_out INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE quiet_spells (
            user_id TEXT NOT NULL,
            began TEXT NOT NULL,
            noticed TEXT NOT NULL,
            ended TEXT,
            PRIMARY KEY (user_id, began)
        );
        CREATE INDEX quiet_spells_by_notice ON quiet_spells (noticed);
        CREATE TABLE quiet_lists (
            month TEXT PRIMARY KEY,
            event_id TEXT
        );
        """,
    ),
)


@dataclass(frozen=True)
class Watched:
    user_id: str
    known_since: date
    seen_on: date | None
    quiet_since: date | None
    opted_out: bool


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _watched(row: Any) -> Watched:
    return Watched(row["user_id"], date.fromisoformat(row["known_since"]),
                   _day(row["seen_on"]), _day(row["quiet_since"]), bool(row["opted_out"]))


async def know(store: Store, user_id: str, today: date) -> None:
    await store.execute(
        "INSERT OR IGNORE INTO quiet_members (user_id, known_since) VALUES (?, ?)",
        (user_id, today.isoformat()),
    )


async def seen(store: Store, user_id: str, today: date) -> None:
    await store.execute(
        "INSERT INTO quiet_members (user_id, known_since, seen_on) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET seen_on = excluded.seen_on",
        (user_id, today.isoformat(), today.isoformat()),
    )


async def watched(store: Store, user_id: str) -> Watched | None:
    row = await store.fetch_one("SELECT * FROM quiet_members WHERE user_id = ?", (user_id,))
    return _watched(row) if row else None


async def everyone(store: Store) -> list[Watched]:
    return [_watched(r) for r in await store.fetch_all(
        "SELECT * FROM quiet_members ORDER BY user_id")]


async def opt(store: Store, user_id: str, today: date, out: bool) -> bool:
    """Opt out of (or back into) the direct message and the list; False if nothing changed."""
    await know(store, user_id, today)
    return await store.execute(
        "UPDATE quiet_members SET opted_out = ? WHERE user_id = ? AND opted_out != ?",
        (int(out), user_id, int(out)),
    ) > 0


async def go_quiet(store: Store, user_id: str, began: date, today: date) -> bool:
    """A quiet spell, named by the last day they were seen, noticed today; False if it was
    known already."""
    async with store.transaction() as db:
        await db.execute("UPDATE quiet_members SET quiet_since = ? WHERE user_id = ?",
                         (began.isoformat(), user_id))
        cursor = await db.execute(
            "INSERT OR IGNORE INTO quiet_spells (user_id, began, noticed) VALUES (?, ?, ?)",
            (user_id, began.isoformat(), today.isoformat()))
        return cursor.rowcount > 0


async def come_back(store: Store, user_id: str, today: date) -> None:
    async with store.transaction() as db:
        await db.execute(
            "UPDATE quiet_spells SET ended = ? WHERE user_id = ? AND ended IS NULL "
            "AND began = (SELECT quiet_since FROM quiet_members WHERE user_id = ?)",
            (today.isoformat(), user_id, user_id))
        await db.execute("UPDATE quiet_members SET quiet_since = NULL WHERE user_id = ?",
                         (user_id,))


async def changes(store: Store, first: date, last: date) -> tuple[list[str], list[str]]:
    """Who went quiet (their spell was noticed) and who came back from `first` to `last`,
    without the opted-out."""
    rows = await store.fetch_all(
        "SELECT s.user_id, s.noticed, s.ended FROM quiet_spells s "
        "JOIN quiet_members m USING (user_id) WHERE m.opted_out = 0 "
        "AND (s.noticed BETWEEN ? AND ? OR s.ended BETWEEN ? AND ?) ORDER BY s.user_id",
        (first.isoformat(), last.isoformat(), first.isoformat(), last.isoformat()),
    )
    went = [r["user_id"] for r in rows if r["noticed"] and first.isoformat() <= r["noticed"]
            <= last.isoformat()]
    back = [r["user_id"] for r in rows if r["ended"] and first.isoformat() <= r["ended"]
            <= last.isoformat()]
    return went, back


async def list_posted(store: Store, month: str) -> bool:
    row = await store.fetch_one("SELECT event_id FROM quiet_lists WHERE month = ?", (month,))
    return row is not None


async def record_list(store: Store, month: str, event_id: str | None) -> None:
    await store.execute("INSERT OR IGNORE INTO quiet_lists (month, event_id) VALUES (?, ?)",
                        (month, event_id))
