"""The iCalendar feed, parsed back with the icalendar library: stable UIDs, Berlin time with
its VTIMEZONE in winter and summer, cancelled events marked, text escaped by the library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from matrixcowork.features.webinars.calendar import build_calendar
from matrixcowork.features.webinars.listing import PublicEvent

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def event(uid: str, start: datetime, **changes) -> PublicEvent:
    values = dict(uid=uid, kind="webinar", title="Steuern für Freelancer; Teil 1, kurz",
                  start=start.astimezone(UTC), end=(start + timedelta(hours=1)).astimezone(UTC),
                  link="https://meet.jit.si/owl-abc", cancelled=False, sequence=0,
                  speaker="Ben", description="Was man im ersten Jahr\nwissen muss")
    return PublicEvent(**{**values, **changes})


def parse(data: bytes) -> list:
    return Calendar.from_ical(data).walk("VEVENT")


def test_times_are_berlin_local_with_tzid_in_winter_and_summer() -> None:
    winter = event("webinar-1@owl.de", datetime(2027, 1, 14, 18, 0, tzinfo=BERLIN))
    summer = event("webinar-2@owl.de", datetime(2027, 7, 1, 18, 0, tzinfo=BERLIN))
    data = build_calendar([winter, summer], "OWL", BERLIN, NOW)
    calendar = Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    first, second = parse(data)
    assert first["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert first.decoded("DTSTART") == datetime(2027, 1, 14, 18, 0, tzinfo=BERLIN)
    assert first.decoded("DTSTART").astimezone(UTC).hour == 17
    assert second.decoded("DTSTART").astimezone(UTC).hour == 16  # summer time
    assert second.decoded("DTEND") == datetime(2027, 7, 1, 19, 0, tzinfo=BERLIN)
    assert b"DTSTART;TZID=Europe/Berlin:20270114T180000" in data


def test_fields_round_trip_and_the_feed_is_rfc5545_text() -> None:
    data = build_calendar([event("webinar-1@owl.de",
                                 datetime(2027, 1, 14, 18, 0, tzinfo=BERLIN))], "OWL", BERLIN, NOW)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded
    (vevent,) = parse(data)
    assert str(vevent["UID"]) == "webinar-1@owl.de"
    assert str(vevent["SUMMARY"]) == "Steuern für Freelancer; Teil 1, kurz"
    assert str(vevent["STATUS"]) == "CONFIRMED" and int(vevent["SEQUENCE"]) == 0
    assert str(vevent["URL"]) == "https://meet.jit.si/owl-abc"
    assert str(vevent["DESCRIPTION"]) == (
        "Speaker: Ben\n\nWas man im ersten Jahr\nwissen muss\n\nhttps://meet.jit.si/owl-abc")
    assert vevent.decoded("DTSTAMP") == NOW


def test_a_cancelled_event_stays_with_its_uid_marked_cancelled() -> None:
    start = datetime(2027, 1, 14, 18, 0, tzinfo=BERLIN)
    data = build_calendar([event("webinar-1@owl.de", start, cancelled=True, sequence=1)],
                          "OWL", BERLIN, NOW)
    (vevent,) = parse(data)
    assert str(vevent["UID"]) == "webinar-1@owl.de"
    assert str(vevent["STATUS"]) == "CANCELLED" and int(vevent["SEQUENCE"]) == 1
    assert "URL" not in vevent and "owl-abc" not in str(vevent["DESCRIPTION"])


def test_an_empty_feed_is_a_valid_calendar() -> None:
    calendar = Calendar.from_ical(build_calendar([], "OWL", BERLIN, NOW))
    assert calendar.walk("VEVENT") == [] and str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "OWL"
