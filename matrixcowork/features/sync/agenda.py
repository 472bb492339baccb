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


async def add(store: Store, occurrence_id: int, author: str, text: str, at: int) -> int:
    """Adds the item; returns its number."""
    await store.execute(
        "INSERT INTO sync_agenda (occurrence_id, author, text, added_at) VALUES (?, ?, ?, ?)",
        (occurrence_id, author, text, at),
    )
    return len(await items(store, occurrence_id))


async def remove(store: Store, item: Item) -> None:
    await store.execute("DELETE FROM sync_agenda WHERE id = ?", (item.id,))


async def carry_over(store: Store, from_occurrence: int, to_occurrence: int) -> int:
    """A cancelled sync's topics go to the next one, after what is there; returns how many."""
    return await store.execute(
        "UPDATE sync_agenda SET occurrence_id = ? WHERE occurrence_id = ?",
        (to_occurrence, from_occurrence),
    )
