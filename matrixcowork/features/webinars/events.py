"""Views of what is planned: `!webinar list`, `!events`, `!calendar`, and the two public web
pages (`/calendar.ics`, `/`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ...core.formatting import link
from ...core.i18n import Markup, _
from ...core.limits import fit
from ...core.services import Services
from ...meetings import db as meetings
from ...meetings.engine import MeetingEngine
from . import db
from .calendar import build_calendar
from .listing import EVENT, SYNC, WEBINAR, PublicEvent, place_of, public_events
from .page import render_page
from .texts import WebinarTexts

if TYPE_CHECKING:
    from aiohttp import web

FEED_PAST = timedelta(days=90)  # the feed keeps recent events, so calendars keep them too
MAX_EVENTS = 10
FEED, PAGE = "calendar.ics", ""
KIND_EMOJI = {WEBINAR: "🎤", SYNC: "📅", EVENT: "🧑‍🤝‍🧑"}
Votes = Callable[[db.Webinar], Awaitable[int]]


class EventViews:
    def __init__(self, services: Services, engine: MeetingEngine, texts: WebinarTexts,
                 votes: Votes) -> None:
        """`engine` gives names, dates and links; `votes` a proposal's 👍 count."""
        self.services = services
        self.store = services.store
        self.engine = engine
        self.texts = texts
        self.votes = votes
        self.t = services.i18n.t
        self._feed: tuple[list[PublicEvent], bytes] | None = None  # the events and their feed

    def name_of(self, user_id: str) -> str:
        return self.engine.name_of(None, user_id)

    def public_name(self, user_id: str) -> str:
        """A name for the public page and feed: the one the person shows in the community's
        space (without a space: in its public rooms), never a nickname from a private room and
        never their Matrix id."""
        services = self.services
        space = services.permissions.space_room_id
        public = {room.key for room in services.config.rooms if room.access == "public"}
        for room_id, room in services.client.rooms.items():
            if room_id == space if space else services.rooms.key_of(room_id) in public:
                person = room.users.get(user_id)
                if person is not None and person.display_name:
                    return person.display_name
        return self.t(_("a member"))

    # --- chat ----------------------------------------------------------------------------------

    async def listing(self) -> str:
        open_ = [(w, self.name_of(w.speaker_id), await self.votes(w))
                 for w in await db.with_status(self.store, db.PROPOSED)]
        open_.sort(key=lambda item: (-item[2], item[0].id))
        planned = []
        for webinar in await db.with_status(self.store, db.SCHEDULED):
            occ = await meetings.get(self.store, webinar.occurrence_id or 0)
            if occ:
                planned.append((occ.start, webinar, self.engine.when(occ)))
        planned.sort(key=lambda item: (item[0], item[1].id))
        scheduled = [(w, self.name_of(w.speaker_id), when) for _, w, when in planned]
        return fit(lambda n: self.texts.listing(open_[:n], scheduled, more=len(open_) - n),
                   len(open_), edited=False)  # the best-voted proposals that fit

    async def upcoming(self, now: datetime) -> str:
        """The next syncs, webinars and member events that are not over, with their links
        (or, for an event in person, its place)."""
        found = []
        for kind in (SYNC, WEBINAR, EVENT):
            found += [occ for occ in await meetings.scheduled(self.store, kind) if occ.end > now]
        found.sort(key=lambda occ: (occ.start, occ.id))
        if not found:
            return self.t(_("Nothing is planned yet."))
        lines = []
        for occ in found[:MAX_EVENTS]:
            webinar = await db.by_occurrence(self.store, occ.id) if occ.kind == WEBINAR else None
            title = Markup(self.t(_("{title} with {speaker}"), title=occ.title,  # escaped once
                                  speaker=self.name_of(webinar.speaker_id))) if webinar \
                else occ.title
            place = place_of(occ) if occ.kind == EVENT else None
            lines.append(self.t(_("- {emoji} {when}: **{title}** – {link}"),
                                emoji=KIND_EMOJI.get(occ.kind, "📅"),
                                when=self.engine.when(occ), title=title,
                                link=place if place else link(self.engine.link(occ))))
        return self.t(_("**Coming up**")) + "\n\n" + "\n".join(lines)

    def addresses(self) -> str:
        base = self.base_url()
        if base is None:
            return self.t(_("There is no public calendar: the organizers have not set up the "
                            "web server (web.enabled and web.public_url)."))
        return self.t(_("📅 Calendar feed for your calendar app: {feed}\n\nThe webinars on the "
                        "web: {page}"), feed=link(f"{base}/{FEED}"), page=link(f"{base}/{PAGE}"))

    def base_url(self) -> str | None:
        config = self.services.config.web
        return config.public_url.rstrip("/") if config.enabled and config.public_url else None

    # --- web -----------------------------------------------------------------------------------

    async def calendar_feed(self, request: web.Request) -> web.Response:
        from aiohttp import web  # when serving: a start without it is quicker

        now = self.services.clock.now()
        events = await public_events(self.services, now - FEED_PAST, self.public_name,
                                     self.engine.link)
        if self._feed is None or self._feed[0] != events:  # built again only when it changed
            self._feed = (events, build_calendar(events, self.community(),
                                                 self.services.clock.tz, now,
                                                 speaker_label=self.t(_("Speaker"))))
        return web.Response(body=self._feed[1], content_type="text/calendar", charset="utf-8",
                            headers={"Cache-Control": "max-age=300"})

    async def public_page(self, request: web.Request) -> web.Response:
        from aiohttp import web

        now = self.services.clock.now()
        events = [e for e in await public_events(self.services, now - timedelta(days=1),
                                                 self.public_name, self.engine.link)
                  if e.kind in (WEBINAR, EVENT) and e.end > now]
        page = render_page(events, self.services.i18n, self.community(), FEED)
        return web.Response(text=page, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "max-age=60"})

    def community(self) -> str:
        space = self.services.config.space
        return space.name if space else self.services.config.server_name
