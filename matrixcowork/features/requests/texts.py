"""What organizers read about requests and new members. Names and reasons are the knocking
person's words: they go in through `escape` only (never a pill, never markup)."""

from __future__ import annotations

from ...core.i18n import I18n, Markup, _, escape, one_line
from . import db

MAX_REASON = 500
ACCEPT = "✅"
DECLINE = "❌"


def shortened(text: str, limit: int = MAX_REASON) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class RequestTexts:
    def __init__(self, i18n: I18n, space_name: str) -> None:
        self.i18n = i18n
        self.space_name = space_name

    def who(self, name: str, user_id: str) -> Markup:
        """"Carla (@carla:example.org)": the name they gave, and who they are."""
        name = shortened(name, 80)
        if not name or name == user_id:
            return Markup(escape(user_id))
        return Markup(self.i18n.t(_("{name} ({user})"), name=name, user=user_id))

    def asking(self, request: db.Request, room_name: str | None) -> str:
        t = self.i18n.t
        who = self.who(request.name, request.user_id)
        if request.reason:
            line = t(_("{who} would like to join {space}: “{reason}”"), who=who,
                     space=self.space_name, reason=shortened(request.reason))
        else:
            line = t(_("{who} would like to join {space} (no reason given)."), who=who,
                     space=self.space_name)
        if room_name:
            line += " " + t(_("(asked in {room})"), room=room_name)
        return "🚪 " + line

    def post(self, request: db.Request, room_name: str | None) -> str:
        """The request in the organizers' room, while it is open."""
        how = self.i18n.t(_("React {accept} to let them in, {decline} to decline."),
                          accept=ACCEPT, decline=DECLINE)
        return self.asking(request, room_name) + "\n\n" + how

    def closed(self, request: db.Request, room_name: str | None, status: str,
               by_name: str | None) -> str:
        """The request after it was answered: who decided, by name."""
        t = self.i18n.t
        if status == "accepted":
            outcome = t(_("✅ Let in by {organizer}."), organizer=by_name or "?")
        elif status == "declined":
            outcome = t(_("❌ Declined by {organizer}."), organizer=by_name or "?")
        elif status == "joined":
            outcome = t(_("✅ Joined the space."))
        else:
            outcome = t(_("↩️ Withdrawn."))
        return self.asking(request, room_name) + "\n\n" + outcome

    def listing(self, requests: list[db.Request]) -> str:
        t = self.i18n.t
        if not requests:
            return t(_("No open requests to join."))
        lines = [t(_("**Open requests to join** (react {accept} or {decline} on the post):"),
                   accept=ACCEPT, decline=DECLINE)]
        for request in requests:
            who = self.who(request.name, request.user_id)
            reason = shortened(request.reason, 120)
            lines.append("- " + (t(_("{who}: “{reason}”"), who=who, reason=reason)
                                 if reason else who))
        return "\n".join(lines)

    def joined(self, name: str, user_id: str, let_in_by: str | None, card: str | None) -> str:
        t = self.i18n.t
        who = self.who(name, user_id)
        line = (t(_("👋 {who} joined the space (let in by {organizer})."), who=who,
                  organizer=let_in_by) if let_in_by
                else t(_("👋 {who} joined the space."), who=who))
        return line + ("\n\n" + card if card else "")

    def could_not(self, name: str, user_id: str, accepting: bool) -> str:
        who = self.who(name, user_id)
        if accepting:
            return self.i18n.t(_("I could not invite {who}: the homeserver refused. The request "
                                 "stays open."), who=who)
        return self.i18n.t(_("I could not decline the request of {who}: the homeserver refused. "
                             "The request stays open."), who=who)

    def decline_reason(self, configured: str | None) -> str:
        """Plain text for the kick (no Markdown: clients show the reason as it is)."""
        if configured:
            return configured
        return self.i18n.t(_("Thank you for your interest in {space}! The organizers could not "
                             "let you in this time.")).replace("{space}", self.space_name)

