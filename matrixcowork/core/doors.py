"""Which rooms the bot is in: rooms of its space and direct chats, none too big.

An invitation is followed only from someone allowed to invite the bot, and, with a space in
the config, only into the community's rooms (the space, a room under a configured alias, a
child of the space: an `m.space.child` with `via` in the space's state) or a direct chat (the
invitation says `is_direct`, and once joined nobody but the inviter is in or invited to the
room; otherwise
the bot leaves again). Declining says nothing: the bot is not in the room, and a stranger's
room is not where it speaks. Without a space in the config the organizers place the bot in
rooms by hand, so any allowed invitation is followed.

A room with more than `max_room_members` joined members is left with one short notice; the
space itself and the rooms configured in `rooms` are never left.
"""

from __future__ import annotations

import logging
from typing import Any

from nio import InviteMemberEvent

from .chat import ChatError
from .i18n import _
from .services import Services

log = logging.getLogger(__name__)


class Doors:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._left: set[str] = set()  # said goodbye: never twice, even if leaving failed

    @property
    def own_user(self) -> str:
        return self.services.client.user_id

    async def on_invite(self, room_id: str, invited: Any) -> None:
        own = next((e for e in invited.invite_state if isinstance(e, InviteMemberEvent)
                    and e.state_key == self.own_user and e.membership == "invite"), None)
        inviter = own.sender if own else None
        chat = self.services.chat
        if not (inviter and self.services.permissions.may_invite_bot(inviter)):
            log.info("declining invitation to %s by %s", room_id, inviter)
            await chat.leave(room_id)
            return
        direct = bool(own and own.content.get("is_direct"))
        space = self.services.config.community_space
        if space is not None and not await self._of_community(room_id):
            if not direct:
                log.info("declining invitation to %s by %s: not a room of the space nor a "
                         "direct chat", room_id, inviter)
                await chat.leave(room_id)
                return
            log.info("joining direct chat %s with %s", room_id, inviter)
            await chat.join(room_id)
            others = await self._members(room_id) - {self.own_user, inviter}
            if others:
                log.info("leaving %s: a 'direct chat' with %d others in it", room_id,
                         len(others))
                await chat.leave(room_id)
                return
            await self.services.direct.remember(inviter, room_id)
            return
        log.info("joining %s on invitation by %s", room_id, inviter)
        await chat.join(room_id)  # its size is checked once the sync shows its members
        if direct:
            await self.services.direct.remember(inviter, room_id)

    async def _members(self, room_id: str) -> set[str]:
        """Who is in the room or invited to it: an invited third would read a direct chat."""
        return {event["state_key"] for event in await self.services.chat.room_state(room_id)
                if event.get("type") == "m.room.member"
                and event.get("content", {}).get("membership") in ("join", "invite")}

    async def _of_community(self, room_id: str) -> bool:
        """The space, a room under a configured alias (provisioning then decides whether to
        adopt it), or a child of the space."""
        services = self.services
        space = services.permissions.space_room_id
        if room_id == space or services.rooms.key_of(room_id):
            return True
        try:
            aliases = [services.rooms.space_alias(),
                       *(services.rooms.alias(r.key) for r in services.config.rooms)]
            for alias in aliases:
                if alias and await services.chat.resolve_alias(alias) == room_id:
                    return True
            if space is None:
                return False
            child = await services.chat.get_state(space, "m.space.child", room_id)
        except ChatError as err:
            log.warning("cannot tell whether %s is the community's: %s", room_id, err)
            return False
        return bool(child and child.get("via"))

    async def too_big(self, room_id: str) -> bool:
        """Whether the bot left this room for its size (the sync's member count, no request)."""
        services = self.services
        room = services.client.rooms.get(room_id)
        limit = services.config.max_room_members
        if room is None or room.joined_count <= limit:
            return False
        if room_id == services.permissions.space_room_id or services.rooms.key_of(room_id):
            return False
        if room_id in self._left:
            return True
        self._left.add(room_id)
        log.info("leaving %s: %d members, more than %d", room_id, room.joined_count, limit)
        try:
            await services.chat.send(room_id, services.i18n.t(
                _("This room has more than {limit} members, too many for me. I'm leaving; "
                  "you find me in the community's rooms."), limit=limit))
        except ChatError as err:
            log.warning("cannot say goodbye in %s: %s", room_id, err)
        try:
            await services.chat.leave(room_id)
        except ChatError as err:
            log.warning("cannot leave %s: %s", room_id, err)
        return True
