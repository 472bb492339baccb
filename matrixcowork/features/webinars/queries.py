"""What the webinars answer for other features (through `offers`), from their own table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from ...core.offers import WebinarNews
from ...core.store import Store
from ...meetings import db as meetings_db
from . import db
from .db import Webinar
from .schedule import KIND


async def given_by(store: Store, user_id: str) -> int:
    """Held webinars with this member as speaker (for `!whois`)."""
    row = await store.fetch_one(
        "SELECT COUNT(*) AS n FROM webinars WHERE speaker_id = ? AND status = 'held'",
        (user_id,),
    )
    return int(row["n"]) if row else 0


async def news(store: Store, votes_of: Callable[[Webinar], Awaitable[int]], threshold: int,
               now: datetime, proposed_since: datetime) -> WebinarNews:
    """For the digest: webinars with a date from `now` on, and the proposals made since
    `proposed_since` that are still short of the 👍 they need."""
    scheduled = {w.occurrence_id: w for w in await db.with_status(store, db.SCHEDULED)}
    upcoming = tuple((scheduled[occ.id].title, occ.start)
                     for occ in await meetings_db.scheduled_from(store, KIND, now)
                     if occ.id in scheduled)
    proposals = []
    for webinar in await db.with_status(store, db.PROPOSED):
        if webinar.proposed_at >= proposed_since.timestamp():
            votes = await votes_of(webinar)
            if votes < threshold:
                proposals.append((webinar.id, webinar.title, votes))
    return WebinarNews(upcoming, tuple(proposals), threshold)
