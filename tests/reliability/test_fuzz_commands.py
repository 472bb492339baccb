"""Fuzzed commands: hypothesis-generated lines through the real command layer of a running bot
with every feature on (its router, its features, its store, replies sent to the real
homeserver). No line crashes a handler, no reply shows a traceback, every line is answered, and
a line the router refuses (not allowed, unknown, too long, malformed) writes nothing.

500 lines in CI, 10,000 with `--long`. A subset goes the whole way through Matrix.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matrixcowork.core.chat import Chat
from tests.helpers import Member
from tests.integration.space_world import barrier, invite_into_space, join

from .community import World, every_feature_world, is_refusal
from .fuzzlines import command_line, edge_lines

EXAMPLES = {False: 500, True: 10_000}
THROUGH_MATRIX = 30
OUTSIDER = "@mallory:elsewhere.example"
BROKEN = ("Traceback", "something went wrong", 'File "', "Error:", "Exception")


def broken(line: str, answers: list[str]) -> list[str]:
    """Answers that show a failure (what the line itself said does not count)."""
    return [a for a in answers if any(b in a and b not in line for b in BROKEN)]
HYPOTHESIS = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(
    HealthCheck))


@dataclass
class Replies:
    """Watches the bot's `chat.queue` (where command replies go out): every reply, by the
    event it answers."""

    by_event: dict[str, list[str]] = field(default_factory=dict)

    def watch(self, chat: Chat) -> None:
        queue = chat.queue

        async def recorded(room_id: str, text: str, **kwargs: Any) -> str | None:
            if kwargs.get("reply_to"):
                self.by_event.setdefault(kwargs["reply_to"], []).append(text)
            return await queue(room_id, text, **kwargs)

        chat.queue = recorded  # type: ignore[method-assign]


@dataclass
class Tally:
    lines: int = 0
    refused: int = 0
    seconds: list[float] = field(default_factory=list)


def in_thread(loop: asyncio.AbstractEventLoop,
              example: Callable[[str, str], Awaitable[None]]) -> Callable[[str, str], None]:
    """Hypothesis drives a worker thread; each example runs on the bot's event loop."""
    def run(line: str, role: str) -> None:
        asyncio.run_coroutine_threadsafe(example(line, role), loop).result(timeout=120)

    return run


async def fuzz_world(make_bot, members: dict[str, Member]) -> tuple[World, dict[str, str]]:
    """Every feature on; Anna organizes, Cem is in the space, Mallory is from elsewhere."""
    anna, cem = members["anna"], members["cem"]
    world = await every_feature_world(make_bot, anna)
    await invite_into_space(world, anna, cem)
    assert await join(cem, world.general)
    await barrier(cem, world.general)
    return world, {"organizer": anna.user_id, "member": cem.user_id, "outsider": OUTSIDER}


@pytest.mark.slow
@pytest.mark.timeout(3600)
async def test_fuzzed_command_lines_never_crash_and_refusals_write_nothing(
    make_bot, members: dict[str, Member], long_mode: bool, figure, caplog
) -> None:
    world, senders = await fuzz_world(make_bot, members)
    replies, tally = Replies(), Tally()
    replies.watch(world.bot.services.chat)
    store, router = world.bot.services.store, world.router
    outbox = world.bot.services.chat.outbox
    caplog.clear()

    async def example(line: str, role: str) -> None:
        event_id = f"$fuzz-{uuid.uuid4().hex}"
        before = await store.dump()
        started = time.monotonic()
        await router.handle(world.general, senders[role], event_id, line)
        await outbox.drained()  # the replies are sent: what failed there is logged by now
        tally.seconds.append(time.monotonic() - started)
        answers = replies.by_event.get(event_id, [])
        assert answers, f"no answer to {line[:200]!r}"
        assert not broken(line, answers), (line[:200], answers)
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, (line[:200], errors)
        if is_refusal(answers[0]):
            tally.refused += 1
            assert await store.dump() == before, f"{line[:200]!r} was refused but wrote"
        tally.lines += 1

    declared = [(c.name, [a.name for a in c.args]) for c in router.commands]
    edges = edge_lines(declared)
    for line in edges:  # every command with the edge values of its arguments, as organizer
        await example(line, "organizer")
    names = [name for name, _args in declared]
    run = settings(max_examples=EXAMPLES[long_mode], **HYPOTHESIS)(
        given(command_line(names), st.sampled_from(sorted(senders)))(
            in_thread(asyncio.get_running_loop(), example)))
    await asyncio.to_thread(run)

    assert tally.lines >= EXAMPLES[long_mode] + len(edges)
    figure(f"fuzzed commands: {len(edges)} edge lines (every declared command) and "
           f"{tally.lines - len(edges)} generated ones (organizer, member, outsider) through "
           f"the running bot's router: 0 crashes, "
           f"0 tracebacks, {tally.refused} refused or malformed with the store unchanged; "
           f"median {statistics.median(tally.seconds) * 1000:.0f} ms, "
           f"max {max(tally.seconds):.1f} s")


@pytest.mark.slow
async def test_fuzzed_lines_through_matrix_are_answered_once(
    make_bot, members: dict[str, Member], figure
) -> None:
    world, _senders = await fuzz_world(make_bot, members)
    cem = members["cem"]
    lines: list[str] = []
    names = [c.name for c in world.router.commands]

    @settings(max_examples=THROUGH_MATRIX, **HYPOTHESIS)
    @given(command_line(names))
    def collect(line: str) -> None:
        lines.append(line)

    collect()

    sent = [await cem.say(world.general, line) for line in lines]
    got = [seen.body for seen in await asyncio.gather(*(cem.reply(e, 90) for e in sent))]
    await barrier(cem, world.general)

    assert not [a for line, a in zip(lines, got, strict=True) if broken(line, [a])], got
    assert [len(cem.replies(e)) for e in sent] == [1] * len(sent)
    figure(f"fuzzed commands through Matrix: {len(lines)} lines typed by a member, each "
           "answered once, no traceback")
