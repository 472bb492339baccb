"""The `space` section: the space itself and where newcomers are pointed."""

from __future__ import annotations

from pydantic import Field

from ...core.config import LOCALPART_RE, Config, Section


class SpaceConfig(Section):
    name: str = Field(min_length=1)
    alias: str = Field(pattern=LOCALPART_RE.pattern)
    topic: str = ""
    avatar: str | None = Field(default=None, pattern=r"^mxc://\S+$")
    welcome_room: str | None = None  # room keys: where newcomers are greeted, and what
    checkin_room: str | None = None  # the greeting points them to
    intro_room: str | None = None

    def room_keys(self) -> list[tuple[str, str]]:
        keys = {"welcome_room": self.welcome_room, "checkin_room": self.checkin_room,
                "intro_room": self.intro_room}
        return [(where, key) for where, key in keys.items() if key is not None]

    def check(self, config: Config) -> None:
        if any(room.alias == self.alias for room in config.rooms):
            raise ValueError(f"rooms: alias '{self.alias}' is already the space's alias")
