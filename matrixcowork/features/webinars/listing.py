"""What the public sees: webinars (and the sync, if the config calls it public, and member
events their makers marked public) as plain records for the calendar feed and the web page.

Occurrences come from the meeting engine's table through `meetings.db`; the sync and events
features are not imported: `sync.public` in the config decides whether the sync's occurrences
are listed, and a member event's occurrence carries `public` and its `place` in its extra.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ...core.services import Services
from ...meetings import db as meetings
from ...meetings.db import CANCELLED, Occurrence
from . import db

WEBINAR, SYNC, EVENT = "webinar", "sync", "event"
Link = Callable[[Occurrence], str]  # the meeting's call


@dataclass(frozen=True)
class PublicEvent:
    uid: str
    kind: str  # "webinar" or "sync"
    title: str
    start: datetime  # UTC
    end: datetime
    link: str
    cancelled: bool
    sequence: int  # bumped on every change a calendar must notice
    speaker: str | None = None
    description: str = ""
    place: str | None = None  # where people meet in person; None: the video call


def place_of(occ: Occurrence) -> str | None:
    """A member event's place (its occurrence's extra), None for a video call."""
    place = occ.extra.get("place")
    return place if isinstance(place, str) and place else None


async def public_events(services: Services, since: datetime,
                        name_of: Callable[[str], str], link: Link) -> list[PublicEvent]:
    """Public webinars and syncs starting at or after `since`, by start."""
    config = services.config
    found: list[PublicEvent] = []
    if config.webinars and config.webinars.public:
        for occ in await meetings.starting_from(services.store, WEBINAR, since):
            webinar = await db.by_occurrence(services.store, occ.id)
            if webinar:
                found.append(_webinar_event(services, occ, webinar, name_of, link))
    if config.sync and config.sync.public:
        found += [_sync_event(services, occ, link)
                  for occ in await meetings.starting_from(services.store, SYNC, since)]
    if config.events:
        found += [_member_event(services, occ, link)
                  for occ in await meetings.starting_from(services.store, EVENT, since)
                  if occ.extra.get("public") is True]
    return sorted(found, key=lambda e: (e.start, e.uid))


def _webinar_event(services: Services, occ: Occurrence, webinar: db.Webinar,
                   name_of: Callable[[str], str], link: Link) -> PublicEvent:
    return PublicEvent(
        uid=f"webinar-{webinar.id}@{services.config.server_name}", kind=WEBINAR,
        title=webinar.title, start=occ.start, end=occ.end, link=link(occ),
        cancelled=occ.status == CANCELLED or webinar.status == db.CANCELLED,
        sequence=webinar.sequence, speaker=name_of(webinar.speaker_id),
        description=webinar.description,
    )


def _sync_event(services: Services, occ: Occurrence, link: Link) -> PublicEvent:
    """A sync's SEQUENCE is how often it was moved or cancelled."""
    cancelled = occ.status == CANCELLED
    return PublicEvent(
        uid=f"sync-{occ.id}@{services.config.server_name}", kind=SYNC, title=occ.title,
        start=occ.start, end=occ.end, link=link(occ), cancelled=cancelled,
        sequence=occ.changes,
    )


def _member_event(services: Services, occ: Occurrence, link: Link) -> PublicEvent:
    """A member event's SEQUENCE is how often it was moved or cancelled, like the sync's."""
    place = place_of(occ)
    return PublicEvent(
        uid=f"event-{occ.id}@{services.config.server_name}", kind=EVENT, title=occ.title,
        start=occ.start, end=occ.end, link="" if place else link(occ),
        cancelled=occ.status == CANCELLED, sequence=occ.changes, place=place,
    )
