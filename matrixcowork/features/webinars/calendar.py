"""The public iCalendar feed (RFC 5545), built with the `icalendar` library.

Every event keeps its UID for life (`webinar-<id>@<server>`, `sync-<id>@<server>`), so a
subscribed calendar updates it instead of adding a copy; a change raises SEQUENCE, and a
cancelled event stays in the feed with STATUS:CANCELLED, so calendars take it out. Times are
written in the community's timezone with a TZID and the matching VTIMEZONE, so "18:00 in
Berlin" stays 18:00 across daylight saving time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .listing import PublicEvent

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//matrixcowork//webinars//EN"


def build_calendar(events: Sequence[PublicEvent], name: str, tz: ZoneInfo, now: datetime,
                   speaker_label: str = "Speaker") -> bytes:
    """The feed as bytes (UTF-8, CRLF line ends, folded lines)."""
    from icalendar import Calendar  # on the first request: a start without it is quicker

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tz.key)
    for event in events:
        calendar.add_component(_vevent(event, tz, now, speaker_label))
    if events:
        first = min(e.start for e in events).astimezone(tz).date()
        last = max(e.end for e in events).astimezone(tz).date()
        calendar.add_missing_timezones(first_date=date(first.year - 1, 1, 1),
                                       last_date=date(last.year + 2, 1, 1))
    return calendar.to_ical()


def _vevent(event: PublicEvent, tz: ZoneInfo, now: datetime, speaker_label: str) -> Event:
    from icalendar import Event

    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", now.astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(tz))
    vevent.add("dtend", event.end.astimezone(tz))
    vevent.add("summary", event.title)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    vevent.add("class", "PUBLIC")
    vevent.add("description", description(event, speaker_label))
    if not event.cancelled and event.place:
        vevent.add("location", event.place)
    elif not event.cancelled:
        vevent.add("url", event.link)
        vevent.add("location", event.link)
    return vevent


def description(event: PublicEvent, speaker_label: str) -> str:
    parts = []
    if event.speaker:
        parts.append(f"{speaker_label}: {event.speaker}")
    if event.description:
        parts.append(event.description)
    if not event.cancelled:
        parts.append(event.place or event.link)
    return "\n\n".join(parts)
