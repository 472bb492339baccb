"""The `space` section: the space itself, how people get in, and where newcomers are pointed."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...core.config import LOCALPART_RE, CommunitySpace, Config, Section

MAX_DECLINE_REASON = 300


class SpaceConfig(Section):
    name: str = Field(min_length=1)
    alias: str = Field(pattern=LOCALPART_RE.pattern)
    topic: str = ""
    avatar: str | None = Field(default=None, pattern=r"^mxc://\S+$")
    join: Literal["invite", "knock"] | None = None
    """How people get in: `invite` only, or `knock` (ask to join; organizers approve in
    `organizer_room`). Default: knock when there is an organizer room, else invite."""
    organizer_room: str | None = None  # room key (access: organizers): requests, new members
    decline_reason: str | None = Field(default=None, min_length=1, max_length=MAX_DECLINE_REASON)
    """What someone whose request is declined reads; default: a kind sentence in `language`."""
    welcome_room: str | None = None  # room keys: where newcomers are greeted, and what
    checkin_room: str | None = None  # the greeting points them to
    intro_room: str | None = None

    @property
    def knocks(self) -> bool:
        """Whether people may ask to join (the space's join rule is `knock`)."""
        return (self.join or ("knock" if self.organizer_room else "invite")) == "knock"

    def community_space(self) -> CommunitySpace:
        return CommunitySpace(self.alias, self.name, self.organizer_room, self.intro_room)

    def room_keys(self) -> list[tuple[str, str]]:
        keys = {"welcome_room": self.welcome_room, "checkin_room": self.checkin_room,
                "intro_room": self.intro_room, "organizer_room": self.organizer_room}
        return [(where, key) for where, key in keys.items() if key is not None]

    def check(self, config: Config) -> None:
        if any(room.alias == self.alias for room in config.rooms):
            raise ValueError(f"rooms: alias '{self.alias}' is already the space's alias")
        if self.join == "knock" and self.organizer_room is None:
            raise ValueError("space.organizer_room: join: knock needs a room key for the "
                             "organizers' requests (or set join: invite)")
        if self.organizer_room and config.room(self.organizer_room).access != "organizers":
            raise ValueError(f"space.organizer_room: room '{self.organizer_room}' needs access: "
                             "organizers (requests show outsiders' words)")
