"""The quiet members' texts: the friendly direct message, its answers, the organizers' list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from ...core.formatting import command_text
from ...core.i18n import I18n, _


class QuietTexts:
    def __init__(self, i18n: I18n, prefix: str) -> None:
        self.i18n = i18n
        self.t = i18n.t
        self.prefix = prefix

    def code(self, text: str) -> str:
        return command_text(self.prefix, text)

    def hello(self, name: str, sync: datetime | None, coffee: str | None) -> str:
        """`coffee`: "answer" (a ✅ here joins the next round), "command", or None (no
        coffee roulette)."""
        lines = [self.t(_("👋 Hi {name}, we haven't seen you in the community for a while. "
                          "We miss you!"), name=name)]
        if sync is not None:
            lines.append(self.t(_("The next sync is on {when}; {command} tells you more."),
                                when=self.i18n.datetime(sync), command=self.code("sync")))
        if coffee == "answer":
            lines.append(self.t(_("Want a coffee partner in the next round? Answer ✅ here "
                                  "and you are in.")))
        elif coffee == "command":
            lines.append(self.t(_("Want a coffee partner in the next round? Type {command}."),
                                command=self.code("coffee join")))
        lines.append(self.t(_("I ask only once. Rather not hear from me like this? {command}"),
                            command=self.code("quiet off")))
        return "\n\n".join(lines)

    def joined(self) -> str:
        return self.t(_("Great, you are in the next coffee round! {command} shows when."),
                      command=self.code("coffee status"))

    def not_understood(self) -> str:
        return self.t(_("No problem. If you want a coffee partner later, type {command}."),
                      command=self.code("coffee join"))

    def monthly(self, month: date, went: Sequence[str], back: Sequence[str]) -> str:
        lines = [self.t(_("📋 **Quiet members, {month}**"), month=self.i18n.month(month))]
        if went:
            lines.append(self.t(_("Went quiet: {names}"), names=", ".join(went)))
        if back:
            lines.append(self.t(_("Came back: {names}"), names=", ".join(back)))
        return "\n\n".join(lines)
