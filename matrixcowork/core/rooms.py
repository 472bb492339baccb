"""Room keys from config to room ids: features name rooms by key, never by id."""

from __future__ import annotations

from nio import AsyncClient

from .chat import Chat
from .config import Config


def display_name(client: AsyncClient, user_id: str, room_id: str | None = None) -> str:
    """The member's display name as the sync told it: in `room_id` if the bot is in that room,
    else in any room the bot shares with them; their user id if no room names them."""
    rooms = client.rooms
    for room in [rooms[room_id]] if room_id in rooms else rooms.values():
        name = room.user_name(user_id)
        if name:
            return name
    return user_id


async def name_anywhere(client: AsyncClient, chat: Chat, user_id: str) -> str:
    """`display_name`, or for someone the bot shares no room with (yet) their profile's."""
    name = display_name(client, user_id)
    if name == user_id:
        name = await chat.profile_name(user_id) or user_id
    return name


class RoomDirectory:
    """Resolves `#alias:server` for a configured room key, once, and remembers it.

    The space feature creates the rooms under these aliases (and calls `remember`); features
    ask `room_id(key)` and get None while a room does not exist yet. With a space in the
    config, only rooms the space feature adopted are known (aliases are first come, first
    served: a room someone else put under a configured alias is never used); without one, the
    organizers made the rooms and an alias is looked up.
    """

    def __init__(self, config: Config, chat: Chat) -> None:
        self._config = config
        self._chat = chat
        self._ids: dict[str, str] = {}

    def alias(self, key: str) -> str:
        return f"#{self._config.room(key).alias}:{self._config.server_name}"

    def space_alias(self) -> str | None:
        space = self._config.community_space
        return f"#{space.alias}:{self._config.server_name}" if space else None

    def remember(self, key: str, room_id: str) -> None:
        self._ids[key] = room_id

    def forget(self, key: str) -> None:
        self._ids.pop(key, None)

    async def room_id(self, key: str) -> str | None:
        if key not in self._ids and self._config.community_space is None:
            room_id = await self._chat.resolve_alias(self.alias(key))
            if room_id is None:
                return None
            self._ids[key] = room_id
        return self._ids.get(key)

    def key_of(self, room_id: str) -> str | None:
        return next((k for k, v in self._ids.items() if v == room_id), None)
