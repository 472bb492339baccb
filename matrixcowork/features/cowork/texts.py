"""What coworking together says: sprint posts, the end of a sprint, calls, the open room.

Names and goals come in as plain text and are escaped by `t`; pills come in as `Markup`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from ...core.formatting import command_text, link
from ...core.i18n import I18n, Markup, _, escape
from ...meetings.db import Occurrence
from ...meetings.render import MeetingTexts, blocks
from .db import FocusFigures

JOIN_KEY = "\U0001F64B"  # 🙋
REACHED_KEY = "\u2705"  # ✅
GOAL_NOTED_KEY = "\U0001F44D"  # 👍


def roster(people: Sequence[tuple[str, str | None]]) -> str:
    """`- Anna: write the report` lines (a Markdown list), names and goals escaped."""
    return "\n".join(
        f"- {escape(name)}" + (f": {escape(goal)}" if goal else "") for name, goal in people
    )


class CoworkTexts:
    def __init__(self, i18n: I18n, prefix: str) -> None:
        self.i18n = i18n
        self.t = i18n.t
        self.prefix = prefix

    def command(self, name: str) -> Markup:
        return command_text(self.prefix, name)

    def duration(self, span: timedelta) -> str:
        return format_timedelta(span, locale=self.i18n.locale, threshold=2)

    # --- focus sprints -----------------------------------------------------------------------

    def sprint(self, end: datetime, people: Sequence[tuple[str, str | None]]) -> str:
        head = self.t(_("🎯 **Focus sprint until {end}** — reply with your goal, react 🙋 "
                        "to join."), end=self.i18n.time(end))
        return blocks(head, self.t(_("In ({count}):"), count=len(people)) + "\n\n"
                      + roster(people))

    def time_is_up(self, pills: Sequence[Markup], people: Sequence[tuple[str, str | None]]
                   ) -> str:
        head = self.t(_("⏰ **Time is up!** {people} — react ✅ if you reached your goal."),
                      people=Markup(", ".join(pills)))
        return blocks(head, roster(people))

    def joined(self, end: datetime, goal: str | None) -> str:
        if goal:
            return self.t(_("You are in the focus sprint until {end}. Your goal: {goal}"),
                          end=self.i18n.time(end), goal=goal)
        return self.t(_("You are in the focus sprint until {end}. Reply to its post with "
                        "your goal."), end=self.i18n.time(end))

    def stats(self, own: FocusFigures, everyone: FocusFigures, sprints: int) -> str:
        mine = self.t(_("**Your focus sprints:** {joined} joined, {reached} goals reached ✅."),
                      joined=own.joined, reached=own.reached)
        everybody = self.t(_("Everyone: {sprints} sprints, {joined} times taken part, "
                             "{reached} goals reached."),
                           sprints=sprints, joined=everyone.joined, reached=everyone.reached)
        return blocks(mine, everybody)

    # --- calls ----------------------------------------------------------------------------------

    def call(self, topic: str | None, url: str, widget: bool, timeout: timedelta) -> str:
        if topic:
            head = self.t(_("📞 **{topic}** – join the video call: {link}"), topic=topic,
                          link=link(url))
        else:
            head = self.t(_("📞 Join the video call: {link}"), link=link(url))
        top = self.t(_("In Element the call is also at the top of this room.")) if widget else ""
        end = self.t(_("{end} ends it; otherwise it ends after {timeout}."),
                     end=self.command("call end"), timeout=self.duration(timeout))
        return blocks(head, top + (" " if top else "") + end)

    def calls_ended(self, topics: Sequence[str | None]) -> str:
        if not topics:
            return self.t(_("There is no call open in this room. Start one with {call}."),
                          call=self.command("call"))
        if len(topics) > 1:
            return self.t(_("{count} calls ended."), count=len(topics))
        if topics[0]:
            return self.t(_("Call ended: {topic}."), topic=topics[0])
        return self.t(_("Call ended."))

    def call_timed_out(self, topic: str | None, timeout: timedelta) -> str:
        after = self.duration(timeout)
        if topic:
            return self.t(_("📞 The call {topic} ended after {timeout}. A new one: {call}"),
                          topic=topic, timeout=after, call=self.command("call"))
        return self.t(_("📞 The video call ended after {timeout}. A new one: {call}"),
                      timeout=after, call=self.command("call"))


class OpenRoomTexts(MeetingTexts):
    """The meeting engine's start and summary posts, worded for the open coworking room."""

    def start(self, occ: Occurrence, url: str) -> str:
        head = self.t(_("🎥 **The coworking room is open** until {end}: drop in whenever "
                        "you like."), end=self.i18n.time(occ.end))
        hint = self.t(_("In Element the call is also at the top of this room. React with ✋ "
                        "when you drop in."))
        return blocks(head, self.join(url), hint)

    def summary(self, occ: Occurrence, names: Sequence[str], details: str) -> str:
        head = self.t(_("🔒 **The coworking room is closed** for today."))
        if not names:
            return blocks(head, self.t(_("See you next time!")))
        return blocks(head, self.t(_("Dropped in ({count}): {names}"), count=len(names),
                                   names=Markup(", ".join(names))))
