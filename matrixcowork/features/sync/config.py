"""The `sync` section: the recurring community meeting."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator, model_validator

from ...core.config import Duration, Section
from ...meetings.recurrence import parse_recurrence


class SyncConfig(Section):
    """The recurring community meeting: when, how long, when announced and reminded."""

    room: str = "sync"
    recurrence: str = "first tuesday 18:00"
    duration: Duration = timedelta(hours=1)
    announce_before: Duration = timedelta(days=7)
    remind_before: list[Duration] = Field(
        default=[timedelta(days=1), timedelta(minutes=15)], max_length=5
    )
    title: str | None = Field(default=None, min_length=1, max_length=80)
    public: bool = False  # listed in the public calendar feed

    @field_validator("recurrence")
    @classmethod
    def _known_recurrence(cls, value: str) -> str:
        parse_recurrence(value)
        return value

    @model_validator(mode="after")
    def _leads_fit(self) -> SyncConfig:
        if len(set(self.remind_before)) != len(self.remind_before):
            raise ValueError("remind_before: a lead time is listed twice")
        if any(lead >= self.announce_before for lead in self.remind_before):
            raise ValueError("remind_before: reminders must come after the announcement "
                             "(shorter than announce_before)")
        return self
