"""Reusable argument converters: each parses one kind of value and fails with a friendly hint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from .commands import ArgError
from .config import USER_ID_RE
from .i18n import _

if TYPE_CHECKING:
    from .commands import CommandContext

D = TypeVar("D", date, datetime)


def integer(low: int, high: int) -> Callable[[str, CommandContext], int]:
    def convert(raw: str, ctx: CommandContext) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ArgError(_("'{value}' is not a number."), value=raw[:40]) from None
        if not low <= value <= high:
            raise ArgError(_("Please use a number from {low} to {high}."), low=low, high=high)
        return value

    return convert


def one_line(max_chars: int) -> Callable[[str, CommandContext], str]:
    """Free text (a rest argument) on one line: runs of spaces and line breaks become one."""

    def convert(raw: str, ctx: CommandContext) -> str:
        text = " ".join(raw.split())
        if len(text) > max_chars:
            raise ArgError(_("Please keep it under {max} characters."), max=max_chars)
        return text

    return convert


def choice(*options: str) -> Callable[[str, CommandContext], str]:
    def convert(raw: str, ctx: CommandContext) -> str:
        value = raw.lower()
        if value not in options:
            raise ArgError(
                _("'{value}' is not one of: {options}."),
                value=raw[:40], options=", ".join(options),
            )
        return value

    return convert


def user_id(raw: str, ctx: CommandContext) -> str:
    """Accepts `@name:server` and Element's pill links (`https://matrix.to/#/@name:server`)."""
    value = raw.removeprefix("https://matrix.to/#/").strip("<>")
    if not USER_ID_RE.match(value):
        raise ArgError(_("'{value}' is not a Matrix user like @name:example.org."), value=raw[:80])
    return value


YEARS = range(1900, 3000)
"""Dates outside are typos here, and date arithmetic near year 1 or 9999 overflows."""


def day(raw: str, ctx: CommandContext) -> date:
    message = _("'{value}' is not a date like 2026-12-01.")
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise ArgError(message, value=raw[:40]) from None
    return _in_years(value, message, raw)


def month(raw: str, ctx: CommandContext) -> date:
    """`YYYY-MM`, as the first day of that month."""
    message = _("'{value}' is not a month like 2026-12.")
    try:
        value = datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        raise ArgError(message, value=raw[:40]) from None
    return _in_years(value, message, raw)


def local_datetime(raw: str, ctx: CommandContext) -> datetime:
    """`YYYY-MM-DD HH:MM` (a rest argument) in the community's timezone."""
    message = _("'{value}' is not a date and time like 2026-12-01 18:00.")
    try:
        naive = datetime.strptime(" ".join(raw.split()), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ArgError(message, value=raw[:40]) from None
    return _in_years(naive.replace(tzinfo=ctx.services.clock.tz), message, raw)


def _in_years(value: D, message: str, raw: str) -> D:
    if value.year not in YEARS:
        raise ArgError(message, value=raw[:40])
    return value
