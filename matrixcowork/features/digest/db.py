"""The digest's one table: which days' digests were decided (posted, or nothing to say)."""

from __future__ import annotations

from datetime import date

from ...core.store import Migration, Store

MIGRATIONS = (
    Migration(
        "weekly digests: one row per day a digest was posted or found empty",
        """
        CREATE TABLE digest_runs (
            day TEXT PRIMARY KEY,
            outcome TEXT NOT NULL CHECK (outcome IN ('posted', 'empty')),
            event_id TEXT
        )
        """,
    ),
)
POSTED, EMPTY = "posted", "empty"


async def outcome_of(store: Store, day: date) -> str | None:
    row = await store.fetch_one("SELECT outcome FROM digest_runs WHERE day = ?",
                                (day.isoformat(),))
    return row["outcome"] if row else None


async def record(store: Store, day: date, outcome: str, event_id: str | None = None) -> None:
    """A posted digest replaces an empty one of the same day (an organizer's `!digest`)."""
    await store.execute(
        "INSERT INTO digest_runs (day, outcome, event_id) VALUES (?, ?, ?) "
        "ON CONFLICT (day) DO UPDATE SET outcome = excluded.outcome, "
        "event_id = excluded.event_id WHERE excluded.outcome = 'posted'",
        (day.isoformat(), outcome, event_id),
    )
