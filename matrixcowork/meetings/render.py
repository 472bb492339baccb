"""The texts of a meeting in the community's language: announcement, reminder, start, summary,
cancellation and move. Names and mentions come in ready-made (escaped or `Markup`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from ..core.formatting import link
from ..core.i18n import I18n, Markup, _
from .db import Occurrence
from .rsvp import MAYBE, NO, OFFERED, YES

LABELS = {YES: _("Coming"), MAYBE: _("Maybe"), NO: _("Not coming")}
EMOJI = dict(zip((YES, MAYBE, NO), OFFERED, strict=True))


def blocks(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


class MeetingTexts:
    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n
        self.t = i18n.t

    def has_call(self, occ: Occurrence) -> bool:
        """Whether the meeting is a video call (its start puts the call at the top of the
        room); a subclass says no for meetings in person."""
        return True

    def when(self, occ: Occurrence, start: datetime | None = None) -> str:
        start = start or occ.start
        return f"{self.i18n.datetime(start)}–{self.i18n.time(start + occ.duration)}"

    def header(self, occ: Occurrence) -> str:
        return self.t(_("📅 **{title}**: {when}"), title=occ.title, when=self.when(occ))

    def join(self, url: str) -> str:
        return self.t(_("Join the video call: {link}"), link=link(url))

    def answers(self, names: dict[str, Sequence[str]]) -> str:
        """One line per answer: `✅ Coming (2): Anna, Ben`."""
        lines = []
        for answer in (YES, MAYBE, NO):
            people = names.get(answer, ())
            line = f"{EMOJI[answer]} {self.t(LABELS[answer])} ({len(people)})"
            lines.append(line + (": " + ", ".join(people) if people else ""))
        return "\n".join(lines)

    def announcement(self, occ: Occurrence, url: str, names: dict[str, Sequence[str]],
                     details: str) -> str:
        rsvp = self.t(_("React with ✅ coming, ❔ maybe or ❌ not coming."))
        return blocks(self.header(occ), self.join(url), details, rsvp, self.answers(names))

    def cancelled_announcement(self, occ: Occurrence) -> str:
        return self.t(_("🚫 ~~{title}: {when}~~ – cancelled."), title=occ.title,
                      when=self.when(occ))

    def overview(self, occ: Occurrence, url: str, names: dict[str, Sequence[str]],
                 details: str) -> str:
        return blocks(self.header(occ), self.join(url), self.answers(names), details)

    def reminder(self, occ: Occurrence, url: str, remaining: timedelta,
                 people: Sequence[Markup]) -> str:
        soon = format_timedelta(remaining, add_direction=True, locale=self.i18n.locale)
        head = self.t(_("⏰ **{title}** starts {soon}: {when}."), title=occ.title, soon=soon,
                      when=self.when(occ))
        return blocks(head, self.join(url), self._people(_("Coming or maybe: {people}"), people))

    def start(self, occ: Occurrence, url: str) -> str:
        head = self.t(_("🎥 **{title}** starts now!"), title=occ.title)
        hint = self.t(_("In Element the call is also at the top of this room. "
                        "React with ✋ when you are in."))
        return blocks(head, self.join(url), hint)

    def summary(self, occ: Occurrence, names: Sequence[str], details: str) -> str:
        head = self.t(_("✅ **{title}** of {date} is over. Thank you!"), title=occ.title,
                      date=self.i18n.date(occ.start.astimezone(self.i18n.tz).date()))
        if names:
            took_part = self.t(_("Took part ({count}): {names}"), count=len(names),
                               names=Markup(", ".join(names)))
        else:
            took_part = self.t(_("Nobody said with ✋ that they were there."))
        return blocks(head, took_part, details)

    def cancelled(self, occ: Occurrence, people: Sequence[Markup], note: str) -> str:
        head = self.t(_("🚫 **{title}** on {when} is cancelled."), title=occ.title,
                      when=self.when(occ))
        return blocks(head, note, self._people(_("You had answered: {people}"), people))

    def moved(self, occ: Occurrence, before: datetime, url: str,
              people: Sequence[Markup]) -> str:
        head = self.t(_("📅 **{title}** moves from {before} to {when}. Your answers stay."),
                      title=occ.title, before=self.i18n.datetime(before), when=self.when(occ))
        return blocks(head, self.join(url),
                      self._people(_("You had answered: {people}"), people))

    def _people(self, message: str, people: Sequence[Markup]) -> str:
        return self.t(message, people=Markup(", ".join(people))) if people else ""
