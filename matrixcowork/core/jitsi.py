"""Jitsi meetings: unguessable conference names, their links and Element's widget events.

A conference name is the configured prefix plus 96 random bits (base32, lower case): nobody
finds the meeting by guessing, and the name stays fixed for its occurrence because it is
stored, not derived. Element shows a Jitsi widget from the state event
`im.vector.modular.widgets` (state key = widget id) and puts it at the top of the room with
`io.element.widgets.layout`; other clients (Element X among them) show no widgets, so every
message carries the plain link too.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any
from urllib.parse import urlsplit

from .config import JitsiConfig
from .content import widget_name

RANDOM_BYTES = 12  # 96 bits
WIDGET_EVENT = "im.vector.modular.widgets"
LAYOUT_EVENT = "io.element.widgets.layout"
WIDGET_PARAMS = (
    "conferenceDomain=$domain&conferenceId=$conferenceId&isAudioOnly=$isAudioOnly"
    "&displayName=$matrix_display_name&avatarUrl=$matrix_avatar_url&userId=$matrix_user_id"
    "&roomId=$matrix_room_id&theme=$theme&roomName=$roomName"
)
TOP = {"container": "top", "index": 0, "width": 100, "height": 40}


def random_part() -> str:
    return base64.b32encode(secrets.token_bytes(RANDOM_BYTES)).decode().rstrip("=").lower()


class Jitsi:
    def __init__(self, config: JitsiConfig) -> None:
        self.config = config
        self.base_url = config.base_url.rstrip("/")
        self.domain = urlsplit(self.base_url).netloc

    def new_conference(self) -> str:
        """A fresh name for one meeting; store it, it cannot be made again."""
        return f"{self.config.conference_prefix}-{random_part()}"

    def link(self, conference: str) -> str:
        return f"{self.base_url}/{conference}"

    @staticmethod
    def widget_id(conference: str) -> str:
        return f"matrixcowork-{conference}"

    def widget(self, conference: str, title: str, creator: str) -> dict[str, Any]:
        """The content of `im.vector.modular.widgets` that Element shows as a Jitsi call."""
        name = widget_name(title)
        return {
            "type": "jitsi",
            "url": f"{self.config.widget_url}#{WIDGET_PARAMS}",
            "name": name,
            "id": self.widget_id(conference),
            "creatorUserId": creator,
            "data": {
                "domain": self.domain,
                "conferenceId": conference,
                "roomName": name,
                "isAudioOnly": False,
            },
        }


def with_widget_on_top(layout: dict[str, Any] | None, widget_id: str) -> dict[str, Any]:
    """The room's layout with this widget on top; other widgets keep their places."""
    widgets = dict((layout or {}).get("widgets") or {})
    widgets[widget_id] = dict(TOP)
    return {**(layout or {}), "widgets": widgets}


def without_widget(layout: dict[str, Any] | None, widget_id: str) -> dict[str, Any]:
    widgets = {k: v for k, v in ((layout or {}).get("widgets") or {}).items() if k != widget_id}
    return {**(layout or {}), "widgets": widgets}
