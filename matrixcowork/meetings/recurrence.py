"""Recurrences such as "first tuesday 18:00", computed in the community's timezone.

The rule becomes the scheduling service's `Cron`, which keeps the local time of day across DST
changes: the first Tuesday of April is at 18:00 in Berlin whether that is 16:00 or 17:00 UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from ..core.clock import WEEKDAYS
from ..core.scheduling import Cron

ORDINALS = {
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
    "1st": "1st", "2nd": "2nd", "3rd": "3rd", "4th": "4th", "5th": "5th", "last": "last",
    "every": None,
}
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RULE = re.compile(r"(\w+)\s+(\w+?)s?\s+(?:at\s+)?(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class Recurrence:
    """`ordinal` is "1st".."5th" or "last" of the month, None for every week."""

    ordinal: str | None
    weekday: str
    at: time

    def rule(self, tz: ZoneInfo) -> Cron:
        day = {"day": f"{self.ordinal} {self.weekday}"} if self.ordinal else {
            "day_of_week": self.weekday}
        return Cron.of(tz, hour=self.at.hour, minute=self.at.minute, **day)

    def first_at_or_after(self, when: datetime, tz: ZoneInfo) -> datetime:
        return self.rule(tz).at_or_after(when)

    def slots(self, after: datetime, tz: ZoneInfo) -> Iterator[datetime]:
        """Every time of the rule from `after` on (inclusive), in order."""
        rule = self.rule(tz)
        slot = rule.at_or_after(after)
        while True:
            yield slot
            slot = rule.after(slot)


def parse_recurrence(text: str) -> Recurrence:
    """`first tuesday 18:00`, `last fri at 9:30`, `every monday 10:00`; a ValueError names
    the accepted forms."""
    match = _RULE.fullmatch(" ".join(text.lower().split()))
    ordinal_word, day_word = (match[1], match[2]) if match else ("", "")
    weekday = next((d for d, full in zip(WEEKDAYS, _FULL_DAYS, strict=True)
                    if day_word in (d, full)), None)
    if not match or ordinal_word not in ORDINALS or weekday is None:
        raise ValueError(
            f"'{text}' is not a recurrence like 'first tuesday 18:00' (first..fifth, last or "
            "every; a weekday; HH:MM)"
        )
    hour, minute = int(match[3]), int(match[4])
    if hour > 23 or minute > 59:
        raise ValueError(f"'{text}': {hour:02d}:{minute:02d} is not a time of day")
    return Recurrence(ORDINALS[ordinal_word], weekday, time(hour, minute))
