"""The base of the features that add parts to every meeting that takes part (the sync and the
webinars): the minutes, the questions, the feedback. Not a feature itself."""

from __future__ import annotations

from ..core.config import Config
from ..core.formatting import command_text
from ..core.i18n import Markup
from ..core.postedits import CoalescedEdits
from ..core.rooms import display_name
from ..core.services import Services
from ..meetings.db import Occurrence
from ..meetings.directory import meetings_of
from . import Feature


class MeetingPartFeature(Feature):
    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.store = services.store
        self.meetings = meetings_of(services)
        self.meetings.add_part(self)
        self.edits = CoalescedEdits(services.chat)

    async def stop(self) -> None:
        await self.edits.flush()

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return config.sync is not None or config.webinars is not None

    def _name(self, user: str | None, room_id: str | None) -> str:
        return display_name(self.services.client, user, room_id) if user else ""

    def _date(self, occ: Occurrence) -> str:
        i18n = self.services.i18n
        return i18n.date(occ.start.astimezone(i18n.tz).date())

    def _code(self, text: str) -> Markup:
        return command_text(self._prefix, text)

    @property
    def _prefix(self) -> str:
        return self.services.config.command_prefix
