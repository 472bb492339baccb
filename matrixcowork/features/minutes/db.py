"""The minutes of meetings: notes, decisions and actions, one row each, keyed by the command
that wrote it (a replayed command writes nothing twice). An action stays open until someone
marks it done, whatever meeting it came from; its id is the number members use."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.store import Migration, Store

NOTE, DECISION, ACTION = "note", "decision", "action"

MIGRATIONS = (
    Migration(
        "notes, decisions and actions of meetings",
        """
        CREATE TABLE minutes_entries (
            id INTEGER PRIMARY KEY,
            occurrence_id INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('note', 'decision', 'action')),
            author TEXT NOT NULL,
            owner TEXT,
            text TEXT NOT NULL,
            at INTEGER NOT NULL,
            done_at INTEGER,
            done_by TEXT,
            source_event_id TEXT NOT NULL UNIQUE
        );
        CREATE INDEX minutes_by_occurrence ON minutes_entries (occurrence_id, id);
        CREATE INDEX minutes_open_actions ON minutes_entries (kind, done_at, id);
        """,
    ),
)


SELECT = ("SELECT e.*, CASE WHEN e.kind = 'action' THEN (SELECT COUNT(*) FROM minutes_entries a "
          "WHERE a.kind = 'action' AND a.id <= e.id) END AS number FROM minutes_entries e ")


@dataclass(frozen=True)
class Entry:
    id: int
    occurrence_id: int
    kind: str
    author: str
    owner: str | None  # actions only
    text: str
    done_by: str | None
    number: int | None  # actions: the first action ever is 1, the next 2, ...
    at: int  # unix seconds, when it was written

    @property
    def done(self) -> bool:
        return self.done_by is not None


def _entry(row) -> Entry:  # type: ignore[no-untyped-def]
    return Entry(row["id"], row["occurrence_id"], row["kind"], row["author"], row["owner"],
                 row["text"], row["done_by"], row["number"], row["at"])


async def add(store: Store, occurrence_id: int, kind: str, author: str, text: str, at: int,
              source_event_id: str, owner: str | None = None) -> Entry:
    """Writes it once per command; returns the entry that command wrote."""
    await store.execute(
        "INSERT OR IGNORE INTO minutes_entries (occurrence_id, kind, author, owner, text, at, "
        "source_event_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (occurrence_id, kind, author, owner, text, at, source_event_id),
    )
    row = await store.fetch_one(SELECT + "WHERE e.source_event_id = ?", (source_event_id,))
    assert row is not None
    return _entry(row)


async def of_meeting(store: Store, occurrence_id: int) -> list[Entry]:
    rows = await store.fetch_all(
        SELECT + "WHERE e.occurrence_id = ? ORDER BY e.id", (occurrence_id,))
    return [_entry(row) for row in rows]


async def count_by(store: Store, occurrence_id: int, author: str) -> int:
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM minutes_entries WHERE occurrence_id = ? AND author = ?",
        (occurrence_id, author))
    return row["n"] if row else 0


async def action(store: Store, number: int) -> Entry | None:
    """The action members know by this number."""
    row = await store.fetch_one(
        SELECT + "WHERE e.kind = 'action' ORDER BY e.id LIMIT 1 OFFSET ?", (number - 1,))
    return _entry(row) if row else None


async def open_actions(store: Store, owner: str | None = None) -> list[Entry]:
    """Open actions of every meeting, oldest first (of one owner if given)."""
    rows = await store.fetch_all(
        SELECT + "WHERE e.kind = 'action' AND e.done_at IS NULL "
        "AND (? IS NULL OR e.owner = ?) ORDER BY e.id", (owner, owner))
    return [_entry(row) for row in rows]


async def mark_done(store: Store, action_id: int, by: str, at: int) -> bool:
    """False if it was done already."""
    return bool(await store.execute(
        "UPDATE minutes_entries SET done_at = ?, done_by = ? "
        "WHERE id = ? AND kind = 'action' AND done_at IS NULL", (at, by, action_id)))


async def written_by(store: Store, source_event_id: str) -> bool:
    """Whether this command wrote its entry already (then it is a replay)."""
    row = await store.fetch_one("SELECT 1 FROM minutes_entries WHERE source_event_id = ?",
                                (source_event_id,))
    return row is not None
