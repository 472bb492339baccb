"""What the coffee roulette answers for other features (through `offers`): the latest round's
result for the weekly digest; a member's latest round for the quiet members."""

from __future__ import annotations

from datetime import date

from ...core.offers import CoffeeResult
from ...core.store import Store
from . import db
from .rounds import Rounds


async def result(rounds: Rounds, first: date, last: date) -> CoffeeResult | None:
    """The latest round from `first` to `last`: its groups, and how many said they met."""
    groups = await db.groups(rounds.services.store, first, last)
    if not groups:
        return None
    day = max(g.round_date for g in groups)
    of_day = [g for g in groups if g.round_date == day]
    return CoffeeResult(day, len(of_day), sum([await rounds.met(g) for g in of_day]))


async def last_round_day(store: Store, user_id: str) -> date | None:
    """The latest round the member was paired in."""
    row = await store.fetch_one(
        "SELECT MAX(round_date) AS day FROM coffee_group_members WHERE user_id = ?", (user_id,)
    )
    return date.fromisoformat(row["day"]) if row and row["day"] else None

