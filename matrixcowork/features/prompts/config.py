"""The `prompts` section: the question of the week's room, day, time, rhythm and questions."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from ...core.config import Section, TimeOfDay, Weekday

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=300)]


class PromptsConfig(Section):
    """A question a week in `room`, answered in the post's thread."""

    room: str
    weekday: Weekday = "wed"
    time: TimeOfDay = time(10, 0)
    backoff_after: int = Field(default=3, ge=1, le=12)
    """Weeks without an answer before the bot asks every other week, then monthly."""
    review_room: str | None = None
    """Where members' suggestions wait for an organizer's ✅ (default: `room`)."""
    questions: dict[Literal["de", "en"], list[Question]] | None = None
    """The questions per language; without them, the ~20 that ship with the bot."""

    @field_validator("questions")
    @classmethod
    def _some_and_distinct(cls, value: dict[str, list[str]] | None
                           ) -> dict[str, list[str]] | None:
        for language, listed in (value or {}).items():
            if not listed:
                raise ValueError(f"no questions for '{language}'")
            if len(set(listed)) != len(listed):
                raise ValueError(f"a question for '{language}' is listed twice")
        return value

    def room_keys(self) -> list[tuple[str, str]]:
        keys = [("room", self.room)]
        return keys + ([("review_room", self.review_room)] if self.review_room else [])
