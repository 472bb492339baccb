"""The `events` section: events members make themselves (a lunch, a regulars' evening, a
walk), run by the meeting engine like the sync."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, model_validator

from ...core.config import Duration, Section


class EventsConfig(Section):
    """Where member events are announced, how they are reminded, who may make them public."""

    room: str = "coworking"
    remind_before: list[Duration] = Field(
        default=[timedelta(days=1), timedelta(minutes=30)], max_length=5
    )
    default_duration: Duration = timedelta(hours=2)
    public_by: Literal["organizers", "members"] = "organizers"
    max_per_member: int = Field(default=5, ge=1, le=50)

    @model_validator(mode="after")
    def _leads_fit(self) -> EventsConfig:
        if len(set(self.remind_before)) != len(self.remind_before):
            raise ValueError("remind_before: a lead time is listed twice")
        if not timedelta(minutes=5) <= self.default_duration <= timedelta(hours=12):
            raise ValueError("default_duration: from 5m to 12h")
        return self
