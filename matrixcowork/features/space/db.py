"""The space feature's tables: the rooms the bot manages, and who has been welcomed."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "rooms the bot manages, and people welcomed to the space",
        """
        CREATE TABLE space_rooms (
            room_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('space', 'room')),
            key TEXT NOT NULL,
            alias TEXT NOT NULL,
            name TEXT NOT NULL,
            linked INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE space_welcomes (
            user_id TEXT PRIMARY KEY,
            event_id TEXT NOT NULL,
            welcomed_at TEXT NOT NULL
        );
        """,
    ),
)


@dataclass(frozen=True)
class ManagedRoom:
    room_id: str
    key: str
    alias: str
    name: str


async def record_room(
    store: Store, room_id: str, kind: str, key: str, alias: str, name: str
) -> None:
    """Remember a room the bot manages (again linked, with its current name)."""
    await store.execute(
        "INSERT INTO space_rooms (room_id, kind, key, alias, name, linked) "
        "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (room_id) DO UPDATE SET "
        "kind = excluded.kind, key = excluded.key, alias = excluded.alias, "
        "name = excluded.name, linked = 1",
        (room_id, kind, key, alias, name),
    )


async def space_id(store: Store, alias: str) -> str | None:
    """The space provisioned under this alias before, known without asking the homeserver."""
    row = await store.fetch_one(
        "SELECT room_id FROM space_rooms WHERE kind = 'space' AND alias = ?", (alias,)
    )
    return row["room_id"] if row else None


async def linked_rooms(store: Store) -> list[ManagedRoom]:
    rows = await store.fetch_all(
        "SELECT room_id, key, alias, name FROM space_rooms "
        "WHERE kind = 'room' AND linked = 1 ORDER BY key"
    )
    return [ManagedRoom(r["room_id"], r["key"], r["alias"], r["name"]) for r in rows]


async def mark_unlinked(store: Store, room_id: str) -> None:
    await store.execute("UPDATE space_rooms SET linked = 0 WHERE room_id = ?", (room_id,))


async def was_welcomed(store: Store, user_id: str) -> bool:
    row = await store.fetch_one("SELECT 1 FROM space_welcomes WHERE user_id = ?", (user_id,))
    return row is not None


async def record_welcome(store: Store, user_id: str, event_id: str, when: str) -> None:
    await store.execute(
        "INSERT OR IGNORE INTO space_welcomes (user_id, event_id, welcomed_at) VALUES (?, ?, ?)",
        (user_id, event_id, when),
    )
