"""The `people` section: introductions and profiles."""

from __future__ import annotations

from ...core.config import Section


class PeopleConfig(Section):
    """Introductions and profiles: where `!intro` posts the cards."""

    intro_room: str | None = None  # room key; without it, space.intro_room

    def room_keys(self) -> list[tuple[str, str]]:
        return [("intro_room", self.intro_room)] if self.intro_room else []
