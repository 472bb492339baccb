"""The router's parsing: longest command name first, typed arguments, friendly errors."""

from __future__ import annotations

from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from matrixcowork.core import arguments
from matrixcowork.core.commands import Arg, ArgError, Command, CommandContext, CommandRouter
from matrixcowork.core.config import CommandRateConfig
from matrixcowork.core.permissions import Access

TZ = ZoneInfo("Europe/Berlin")


def router() -> CommandRouter:
    services = SimpleNamespace(config=SimpleNamespace(command_prefix="!",
                                                        command_rate_limit=CommandRateConfig()),
                               clock=SimpleNamespace(tz=TZ))
    r = CommandRouter(services)  # type: ignore[arg-type]
    r.register(Command("agenda", "x"))
    r.register(Command("agenda add", "x", (Arg("text", rest=True),)))
    r.register(Command("sync move", "x", (Arg("when", arguments.local_datetime, rest=True),)))
    r.register(Command("focus", "x", (Arg("minutes", arguments.integer(5, 180), optional=True),
                                      Arg("goal", optional=True, rest=True))))
    return r


def parse(line: str):
    r = router()
    cmd, rest = r._match(line)
    ctx = CommandContext(r.services, "!room", "@a:b", "$e", Access.MEMBER)
    return cmd.name if cmd else None, (r._convert(cmd, rest, ctx) if cmd else None)


def test_longest_name_wins_and_rest_keeps_spacing() -> None:
    assert parse("agenda add  Neue   Räume | ok") == ("agenda add", ["Neue   Räume | ok"])
    assert parse("agenda") == ("agenda", [])
    assert parse("AGENDA add x") == ("agenda add", ["x"])


def test_optional_arguments() -> None:
    assert parse("focus") == ("focus", [None, None])
    assert parse("focus 25 Steuererklärung fertig") == ("focus", [25, "Steuererklärung fertig"])


def test_datetime_in_community_timezone() -> None:
    _, [when] = parse("sync move 2027-03-30 18:00")
    assert when.tzinfo == TZ and (when.hour, when.utcoffset().total_seconds()) == (18, 7200)


@pytest.mark.parametrize(("line", "message"), [
    ("focus 500", "Please use a number from {low} to {high}."),
    ("focus zehn", "'{value}' is not a number."),
    ("sync move 2027-02-30 18:00", "'{value}' is not a date and time like 2026-12-01 18:00."),
    ("sync move 0001-01-01 00:00", "'{value}' is not a date and time like 2026-12-01 18:00."),
    ("sync move 9999-12-31 23:59", "'{value}' is not a date and time like 2026-12-01 18:00."),
    ("sync move", "Something is missing: {name}."),
])
def test_bad_arguments(line: str, message: str) -> None:
    with pytest.raises(ArgError) as err:
        parse(line)
    assert err.value.message == message


def test_unknown_command() -> None:
    assert parse("nonsense here") == (None, None)


def test_user_id_accepts_pills() -> None:
    assert arguments.user_id("https://matrix.to/#/@anna:owl.de", None) == "@anna:owl.de"
    with pytest.raises(ArgError):
        arguments.user_id("anna", None)


@pytest.mark.parametrize("raw", ["9999-12", "0001-01", "1899-12", "3000-01"])
def test_months_outside_sensible_years_are_refused(raw: str) -> None:
    """`!stats 9999-12` crashed: the month's end overflowed the date type (found by fuzzing)."""
    with pytest.raises(ArgError):
        arguments.month(raw, None)
    with pytest.raises(ArgError):
        arguments.day(raw + "-01", None)
