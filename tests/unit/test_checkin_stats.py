"""Monthly figures from attendance rows: months, ties, order."""

from __future__ import annotations

from datetime import date

from matrixcowork.features.checkin.db import Attendance
from matrixcowork.features.checkin.stats import month_range, month_stats


def row(day: date, user: str, mode: str) -> Attendance:
    return Attendance(day, user, mode, 0, "command", None)


def test_month_range_knows_month_lengths() -> None:
    assert month_range(date(2026, 12, 17)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert month_range(date(2028, 2, 3)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_range(date(2027, 2, 28)) == (date(2027, 2, 1), date(2027, 2, 28))


def test_members_are_ordered_by_check_ins_and_tied_weekdays_are_all_named() -> None:
    rows = [
        row(date(2026, 12, 1), "@cem:x", "remote"),  # Tuesday
        row(date(2026, 12, 2), "@ben:x", "onsite"),  # Wednesday
        row(date(2026, 12, 8), "@ben:x", "remote"),  # Tuesday
        row(date(2026, 12, 9), "@ben:x", "onsite"),  # Wednesday
    ]

    stats = month_stats(date(2026, 12, 1), rows)

    assert [(m.user_id, m.total, m.by_mode) for m in stats.members] == [
        ("@ben:x", 3, {"onsite": 2, "remote": 1}),
        ("@cem:x", 1, {"remote": 1}),
    ]
    assert stats.total == 4 and stats.by_mode == {"onsite": 2, "remote": 2}
    assert stats.busiest_weekdays == [1, 2]
    assert month_stats(date(2026, 11, 1), []).busiest_weekdays == []
