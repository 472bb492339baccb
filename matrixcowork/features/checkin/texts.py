"""The texts of the check-in: the daily post, `!who`, `!stats` and `!plan`, in the community's
language. People are grouped by place: the locations in the config's order, then remote, then
any place of old rows the config no longer names (shown by its key)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import get_day_names

from ...core.formatting import command_text, mention
from ...core.i18n import I18n, Markup, _, escape
from ...core.limits import fit
from .config import ONSITE, REMOTE, CheckinConfig, Place
from .db import Attendance, Plan
from .stats import MonthStats

MODE_LABELS = {ONSITE: _("On site"), REMOTE: _("Remote")}
UNKNOWN_PLACE = "\U0001F4CD"  # 📍
PLANNED = "\U0001F5D3\ufe0f"  # 🗓️
STATUS_COMMAND = "status"  # what I work on today; the bot's own status is `!botstatus`


@dataclass(frozen=True)
class _Group:
    """A line of the list: its label (`🏠 **Remote (3):**`) and its people, each rendered when
    asked; the planned ones are a paragraph of their own."""

    label: str
    people: Sequence[Any]
    render: Callable[[Any], str]
    planned: bool = False


def _taken(sizes: list[int], count: int) -> list[int]:
    """How many of each group the first `count` people are, taken from the groups in turn."""
    taken = [0] * len(sizes)
    while count:
        open_groups = [g for g, size in enumerate(sizes) if taken[g] < size]
        rounds = min(min(sizes[g] - taken[g] for g in open_groups), count // len(open_groups))
        if rounds == 0:  # less than a round left: the first groups get one more
            for g in open_groups[:count]:
                taken[g] += 1
            return taken
        for g in open_groups:
            taken[g] += rounds
        count -= rounds * len(open_groups)
    return taken


class CheckinTexts:
    def __init__(
        self, i18n: I18n, config: CheckinConfig, prefix: str, name_of: Callable[[str], str]
    ) -> None:
        self.i18n = i18n
        self.config = config
        self.prefix = prefix
        self.name_of = name_of
        self.places = config.places()
        self.by_key = {place.key: place for place in self.places}

    def post(self, day: date, rows: list[Attendance], plans: list[Plan] = ()) -> str:
        t = self.i18n.t
        lines = [t(_("**Good morning! Who is coworking today, {date}?**"),
                   date=self.i18n.date(day)), self._how_to_react()]
        hours = self.config.core_hours
        if hours:
            lines.append(t(_("Core hours: {start}–{end}."),
                           start=hours.start.strftime("%H:%M"), end=hours.end.strftime("%H:%M")))
        example = "checkin" if self.places[0].key in (ONSITE, REMOTE) \
            else f"checkin {self.places[0].key}"  # with locations: say which
        lines.append(t(_("No emoji at hand? Type {checkin}, and {status} tells the others "
                         "what you work on."),
                       checkin=command_text(self.prefix, example),
                       status=command_text(self.prefix, f"{STATUS_COMMAND} …")))
        head = "\n".join(lines)
        nobody = "" if rows else t(_("Nobody has checked in yet."))
        return self._people(rows, plans, lambda people: "\n\n".join(
            part for part in [head, nobody, people] if part), edited=True)

    def who(self, day: date, rows: list[Attendance], plans: list[Plan] = ()) -> str:
        if rows:
            head = self.i18n.t(_("**Here today, {date}:**"), date=self.i18n.date(day))
        else:
            head = self.i18n.t(_("Nobody has checked in today yet."))
        return self._people(rows, plans, lambda people: "\n\n".join(
            part for part in [head, people] if part), edited=False)

    def plans(self, plans: list[Plan]) -> str:
        """`!plan` without arguments: the member's coming plans."""
        t = self.i18n.t
        if not plans:
            return t(_("You have no plans yet. Say where you will be: {command}"),
                     command=command_text(self.prefix, "plan thu " + self._example_key()))
        lines = [t(_("**Your plans:**"))]
        lines += [f"- {self.i18n.date(p.day)}: {self.place_label(p.place)}" for p in plans]
        lines.append(t(_("Take them back with {command}."),
                       command=command_text(self.prefix, "plan clear")))
        return "\n".join(lines)

    def place_label(self, key: str) -> Markup:
        """`🏭 Detmold`, `🏠 Remote`: emoji and name, escaped."""
        place = self._place(key)
        name = escape(self.place_name(place))
        return Markup(f"{place.emoji} {name}" if place.emoji else name)

    def place_name(self, place: Place) -> str:
        return place.name if place.name is not None else self.i18n.t(
            MODE_LABELS.get(place.key, place.key))

    def place_keys(self) -> str:
        """The words `!checkin` and `!plan` take, for their hints."""
        return ", ".join(place.key for place in self.places)

    def _example_key(self) -> str:
        return self.places[0].key

    def stats(self, stats: MonthStats, viewer: str, see_all: bool) -> str:
        t = self.i18n.t
        month = self.i18n.month(stats.month)
        if not stats.total:
            return t(_("No check-ins in {month}."), month=month)
        days = get_day_names("wide", locale=self.i18n.locale)
        lines = [
            t(_("**Check-ins in {month}**"), month=month),
            t(_("Check-ins: {count} · members: {members} · {modes}"), count=stats.total,
              members=len(stats.members), modes=self._modes(stats.by_mode)),
            t(_("Busiest weekday: {days}."),
              days=", ".join(days[d] for d in stats.busiest_weekdays)),
            "",
        ]
        if see_all:
            lines += [
                f"- {mention(m.user_id, self.name_of(m.user_id))}: {m.total} "
                f"({self._modes(m.by_mode)})"
                for m in stats.members
            ]
            return "\n".join(lines)
        mine = stats.of(viewer)
        lines.append(
            t(_("Your check-ins: {count} ({modes})."), count=mine.total,
              modes=self._modes(mine.by_mode))
            if mine else t(_("You have not checked in this month."))
        )
        return "\n".join(lines)

    def mode(self, mode: str) -> str:
        return self.place_name(self._place(mode))

    def _place(self, key: str) -> Place:
        return self.by_key.get(key) or Place(key, key, UNKNOWN_PLACE)

    def _how_to_react(self) -> str:
        t = self.i18n.t
        if [p.key for p in self.places] == [ONSITE, REMOTE]:
            return t(
                _("React with {onsite} if you are on site, with {remote} if you work remotely."),
                onsite=self.places[0].emoji, remote=self.places[1].emoji,
            )
        offered = [p for p in self.places if p.emoji]
        if len(offered) == 1:
            return t(_("React with {keys} to check in."), keys=offered[0].emoji)
        return t(_("Where are you today? React with {places}."),
                 places=Markup(", ".join(self.place_label(p.key) for p in offered)))

    def _ordered(self, keys: set[str]) -> list[str]:
        known = [p.key for p in self.places if p.key in keys]
        return known + sorted(keys - set(known))

    def _people(self, rows: list[Attendance], plans: list[Plan],
                around: Callable[[str], str], *, edited: bool) -> str:
        """`around` the people by place, then who planned the day and has not checked in: as
        many as fit in one message, taken from each group in turn, each group's line ending
        in how many more it has. Only those shown are named and rendered."""
        groups = self._groups(rows, plans)
        sizes = [len(group.people) for group in groups]
        shown: list[list[str]] = [[] for _ in groups]

        def pieces() -> Iterator[str]:
            for index in range(max(sizes, default=0)):
                for group, rendered in zip(groups, shown, strict=True):
                    if index < len(group.people):
                        rendered.append(group.render(group.people[index]))
                        yield rendered[index]

        def render(count: int) -> str:
            places, planned = [], []
            for group, rendered, n in zip(groups, shown, _taken(sizes, count), strict=True):
                listed = ", ".join(rendered[:n])
                if n < len(group.people):
                    more = self.i18n.t(_("… and {count} more"), count=len(group.people) - n)
                    listed = f"{listed} {more}" if listed else more
                (planned if group.planned else places).append(f"{group.label} {listed}")
            return around("\n\n".join(part for part in ("\n".join(places), *planned) if part))

        return fit(render, sum(sizes), edited=edited, pieces=pieces())

    def _groups(self, rows: list[Attendance], plans: list[Plan]) -> list[_Group]:
        """Each place's line label (`🏠 **Remote (3):**`) and its people, rendered when asked;
        then the planned."""
        groups: list[_Group] = []
        for key in self._ordered({row.mode for row in rows}):
            place = self._place(key)
            people = [row for row in rows if row.mode == key]
            label = self.i18n.t(_("{emoji} **{mode} ({count}):** {people}"),
                                emoji=place.emoji or "", mode=self.place_name(place),
                                count=len(people), people=Markup("")).strip()
            groups.append(_Group(label, people, self._person))
        here = {row.user_id for row in rows}
        waiting = [plan for plan in plans if plan.user_id not in here]
        if waiting:
            groups.append(_Group(self.i18n.t(_("{emoji} **Planned ({count}):** {people}"),
                                             emoji=PLANNED, count=len(waiting),
                                             people=Markup("")).strip(), waiting,
                                             self._planner, planned=True))
        return groups

    def _planner(self, plan: Plan) -> str:
        return f"{mention(plan.user_id, self.name_of(plan.user_id))} " \
               f"({self.place_label(plan.place)})"

    def _person(self, row: Attendance) -> str:
        who = mention(row.user_id, self.name_of(row.user_id))
        if not row.note:
            return who
        return f"{who} ({escape(row.note)})"

    def _modes(self, counts: dict[str, int]) -> Markup:
        return Markup(", ".join(f"{escape(self.mode(key))} {counts[key]}"
                                for key in self._ordered(set(counts)) if counts[key]))
