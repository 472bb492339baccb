"""The base of the features that add parts to every meeting that takes part (the sync and the
webinars): the minutes, the questions, the feedback. Not a feature itself."""

from __future__ import annotations

from ..core.config import Config
from ..core.services import Services
from ..meetings.directory import meetings_of
from . import Feature


class MeetingPartFeature(Feature):
    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.store = services.store
        self.meetings = meetings_of(services)
        self.meetings.add_part(self)

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return config.sync is not None or config.webinars is not None
