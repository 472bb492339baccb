"""Monthly participation figures, computed from attendance rows (pure, so easy to test)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from .db import Attendance


@dataclass(frozen=True)
class MemberFigures:
    user_id: str
    total: int
    by_mode: dict[str, int]  # place key -> check-ins (only places with some)


@dataclass(frozen=True)
class MonthStats:
    month: date  # the first day of the month
    members: list[MemberFigures]  # most check-ins first
    total: int
    by_mode: dict[str, int]  # place key -> check-ins
    busiest_weekdays: list[int]  # 0 = Monday; all days that share the top count

    def of(self, user_id: str) -> MemberFigures | None:
        return next((m for m in self.members if m.user_id == user_id), None)


def month_range(month: date) -> tuple[date, date]:
    """First and last day of the month that `month` lies in."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def month_stats(month: date, rows: list[Attendance]) -> MonthStats:
    per_member: dict[str, Counter[str]] = {}
    for row in rows:
        per_member.setdefault(row.user_id, Counter())[row.mode] += 1
    members = sorted(
        (MemberFigures(user, sum(c.values()), _modes(c)) for user, c in per_member.items()),
        key=lambda m: (-m.total, m.user_id),
    )
    weekdays = Counter(row.day.weekday() for row in rows)
    top = max(weekdays.values(), default=0)
    return MonthStats(
        month=month.replace(day=1),
        members=members,
        total=len(rows),
        by_mode=_modes(Counter(row.mode for row in rows)),
        busiest_weekdays=sorted(day for day, count in weekdays.items() if count == top),
    )


def _modes(counter: Counter[str]) -> dict[str, int]:
    return {place: count for place, count in counter.items() if count}
