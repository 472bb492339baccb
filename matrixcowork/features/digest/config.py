"""The `digest` section: the weekly digest's room, day and time."""

from __future__ import annotations

from datetime import time

from pydantic import Field

from ...core.config import Section, TimeOfDay, Weekday


class DigestConfig(Section):
    """One short post a week in `room`: last week in numbers and what comes next."""

    room: str
    weekday: Weekday = "mon"
    time: TimeOfDay = time(8, 0)
    ahead_days: int = Field(default=14, ge=1, le=60)
    """How far ahead the next sync and the webinars are shown; proposals made within as many
    days back that still need 👍 are shown too."""
