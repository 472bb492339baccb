"""Who may do what: organizers and moderators from config, members from the community space.

Fail closed: with a space in the config, nobody but organizers and moderators is trusted until
the space is known (the first start before provisioning, or a provisioning that never
succeeds). Without a space in the config, the community is the users of `allowed_servers`.
"""

from __future__ import annotations

from enum import IntEnum

from nio import AsyncClient

from .config import Config


class Access(IntEnum):
    """Ordered: each level may use everything the levels below it may use."""

    EVERYONE = 0
    MEMBER = 1
    MODERATOR = 2
    ORGANIZER = 3


class Permissions:
    """Answers from config and from the room state the sync already delivered: no requests."""

    def __init__(self, config: Config, client: AsyncClient) -> None:
        self._config = config
        self._client = client
        self._space_room_id: str | None = None
        self._without_space = config.community_space is None  # asked per event: once here

    @property
    def space_room_id(self) -> str | None:
        """The community space's room id, once the space feature knows it."""
        return self._space_room_id

    def know_space(self, room_id: str | None) -> None:
        """From now on, members are those joined to this space (None: not known yet)."""
        self._space_room_id = room_id

    def access_of(self, user_id: str) -> Access:
        if user_id in self._config.admins:
            return Access.ORGANIZER
        if user_id in self._config.moderators:
            return Access.MODERATOR
        if self.is_member(user_id):
            return Access.MEMBER
        return Access.EVERYONE

    def allows(self, user_id: str, access: Access) -> bool:
        """Whether this user counts where a feature declared `access` (its reactions, votes,
        poll answers, replies): the same rule as its commands."""
        return self.access_of(user_id) >= access

    def is_member(self, user_id: str) -> bool:
        """Joined to the space. Before the space is known, nobody; without a space in the
        config, anyone on the community's servers."""
        if self._space_room_id is None:
            return self._without_space and self.is_trusted_server(user_id)
        room = self._client.rooms.get(self._space_room_id)
        return bool(room and user_id in room.users and user_id not in room.invited_users)

    def is_trusted_server(self, user_id: str) -> bool:
        return user_id.split(":", 1)[-1] in self._config.trusted_servers

    def may_invite_bot(self, user_id: str) -> bool:
        """The bot joins rooms when an organizer, a moderator or a trusted server's user asks."""
        if user_id in self._config.admins or user_id in self._config.moderators:
            return True
        return self.is_trusted_server(user_id)
