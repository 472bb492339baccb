"""What the new member reads in the welcome conversation."""

from __future__ import annotations

from ...core.formatting import command_text
from ...core.i18n import I18n, Markup, _
from .questions import Question


class WelcomeTexts:
    def __init__(self, i18n: I18n, prefix: str, space_name: str) -> None:
        self.i18n = i18n
        self.prefix = prefix
        self.space_name = space_name

    def code(self, text: str) -> Markup:
        return command_text(self.prefix, text)

    def greeting(self, name: str, count: int) -> str:
        return self.i18n.t(
            _("Hi {name}, welcome to {space}! 👋 I would like to get to know you: {count} short "
              "questions, one at a time. Answer each with one message; write “skip” to skip "
              "one, “back” to go back, “stop” to end."),
            name=name, space=self.space_name, count=count)

    def question(self, question: Question, number: int, total: int) -> str:
        text = question.text if question.own else self.i18n.t(question.text)
        return f"**{number}/{total}** {text}"

    def coffee_again(self) -> str:
        return self.i18n.t(_("Please answer ✅ or ❌ (or “skip”)."))

    def stopped(self) -> str:
        return self.i18n.t(_("Okay, I stopped. What you told me is saved; {profile} shows it, "
                             "{welcome} starts the questions again."),
                           profile=self.code("profile"), welcome=self.code("welcome"))

    def done(self, card: str, room_name: str | None, coffee: bool, updates: bool) -> str:
        t = self.i18n.t
        lines = [t(_("Thank you! This is your card:")), card]
        if room_name:
            lines.append(t(_("It is in {room} now, so the others can get to know you."),
                           room=room_name))
        lines += self.joined(coffee, updates)
        lines.append(t(_("Change it any time with {profile} and {intro}."),
                       profile=self.code("profile"), intro=self.code("intro")))
        return "\n\n".join(lines)

    def joined(self, coffee: bool, updates: bool) -> list[str]:
        t = self.i18n.t
        return ([t(_("You are in the coffee roulette ☕."))] if coffee else []) + (
            [t(_("Before each sync I will ask you for your update."))] if updates else [])

    def nothing_to_show(self, coffee: bool, updates: bool) -> str:
        return "\n\n".join([self.i18n.t(_(
            "Thank you! You skipped every question; {intro} and {profile} are there whenever "
            "you like."), intro=self.code("intro"), profile=self.code("profile")),
            *self.joined(coffee, updates)])

    def reminder(self) -> str:
        return self.i18n.t(_("Still there? 🙂 I would love to hear your answer, or write "
                             "“skip” or “stop”."))

    def restarted(self) -> str:
        return self.i18n.t(_("I started our welcome conversation again, in our direct chat."))

    def busy(self) -> str:
        return self.i18n.t(_("We are in the middle of another conversation in our direct chat; "
                             "please finish it first."))
