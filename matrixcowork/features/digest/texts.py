"""The digest's text: one short post, a heading and the sections that have something to say.

Every section is bounded (at most `MAX_LINES` lines, each member-typed text cut to
`MAX_TEXT` characters and escaped), so the post stays short whatever members typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ...core.i18n import I18n, _, escape, one_line
from ...core.offers import CheckinWeek, CoffeeResult, NewMember, NextMeeting, WebinarNews

MAX_LINES = 5
MAX_TEXT = 100


def short(text: str) -> str:
    """Member-typed text on one line, cut to `MAX_TEXT`, escaped."""
    line = one_line(text)
    return escape(line if len(line) <= MAX_TEXT else line[: MAX_TEXT - 1] + "…")


@dataclass(frozen=True)
class Week:
    """What the digest of one day knows, read through the offers."""

    day: date
    checkins: CheckinWeek | None
    sync: NextMeeting | None
    webinars: WebinarNews | None
    newcomers: Sequence[NewMember]
    coffee: CoffeeResult | None
    actions: Mapping[str, Sequence[tuple[int, str]]] = field(default_factory=dict)
    """Open actions of the minutes: owner -> (number, text)."""
    plans: Sequence[tuple[date, str, str]] = ()
    """The week's plans (`!plan`): day, member, place."""


class DigestTexts:
    def __init__(self, i18n: I18n, name_of: Callable[[str], str]) -> None:
        self.i18n = i18n
        self.t = i18n.t
        self.name_of = name_of

    def digest(self, week: Week) -> str | None:
        """The post, or None when no section has anything to say."""
        sections = [s for s in (self.checkins(week.checkins), self.plans(week.plans),
                                self.sync(week.sync),
                                *self.webinars(week.webinars), self.newcomers(week.newcomers),
                                self.coffee(week.coffee), self.actions(week.actions)) if s]
        if not sections:
            return None
        head = self.t(_("📰 **The week in our community** ({date})"),
                      date=self.i18n.date(week.day))
        return "\n\n".join([head, *sections])

    def _listed(self, head: str, lines: Sequence[str]) -> str:
        shown = [f"- {line}" for line in lines[:MAX_LINES]]
        if len(lines) > MAX_LINES:
            shown.append("- " + self.t(_("… and {count} more"), count=len(lines) - MAX_LINES))
        return head + "\n\n" + "\n".join(shown)

    def checkins(self, week: CheckinWeek | None) -> str | None:
        if week is None or week.onsite + week.remote == 0:
            return None
        return self.t(_("**Last week:** {total} check-ins ({onsite} on site, {remote} remote) "
                        "by {members} members."), total=week.onsite + week.remote,
                      onsite=week.onsite, remote=week.remote, members=week.members)

    def sync(self, sync: NextMeeting | None) -> str | None:
        if sync is None:
            return None
        head = self.t(_("**Next sync:** {when}, {yes} said yes."),
                      when=self.i18n.datetime(sync.start), yes=sync.yes)
        if not sync.agenda:
            return head + " " + self.t(_("Nothing on the agenda yet."))
        return self._listed(head + " " + self.t(_("On the agenda:")),
                            [short(item) for item in sync.agenda])

    def webinars(self, news: WebinarNews | None) -> list[str]:
        if news is None:
            return []
        sections = []
        if news.scheduled:
            sections.append(self._listed(self.t(_("**Webinars coming up:**")), [
                f"{short(title)}: {escape(self.i18n.datetime(start))}"
                for title, start in news.scheduled]))
        if news.proposals:
            sections.append(self._listed(self.t(_("**Proposals that need 👍:**")), [
                self.t(_("{title} (#{number}): {votes} of {needed} 👍"), number=number,
                       title=one_line(title)[:MAX_TEXT], votes=votes, needed=news.threshold)
                for number, title, votes in news.proposals]))
        return sections

    def newcomers(self, people: Sequence[NewMember]) -> str | None:
        if not people:
            return None
        return self._listed(self.t(_("**Welcome, new members:**")), [
            f"{short(self.name_of(p.user_id))}: {short(p.line)}" if p.line
            else short(self.name_of(p.user_id)) for p in people])

    def plans(self, plans: Sequence[tuple[date, str, str]]) -> str | None:
        if not plans:
            return None
        by_day: dict[date, list[str]] = {}
        for day, user_id, place in sorted(plans):
            by_day.setdefault(day, []).append(
                f"{short(self.name_of(user_id))} ({short(place)})")
        return self._listed(self.t(_("**Plans this week:**")), [
            f"{escape(self.i18n.date(day))}: {', '.join(people)}"
            for day, people in by_day.items()])

    def actions(self, owners: Mapping[str, Sequence[tuple[int, str]]]) -> str | None:
        lines = [f"{short(self.name_of(owner))}: {short(text)} (#{number})"
                 for owner, items in sorted(owners.items()) for number, text in items]
        if not lines:
            return None
        return self._listed(self.t(_("**Open actions:**")), lines)

    def coffee(self, result: CoffeeResult | None) -> str | None:
        if result is None or result.groups == 0:
            return None
        return self.t(_("**Coffee roulette:** {met} of {groups} groups met in the round of "
                        "{date}."), met=result.met, groups=result.groups,
                      date=self.i18n.date(result.day))
