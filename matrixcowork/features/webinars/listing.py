"""What the public sees: webinars (and the sync, if the config calls it public) as plain
records for the calendar feed and the web page.

Occurrences come from the meeting engine's table through `meetings.db`; the sync feature is
not imported: `sync.public` in the config decides whether its occurrences are listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ...core.services import Services
from ...meetings import db as meetings
from ...meetings.db import CANCELLED, Occurrence
from . import db

WEBINAR, SYNC = "webinar", "sync"
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
