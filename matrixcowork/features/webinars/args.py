"""The webinar commands' arguments: `title | description`, a list of dates, a schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ...core.arguments import integer, local_datetime
from ...core.commands import ArgError
from ...core.i18n import Message, _
from .poll import MAX_SLOTS

if TYPE_CHECKING:
    from ...core.commands import CommandContext

MAX_TITLE = 120
MAX_DESCRIPTION = 1000
MIN_MINUTES, MAX_MINUTES = 15, 480
POLL = "poll"
webinar_id = integer(1, 10**9)
minutes = integer(MIN_MINUTES, MAX_MINUTES)


@dataclass(frozen=True)
class Proposal:
    title: str
    description: str


@dataclass(frozen=True)
class When:
    """`schedule <id> poll` (start None) or `schedule <id> <date> <time> [minutes]`."""

    start: datetime | None = None
    minutes: int | None = None


def proposal(raw: str, ctx: CommandContext) -> Proposal:
    """`<title> [| description]`: the title on one line, the description may have lines."""
    title, _bar, description = raw.partition("|")
    title = " ".join(title.split())
    description = "\n".join(line.strip() for line in description.strip().splitlines())
    if not title:
        raise ArgError(_("Something is missing: {name}."), name=Message(_("title")))
    if len(title) > MAX_TITLE:
        raise ArgError(_("Please keep the title under {max} characters."), max=MAX_TITLE)
    if len(description) > MAX_DESCRIPTION:
        raise ArgError(_("Please keep it under {max} characters."), max=MAX_DESCRIPTION)
    return Proposal(title, description)


def dates(raw: str, ctx: CommandContext) -> list[datetime]:
    """`YYYY-MM-DD HH:MM | YYYY-MM-DD HH:MM | ...`: 2 to 10 different dates, in order given."""
    found = [local_datetime(part, ctx) for part in raw.split("|") if part.strip()]
    if not 2 <= len(found) <= MAX_SLOTS:
        raise ArgError(_("Please give 2 to {max} dates, separated by |."), max=MAX_SLOTS)
    if len(set(found)) != len(found):
        raise ArgError(_("A date is listed twice."))
    return found


def when(raw: str, ctx: CommandContext) -> When:
    words = raw.split()
    if [w.lower() for w in words] == [POLL]:
        return When()
    if len(words) not in (2, 3):
        raise ArgError(_("'{value}' is not a date and time like 2026-12-01 18:00."),
                       value=raw[:40])
    start = local_datetime(" ".join(words[:2]), ctx)
    return When(start, minutes(words[2], ctx) if len(words) == 3 else None)
