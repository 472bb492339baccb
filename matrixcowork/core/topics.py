"""The topics `!help` groups commands by: a command declares its topic (`@command(...,
topic=CHECKIN)`); commands for organizers and moderators are grouped under ORGANIZERS whatever
they declare, so members never see that group.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import _


@dataclass(frozen=True)
class Topic:
    key: str
    """What `!help <topic>` accepts in any language, besides the translated title."""
    title: str
    emoji: str


CHECKIN = Topic("checkin", _("Check-in"), "✅")
MEETINGS = Topic("meetings", _("Meetings"), "📅")
WEBINARS = Topic("webinars", _("Webinars"), "🎤")
PEOPLE = Topic("people", _("People"), "👋")
COWORKING = Topic("coworking", _("Coworking"), "☕")
MORE = Topic("more", _("More"), "➕")
ORGANIZERS = Topic("organizers", _("Organizers"), "🛠")

TOPICS = (CHECKIN, MEETINGS, WEBINARS, PEOPLE, COWORKING, MORE, ORGANIZERS)
"""In the order `!help` shows them."""
