"""The personal calendar feed: everything a member said yes or maybe to (syncs, webinars,
member events) and the events they made, at an address with a secret token.

The token is random (`secrets`, 192 bits) and revocable: a reset replaces it, and the old
address answers 404 like any wrong one. A feed is served only while its owner is a member.
UIDs follow the public feed's where the public feed names the occurrence (`sync-<id>`,
`event-<id>`), so a calendar that has both updates one event.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from ...core.i18n import _
from ...core.permissions import Access
from ...core.services import Services
from ...meetings import db as meetings
from ...meetings import rsvp
from ...meetings.db import CANCELLED, Occurrence
from ...meetings.posts import ANNOUNCEMENT
from . import db
from .texts import place_of

if TYPE_CHECKING:
    from aiohttp import web
    from icalendar import Event

FEED_PAST = timedelta(days=90)
PRODID = "-//matrixcowork//personal calendar//EN"
TOKEN_BYTES = 24
PUBLIC_UIDS = ("sync", "event")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def path(token: str) -> str:
    return f"/my/{token}.ics"


class PersonalFeeds:
    def __init__(self, services: Services, link: Callable[[Occurrence], str]) -> None:
        """`link` gives an occurrence's video call."""
        self.services = services
        self.store = services.store
        self.link = link

    def url(self, token: str) -> str | None:
        config = self.services.config.web
        if not (config.enabled and config.public_url):
            return None
        return config.public_url.rstrip("/") + path(token)

    async def token(self, user_id: str, reset: bool = False) -> str:
        token = None if reset else await db.token_of(self.store, user_id)
        if token is None:
            token = new_token()
            await db.set_token(self.store, user_id, token,
                               int(self.services.clock.now().timestamp()))
        return token

    async def occurrences(self, user_id: str, since: datetime) -> list[Occurrence]:
        """What the member answered ✅ or ❔ to, and the events they made."""
        wanted: set[int] = set(await db.created_by(self.store, user_id))
        answered = await self.services.tracked.reactions_by(user_id, ANNOUNCEMENT)
        for subject, reactions in answered.items():
            answers = rsvp.answers(reactions)
            if answers.get(user_id) in (rsvp.YES, rsvp.MAYBE) and subject.isdigit():
                wanted.add(int(subject))
        found = [await meetings.get(self.store, i) for i in sorted(wanted)]
        return sorted((o for o in found if o and o.start >= since), key=lambda o: (o.start, o.id))

    async def serve(self, request: web.Request) -> web.Response:
        from aiohttp import web  # when serving: a start without it is quicker

        token = request.match_info.get("token", "")
        owner = await db.owner_of(self.store, token) if token else None
        if owner is None or self.services.permissions.access_of(owner) < Access.MEMBER:
            raise web.HTTPNotFound()
        now = self.services.clock.now()
        body = self.build(await self.occurrences(owner, now - FEED_PAST), now)
        return web.Response(body=body, content_type="text/calendar", charset="utf-8",
                            headers={"Cache-Control": "private, max-age=300"})

    def build(self, occurrences: list[Occurrence], now: datetime) -> bytes:
        tz = self.services.clock.tz
        from icalendar import Calendar  # on the first request: a start without it is quicker

        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", self.services.i18n.t(_("{community}: my calendar"),
                                                          community=self._community()))
        calendar.add("x-wr-timezone", tz.key)
        for occ in occurrences:
            calendar.add_component(self._vevent(occ, now))
        if occurrences:
            first = occurrences[0].start.astimezone(tz).date()
            last = max(o.end for o in occurrences).astimezone(tz).date()
            calendar.add_missing_timezones(first_date=date(first.year - 1, 1, 1),
                                           last_date=date(last.year + 2, 1, 1))
        return calendar.to_ical()

    def _vevent(self, occ: Occurrence, now: datetime) -> Event:
        tz = self.services.clock.tz
        server = self.services.config.server_name
        kind = occ.kind if occ.kind in PUBLIC_UIDS else f"meeting-{occ.kind}"
        from icalendar import Event

        vevent = Event()
        vevent.add("uid", f"{kind}-{occ.id}@{server}")
        vevent.add("dtstamp", now.astimezone(UTC))
        vevent.add("dtstart", occ.start.astimezone(tz))
        vevent.add("dtend", occ.end.astimezone(tz))
        vevent.add("summary", occ.title)
        vevent.add("sequence", occ.changes)
        cancelled = occ.status == CANCELLED
        vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        vevent.add("class", "PRIVATE")
        place = place_of(occ)
        if not cancelled:
            if place:
                vevent.add("location", place)
            else:
                vevent.add("url", self.link(occ))
                vevent.add("location", self.link(occ))
        return vevent

    def _community(self) -> str:
        space = self.services.config.space
        return space.name if space else self.services.config.server_name
