"""What the update round writes, in the community's language. Member-typed answers go in as
values (escaped); names as escaped text, links as `Markup`."""

from __future__ import annotations

from ...core.formatting import command_text, link
from ...core.help import usage
from ...core.i18n import I18n, Markup, _, escape
from .db import Answer

QUESTIONS = (_("What moved for you since last time?"), _("Where do you need help?"),
             _("What can you offer?"))


class UpdateTexts:
    def __init__(self, i18n: I18n, prefix: str) -> None:
        self.i18n = i18n
        self.t = i18n.t
        self.prefix = prefix

    def code(self, text: str) -> Markup:
        return command_text(self.prefix, text)

    def questions(self, when: str) -> str:
        t = self.t
        numbered = "\n".join(f"{n}\\. {t(q)}" for n, q in enumerate(QUESTIONS, 1))
        return "\n\n".join([
            t(_("📝 **Update round for the sync on {when}**"), when=when),
            t(_("Three short questions. Answer in one message (a line each) or one by one; "
                "“-” for nothing:")),
            numbered,
            t(_("Or anywhere: {command}"), command=self.code(
                t(_("update what moved | where I need help | what I offer")))),
        ])

    def next_question(self, number: int) -> str:
        return self.t(_("Thanks! {number}. {question}"), number=number,
                      question=self.t(QUESTIONS[number - 1]))

    def done(self, post: Markup | None) -> str:
        if post:
            return self.t(_("Thank you! Your update is in the sync room: {post}"), post=post)
        return self.t(_("Thank you! Your update is in for the sync."))

    def reminder(self, when: str) -> str:
        return self.t(_("⏰ The sync on {when} is tomorrow: your update is still missing. "
                        "Answer here, or anywhere with {command}."), when=when,
                      command=self.code("update …"))

    def actions(self, when: str, actions: list[tuple[int, str]]) -> str:
        lines = "\n".join(f"{number}\\. {escape(text)}" for number, text in actions)
        return "\n\n".join([
            self.t(_("📌 Before the sync on {when}: your open actions."), when=when), lines,
            self.t(_("Done? {command}"), command=usage("done", self.prefix, self.t))])

    def head(self, date: str, answered: int, asked: int) -> str:
        return self.t(_("📝 **Updates for the sync on {date}**: {answered} of {asked}"),
                      date=date, answered=answered, asked=asked)

    def line(self, name: str, answer: Answer) -> str:
        """One line a person: what moved, then help wanted and offered."""
        parts = [self.t(_("**{name}**: {moved}"), name=name, moved=answer.moved or "–")]
        if answer.help:
            parts.append(self.t(_("needs help with {help}"), help=answer.help))
        if answer.offer:
            parts.append(self.t(_("offers {offer}"), offer=answer.offer))
        return " · ".join(parts)

    def thread(self, name: str, answer: Answer) -> str:
        t = self.t
        rows = [(QUESTIONS[0], answer.moved), (QUESTIONS[1], answer.help),
                (QUESTIONS[2], answer.offer)]
        return "\n\n".join([t(_("📝 Update from **{name}** (reply in this thread)"), name=name),
                            *(t(_("**{question}** {answer}"), question=t(q), answer=a or "–")
                              for q, a in rows)])

    def hint(self) -> str:
        return self.t(_("Each update has its thread: reply there. Yours: {command}"),
                      command=self.code("update …"))

    def more(self, left: int, post: Markup | None) -> str:
        return self.t(_("… and {count} more: {post}"), count=left,
                      post=post or self.code("update"))

    def start(self, post: Markup, answered: int, asked: int) -> str:
        return self.t(_("📝 The written updates for this sync ({answered} of {asked}): {post}"),
                      post=post, answered=answered, asked=asked)

    def post_link(self, room_id: str, event_id: str) -> Markup:
        return link(f"https://matrix.to/#/{room_id}/{event_id}", self.t(_("the updates")))
