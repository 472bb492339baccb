"""Links to the community's rooms, for messages that point people somewhere."""

from __future__ import annotations

from ...core.config import Config
from ...core.formatting import MATRIX_TO, link
from ...core.i18n import Markup
from ...core.rooms import RoomDirectory


def room_link(config: Config, rooms: RoomDirectory, key: str) -> Markup:
    """A matrix.to link by alias: it works for people who have not joined the room yet."""
    return link(f"{MATRIX_TO}{rooms.alias(key)}", config.room(key).name)
