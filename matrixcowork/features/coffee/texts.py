"""What the coffee roulette says: heads-up, round summary, the group's welcome, follow-up,
`!coffee status` and `!coffee stats`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ...core.formatting import command_text, link, mention
from ...core.i18n import I18n, Markup, _
from .db import Participant

STATS_ROUNDS = 6  # rounds listed one by one; the met-rate covers all given


@dataclass(frozen=True)
class RoundFigures:
    day: date
    groups: int
    asked: int  # groups whose follow-up was sent
    met: int


def met_rate(rounds: Sequence[RoundFigures]) -> tuple[int, int]:
    """(groups that met, groups asked) over these rounds."""
    return sum(r.met for r in rounds), sum(r.asked for r in rounds)


class CoffeeTexts:
    def __init__(self, i18n: I18n, name_of: Callable[[str], str], prefix: str) -> None:
        self.i18n = i18n
        self.name_of = name_of
        self.prefix = prefix

    def command(self, name: str) -> Markup:
        return command_text(self.prefix, name)

    def headsup(self, start: datetime, count: int) -> str:
        return self.i18n.t(
            _("☕ **Coffee roulette** on {when}: {count} people take part. Each group gets "
              "a private room and a video link.\n\nReact 💤 to skip this round. Not in yet? "
              "Type {join}."),
            when=self.i18n.datetime(start), count=count, join=self.command("coffee join"),
        )

    def paired(self, people: int, groups: int) -> str:
        if groups == 0:
            return self.i18n.t(
                _("☕ No coffee round this time: only {count} taking part. Invite someone "
                  "to type {join}!"), count=people, join=self.command("coffee join"))
        return self.i18n.t(
            _("☕ Coffee round: {people} people in {groups} groups. Look for your "
              "invitation!"), people=people, groups=groups)

    def room_name(self, members: Sequence[str]) -> str:
        """Plain text (a room name is not Markdown): "☕ Coffee: Anna & Ben"."""
        names = [self.name_of(user_id) for user_id in members]
        joined = ", ".join(names[:-1]) + " & " + names[-1]
        return self.i18n.t(_("☕ Coffee: {names}")).format(names=joined)

    def room_topic(self) -> str:
        return self.i18n.t(_("Your coffee roulette round: find a time and meet for a chat."))

    def welcome(self, members: Sequence[str], url: str, cards: Sequence[str | None]) -> str:
        """Hello, the video link, then each member's card (from the people feature)."""
        people = Markup(", ".join(mention(m, self.name_of(m)) for m in members))
        lines = [
            self.i18n.t(
                _("☕ Hello {people}! You are coffee partners this round. Find a time for "
                  "a chat of 20 to 30 minutes in the next days, by video or in person."),
                people=people),
            self.i18n.t(_("Your video room: {link}"), link=link(url)),
        ]
        for card in cards:
            if card is not None:
                lines += ["---", card]
        return "\n\n".join(lines)

    def followup(self) -> str:
        return self.i18n.t(_("☕ Did you meet? React ✅ once you had your coffee."))

    def rate(self, met: int, asked: int) -> str:
        if asked == 0:
            return self.i18n.t(_("Met so far: no follow-ups yet"))
        return self.i18n.t(_("Met so far: {met} of {asked} groups ({percent} %)"),
                           met=met, asked=asked, percent=round(100 * met / asked))

    def stats(self, rounds: Sequence[RoundFigures]) -> str:
        t = self.i18n.t
        if not rounds:
            return t(_("No coffee rounds yet."))
        lines = [t(_("**Coffee rounds**")), ""]
        for figures in rounds[:STATS_ROUNDS]:
            lines.append("- " + t(_("{date}: {groups} group(s), {met} of {asked} met"),
                                  date=self.i18n.date(figures.day), groups=figures.groups,
                                  met=figures.met, asked=figures.asked))
        return "\n".join([*lines, "", self.rate(*met_rate(rounds))])

    def status(self, you: Participant | None, start: datetime, count: int, skipping: bool,
               rate: tuple[int, int]) -> str:
        t = self.i18n.t
        if you is None:
            state = t(_("You are not in the coffee roulette. Type {join} to take part."),
                      join=self.command("coffee join"))
        elif you.paused_until and you.paused_until > start.date():
            state = t(_("You are in the coffee roulette, paused until {date}."),
                      date=self.i18n.date(you.paused_until))
        else:
            state = t(_("You are in the coffee roulette."))
        lines = [state, t(_("Next round: {when}, {count} taking part so far."),
                          when=self.i18n.datetime(start), count=count)]
        if skipping:
            lines.append(t(_("You skip that round (💤).")))
        lines.append(self.rate(*rate))
        return "\n".join(lines)
