"""The wording of member events: the meeting engine's posts with the place instead of the call
when people meet in person, and the answers of the commands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from ...core.i18n import Markup, _
from ...meetings.db import Occurrence
from ...meetings.render import MeetingTexts, blocks

PLACE_KEY, EVENT_KEY, PUBLIC_KEY = "place", "event", "public"  # in the occurrence's extra


def place_of(occ: Occurrence) -> str | None:
    place = occ.extra.get(PLACE_KEY)
    return place if isinstance(place, str) and place else None


class EventTexts(MeetingTexts):
    """In person: where, not the link; no call at the top of the room."""

    def has_call(self, occ: Occurrence) -> bool:
        return place_of(occ) is None

    def where(self, occ: Occurrence, url: str) -> str:
        place = place_of(occ)
        if place is None:
            return self.join(url)
        return self.t(_("📍 Where: {place}"), place=place)

    def header(self, occ: Occurrence) -> str:
        return self.t(_("🧑‍🤝‍🧑 **{title}**: {when}"), title=occ.title, when=self.when(occ))

    def announcement(self, occ: Occurrence, url: str, names: dict[str, Sequence[str]],
                     details: str) -> str:
        rsvp = self.t(_("React with ✅ coming, ❔ maybe or ❌ not coming."))
        return blocks(self.header(occ), self.where(occ, url), details, rsvp,
                      self.answers(names))

    def overview(self, occ: Occurrence, url: str, names: dict[str, Sequence[str]],
                 details: str) -> str:
        return blocks(self.header(occ), self.where(occ, url), self.answers(names), details)

    def reminder(self, occ: Occurrence, url: str, remaining: timedelta,
                 people: Sequence[Markup]) -> str:
        soon = format_timedelta(remaining, add_direction=True, locale=self.i18n.locale)
        head = self.t(_("⏰ **{title}** starts {soon}: {when}."), title=occ.title, soon=soon,
                      when=self.when(occ))
        return blocks(head, self.where(occ, url),
                      self._people(_("Coming or maybe: {people}"), people))

    def start(self, occ: Occurrence, url: str) -> str:
        if self.has_call(occ):
            return super().start(occ, url)
        head = self.t(_("🧑‍🤝‍🧑 **{title}** starts now!"), title=occ.title)
        hint = self.t(_("React with ✋ when you are there."))
        return blocks(head, self.where(occ, url), hint)

    def moved(self, occ: Occurrence, before: datetime, url: str,
              people: Sequence[Markup]) -> str:
        head = self.t(_("📅 **{title}** moves from {before} to {when}. Your answers stay."),
                      title=occ.title, before=self.i18n.datetime(before), when=self.when(occ))
        return blocks(head, self.where(occ, url),
                      self._people(_("You had answered: {people}"), people))
