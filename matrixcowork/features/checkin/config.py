"""The `checkin` section: the daily post, its time, days, reactions and core hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ...core.config import Model, Section, TimeOfDay, Weekday
from ...core.emoji import normalize_key

CheckinMode = Literal["onsite", "remote"]


class CoreHours(Model):
    start: TimeOfDay
    end: TimeOfDay

    @model_validator(mode="after")
    def _ordered(self) -> CoreHours:
        if self.end <= self.start:
            raise ValueError("core hours must end after they start")
        return self


class CheckinConfig(Section):
    """The daily check-in post: where, when, and which reaction means which mode."""

    room: str = "coworking"
    time: TimeOfDay = time(9, 0)
    weekdays: list[Weekday] = Field(
        default=["mon", "tue", "wed", "thu", "fri"], min_length=1, max_length=7
    )
    reactions: dict[str, CheckinMode] = Field(
        default={"\U0001F3E2": "onsite", "\U0001F3E0": "remote"}, min_length=1
    )
    core_hours: CoreHours | None = None
    late_until: TimeOfDay | None = None
    members_see_all_stats: bool = False

    @property
    def late_cutoff(self) -> time:
        """Until when a post missed at `time` (the bot was down) is still made that day: the
        configured `late_until`, else the end of the core hours, else three hours after `time`.
        Never in the evening for a morning question."""
        if self.late_until:
            return self.late_until
        if self.core_hours and self.core_hours.end > self.time:
            return self.core_hours.end
        latest = datetime.combine(date.min, self.time) + timedelta(hours=3)
        return latest.time() if latest.date() == date.min else time(23, 59)

    @model_validator(mode="after")
    def _late_after_time(self) -> CheckinConfig:
        if self.late_until is not None and self.late_until <= self.time:
            raise ValueError("late_until must be later than time")
        return self

    @field_validator("weekdays")
    @classmethod
    def _distinct_days(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a weekday is listed twice")
        return value

    @field_validator("reactions")
    @classmethod
    def _normalised_keys(cls, value: dict[str, str]) -> dict[str, str]:
        normalised = {normalize_key(key): mode for key, mode in value.items()}
        if "" in normalised or len(normalised) != len(value):
            raise ValueError("reaction keys must be distinct emoji (variation selectors ignored)")
        return normalised
