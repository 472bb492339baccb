"""What people answers for the weekly digest (through `offers`): who is new, with a line from
their card."""

from __future__ import annotations

from datetime import date

from ...core.i18n import one_line
from ...core.offers import NewMember
from ...core.store import Store
from . import db

LINE_MAX = 120


def card_line(profile: db.Profile | None) -> str | None:
    """The first thing their card says: the introduction, else the offer, else the skills."""
    if profile is None or profile.is_empty:
        return None
    text = one_line(profile.intro or profile.offer or ", ".join(profile.skills))
    return text if len(text) <= LINE_MAX else text[: LINE_MAX - 1] + "…"


async def new_members(store: Store, first: date, last: date) -> list[NewMember]:
    """Everyone the bot first knew from `first` to `last`, in the order they came."""
    rows = await store.fetch_all(
        "SELECT user_id FROM people_known WHERE since BETWEEN ? AND ? ORDER BY since, user_id",
        (first.isoformat(), last.isoformat()),
    )
    return [NewMember(row["user_id"], card_line(await db.profile(store, row["user_id"])))
            for row in rows]
