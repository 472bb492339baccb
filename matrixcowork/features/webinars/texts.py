"""What the webinar feature writes in chat, in the community's language. Member-typed text
(titles, descriptions, names) goes in as values, which `I18n.t` escapes; pills and links come
in as `Markup`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from ...core.i18n import I18n, Markup, _, escape
from ...meetings.render import blocks
from . import db
from .db import Webinar
from .poll import Slot


class WebinarTexts:
    def __init__(self, i18n: I18n, prefix: str, threshold: int) -> None:
        self.i18n = i18n
        self.t = i18n.t
        self.prefix = prefix
        self.threshold = threshold

    def code(self, text: str) -> Markup:
        return Markup(f"`{self.prefix}{text}`")

    def span(self, start: datetime, minutes: int) -> str:
        return f"{self.i18n.datetime(start)}–{self.i18n.time(start + timedelta(minutes=minutes))}"

    # --- the proposal post -------------------------------------------------------------------

    def proposal(self, webinar: Webinar, speaker: Markup, votes: int, when: str | None) -> str:
        head = self.t(_("💡 **Webinar proposal #{id}: {title}**"), id=webinar.id,
                      title=webinar.title)
        by = self.t(_("by {speaker}"), speaker=speaker)
        return blocks(head, by, escape(webinar.description),
                      self._proposal_state(webinar, speaker, votes, when))

    def _proposal_state(self, webinar: Webinar, speaker: Markup, votes: int,
                        when: str | None) -> str:
        if webinar.status == db.CANCELLED:
            return self.t(_("🚫 Cancelled."))
        if webinar.status == db.HELD:
            return self.t(_("✅ Held on {when}. Thank you!"), when=when or "")
        if webinar.status == db.SCHEDULED:
            return self.t(_("📅 Scheduled: {when}"), when=when or "")
        if votes < self.threshold:
            return self.t(_("👍 {votes} of {needed}: react with 👍 if you would attend."),
                          votes=votes, needed=self.threshold)
        return self.t(_("👍 {votes}: enough interest! {speaker} or an organizer can now find "
                        "a date: {command}"), votes=votes, speaker=speaker,
                      command=self.code(f"webinar poll {webinar.id} YYYY-MM-DD HH:MM | …"))

    def interest(self, webinar: Webinar, speaker: Markup, votes: int) -> str:
        return self.t(_("🎉 {speaker}: your proposal #{id} “{title}” has {votes} 👍, enough "
                        "interest. Find a date with {poll} or set one with {schedule}."),
                      speaker=speaker, id=webinar.id, title=webinar.title, votes=votes,
                      poll=self.code(f"webinar poll {webinar.id} …"),
                      schedule=self.code(f"webinar schedule {webinar.id} …"))

    # --- polls ---------------------------------------------------------------------------------

    def poll_question(self, webinar: Webinar) -> str:
        """Markdown like every message; the poll shows its plain text (core/content.py)."""
        return self.t(_("When should the webinar “{title}” (#{id}) take place?"),
                          title=webinar.title, id=webinar.id)

    def poll_answers(self, slots: Sequence[Slot], minutes: int) -> list[tuple[str, str]]:
        """(answer id, label) per slot."""
        return [(slot.answer_id, escape(self.span(slot.start, minutes))) for slot in slots]

    def poll_closed(self, when: str) -> str:
        return self.t(_("The poll is closed: the webinar takes place on {when}."), when=when)

    def poll_ended(self) -> str:
        return self.t(_("The poll is closed."))

    # --- the webinar ---------------------------------------------------------------------------

    def details(self, webinar: Webinar, speaker: str) -> str:
        """Shown in the engine's announcement, overview and summary."""
        return blocks(self.t(_("🎤 Webinar by {speaker}"), speaker=speaker),
                      escape(webinar.description))

    def public(self, webinar: Webinar, speaker: str, when: str, link: Markup,
               room: Markup, page: Markup | None) -> str:
        head = self.t(_("📣 **Webinar: {title}**"), title=webinar.title)
        sub = self.t(_("{when}, with {speaker}"), when=when, speaker=speaker)
        join = self.t(_("Join the video call: {link}"), link=link)
        answer = self.t(_("Everyone is welcome. Say in {room} whether you come: ✅ ❔ ❌"),
                        room=room)
        more = self.t(_("All webinars: {page}"), page=page) if page else ""
        return blocks(head, sub, escape(webinar.description), join, answer, more)

    def public_cancelled(self, webinar: Webinar, when: str) -> str:
        return self.t(_("🚫 ~~Webinar: {title}, {when}~~ – cancelled."), title=webinar.title,
                      when=when)

    def listing(self, proposals: Sequence[tuple[Webinar, str, int]],
                scheduled: Sequence[tuple[Webinar, str, str]], more: int = 0) -> str:
        """Open proposals (webinar, speaker, votes) by votes, then scheduled ones (webinar,
        speaker, when); `more` proposals with fewer votes are left out to fit."""
        if not proposals and not scheduled and not more:
            return self.t(_("No webinar proposals or scheduled webinars yet. Propose one: "
                            "{command}"), command=self.code(
                                "webinar propose <{}>".format(self.t(_("title | description")))))
        parts = []
        if proposals or more:
            lines = [self.t(_("- **{title}** (#{id}) – {speaker} – 👍 {votes}"), id=w.id,
                            title=w.title, speaker=s, votes=v) for w, s, v in proposals]
            if more:
                lines.append(self.t(_("- … and {count} more with fewer votes, each with its "
                                      "post in the webinar room"), count=more))
            parts.append(self.t(_("**Proposals** ({needed} 👍 make enough interest)"),
                                needed=self.threshold) + "\n\n" + "\n".join(lines))
        if scheduled:
            lines = [self.t(_("- **{title}** (#{id}) – {speaker} – {when}"), id=w.id,
                            title=w.title, speaker=s, when=when) for w, s, when in scheduled]
            parts.append(self.t(_("**Scheduled webinars**")) + "\n\n" + "\n".join(lines))
        return blocks(*parts)
