"""Recurrences in the community's timezone: the local time holds across DST changes."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matrixcowork.meetings.recurrence import Recurrence, parse_recurrence

BERLIN = ZoneInfo("Europe/Berlin")
FIRST_TUESDAY = parse_recurrence("first tuesday 18:00")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize(("text", "expected"), [
    ("first tuesday 18:00", Recurrence("1st", "tue", time(18, 0))),
    ("First  Tuesday at 18:00", Recurrence("1st", "tue", time(18, 0))),
    ("2nd wed 9:30", Recurrence("2nd", "wed", time(9, 30))),
    ("last friday 17:15", Recurrence("last", "fri", time(17, 15))),
    ("every monday 10:00", Recurrence(None, "mon", time(10, 0))),
    ("every mondays 10:00", Recurrence(None, "mon", time(10, 0))),
])
def test_the_accepted_forms(text: str, expected: Recurrence) -> None:
    assert parse_recurrence(text) == expected


@pytest.mark.parametrize("text", [
    "", "tuesday 18:00", "first 18:00", "sixth tuesday 18:00", "first tuesday",
    "first tuesday 24:00", "first tuesday 18:60", "first dienstag 18:00",
])
def test_other_forms_are_refused_with_the_accepted_ones_named(text: str) -> None:
    with pytest.raises(ValueError, match=r"first tuesday 18:00|is not a time of day"):
        parse_recurrence(text)


def test_the_first_tuesday_in_dst_change_months_is_at_six_pm_local() -> None:
    april = FIRST_TUESDAY.first_at_or_after(berlin(2027, 3, 3), BERLIN)
    november = FIRST_TUESDAY.first_at_or_after(berlin(2026, 10, 7), BERLIN)

    assert april == berlin(2027, 4, 6, 18, 0)
    assert april.utcoffset() == timedelta(hours=2)  # summer time since March 28
    assert november == berlin(2026, 11, 3, 18, 0)
    assert november.utcoffset() == timedelta(hours=1)  # winter time since October 25


@pytest.mark.parametrize(("month", "day", "offset"), [
    ((2026, 3), 31, 2),   # DST began on Sunday, March 29
    ((2026, 10), 27, 1),  # DST ended on Sunday, October 25
    ((2027, 3), 30, 2),   # DST began on Sunday, March 28
    ((2027, 10), 26, 2),  # DST ends only on Sunday, October 31
])
def test_last_tuesdays_at_the_dst_boundaries(month: tuple[int, int], day: int,
                                             offset: int) -> None:
    found = parse_recurrence("last tuesday 18:00").first_at_or_after(berlin(*month, 20), BERLIN)

    assert found == berlin(*month, day, 18, 0)
    assert found.utcoffset() == timedelta(hours=offset)
    assert found.astimezone(ZoneInfo("UTC")).hour == 18 - offset


def test_slots_go_on_month_after_month() -> None:
    slots = FIRST_TUESDAY.slots(berlin(2026, 12, 1, 18, 0), BERLIN)
    assert [next(slots).date().isoformat() for _ in range(5)] == [
        "2026-12-01", "2027-01-05", "2027-02-02", "2027-03-02", "2027-04-06"]


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2040, 12, 31)),
       st.sampled_from(["mon", "tue", "sun"]), st.integers(0, 23), st.integers(0, 59))
def test_any_month_the_first_weekday_holds_the_local_time(
    after: datetime, weekday: str, hour: int, minute: int
) -> None:
    rule = Recurrence("1st", weekday, time(hour, minute))
    found = rule.first_at_or_after(after.replace(tzinfo=BERLIN), BERLIN)
    if found.fold or found.time() != time(hour, minute):
        # only a time that does not exist on that day (02:xx when clocks go forward) may move
        assert hour == 2
        return
    assert found >= after.replace(tzinfo=BERLIN)
    assert found.strftime("%a").lower() == weekday and found.day <= 7
    assert found.utcoffset() == BERLIN.utcoffset(found.replace(tzinfo=None))
