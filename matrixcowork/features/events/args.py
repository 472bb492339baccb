"""`!event create <title> | <YYYY-MM-DD HH:MM> [minutes] [| place or video] [| weekly|monthly]
[public]`: the parts, parsed once, each failing with a hint that says how to do it right.

The series rules are the sync's (`meetings.recurrence`): weekly is "every <weekday> HH:MM",
monthly the same weekday of the month ("second thursday 19:00"; a fifth one is the last).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ...core.arguments import YEARS
from ...core.clock import WEEKDAYS
from ...core.commands import ArgError
from ...core.i18n import _

if TYPE_CHECKING:
    from ...core.commands import CommandContext

MAX_TITLE = 80
MAX_PLACE = 120
MIN_MINUTES, MAX_MINUTES = 5, 12 * 60
HORIZON = timedelta(days=365)
VIDEO_WORDS = {"video", "online", "jitsi", "call", "videocall"}
REPEAT_WORDS = {"weekly": "weekly", "wöchentlich": "weekly", "monthly": "monthly",
                "monatlich": "monthly"}
PUBLIC_WORDS = {"public", "öffentlich"}
ORDINALS = ("first", "second", "third", "fourth")


@dataclass(frozen=True)
class Draft:
    title: str
    start: datetime
    minutes: int | None
    place: str | None  # None: a video call
    repeat: str | None  # "weekly", "monthly" or None
    public: bool


def one_line(text: str) -> str:
    return " ".join(text.split())


def title(raw: str) -> str:
    text = one_line(raw)
    if not text:
        raise ArgError(_("The event needs a title first, then | and the date."))
    if len(text) > MAX_TITLE:
        raise ArgError(_("Please keep the title under {max} characters."), max=MAX_TITLE)
    return text


def when(raw: str, ctx: CommandContext) -> tuple[datetime, int | None]:
    """`2026-12-10 12:30` or `2026-12-10 12:30 90` (minutes), in the community's time."""
    words = raw.split()
    message = _("'{value}' is not a date and time like 2026-12-10 12:30 (minutes may "
                "follow: 2026-12-10 12:30 90).")
    if len(words) not in (2, 3):
        raise ArgError(message, value=one_line(raw)[:40])
    try:
        naive = datetime.strptime(" ".join(words[:2]), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ArgError(message, value=one_line(raw)[:40]) from None
    if naive.year not in YEARS:
        raise ArgError(message, value=one_line(raw)[:40])
    minutes = None
    if len(words) == 3:
        minutes = duration(words[2])
    return naive.replace(tzinfo=ctx.services.clock.tz), minutes


def duration(raw: str) -> int:
    try:
        minutes = int(raw)
    except ValueError:
        raise ArgError(_("'{value}' is not a number of minutes."), value=raw[:40]) from None
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ArgError(_("Please use from {low} to {high} minutes."), low=MIN_MINUTES,
                       high=MAX_MINUTES)
    return minutes


def options(parts: list[str]) -> tuple[str | None, str | None, bool]:
    """The parts after the date: at most one place (or `video`), then weekly/monthly and
    public in any order."""
    place, repeat, public = None, None, False
    for index, part in enumerate(parts):
        words = part.lower().split()
        if words and all(w in REPEAT_WORDS or w in PUBLIC_WORDS for w in words):
            for word in words:
                if word in PUBLIC_WORDS:
                    public = True
                elif repeat and REPEAT_WORDS[word] != repeat:
                    raise ArgError(_("Weekly or monthly, not both."))
                else:
                    repeat = REPEAT_WORDS[word]
            continue
        if index > 0 or place is not None:
            raise ArgError(_("Give the place (or video) right after the date, then weekly or "
                             "monthly."))
        place = one_line(part)
        if not place:
            raise ArgError(_("Between two | there is nothing: leave it out."))
        if len(place) > MAX_PLACE:
            raise ArgError(_("Please keep the place under {max} characters."), max=MAX_PLACE)
        if place.lower() in VIDEO_WORDS:
            place = None
    return place, repeat, public


def draft(raw: str, ctx: CommandContext) -> Draft:
    parts = raw.split("|")
    if len(parts) < 2:
        raise ArgError(_("Give a title and a date, separated by |."))
    start, minutes = when(parts[1], ctx)
    place, repeat, public = options(parts[2:])
    return Draft(title(parts[0]), start, minutes, place, repeat, public)


def rule_for(start: datetime, repeat: str | None) -> str | None:
    """The series rule in the sync's words, from the first date: `every thu 19:00`,
    `second thu 19:00` (the fifth weekday of a month is its last)."""
    if repeat is None:
        return None
    day = WEEKDAYS[start.weekday()]
    at = start.strftime("%H:%M")
    if repeat == "weekly":
        return f"every {day} {at}"
    nth = (start.day - 1) // 7
    ordinal = ORDINALS[nth] if nth < len(ORDINALS) else "last"
    return f"{ordinal} {day} {at}"


def everything(raw: str, ctx: CommandContext) -> bool:
    """`all` after `!event cancel <n>`: the whole series."""
    if raw.lower() not in ("all", "alle"):
        raise ArgError(_("Say {word} to cancel the whole series, or nothing for the next "
                         "date only."), word="all")
    return True
