"""The meetings of one running bot: its engines by kind, and the features that add parts to
their posts (minutes, questions, feedback).

Engines belong to the features whose meetings they run (the sync, the webinars, ...); a
feature that adds to every kind of meeting reaches them here instead of importing the
feature that owns them. One directory per app (keyed by its `Services`), so two bots in one
process (the tests) never share one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from weakref import WeakKeyDictionary

from ..core.limits import Listing
from ..core.services import Services
from . import db
from .db import DONE, SCHEDULED, Occurrence

if TYPE_CHECKING:
    from .engine import MeetingEngine

RECENT = timedelta(days=7)  # how long after its end a meeting still takes feedback


class Part(Protocol):
    """What a feature adds to the posts of every meeting. Each text is short or a `Listing`
    (cut to fit); "" adds nothing."""

    async def announcement_part(self, occ: Occurrence) -> str | Listing: ...

    async def start_part(self, occ: Occurrence) -> str | Listing: ...

    async def summary_part(self, occ: Occurrence) -> str | Listing: ...

    async def after_step(self, occ: Occurrence, step: str, room_id: str) -> None:
        """After the engine ran a step (e.g. `end`): idempotent, a crash repeats it."""


class Meetings:
    def __init__(self) -> None:
        self.engines: dict[str, MeetingEngine] = {}
        self.parts: list[Part] = []

    def add_engine(self, engine: MeetingEngine) -> None:
        self.engines[engine.kind] = engine

    def add_part(self, part: Part) -> None:
        self.parts.append(part)

    def engine(self, occ: Occurrence) -> MeetingEngine | None:
        return self.engines.get(occ.kind)

    async def announcement_parts(self, occ: Occurrence) -> list[str | Listing]:
        return [p for part in self.parts if (p := await part.announcement_part(occ))]

    async def start_parts(self, occ: Occurrence) -> list[str | Listing]:
        return [p for part in self.parts if (p := await part.start_part(occ))]

    async def summary_parts(self, occ: Occurrence) -> list[str | Listing]:
        return [p for part in self.parts if (p := await part.summary_part(occ))]

    async def after_step(self, occ: Occurrence, step: str, room_id: str) -> None:
        for part in self.parts:
            await part.after_step(occ, step, room_id)

    async def refresh(self, occ: Occurrence) -> None:
        """A part of its posts changed: the announcement (still to come) or the summary
        (over) shows it soon."""
        engine = self.engine(occ)
        fresh = await db.get(engine.store, occ.id) if engine else None
        if engine is None or fresh is None:
            return
        if fresh.status == SCHEDULED:
            await engine.refresh(fresh)
        elif fresh.status == DONE:
            await engine.refresh_summary(fresh)

    # --- which meeting a command means -----------------------------------------------------

    async def occurrences(self, statuses: Sequence[str] = (SCHEDULED, DONE)
                          ) -> list[Occurrence]:
        found: list[Occurrence] = []
        for engine in self.engines.values():
            found += await db.of_kind(engine.store, engine.kind, statuses)
        return found

    async def running_or_today(self, room_id: str, now: datetime) -> Occurrence | None:
        """The meeting in this room that runs now or ended on this day (the minutes' time);
        typed anywhere else (a direct chat), the latest such meeting anywhere."""
        found = [o for o in await self.occurrences() if o.start <= now
                 and (o.end > now or self._same_day(o, now))]
        here = [o for o in found if o.room_id == room_id]
        chosen = here or ([] if self._is_meeting_room(room_id, await self.occurrences())
                          else found)
        return max(chosen, key=lambda o: o.start, default=None)

    async def next_here(self, room_id: str, now: datetime) -> Occurrence | None:
        """The meeting to come (or running) in this room; elsewhere the soonest anywhere."""
        found = [o for o in await self.occurrences((SCHEDULED,)) if o.end > now]
        here = [o for o in found if o.room_id == room_id]
        chosen = here or ([] if self._is_meeting_room(room_id, await self.occurrences())
                          else found)
        return min(chosen, key=lambda o: o.start, default=None)

    async def recent(self, now: datetime) -> list[Occurrence]:
        """Meetings that ended within `RECENT`, the latest first."""
        found = [o for o in await self.occurrences((DONE,))
                 if now - RECENT <= o.end <= now]
        return sorted(found, key=lambda o: o.start, reverse=True)

    def _same_day(self, occ: Occurrence, now: datetime) -> bool:
        engine = self.engine(occ)
        tz = engine.services.clock.tz if engine else now.tzinfo
        return occ.end.astimezone(tz).date() == now.astimezone(tz).date()

    @staticmethod
    def _is_meeting_room(room_id: str, occurrences: Sequence[Occurrence]) -> bool:
        return any(o.room_id == room_id for o in occurrences)


_BY_APP: WeakKeyDictionary[object, Meetings] = WeakKeyDictionary()


def meetings_of(services: Services) -> Meetings:
    """The directory of this app (made on first use)."""
    key = services.offers  # Services itself is a dataclass and cannot be a key
    found = _BY_APP.get(key)
    if found is None:
        found = _BY_APP[key] = Meetings()
    return found
