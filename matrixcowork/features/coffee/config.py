"""The `coffee` section: the coffee roulette's rounds."""

from __future__ import annotations

from datetime import time

from pydantic import Field

from ...core.config import Section, TimeOfDay, Weekday


class CoffeeConfig(Section):
    """Coffee roulette: a round every few weeks, announced the day before in `room`."""

    room: str
    weekday: Weekday = "mon"
    time: TimeOfDay = time(10, 0)
    every_weeks: int = Field(default=2, ge=1, le=12)
    avoid_repeat_rounds: int = Field(default=3, ge=0, le=52)
    followup_days: int = Field(default=3, ge=1, le=14)
