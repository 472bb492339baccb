"""The question of the week's rules as tables: which question next, how often to ask."""

from __future__ import annotations

from datetime import date

import pytest

from matrixcowork.features.prompts.questions import DEFAULTS
from matrixcowork.features.prompts.rhythm import every_weeks, is_due, next_question, silent_streak


@pytest.mark.parametrize(("asked", "expected"), [
    ({}, "a"),
    ({"a": 1}, "b"),
    ({"a": 1, "b": 1}, "c"),
    ({"a": 1, "b": 1, "c": 1}, "a"),  # all asked: round two
    ({"a": 2, "b": 1, "c": 1}, "b"),
    ({"a": 5, "b": 5, "c": 4, "gone": 9}, "c"),  # a question no longer listed is ignored
])
def test_no_repeats_until_all_were_asked(asked: dict[str, int], expected: str) -> None:
    assert next_question(["a", "b", "c"], asked) == expected


def test_no_pool_no_question() -> None:
    assert next_question([], {}) is None


@pytest.mark.parametrize(("answers", "silent", "weeks"), [
    ([], 0, 1), ([2], 0, 1), ([0], 1, 1), ([0, 0, 1], 2, 1), ([0, 0, 0, 5], 3, 2),
    ([0, 0, 0, 0], 4, 2), ([0] * 5, 5, 4), ([0] * 9, 9, 4), ([1] + [0] * 9, 0, 1),
])
def test_backoff_after_three_silent_weeks(answers: list[int], silent: int, weeks: int) -> None:
    assert silent_streak(answers) == silent
    assert every_weeks(silent, 3) == weeks


def test_due_after_the_interval() -> None:
    last = date(2026, 12, 2)
    assert is_due(None, last, 4)
    assert not is_due(last, date(2026, 12, 9), 2)
    assert is_due(last, date(2026, 12, 16), 2)
    assert not is_due(last, date(2026, 12, 23), 4) and is_due(last, date(2026, 12, 30), 4)


def test_about_twenty_questions_in_each_language() -> None:
    assert len(DEFAULTS["de"]) == len(DEFAULTS["en"]) >= 20
    for listed in DEFAULTS.values():
        assert len(set(listed)) == len(listed) and all(q.endswith(("?", "!")) for q in listed)
