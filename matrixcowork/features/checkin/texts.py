"""The texts of the check-in: the daily post, `!who`, `!stats` and `!plan`, in the community's
language. People are grouped by place: the locations in the config's order, then remote, then
any place of old rows the config no longer names (shown by its key)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.dates import get_day_names

from ...core.formatting import command_text, mention
from ...core.i18n import I18n, Markup, _, escape
from .config import ONSITE, REMOTE, CheckinConfig, Place
from .db import Attendance, Plan
from .stats import MonthStats

MODE_LABELS = {ONSITE: _("On site"), REMOTE: _("Remote")}
UNKNOWN_PLACE = "\U0001F4CD"  # 📍
PLANNED = "\U0001F5D3\ufe0f"  # 🗓️
STATUS_COMMAND = "status"  # what I work on today; the bot's own status is `!botstatus`


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
        people = self._by_mode(rows) or t(_("Nobody has checked in yet."))
        return "\n\n".join(part for part in ["\n".join(lines), people, self._planned(rows, plans)]
                           if part)

    def who(self, day: date, rows: list[Attendance], plans: list[Plan] = ()) -> str:
        planned = self._planned(rows, plans)
        if not rows:
            nobody = self.i18n.t(_("Nobody has checked in today yet."))
            return f"{nobody}\n\n{planned}" if planned else nobody
        title = self.i18n.t(_("**Here today, {date}:**"), date=self.i18n.date(day))
        return "\n\n".join(part for part in [title, self._by_mode(rows), planned] if part)

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

    def _by_mode(self, rows: list[Attendance]) -> str:
        lines = []
        for key in self._ordered({row.mode for row in rows}):
            place = self._place(key)
            people = [self._person(row) for row in rows if row.mode == key]
            lines.append(self.i18n.t(
                _("{emoji} **{mode} ({count}):** {people}"),
                emoji=place.emoji or "", mode=self.place_name(place), count=len(people),
                people=Markup(", ".join(people)),
            ).strip())
        return "\n".join(lines)

    def _planned(self, rows: list[Attendance], plans: list[Plan]) -> str:
        """Who planned to come and has not checked in yet."""
        here = {row.user_id for row in rows}
        waiting = [p for p in plans if p.user_id not in here]
        if not waiting:
            return ""
        people = ", ".join(
            f"{mention(p.user_id, self.name_of(p.user_id))} ({self.place_label(p.place)})"
            for p in waiting)
        return self.i18n.t(_("{emoji} **Planned ({count}):** {people}"), emoji=PLANNED,
                           count=len(waiting), people=Markup(people))

    def _person(self, row: Attendance) -> str:
        who = mention(row.user_id, self.name_of(row.user_id))
        if not row.note:
            return who
        return f"{who} ({escape(row.note)})"

    def _modes(self, counts: dict[str, int]) -> Markup:
        return Markup(", ".join(f"{escape(self.mode(key))} {counts[key]}"
                                for key in self._ordered(set(counts)) if counts[key]))
