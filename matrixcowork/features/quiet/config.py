"""The `quiet` section: when a member counts as quiet, and where the organizers' list goes."""

from __future__ import annotations

from datetime import time

from pydantic import Field

from ...core.config import Config, Section, TimeOfDay


class QuietConfig(Section):
    """Members not seen for `quiet_weeks` get one friendly direct message; on the 1st of each
    month the organizers get the list of who went quiet and who came back in `room` (default:
    the space's `organizer_room`)."""

    room: str | None = None
    quiet_weeks: int = Field(default=4, ge=1, le=52)
    time: TimeOfDay = time(11, 0)

    def check(self, config: Config) -> None:
        space = config.community_space
        if self.room is None and (space is None or space.organizer_room is None):
            raise ValueError("quiet.room: name the organizers' room for the monthly list "
                             "(or set space.organizer_room)")

    def list_room(self, config: Config) -> str:
        """The room key of the organizers' monthly list."""
        space = config.community_space
        room = self.room or (space.organizer_room if space else None)
        assert room is not None  # `check` made sure
        return room
