"""The one source of "now", so tests can stand the community's clock anywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # as config names them, Monday first


def utc(when: datetime) -> datetime:
    """The instant, for comparing: two times in the same zone compare by their wall clock
    (Python ignores `fold`), so 02:10 CET would come before 02:20 CEST on the night the
    clocks go back."""
    return when.astimezone(UTC)


def later(when: datetime, delta: timedelta) -> datetime:
    """`delta` of real time after `when`, read in `when`'s zone (adding to the wall clock
    would make a 25-minute sprint last 1h25 across the repeated autumn hour)."""
    return (utc(when) + delta).astimezone(when.tzinfo)


class Clock:
    """Wall-clock time in the community's timezone."""

    runs_by_itself = True  # the scheduler sleeps until work is due

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def today(self):
        return self.now().date()


class FakeClock(Clock):
    """A clock that stands still until a test moves it; the scheduler then runs what became
    due when the test says so (`Scheduler.run_due`), never by itself."""

    runs_by_itself = False

    def __init__(self, tz: ZoneInfo, start: datetime) -> None:
        super().__init__(tz)
        self._now = start.astimezone(tz) if start.tzinfo else start.replace(tzinfo=tz)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(self.tz) if when.tzinfo else when.replace(tzinfo=self.tz)

    def advance(self, delta: timedelta) -> None:
        self._now = later(self._now, delta)
