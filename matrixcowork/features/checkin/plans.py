"""`!plan`: the day words it takes (a weekday, today/tomorrow, a date), as pure functions.

A weekday means the next such day after today ("on Thursday" said on a Thursday is next
week's); a date may be today. Plans reach at most `HORIZON_DAYS` ahead, so a typo in the year
does not leave a plan nobody sees again.
"""

from __future__ import annotations

from datetime import date, timedelta

HORIZON_DAYS = 90
MAX_PLANS = 30  # coming plans per member: a griefer cannot fill the table
_WEEKDAY_WORDS = (
    ("mon", "monday", "mo", "montag"),
    ("tue", "tuesday", "di", "dienstag"),
    ("wed", "wednesday", "mi", "mittwoch"),
    ("thu", "thursday", "do", "donnerstag"),
    ("fri", "friday", "fr", "freitag"),
    ("sat", "saturday", "sa", "samstag"),
    ("sun", "sunday", "so", "sonntag"),
)
_RELATIVE = {"today": 0, "heute": 0, "tomorrow": 1, "morgen": 1}


class NotADay(ValueError):
    """The word is no day `!plan` knows."""


class TooFar(ValueError):
    """The day has passed or lies beyond the horizon."""


def day_of(word: str, today: date) -> date:
    """The day a member means by `word`, counted from `today`."""
    text = word.lower().strip(".,")
    if text in _RELATIVE:
        return today + timedelta(days=_RELATIVE[text])
    for weekday, words in enumerate(_WEEKDAY_WORDS):
        if text in words:
            ahead = (weekday - today.weekday() - 1) % 7 + 1
            return today + timedelta(days=ahead)
    try:
        found = date.fromisoformat(text)
    except ValueError:
        raise NotADay(word) from None
    if not today <= found <= today + timedelta(days=HORIZON_DAYS):
        raise TooFar(word)
    return found
