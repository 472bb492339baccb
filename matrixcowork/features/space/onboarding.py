"""The welcome: once per person, ever, when they first join the space.

The join is seen in the sync's timeline of the space room (events from before the bot's time
never arrive). By the time the dispatcher hands it over, the client's room state already holds
the end of that sync batch, so someone who joined and left again within it is not greeted.
The welcome is stored by user id after it was sent; its transaction id is derived from the
user, so a crash between sending and storing cannot greet twice either.
"""

from __future__ import annotations

import logging

from nio import RoomMemberEvent

from ...core.chat import txn_for
from ...core.formatting import command_text, mention
from ...core.i18n import _
from ...core.rooms import display_name
from ...core.services import Services
from . import db
from .links import room_link

log = logging.getLogger(__name__)


def is_new_join(event: RoomMemberEvent) -> bool:
    """A join, not a profile change of someone already in."""
    return event.membership == "join" and event.prev_membership != "join"


class Onboarding:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_member(self, room_id: str, event: RoomMemberEvent) -> None:
        services = self.services
        space = services.config.space
        if space is None or space.welcome_room is None:
            return
        if room_id != services.permissions.space_room_id or not is_new_join(event):
            return
        user_id = event.state_key
        if await db.was_welcomed(services.store, user_id):
            return
        if not services.permissions.is_member(user_id):
            log.info("%s left the space before the welcome; not greeting", user_id)
            return
        target = await services.rooms.room_id(space.welcome_room)
        if target is None:
            log.warning("welcome room %s does not exist yet", space.welcome_room)
            return
        event_id = await services.chat.send(
            target, self.text(user_id), mentions=[user_id], txn=txn_for("welcome", user_id)
        )
        await db.record_welcome(services.store, user_id, event_id,
                                services.clock.now().isoformat())

    def text(self, user_id: str) -> str:
        services = self.services
        config = services.config
        space = config.space
        assert space is not None
        i18n = services.i18n
        name = display_name(services.client, user_id, services.permissions.space_room_id)
        lines = [i18n.t(_("Welcome to {space}, {person}! 👋"), space=space.name,
                        person=mention(user_id, name))]
        if space.checkin_room:
            lines.append(i18n.t(
                _("Check in each morning in {room}: react to the day's post."),
                room=room_link(config, services.rooms, space.checkin_room)))
        if space.intro_room:
            lines.append(i18n.t(_("Tell us who you are in {room}."),
                                room=room_link(config, services.rooms, space.intro_room)))
        lines.append(i18n.t(_("Type {help} in any room to see what I can do."),
                            help=command_text(config.command_prefix, "help")))
        return "\n\n".join(lines)
