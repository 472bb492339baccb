"""Fixtures of the reliability suite: the long modes (`--long`, declared in tests/conftest.py),
the figures each test reports, and a homeserver of a test's own for the tests that stop it or
keep Synapse's default rate limits."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from matrixcowork.ops.devserver import DevServer


@pytest.fixture
def long_mode(request: pytest.FixtureRequest) -> bool:
    """`pytest --long`: the sizes for a night run instead of CI's."""
    return bool(request.config.getoption("--long"))


@pytest.fixture
def figure(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Report a test's figure: printed, and listed again at the end of the run (see
    `pytest_terminal_summary` in tests/conftest.py)."""
    def report(line: str) -> None:
        print(line)
        request.node.user_properties.append(("figure", line))

    return report


@pytest.fixture
async def own_synapse() -> AsyncIterator[Callable[..., Awaitable[DevServer]]]:
    """Start a homeserver for this test only (`relaxed=False`: Synapse's default limits), so
    stopping it or being throttled leaves the session's homeserver alone."""
    started: list[tuple[DevServer, Path]] = []

    async def start(relaxed: bool = True) -> DevServer:
        directory = Path(tempfile.mkdtemp(prefix="matrixcowork-own-synapse-"))
        server = DevServer(directory, relaxed=relaxed)
        started.append((server, directory))
        await asyncio.to_thread(server.start)
        return server

    yield start
    for server, directory in started:
        await asyncio.to_thread(server.stop)
        shutil.rmtree(directory, ignore_errors=True)
