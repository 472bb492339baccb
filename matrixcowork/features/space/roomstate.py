"""A snapshot of one room's state, read fresh from the homeserver before provisioning changes it.

Provisioning also runs from `matrixcowork provision`, without a sync, so it cannot rely on the
state the sync loop has collected; one `/state` request per room gives everything at once,
senders included (the v12 creator is the sender of `m.room.create`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...core.chat import Chat
from .powers import creators, effective_level, room_version, state_level

SPACE_TYPE = "m.space"


@dataclass(frozen=True)
class RoomState:
    room_id: str
    events: Mapping[tuple[str, str], Mapping[str, Any]]

    @classmethod
    def from_events(cls, room_id: str, events: list[Mapping[str, Any]]) -> RoomState:
        return cls(room_id, {(e["type"], e.get("state_key", "")): e for e in events})

    def content(self, event_type: str, state_key: str = "") -> Mapping[str, Any] | None:
        event = self.events.get((event_type, state_key))
        return event.get("content", {}) if event else None

    @property
    def create_event(self) -> Mapping[str, Any]:
        return self.events.get(("m.room.create", ""), {})

    @property
    def version(self) -> str:
        return room_version(self.create_event)

    @property
    def is_space(self) -> bool:
        return (self.content("m.room.create") or {}).get("type") == SPACE_TYPE

    @property
    def creators(self) -> frozenset[str]:
        return creators(self.create_event)

    @property
    def made_by(self) -> frozenset[str]:
        """Who made the room: the sender of `m.room.create` (and a v12 room's additional
        creators)."""
        sender = self.create_event.get("sender")
        return self.creators | ({sender} if sender else set())

    def level_of(self, user_id: str) -> float:
        return effective_level(user_id, self.create_event, self.content("m.room.power_levels"))

    def needed_for(self, event_type: str) -> int:
        return state_level(self.content("m.room.power_levels"), event_type)


async def fetch_state(chat: Chat, room_id: str) -> RoomState:
    return RoomState.from_events(room_id, await chat.room_state(room_id))
