"""Homeserver restart: Synapse is stopped and started again while the bot runs and members go
on reacting and typing commands, also while it is down (their apps send once it is back, as
Element does). The bot recovers by itself: every command is answered exactly once, and the
reactions it stored for the check-in post are the ones the homeserver holds.

The test has a homeserver of its own, so stopping it leaves the session's alone.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from matrixcowork.core.clock import FakeClock
from matrixcowork.features.checkin import CheckinFeature
from matrixcowork.ops.health import DB_FILE
from tests.helpers import Bot, Member, berlin, bot_config, make_member, unique
from tests.integration.space_world import barrier

from .burst import ONSITE, REMOTE
from .crowd import held_by_server, joined, read_db


class Typing:
    """Members' commands, kept to count the bot's answers to each."""

    def __init__(self, room_id: str) -> None:
        self.room_id = room_id
        self.sent: list[tuple[Member, str]] = []

    async def __call__(self, member: Member, line: str) -> str:
        event_id = await member.say(self.room_id, line)
        self.sent.append((member, event_id))
        return event_id

    async def answers(self, timeout: float = 120) -> None:
        await asyncio.gather(*(m.reply(e, timeout) for m, e in self.sent))

    def counts(self) -> list[int]:
        return [len(m.replies(e)) for m, e in self.sent]


async def coworking(server, clock: FakeClock, tmp_path: Path,
                    people: list[Member]) -> tuple[Bot, str, str]:
    """The bot with a check-in in Anna's coworking room; Ben and Cem are in; today's post."""
    anna, *guests = people
    alias = unique("restart")
    bot = Bot(bot_config(server, tmp_path / "bot", [anna.user_id],
                         rooms=[{"key": "coworking", "name": "Coworking", "alias": alias}],
                         checkin={"room": "coworking"}), clock)
    await bot.start()
    room = await anna.create_room(alias=alias, invite=[bot.user_id, *(g.user_id for g in guests)],
                                  power_level_override={"users": {bot.user_id: 50}})
    for guest in guests:
        await guest.join(room)
    for who in (bot.user_id, *(g.user_id for g in guests)):
        await anna.wait_for(joined(room, who))
    clock.set(berlin(2026, 12, 1, 9, 0))
    assert bot.app is not None
    checkin = next(f for f in bot.app.features if isinstance(f, CheckinFeature))
    post = await checkin.post_today(clock.now())
    assert post is not None
    return bot, room, post.event_id


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_bot_recovers_by_itself_and_answers_every_command_once(
    own_synapse, clock: FakeClock, tmp_path: Path, figure
) -> None:
    server = await own_synapse()
    people = [await make_member(server, name) for name in ("anna", "ben", "cem")]
    anna, ben, cem = people
    bot, room, post = await coworking(server, clock, tmp_path, people)
    app, say = bot.app, Typing(room)
    try:
        taken_back = await ben.react(room, post, ONSITE)
        await say(ben, "!who")
        await say(cem, "!checkin remote before the outage")
        await say.answers()

        await asyncio.to_thread(server.stop)
        during = [asyncio.create_task(c) for c in (
            say(ben, "!checkin onsite while the homeserver is down"), say(cem, "!who"),
            cem.react(room, post, ONSITE), ben.redact(room, taken_back), say(anna, "!stats"),
            anna.react(room, post, REMOTE),
        )]
        await asyncio.to_thread(server.start)  # the members' apps retry meanwhile
        back = time.monotonic()
        await asyncio.gather(*during)
        await say.answers()
        recovered = time.monotonic() - back

        await ben.react(room, post, REMOTE)
        await say(cem, "!checkout")
        await say(ben, "!who")
        await say.answers()
        await barrier(anna, room)
        server_held = await held_by_server(anna.client, room, post, bot.user_id)
        stored = read_db(bot.config.data_dir / DB_FILE,
                         "SELECT reaction_id, user_id, key FROM tracked_reactions")
        assert bot.app is app and app.sync_loop is not None  # the same bot, never restarted
    finally:
        await bot.stop()
        for member in people:
            await member.close()

    assert say.counts() == [1] * len(say.sent)
    assert sorted(stored) == sorted((h.reaction_id, h.user_id, h.key) for h in server_held)
    figure(f"homeserver restart: Synapse down and up again (while {len(during)} commands and "
           f"reactions were on their way), the bot answering again {recovered:.1f} s after it "
           f"was back; {len(say.sent)} commands answered exactly once, {len(stored)} reactions "
           "stored = held by the homeserver")
