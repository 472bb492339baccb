"""A recurring meeting: its next occurrence always exists, created ahead of time.

Each occurrence of a series is named by its slot (the rule's time). A slot is created once:
a cancelled or moved occurrence keeps its slot, so the series never brings it back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from ..core.clock import later
from . import db
from .db import Occurrence
from .engine import MeetingEngine
from .recurrence import Recurrence

MAX_SLOTS_LOOKED_AT = 120


@dataclass
class Series:
    engine: MeetingEngine
    rule: Recurrence
    tz: ZoneInfo
    title: str
    duration: timedelta
    room_key: str
    extra: dict[str, Any] = field(default_factory=dict)

    async def next(self, now: datetime) -> Occurrence:
        """The occurrence that comes next (or is running): found, or created now."""
        found = await self.engine.upcoming(now)
        if found:
            return found
        after = later(now, timedelta(seconds=1) - self.duration)
        async for slot in self._free_slots(after):
            occ = await self.engine.create(self.title, slot, self.duration,
                                           room_key=self.room_key, slot=slot, extra=self.extra)
            if occ:
                return occ
        raise RuntimeError(f"no free slot for {self.engine.kind} after {after}")

    async def following(self, occ: Occurrence) -> datetime:
        """The rule's next time after this occurrence that no occurrence has taken yet."""
        start = db.from_utc_text(occ.slot) if occ.slot else occ.start
        async for slot in self._free_slots(later(start, timedelta(minutes=1))):
            return slot
        raise RuntimeError(f"no free slot for {self.engine.kind} after {start}")

    async def _free_slots(self, after: datetime) -> AsyncIterator[datetime]:
        for slot in islice(self.rule.slots(after, self.tz), MAX_SLOTS_LOOKED_AT):
            if not await db.has_slot(self.engine.store, self.engine.kind, slot):
                yield slot
