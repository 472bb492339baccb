"""Each member event's next occurrence, found or created from its series rule.

Like the sync's `meetings.series`, but one series per event under one meeting kind: the slots
live in this feature's table (`member_event_slots`), so two events at the same hour do not
take each other's slot, and a cancelled or moved occurrence never comes back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from ...core.clock import later
from ...core.services import Services
from ...meetings import db as meetings
from ...meetings.db import SCHEDULED, Occurrence
from ...meetings.engine import MeetingEngine
from ...meetings.recurrence import parse_recurrence
from . import db
from .db import ACTIVE, MemberEvent
from .texts import EVENT_KEY, PLACE_KEY, PUBLIC_KEY

MAX_SLOTS_LOOKED_AT = 120
CREATOR_KEY = "creator"


class EventSeries:
    def __init__(self, services: Services, engine: MeetingEngine, room_key: str) -> None:
        self.services = services
        self.store = services.store
        self.engine = engine
        self.room_key = room_key

    def extra(self, event: MemberEvent) -> dict[str, Any]:
        """What the occurrence carries for readers of the engine's table (the public feed)."""
        return {EVENT_KEY: event.id, PLACE_KEY: event.place, PUBLIC_KEY: event.public,
                CREATOR_KEY: event.creator}

    async def occurrences(self, event: MemberEvent) -> list[Occurrence]:
        found = [await meetings.get(self.store, i)
                 for i in await db.occurrence_ids(self.store, event.id)]
        return sorted((o for o in found if o), key=lambda o: (o.start, o.id))

    async def upcoming(self, event: MemberEvent, now: datetime) -> Occurrence | None:
        """The occurrence that comes next or is running, if one is planned."""
        return next((o for o in await self.occurrences(event)
                     if o.status == SCHEDULED and o.end > now), None)

    async def first(self, event: MemberEvent, start: datetime) -> Occurrence:
        """The event's first occurrence at the date its creator gave."""
        existing = await self.occurrences(event)
        if existing:  # a replayed create
            return existing[0]
        return await self._create(event, start)

    async def next(self, event: MemberEvent, now: datetime) -> Occurrence | None:
        """The upcoming occurrence; for a series that goes on, the next free slot is created
        when the last one is over or cancelled. A one-off event with nothing to come ends."""
        found = await self.upcoming(event, now)
        if found or event.status != ACTIVE:
            return found
        if event.recurrence is None:
            await db.end(self.store, event.id)
            return None
        after = later(now, timedelta(seconds=1) - timedelta(minutes=event.minutes))
        slot = await self.free_slot(event, after)
        return await self._create(event, slot) if slot else None

    async def following(self, event: MemberEvent, occ: Occurrence) -> datetime | None:
        """The series' next free slot after this occurrence (None: not a series)."""
        if event.recurrence is None:
            return None
        base = await db.slot_of(self.store, occ.id) or occ.start
        return await self.free_slot(event, later(base, timedelta(minutes=1)))

    async def free_slot(self, event: MemberEvent, after: datetime) -> datetime | None:
        assert event.recurrence is not None
        rule = parse_recurrence(event.recurrence)
        for slot in islice(rule.slots(after, self.services.clock.tz), MAX_SLOTS_LOOKED_AT):
            if not await db.has_slot(self.store, event.id, slot):
                return slot
        return None

    async def _create(self, event: MemberEvent, slot: datetime) -> Occurrence:
        occ = await self.engine.create(event.title, slot, timedelta(minutes=event.minutes),
                                       room_key=self.room_key, extra=self.extra(event))
        assert occ is not None  # no engine slot is given: never a duplicate
        await db.add_slot(self.store, event.id, slot, occ.id)
        return occ
