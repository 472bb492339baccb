"""The bot was down when a step was due: late while it makes sense, skipped otherwise."""

from __future__ import annotations

from tests.helpers import Member, berlin

from .sync_world import WIDGETS, sync_world


async def test_back_after_the_start_the_start_post_comes_late_and_the_reminder_is_skipped(
    make_bot, members: dict[str, Member]
) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))
    await world.tick(berlin(2026, 12, 29, 18, 0))
    await world.tick(berlin(2027, 1, 4, 18, 0))
    await world.bot.stop()

    world.bot.clock.set(berlin(2027, 1, 5, 18, 20))  # down from 17:40 to 18:20
    await world.bot.start()

    await world.next_post("🎥")
    conference = await world.conference()
    assert (await world.state(WIDGETS, f"matrixcowork-{conference}"))["type"] == "jitsi"
    assert await world.steps() == {"announce": "done", "reminder:1d": "done",
                                   "reminder:15m": "skipped", "start": "done"}
    await world.bot.stop()
    world.bot.clock.set(berlin(2027, 1, 6, 9, 0))  # and down over the end
    await world.bot.start()
    summary = await world.next_post("✅")
    assert "Nobody said with ✋ that they were there." in summary.body
    assert await world.state(WIDGETS, f"matrixcowork-{conference}") == {}
    assert [p.body[:1] for p in world.posts()] == ["📅", "⏰", "🎥", "✅"]


async def test_a_sync_missed_entirely_gets_only_its_summary(
    make_bot, members: dict[str, Member]
) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))
    await world.bot.stop()

    world.bot.clock.set(berlin(2027, 1, 6, 9, 0))
    await world.bot.start()

    await world.next_post("✅")
    assert await world.steps() == {"announce": "skipped", "reminder:1d": "skipped",
                                   "reminder:15m": "skipped", "start": "skipped", "end": "done"}
    await world.barrier()
    assert [p.body[:1] for p in world.posts()] == ["✅"]
