"""The question of the week's texts."""

from __future__ import annotations

from ...core.formatting import command_text
from ...core.i18n import I18n, _
from .rhythm import FORTNIGHTLY, MONTHLY, WEEKLY


class PromptTexts:
    def __init__(self, i18n: I18n, prefix: str) -> None:
        self.t = i18n.t
        self.prefix = prefix

    def post(self, question: str, weeks: int, before: int | None) -> str:
        """The question; with a word on the rhythm when it changed since the last one."""
        lines = [self.t(_("💬 **Question of the week:** {question}"), question=question),
                 self.t(_("Answer in this post's thread. Suggest a question: {command}"),
                        command=command_text(self.prefix, "prompt add …"))]
        if before is not None and weeks != before:
            if weeks == FORTNIGHTLY and before == WEEKLY:
                lines.append(self.t(_("It has been quiet here lately, so I ask every other "
                                      "week now. One answer brings the weekly question back.")))
            elif weeks == MONTHLY:
                lines.append(self.t(_("Still quiet, so I ask once a month now. One answer "
                                      "brings the weekly question back.")))
            elif weeks == WEEKLY:
                lines.append(self.t(_("Thanks for answering! The question comes every week "
                                      "again.")))
        return "\n\n".join(lines)

    def suggestion(self, name: str, text: str, approved_by: str | None = None) -> str:
        head = self.t(_("💡 **Question suggested by {name}:** {question}"), name=name,
                      question=text)
        if approved_by:
            return head + "\n\n" + self.t(_("✅ Added to the questions by {name}."),
                                          name=approved_by)
        return head + "\n\n" + self.t(_("Organizers: react ✅ to add it to the questions of "
                                        "the week."))
