"""The texts of the check-in: the daily post, `!who` and `!stats`, in the community's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.dates import get_day_names

from ...core.formatting import command_text, mention
from ...core.i18n import I18n, Markup, _, escape
from .config import CheckinConfig
from .db import Attendance
from .stats import MODES, MonthStats

MODE_LABELS = {"onsite": _("On site"), "remote": _("Remote")}
STATUS_COMMAND = "status"  # what I work on today; the bot's own status is `!botstatus`


class CheckinTexts:
    def __init__(
        self, i18n: I18n, config: CheckinConfig, prefix: str, name_of: Callable[[str], str]
    ) -> None:
        self.i18n = i18n
        self.config = config
        self.prefix = prefix
        self.name_of = name_of
        self.keys = {
            mode: " / ".join(k for k, m in config.reactions.items() if m == mode) for mode in MODES
        }

    def post(self, day: date, rows: list[Attendance]) -> str:
        t = self.i18n.t
        lines = [t(_("**Good morning! Who is coworking today, {date}?**"),
                   date=self.i18n.date(day)), self._how_to_react()]
        hours = self.config.core_hours
        if hours:
            lines.append(t(_("Core hours: {start}–{end}."),
                           start=hours.start.strftime("%H:%M"), end=hours.end.strftime("%H:%M")))
        lines.append(t(_("No emoji at hand? Type {checkin}, and {status} tells the others "
                         "what you work on."),
                       checkin=command_text(self.prefix, "checkin"),
                       status=command_text(self.prefix, f"{STATUS_COMMAND} …")))
        people = self._by_mode(rows) or t(_("Nobody has checked in yet."))
        return "\n\n".join(["\n".join(lines), people])

    def who(self, day: date, rows: list[Attendance]) -> str:
        if not rows:
            return self.i18n.t(_("Nobody has checked in today yet."))
        title = self.i18n.t(_("**Here today, {date}:**"), date=self.i18n.date(day))
        return f"{title}\n\n{self._by_mode(rows)}"

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
        return self.i18n.t(MODE_LABELS[mode])

    def _how_to_react(self) -> str:
        onsite, remote = self.keys["onsite"], self.keys["remote"]
        if onsite and remote:
            return self.i18n.t(
                _("React with {onsite} if you are on site, with {remote} if you work remotely."),
                onsite=onsite, remote=remote,
            )
        return self.i18n.t(_("React with {keys} to check in."), keys=onsite or remote)

    def _by_mode(self, rows: list[Attendance]) -> str:
        lines = []
        for mode in MODES:
            people = [self._person(row) for row in rows if row.mode == mode]
            if people:
                lines.append(self.i18n.t(
                    _("{emoji} **{mode} ({count}):** {people}"),
                    emoji=self.keys[mode].split(" / ")[0] if self.keys[mode] else "",
                    mode=self.mode(mode), count=len(people), people=Markup(", ".join(people)),
                ).strip())
        return "\n".join(lines)

    def _person(self, row: Attendance) -> str:
        who = mention(row.user_id, self.name_of(row.user_id))
        if not row.note:
            return who
        return f"{who} ({escape(row.note)})"

    def _modes(self, counts: dict[str, int]) -> str:
        return ", ".join(f"{self.mode(mode)} {counts[mode]}" for mode in MODES if counts[mode])
