"""Which day `!plan` means by a word: the next such weekday after today, today/tomorrow, a
date from today up to the horizon."""

from __future__ import annotations

from datetime import date

import pytest

from matrixcowork.features.checkin.plans import NotADay, TooFar, day_of

TUESDAY = date(2026, 12, 1)


@pytest.mark.parametrize(("word", "expected"), [
    ("thu", date(2026, 12, 3)), ("Thursday", date(2026, 12, 3)), ("Do", date(2026, 12, 3)),
    ("tue", date(2026, 12, 8)),  # said on a Tuesday: next week's
    ("mon", date(2026, 12, 7)), ("sonntag", date(2026, 12, 6)),
    ("today", TUESDAY), ("morgen", date(2026, 12, 2)),
    ("2026-12-01", TUESDAY), ("2027-03-01", date(2027, 3, 1)),
])
def test_day_words(word: str, expected: date) -> None:
    assert day_of(word, TUESDAY) == expected


@pytest.mark.parametrize(("word", "error"), [
    ("someday", NotADay), ("=1+1", NotADay), ("2026-13-01", NotADay),
    ("2026-11-30", TooFar), ("2027-03-02", TooFar),
])
def test_words_that_are_refused(word: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        day_of(word, TUESDAY)
