"""The agenda of a sync: numbered items that members add and remove, stored per occurrence."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "agenda items of the sync, per meeting occurrence",
        """
        CREATE TABLE sync_agenda (
            id INTEGER PRIMARY KEY,
            occurrence_id INTEGER NOT NULL,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            added_at INTEGER NOT NULL
        );
        CREATE INDEX sync_agenda_by_occurrence ON sync_agenda (occurrence_id, id);
        """,
    ),
    Migration(
        "each item keyed by the command that added it, so a replayed command adds it once",
        """
        ALTER TABLE sync_agenda ADD COLUMN source_event_id TEXT;
        CREATE UNIQUE INDEX sync_agenda_by_source ON sync_agenda (source_event_id);
        """,
    ),
)


@dataclass(frozen=True)
class Item:
    id: int
    number: int  # 1-based position, as members see it
    author: str
    text: str


async def items(store: Store, occurrence_id: int) -> list[Item]:
    rows = await store.fetch_all(
        "SELECT id, author, text FROM sync_agenda WHERE occurrence_id = ? ORDER BY id",
        (occurrence_id,),
    )
    return [Item(row["id"], n, row["author"], row["text"]) for n, row in enumerate(rows, 1)]


async def add(store: Store, occurrence_id: int, author: str, text: str, at: int,
              source_event_id: str) -> int:
    """Adds the item once per command (keyed by its event id); returns its number."""
    await store.execute(
        "INSERT OR IGNORE INTO sync_agenda (occurrence_id, author, text, added_at, "
        "source_event_id) VALUES (?, ?, ?, ?, ?)",
        (occurrence_id, author, text, at, source_event_id),
    )
    number = await number_added_by(store, occurrence_id, source_event_id)
    assert number is not None
    return number


async def number_added_by(store: Store, occurrence_id: int, source_event_id: str) -> int | None:
    """The number of the item this command added, if it did."""
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM sync_agenda WHERE occurrence_id = ? AND id <= "
        "(SELECT id FROM sync_agenda WHERE source_event_id = ? AND occurrence_id = ?)",
        (occurrence_id, source_event_id, occurrence_id),
    )
    return row["n"] if row and row["n"] else None


async def count_by(store: Store, occurrence_id: int, author: str) -> int:
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM sync_agenda WHERE occurrence_id = ? AND author = ?",
        (occurrence_id, author),
    )
    return row["n"] if row else 0


async def remove(store: Store, item_id: int) -> None:
    await store.execute("DELETE FROM sync_agenda WHERE id = ?", (item_id,))


async def carry_over(store: Store, from_occurrence: int, to_occurrence: int) -> int:
    """A cancelled sync's topics go to the next one, after what is there; returns how many."""
    return await store.execute(
        "UPDATE sync_agenda SET occurrence_id = ? WHERE occurrence_id = ?",
        (to_occurrence, from_occurrence),
    )
