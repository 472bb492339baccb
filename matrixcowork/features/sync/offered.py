"""What the sync answers for other features (through `offers`): the next sync for the weekly
digest. Reads only, never creates a sync."""

from __future__ import annotations

from datetime import datetime

from ...core.offers import NextMeeting
from ...meetings import rsvp
from ...meetings.engine import MeetingEngine
from . import agenda


async def next_sync(engine: MeetingEngine, now: datetime) -> NextMeeting | None:
    """The next sync that is not over: its start, how many said yes, its agenda's texts."""
    occ = await engine.upcoming(now)
    if occ is None:
        return None
    answers = await engine.posts.answers(occ)
    items = await agenda.items(engine.store, occ.id)
    return NextMeeting(occ.title, occ.start, len(rsvp.who(answers, rsvp.YES)),
                       tuple(item.text for item in items))

