"""The question of the week's rules, pure: which question is next, and how often to ask.

No question comes twice before every question of the pool was asked as often: the next one
is the first in the pool's order among those asked least. The rhythm backs off while nobody
answers: after `backoff_after` unanswered questions every other week, after two more monthly
(every four weeks); the first answer brings the weekly rhythm back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

WEEKLY, FORTNIGHTLY, MONTHLY = 1, 2, 4


def next_question(pool: Sequence[str], asked: Mapping[str, int]) -> str | None:
    """The first question of the pool among those asked least often."""
    if not pool:
        return None
    fewest = min(asked.get(q, 0) for q in pool)
    return next(q for q in pool if asked.get(q, 0) == fewest)


def silent_streak(answers_newest_first: Sequence[int]) -> int:
    """How many of the latest questions in a row nobody answered."""
    streak = 0
    for answers in answers_newest_first:
        if answers:
            break
        streak += 1
    return streak


def every_weeks(silent: int, backoff_after: int) -> int:
    if silent < backoff_after:
        return WEEKLY
    if silent < backoff_after + 2:
        return FORTNIGHTLY
    return MONTHLY


def is_due(last_asked: date | None, today: date, weeks: int) -> bool:
    """Whether at least `weeks` weeks passed since the last question (or none was asked)."""
    return last_asked is None or (today - last_asked).days >= 7 * weeks
