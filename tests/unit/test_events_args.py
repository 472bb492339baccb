"""The parts of `!event create`: place or video, weekly/monthly/public in any order, and the
series rule in the sync's words, whose first time is the date the member gave."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from matrixcowork.core.commands import ArgError
from matrixcowork.features.events.args import options, rule_for
from matrixcowork.meetings.recurrence import parse_recurrence

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(("parts", "expected"), [
    ([], (None, None, False)),
    ([" Café  Florian "], ("Café Florian", None, False)),
    (["video"], (None, None, False)),
    (["Online", "weekly public"], (None, "weekly", True)),
    (["Markt", "monatlich", "öffentlich"], ("Markt", "monthly", True)),
    (["public weekly"], (None, "weekly", True)),
])
def test_options(parts: list[str], expected: tuple) -> None:
    assert options(parts) == expected


@pytest.mark.parametrize("parts", [
    ["weekly", "Markt"], ["Markt", "Wald"], ["weekly monthly"], ["  "], ["x" * 121],
])
def test_options_refused(parts: list[str]) -> None:
    with pytest.raises(ArgError):
        options(parts)


@pytest.mark.parametrize(("start", "repeat", "rule", "second"), [
    (datetime(2026, 12, 3, 12, 30, tzinfo=BERLIN), "weekly", "every thu 12:30",
     datetime(2026, 12, 10, 12, 30, tzinfo=BERLIN)),
    (datetime(2026, 12, 10, 19, 0, tzinfo=BERLIN), "monthly", "second thu 19:00",
     datetime(2027, 1, 14, 19, 0, tzinfo=BERLIN)),
    (datetime(2026, 12, 31, 19, 0, tzinfo=BERLIN), "monthly", "last thu 19:00",
     datetime(2027, 1, 28, 19, 0, tzinfo=BERLIN)),
    (datetime(2027, 3, 22, 18, 0, tzinfo=BERLIN), "weekly", "every mon 18:00",  # over DST
     datetime(2027, 3, 29, 18, 0, tzinfo=BERLIN)),
])
def test_series_rules(start: datetime, repeat: str, rule: str, second: datetime) -> None:
    assert rule_for(start, repeat) == rule
    slots = parse_recurrence(rule).slots(start - timedelta(minutes=1), BERLIN)
    assert [next(slots), next(slots)] == [start, second]
    assert rule_for(start, None) is None
