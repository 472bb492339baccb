"""A real Synapse for the whole test session, fresh users and a running bot per test."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from matrixcowork.core.clock import FakeClock
from matrixcowork.ops.devserver import DevServer

from .helpers import Bot, EncryptedMember, Member, berlin, bot_config, make_member


# For tests/reliability. Here because pytest reads options only from the conftests it loads at
# start, and only those run in xdist's controller, which prints the summary.
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long", action="store_true",
                     help="reliability suite: the long modes (10,000 fuzzed commands, ...)")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The figures the tests reported (`figure` fixture), from every xdist worker."""
    figures = [value for reports in terminalreporter.stats.values() for report in reports
               if getattr(report, "when", None) == "call"
               for name, value in report.user_properties if name == "figure"]
    if figures:
        terminalreporter.section("reliability figures")
        for line in dict.fromkeys(figures):
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def synapse() -> Iterator[DevServer]:
    # Outside pytest's numbered temp dirs, which a concurrent run may clean up under our feet.
    directory = Path(tempfile.mkdtemp(prefix="matrixcowork-synapse-"))
    server = DevServer(directory, relaxed=True)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
async def members(synapse: DevServer) -> AsyncIterator[dict[str, Member]]:
    """Anna the organizer, Ben and Cem members."""
    created: dict[str, Member] = {}

    for name in ("anna", "ben", "cem"):
        created[name] = await make_member(synapse, name)
    yield created
    for member in created.values():
        await member.close()


@pytest.fixture
async def dora(synapse: DevServer, tmp_path: Path) -> AsyncIterator[EncryptedMember]:
    """A member whose app encrypts like Element (the bot's direct chats are encrypted)."""
    keys = tmp_path / "dora-keys"
    keys.mkdir()
    member = await make_member(synapse, "dora", encrypted=True, store_dir=keys)
    assert isinstance(member, EncryptedMember)
    yield member
    await member.close()


@pytest.fixture
def clock() -> FakeClock:
    from zoneinfo import ZoneInfo

    return FakeClock(ZoneInfo("Europe/Berlin"), berlin(2026, 12, 1, 8, 59))


@pytest.fixture
async def make_bot(synapse: DevServer, members: dict[str, Member], clock: FakeClock,
             tmp_path: Path):
    """Build (not start) a bot whose organizer is Anna; pass config overrides, and extra
    feature classes for tests of the command layer itself."""
    made: list[Bot] = []

    def factory(extra_features: list = (), **overrides) -> Bot:
        config = bot_config(synapse, tmp_path / f"bot{len(made)}",
                            admins=[members["anna"].user_id], **overrides)
        bot = Bot(config, clock, extra_features)
        made.append(bot)
        return bot

    yield factory
    for bot in made:
        await bot.stop()


@pytest.fixture
async def bot(make_bot) -> Bot:
    bot = make_bot()
    await bot.start()
    return bot
