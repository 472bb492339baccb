"""When coffee rounds happen: a weekday every few weeks, at a time, in the community's zone.

The weeks are counted from a fixed Monday, so "every two weeks" means the same weeks before
and after a restart or a config reload, without any stored anchor. The heads-up comes the day
before at the round's time, the follow-up `followup_days` after it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ...core.scheduling import due_on
from .config import CoffeeConfig

EPOCH = date(1970, 1, 5)  # a Monday


class CoffeeSchedule:
    def __init__(self, config: CoffeeConfig, tz: ZoneInfo) -> None:
        self.config = config
        self.tz = tz

    def is_round(self, day: date) -> bool:
        week = (day - EPOCH).days // 7
        return due_on(day, (self.config.weekday,)) and week % self.config.every_weeks == 0

    def start(self, day: date) -> datetime:
        """When the round of this day is paired."""
        return datetime.combine(day, self.config.time, tzinfo=self.tz)

    def headsup(self, day: date) -> datetime:
        return self.start(day - timedelta(days=1))

    def followup(self, day: date) -> datetime:
        return self.start(day + timedelta(days=self.config.followup_days))

    def next_round(self, now: datetime) -> date:
        """The first round that has not started at `now`."""
        day = now.astimezone(self.tz).date()
        while not (self.is_round(day) and self.start(day) > now):
            day += timedelta(days=1)
        return day
