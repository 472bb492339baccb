"""What the webinars answer for other features (through `offers`), from their own table."""

from __future__ import annotations

from ...core.store import Store


async def given_by(store: Store, user_id: str) -> int:
    """Held webinars with this member as speaker (for `!whois`)."""
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM webinars WHERE speaker_id = ? AND status = 'held'",
        (user_id,),
    )
    return int(row["n"]) if row else 0
