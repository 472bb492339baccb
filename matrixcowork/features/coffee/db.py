"""The coffee roulette's tables: who takes part, and every round's groups and their rooms.

A round is stored with its groups in one transaction before anything is sent, keyed by its
date: a round that exists is never paired again, and a restart only finishes what is missing
(a group's room, its welcome post, its follow-up).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "coffee roulette: participants, rounds, groups",
        """
        CREATE TABLE coffee_members (
            user_id TEXT PRIMARY KEY,
            joined_on TEXT NOT NULL,
            paused_until TEXT
        );
        CREATE TABLE coffee_rounds (
            round_date TEXT PRIMARY KEY,
            paired_at TEXT NOT NULL
        );
        CREATE TABLE coffee_groups (
            round_date TEXT NOT NULL REFERENCES coffee_rounds (round_date),
            number INTEGER NOT NULL,
            conference TEXT NOT NULL,
            room_id TEXT,
            welcomed INTEGER NOT NULL DEFAULT 0,
            followup_event_id TEXT,
            PRIMARY KEY (round_date, number)
        );
        CREATE TABLE coffee_group_members (
            round_date TEXT NOT NULL,
            number INTEGER NOT NULL,
            user_id TEXT NOT NULL,
            PRIMARY KEY (round_date, user_id),
            FOREIGN KEY (round_date, number) REFERENCES coffee_groups (round_date, number)
        );
        """,
    ),
    Migration(
        "a secret per group for its room's alias (a computable alias can be taken first)",
        "ALTER TABLE coffee_groups ADD COLUMN room_secret TEXT;",
    ),
)


@dataclass(frozen=True)
class Participant:
    user_id: str
    paused_until: date | None

    def takes_part(self, round_date: date) -> bool:
        return self.paused_until is None or self.paused_until <= round_date


@dataclass(frozen=True)
class Group:
    round_date: date
    number: int
    conference: str
    members: tuple[str, ...]
    room_id: str | None
    welcomed: bool
    followup_event_id: str | None


async def join(store: Store, user_id: str, today: date) -> bool:
    """Take part (again); ends a pause. False if already in and not paused."""
    changed = await store.execute(
        "INSERT INTO coffee_members (user_id, joined_on) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET paused_until = NULL "
        "WHERE paused_until IS NOT NULL",
        (user_id, today.isoformat()),
    )
    return changed > 0


async def leave(store: Store, user_id: str) -> bool:
    return await store.execute("DELETE FROM coffee_members WHERE user_id = ?", (user_id,)) > 0


async def pause(store: Store, user_id: str, until: date) -> bool:
    changed = await store.execute(
        "UPDATE coffee_members SET paused_until = ? WHERE user_id = ?",
        (until.isoformat(), user_id),
    )
    return changed > 0


async def participants(store: Store) -> list[Participant]:
    rows = await store.fetch_all("SELECT * FROM coffee_members ORDER BY user_id")
    return [_participant(row) for row in rows]


async def participant(store: Store, user_id: str) -> Participant | None:
    row = await store.fetch_one("SELECT * FROM coffee_members WHERE user_id = ?", (user_id,))
    return _participant(row) if row else None


def _participant(row: Any) -> Participant:
    until = row["paused_until"]
    return Participant(row["user_id"], date.fromisoformat(until) if until else None)


async def is_paired(store: Store, round_date: date) -> bool:
    row = await store.fetch_one(
        "SELECT 1 FROM coffee_rounds WHERE round_date = ?", (round_date.isoformat(),)
    )
    return row is not None


async def save_round(
    store: Store, round_date: date, paired_at: str,
    groups: Sequence[tuple[Sequence[str], str]],
) -> bool:
    """The round with its groups (members, conference), all or nothing; False if it exists."""
    day = round_date.isoformat()
    async with store.transaction() as db:
        cursor = await db.execute(
            "INSERT OR IGNORE INTO coffee_rounds (round_date, paired_at) VALUES (?, ?)",
            (day, paired_at),
        )
        if cursor.rowcount == 0:
            return False
        for number, (members, conference) in enumerate(groups, start=1):
            await db.execute(
                "INSERT INTO coffee_groups (round_date, number, conference) VALUES (?, ?, ?)",
                (day, number, conference),
            )
            for user_id in members:
                await db.execute(
                    "INSERT INTO coffee_group_members (round_date, number, user_id) "
                    "VALUES (?, ?, ?)",
                    (day, number, user_id),
                )
    return True


async def groups(store: Store, since: date, until: date) -> list[Group]:
    """Every group of the rounds from `since` to `until` (both included), by round and number."""
    rows = await store.fetch_all(
        "SELECT g.*, group_concat(m.user_id, char(10)) AS members FROM coffee_groups g "
        "JOIN coffee_group_members m USING (round_date, number) "
        "WHERE g.round_date BETWEEN ? AND ? GROUP BY g.round_date, g.number "
        "ORDER BY g.round_date, g.number",
        (since.isoformat(), until.isoformat()),
    )
    return [_group(row) for row in rows]


def _group(row: Any) -> Group:
    return Group(
        round_date=date.fromisoformat(row["round_date"]),
        number=row["number"],
        conference=row["conference"],
        members=tuple(sorted(row["members"].split("\n"))),
        room_id=row["room_id"],
        welcomed=bool(row["welcomed"]),
        followup_event_id=row["followup_event_id"],
    )


async def recent_groups(store: Store, before: date, rounds: int) -> list[tuple[str, ...]]:
    """The groups of the last `rounds` rounds before this date that paired anyone."""
    if rounds <= 0:
        return []
    rows = await store.fetch_all(
        "SELECT DISTINCT round_date FROM coffee_groups WHERE round_date < ? "
        "ORDER BY round_date DESC LIMIT ?",
        (before.isoformat(), rounds),
    )
    if not rows:
        return []
    oldest = date.fromisoformat(rows[-1]["round_date"])
    return [g.members for g in await groups(store, oldest, before) if g.round_date < before]


async def set_room(store: Store, group: Group, room_id: str) -> None:
    await _update(store, group, "room_id = ?", room_id)


async def room_secret(store: Store, group: Group) -> str:
    """The group's room alias secret: made once and stored before the room is created, so a
    crash in between finds the room again, and nobody can compute the alias in advance."""
    await store.execute(
        "UPDATE coffee_groups SET room_secret = ? "
        "WHERE round_date = ? AND number = ? AND room_secret IS NULL",
        (secrets.token_hex(16), group.round_date.isoformat(), group.number),
    )
    row = await store.fetch_one(
        "SELECT room_secret FROM coffee_groups WHERE round_date = ? AND number = ?",
        (group.round_date.isoformat(), group.number),
    )
    assert row is not None
    return row["room_secret"]


async def set_welcomed(store: Store, group: Group) -> None:
    await _update(store, group, "welcomed = ?", 1)


async def set_followup(store: Store, group: Group, event_id: str) -> None:
    await _update(store, group, "followup_event_id = ?", event_id)


async def _update(store: Store, group: Group, assignment: str, value: object) -> None:
    await store.execute(
        f"UPDATE coffee_groups SET {assignment} WHERE round_date = ? AND number = ?",
        (value, group.round_date.isoformat(), group.number),
    )
