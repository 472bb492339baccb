"""Profiles and "member since" behind verbs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "member profiles and since when the bot knows each member",
        """
        CREATE TABLE people_profiles (
            user_id TEXT PRIMARY KEY,
            intro TEXT NOT NULL DEFAULT '',
            skills TEXT NOT NULL DEFAULT '[]',
            offer TEXT NOT NULL DEFAULT '',
            seek TEXT NOT NULL DEFAULT '',
            card_room_id TEXT,
            card_event_id TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE people_known (
            user_id TEXT PRIMARY KEY,
            since TEXT NOT NULL,
            how TEXT NOT NULL CHECK (how IN ('space', 'profile', 'coffee'))
        );
        """,
    ),
    Migration(
        "where a member works: on site (which location) or remotely",
        "ALTER TABLE people_profiles ADD COLUMN place TEXT NOT NULL DEFAULT '';",
    ),
)

PROFILE_FIELDS = ("intro", "offer", "seek", "place")


@dataclass(frozen=True)
class Profile:
    user_id: str
    intro: str = ""
    skills: tuple[str, ...] = field(default=())
    offer: str = ""
    seek: str = ""
    card_room_id: str | None = None
    card_event_id: str | None = None
    place: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.intro or self.skills or self.offer or self.seek or self.place)


def _profile(row: Any) -> Profile:
    return Profile(
        user_id=row["user_id"],
        intro=row["intro"],
        skills=tuple(json.loads(row["skills"])),
        offer=row["offer"],
        seek=row["seek"],
        card_room_id=row["card_room_id"],
        card_event_id=row["card_event_id"],
        place=row["place"],
    )


async def profile(store: Store, user_id: str) -> Profile | None:
    row = await store.fetch_one("SELECT * FROM people_profiles WHERE user_id = ?", (user_id,))
    return _profile(row) if row else None


async def profiles(store: Store) -> list[Profile]:
    rows = await store.fetch_all("SELECT * FROM people_profiles ORDER BY user_id")
    return [_profile(row) for row in rows]


async def set_text(store: Store, user_id: str, name: str, text: str, now: str) -> None:
    """Set one of intro, offer, seek, place."""
    assert name in PROFILE_FIELDS
    await store.execute(
        f"INSERT INTO people_profiles (user_id, {name}, updated_at) VALUES (?, ?, ?) "
        f"ON CONFLICT (user_id) DO UPDATE SET {name} = excluded.{name}, "
        "updated_at = excluded.updated_at",
        (user_id, text, now),
    )


async def set_skills(store: Store, user_id: str, skills: list[str], now: str) -> None:
    await store.execute(
        "INSERT INTO people_profiles (user_id, skills, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET skills = excluded.skills, "
        "updated_at = excluded.updated_at",
        (user_id, json.dumps(skills, ensure_ascii=False), now),
    )


async def set_card(store: Store, user_id: str, room_id: str, event_id: str) -> None:
    await store.execute(
        "UPDATE people_profiles SET card_room_id = ?, card_event_id = ? WHERE user_id = ?",
        (room_id, event_id, user_id),
    )


async def clear(store: Store, user_id: str) -> bool:
    return await store.execute("DELETE FROM people_profiles WHERE user_id = ?", (user_id,)) > 0


async def know(store: Store, user_id: str, since: date, how: str) -> None:
    """Remember the first day the bot knew this member; later calls change nothing."""
    await store.execute(
        "INSERT OR IGNORE INTO people_known (user_id, since, how) VALUES (?, ?, ?)",
        (user_id, since.isoformat(), how),
    )


async def known_since(store: Store, user_id: str) -> date | None:
    row = await store.fetch_one("SELECT since FROM people_known WHERE user_id = ?", (user_id,))
    return date.fromisoformat(row["since"]) if row else None

