"""The `webinars` section: where webinars are proposed, voted on and announced."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator

from ...core.config import Duration, Section


class WebinarsConfig(Section):
    """Webinars by members: proposed and voted on in `room`, announced there and in
    `announce_rooms`, listed on the public page and in the calendar feed when `public`."""

    room: str = "webinars"
    announce_rooms: list[str] = Field(default=[])
    vote_threshold: int = Field(default=3, ge=1, le=100)
    default_minutes: int = Field(default=60, ge=15, le=480)
    reminders: list[Duration] = Field(
        default=[timedelta(days=1), timedelta(minutes=15)], max_length=5
    )
    public: bool = True

    def room_keys(self) -> list[tuple[str, str]]:
        return [("room", self.room), *(("announce_rooms", key) for key in self.announce_rooms)]

    @field_validator("reminders")
    @classmethod
    def _distinct_reminders(cls, value: list[timedelta]) -> list[timedelta]:
        if len(set(value)) != len(value):
            raise ValueError("a lead time is listed twice")
        if any(lead > timedelta(days=60) for lead in value):
            raise ValueError("reminders come at most 60d before the start")
        return value
