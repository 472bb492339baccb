"""The `quiet` section: when a member counts as quiet, and where the organizers' list goes."""

from __future__ import annotations

from datetime import time

from pydantic import Field

from ...core.config import Section, TimeOfDay


class QuietConfig(Section):
    """Members not seen for `quiet_weeks` get one friendly direct message; on the 1st of each
    month the organizers get the list of who went quiet and who came back in `room`."""

    room: str
    quiet_weeks: int = Field(default=4, ge=1, le=52)
    time: TimeOfDay = time(11, 0)
