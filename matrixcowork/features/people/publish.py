"""The introduction card in the introductions room: one per member, kept current by edits.

The first `!intro` posts the card; later changes to the profile edit it in place, so the room
holds one current card per person instead of a trail of outdated ones. `!profile clear` removes
it. The room is `people.intro_room`, or the space's `intro_room` when that is not set.
"""

from __future__ import annotations

import logging

from ...core.chat import ChatError
from ...core.services import Services
from . import db
from .texts import PeopleTexts

log = logging.getLogger(__name__)


class IntroCards:
    def __init__(self, services: Services, cards: PeopleTexts) -> None:
        self.services = services
        self.cards = cards
        config = services.config
        space = config.community_space
        self.room_key = config.people.intro_room or (space.intro_room if space else None)

    @property
    def room_name(self) -> str | None:
        return self.services.config.room(self.room_key).name if self.room_key else None

    async def room_id(self) -> str | None:
        if self.room_key is None:
            return None
        return await self.services.rooms.room_id(self.room_key)

    async def post(self, profile: db.Profile, txn: str) -> bool:
        """Post (or bring up to date) the member's card; False if there is no room for it."""
        room_id = await self.room_id()
        if room_id is None:
            return False
        if profile.card_room_id == room_id and await self.update(profile):
            return True
        try:
            event_id = await self.services.chat.send(room_id, self.cards.card(profile), txn=txn)
        except ChatError as err:
            log.warning("cannot post the introduction of %s: %s", profile.user_id, err)
            return False
        await db.set_card(self.services.store, profile.user_id, room_id, event_id)
        return True

    async def update(self, profile: db.Profile) -> bool:
        """Edit the card that is already posted; False if there is none (or it is gone)."""
        if not (profile.card_room_id and profile.card_event_id):
            return False
        try:
            await self.services.chat.edit(
                profile.card_room_id, profile.card_event_id, self.cards.card(profile)
            )
        except ChatError as err:
            log.warning("cannot update the introduction of %s: %s", profile.user_id, err)
            return False
        return True

    async def remove(self, profile: db.Profile) -> None:
        if not (profile.card_room_id and profile.card_event_id):
            return
        try:
            await self.services.chat.redact(
                profile.card_room_id, profile.card_event_id, "profile cleared"
            )
        except ChatError as err:
            log.warning("cannot remove the introduction of %s: %s", profile.user_id, err)
