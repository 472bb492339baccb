"""The `coworking` section: the open video room, focus sprints and calls."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field, model_validator

from ...core.config import Config, Duration, Section


class CoworkingConfig(Section):
    """Working together: the open video room in core hours, focus sprints and calls.

    The core hours and the days are the community's (`Config.working_hours`, which the
    check-in's `core_hours` and `weekdays` say): one place says when it works together."""

    room: str = "coworking"  # room key: where the video room stands during core hours
    open_room: bool = True
    focus_minutes: list[Annotated[int, Field(ge=5, le=240)]] = Field(
        default=[25, 50], min_length=1, max_length=6
    )
    focus_default: int = 50
    call_timeout: Duration = timedelta(hours=2)

    def check(self, config: Config) -> None:
        if self.open_room and config.working_hours is None:
            raise ValueError("coworking.open_room: the video room opens in the core hours: "
                             "set checkin.core_hours, or open_room: false")

    @model_validator(mode="after")
    def _focus_choices(self) -> CoworkingConfig:
        if len(set(self.focus_minutes)) != len(self.focus_minutes):
            raise ValueError("focus_minutes: a length is listed twice")
        if self.focus_default not in self.focus_minutes:
            raise ValueError("focus_default must be one of focus_minutes")
        return self
