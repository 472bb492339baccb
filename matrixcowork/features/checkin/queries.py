"""What the check-in answers for other features (through `offers`), from its own table."""

from __future__ import annotations

from datetime import date

from ...core.offers import CheckinWeek
from ...core.store import Store


async def last_day(store: Store, user_id: str) -> date | None:
    """The member's last coworking day (for `!whois`)."""
    row = await store.fetch_one(
        "SELECT MAX(day) AS day FROM checkin_attendance WHERE user_id = ?", (user_id,)
    )
    return date.fromisoformat(row["day"]) if row and row["day"] else None


async def week(store: Store, first: date, last: date) -> CheckinWeek:
    """Check-ins from `first` to `last`, in person (at any location) and remote, and how many
    people (for the digest)."""
    row = await store.fetch_one(
        "SELECT COUNT(CASE WHEN mode != 'remote' THEN 1 END) AS onsite, "
        "COUNT(CASE WHEN mode = 'remote' THEN 1 END) AS remote, "
        "COUNT(DISTINCT user_id) AS members "
        "FROM checkin_attendance WHERE day BETWEEN ? AND ?",
        (first.isoformat(), last.isoformat()),
    )
    assert row is not None
    return CheckinWeek(row["onsite"], row["remote"], row["members"])
