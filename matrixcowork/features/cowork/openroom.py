"""The open video room: during core hours the coworking room has a standing Jitsi call.

Each coworking day's core hours are one occurrence of the meeting engine (kind `cowork`,
named by its slot, so a day is planned once): its start step posts the link and puts the
widget at the top of the room, its end step removes the widget and says the room is closed.
The engine records each step, so a restart between them neither opens again nor misses the
close, and a bot that was down at the start opens late while the core hours last. Core hours
that passed entirely while the bot was down are dropped: nothing to open, nothing to close.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from ...core.clock import WEEKDAYS
from ...core.i18n import _
from ...core.services import Services
from ...meetings import db as meetings
from ...meetings.engine import MeetingEngine
from ...meetings.steps import START, Timing
from .texts import OpenRoomTexts

KIND = "cowork"
NO_ANNOUNCEMENT = Timing(announce_before=timedelta(0))  # the start post says it all



class Hours(Protocol):
    """The community's core hours (`Config.working_hours`): when the room stands open."""

    start: time
    end: time


def next_window(now: datetime, hours: Hours, weekdays: Sequence[str], tz: ZoneInfo
                ) -> tuple[datetime, datetime]:
    """The core hours running at `now`, or the next ones, on a coworking day."""
    today = now.astimezone(tz).date()
    for offset in range(8):
        day = today + timedelta(days=offset)
        if WEEKDAYS[day.weekday()] not in weekdays:
            continue
        start = datetime.combine(day, hours.start, tz)
        end = datetime.combine(day, hours.end, tz)
        if end > now:
            return start, end
    raise ValueError("no coworking day in a week")  # the config requires at least one


class OpenRoom:
    def __init__(self, services: Services, feature: str, room_key: str, hours: Hours,
                 weekdays: Sequence[str]) -> None:
        self.services = services
        self.store = services.store
        self.room_key = room_key
        self.hours = hours
        self.weekdays = weekdays
        self.engine = MeetingEngine(services, KIND, NO_ANNOUNCEMENT, feature=feature,
                                    label=_("open coworking room"),
                                    texts=OpenRoomTexts(services.i18n))
        self.title = services.i18n.t(_("Coworking room"))

    async def start(self) -> None:
        await self.engine.start(self.tick)

    async def stop(self) -> None:
        await self.engine.stop()

    async def tick(self, now: datetime) -> None:
        """Plan the day, open or close what is due; after a close, plan the next day."""
        await self._plan(now)
        await self.engine.run_due(now)
        if await self._plan(now):
            await self.engine.reschedule(now)

    async def _plan(self, now: datetime) -> bool:
        """The occurrence of the current or next core hours exists (True: made now). One that
        never opened and is over, or no longer fits the core hours, is dropped; while a day's
        room is open, nothing new is planned."""
        start, end = next_window(now, self.hours, self.weekdays, self.services.clock.tz)
        for occ in await meetings.scheduled(self.store, KIND):
            if START in await self.engine.recorded(occ):
                return False  # open now: its close comes first
            if occ.end <= now or occ.start != start:
                await meetings.set_status(self.store, occ.id, meetings.CANCELLED)
        created = await self.engine.create(self.title, start, end - start,
                                           room_key=self.room_key, slot=start)
        return created is not None
