"""What the check-in answers for other features (through `offers`), from its own table."""

from __future__ import annotations

from datetime import date

from ...core.store import Store


async def last_day(store: Store, user_id: str) -> date | None:
    """The member's last coworking day (for `!whois`)."""
    row = await store.fetch_one(
        "SELECT MAX(day) AS day FROM checkin_attendance WHERE user_id = ?", (user_id,)
    )
    return date.fromisoformat(row["day"]) if row and row["day"] else None
