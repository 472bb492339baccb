"""Sending never blocks the sync loop. With Synapse's default rate limit (a message every 5 s
after a burst of 10), Ben types ten commands in his room at once: their answers wait in the
outbox of his room, while Cem's command in another room is handled at once, the sync goes on
(`/healthz` stays fresh), and every one of Ben's commands gets one answer, in order. A reply
queued when the bot dies goes out once after the restart."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from matrixcowork.core.chat import txn_for
from matrixcowork.core.clock import FakeClock
from matrixcowork.core.store import age_since
from matrixcowork.ops.health import DEFAULT_MAX_AGE
from tests.helpers import Bot, Member, bot_config, make_member

from .test_floods import room_with_bot

FLOOD = 10


async def until(predicate: Callable[[], Any], timeout: float = 120) -> None:
    """Poll a condition (plain or awaitable) until it holds."""
    async def poll() -> None:
        while True:
            held = predicate()
            if inspect.isawaitable(held):
                held = await held
            if held:
                return
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_a_flood_in_one_room_under_default_rate_limits_holds_up_no_other_room(
    own_synapse, clock: FakeClock, tmp_path: Path, figure
) -> None:
    server = await own_synapse(relaxed=False)
    anna, ben, cem = [await make_member(server, name) for name in ("anna", "ben", "cem")]
    bot = Bot(bot_config(server, tmp_path / "bot", [anna.user_id], people={}), clock)
    try:
        await bot.start()
        chat, store = bot.services.chat, bot.services.store
        loop = bot.app.sync_loop
        room_a = await room_with_bot(ben, bot)
        room_b = await room_with_bot(cem, bot)
        # The bot has just used its burst (as after a morning's posts): from now on the
        # homeserver lets one message through every five seconds.
        for n in range(10):
            await chat.send(room_a, f"Announcement {n}", txn=txn_for("outbox story", str(n)))

        started = time.monotonic()
        flood = [await ben.say(room_a, "!help") for _ in range(FLOOD)]
        await until(lambda: store.was_handled(flood[-1]))
        queued_after_flood = chat.outbox.queued(room_a)
        skills = await cem.say(room_b, "!profile skills Holz, Python")
        await until(lambda: store.was_handled(skills))
        handled_b = time.monotonic() - started
        profile = await store.fetch_one(
            "SELECT skills FROM people_profiles WHERE user_id = ?", (cem.user_id,))
        queued_when_b_handled = chat.outbox.queued(room_a)
        synced_before = loop.last_sync_monotonic
        await cem.say(room_b, "Danke!")  # the sync loop is free: it takes this in at once
        await until(lambda: loop.last_sync_monotonic != synced_before)
        sync_age_during_flood = age_since(loop.last_sync_monotonic, time.monotonic())
        queued_after_next_sync = chat.outbox.queued(room_a)

        cem_answer = await cem.reply(skills, 120)
        answers = [await ben.reply(event_id, 180) for event_id in flood]
        all_out = time.monotonic() - started
        await asyncio.sleep(1)  # anything sent twice would be here by now
    finally:
        await bot.stop()
        for member in (anna, ben, cem):
            await member.close()

    assert queued_after_flood > 0, "the flood should have waited for the rate limit"
    assert profile is not None and "Holz" in profile["skills"]
    assert queued_when_b_handled > 0, "Cem's command waited for Ben's flood"
    assert queued_after_next_sync > 0 and sync_age_during_flood < DEFAULT_MAX_AGE
    assert cem_answer.body
    assert [len(ben.replies(e)) for e in flood] == [1] * FLOOD
    arrival = [ben.seen.index(a) for a in answers]
    assert arrival == sorted(arrival), "Ben's answers came out of order"
    figure(f"outbox under default rate limits: {FLOOD} commands in one room, "
           f"{queued_after_flood} answers queued when the last was handled; a command in "
           f"another room handled {handled_b:.1f} s after the flood began, with "
           f"{queued_when_b_handled} of the flood's answers still queued; sync age "
           f"{sync_age_during_flood:.1f} s during the flood; all {FLOOD} answered once, "
           f"in order, after {all_out:.0f} s")


async def test_a_reply_queued_when_the_bot_dies_goes_out_once_after_the_restart(
    make_bot, members: dict[str, Member]
) -> None:
    ben = members["ben"]
    bot = make_bot()
    await bot.start()
    room = await room_with_bot(ben, bot)
    chat, store = bot.services.chat, bot.services.store

    async def dies_before_sending(*_args: object) -> str:
        await asyncio.Event().wait()  # the process is gone before the homeserver hears of it
        raise AssertionError("unreachable")

    chat.send_event = dies_before_sending  # type: ignore[method-assign]
    event_id = await ben.say(room, "!help")
    await until(lambda: store.was_handled(event_id), 30)
    assert chat.outbox.queued(room) == 1
    await bot.stop()

    await bot.start()  # the same data dir: the queued answer goes out now
    assert (await ben.reply(event_id, 30)).body
    await ben.ask(room, "!help")  # after it in the room: everything before is out
    assert len(ben.replies(event_id)) == 1
    assert await bot.services.store.fetch_all("SELECT * FROM outbox") == []


async def test_a_reply_sent_but_not_yet_crossed_off_is_not_sent_twice(
    make_bot, members: dict[str, Member]
) -> None:
    """The homeserver took the answer, the bot died before it deleted the row: the restarted
    bot sends it again with the same transaction id, and the homeserver keeps one."""
    ben = members["ben"]
    bot = make_bot()
    await bot.start()
    room = await room_with_bot(ben, bot)
    chat = bot.services.chat
    send_event = chat.send_event

    async def dies_after_sending(*args: object) -> str:
        await send_event(*args)  # type: ignore[arg-type]
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    chat.send_event = dies_after_sending  # type: ignore[method-assign]
    event_id = await ben.say(room, "!help")
    await ben.reply(event_id, 30)
    assert chat.outbox.queued(room) == 1
    await bot.stop()

    await bot.start()
    await ben.ask(room, "!help")
    assert await bot.services.store.fetch_all("SELECT * FROM outbox") == []
    assert len(ben.replies(event_id)) == 1
