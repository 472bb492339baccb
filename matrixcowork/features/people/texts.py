"""How a member is shown: the introduction card, `!whois` and the `!find` results.

Member-typed text goes in as values of translated messages, so it is escaped and cannot add
formatting; the name is a pill that does not notify (the bot never sends `m.mentions` with a
card).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ...core.formatting import command_text, mention
from ...core.help import usage
from ...core.i18n import I18n, Markup, _, escape
from ...core.offers import LAST_COWORKING_DAY, WEBINARS_GIVEN
from .db import Profile
from .search import Match

NameOf = Callable[[str], str]


@dataclass(frozen=True)
class Figures:
    """What `!whois` tells besides the card; `shown` names the offers an enabled feature
    provides (the others are left out, not shown as zero)."""

    since: date | None
    last_day: date | None
    webinars: int
    shown: frozenset[str]


class PeopleTexts:
    def __init__(self, i18n: I18n, name_of: NameOf, prefix: str) -> None:
        self.i18n = i18n
        self.name_of = name_of
        self.prefix = prefix

    def code(self, text: str) -> Markup:
        return command_text(self.prefix, text)

    def person(self, user_id: str) -> str:
        return mention(user_id, self.name_of(user_id))

    def card(self, profile: Profile) -> str:
        """The introduction card: name, introduction, then skills, offer and wish if set."""
        t = self.i18n.t
        lines = [t(_("👋 **{person}**"), person=self.person(profile.user_id))]
        if profile.intro:
            lines.append(escape(profile.intro))
        if profile.skills:
            lines.append(t(_("**Skills:** {skills}"), skills=", ".join(profile.skills)))
        if profile.offer:
            lines.append(t(_("**I can help with:** {offer}"), offer=profile.offer))
        if profile.seek:
            lines.append(t(_("**I am looking for:** {seek}"), seek=profile.seek))
        if profile.place:
            lines.append(t(_("**I work:** {place}"), place=profile.place))
        return "\n\n".join(lines)

    def no_profile(self, user_id: str) -> str:
        return self.i18n.t(_("{person} has not introduced themselves yet."),
                           person=self.person(user_id))

    def own_empty(self) -> str:
        return self.i18n.t(
            _("You have no profile yet. Introduce yourself with {intro}, then add {skills}, "
              "{offer} and {seek}."),
            intro=usage("intro", self.prefix, self.i18n.t),
            skills=self.code("profile skills"), offer=self.code("profile offer"),
            seek=self.code("profile seek"),
        )

    def whois(self, user_id: str, profile: Profile | None, figures: Figures) -> str:
        """The card, then the figures; a figure no enabled feature tells is left out."""
        t, i18n, last_day = self.i18n.t, self.i18n, figures.last_day
        first = self.card(profile) if profile and not profile.is_empty else self.no_profile(user_id)
        facts = [
            t(_("Member since: {date}"), date=i18n.date(figures.since)) if figures.since
            else t(_("Member since: not known yet")),
        ]
        if LAST_COWORKING_DAY.name in figures.shown:
            facts.append(t(_("Last coworking day: {date}"), date=i18n.date(last_day)) if last_day
                         else t(_("Last coworking day: none yet")))
        if WEBINARS_GIVEN.name in figures.shown:
            facts.append(t(_("Webinars given: {count}"), count=figures.webinars))
        return first + "\n\n" + "\n".join(f"- {fact}" for fact in facts)

    def found(self, query: str, matches: list[Match]) -> str:
        t = self.i18n.t
        if not matches:
            return t(_("Nobody matches \"{query}\" yet."), query=query)
        lines = [t(_("Who matches \"{query}\", best first:"), query=query), ""]
        for match in matches:
            lines.append(f"- {self.person(match.profile.user_id)}{self._summary(match.profile)}")
        return "\n".join(lines)

    def _summary(self, profile: Profile) -> str:
        t = self.i18n.t
        parts = []
        if profile.skills:
            parts.append(t(_("skills: {skills}"), skills=", ".join(profile.skills)))
        if profile.offer:
            parts.append(t(_("helps with: {offer}"), offer=_shorten(profile.offer)))
        if not parts and profile.intro:
            parts.append(escape(_shorten(profile.intro)))
        return " – " + "; ".join(parts) if parts else ""


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
