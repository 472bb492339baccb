"""Catching up after downtime: what a limited sync left out is read back and handled, once."""

from __future__ import annotations

from tests.helpers import Member

from .checkin_world import ONSITE, coworking_world, line_of, nick


async def test_a_command_typed_long_before_the_bot_came_back_is_answered_once(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    anna, ben, cem = world.anna, world.ben, world.cem
    post = await world.post_today()
    await world.bot.stop()

    checkin = await ben.say(world.room, "!checkin Writing the offer")
    await cem.react(world.room, post, ONSITE)
    for n in range(120):  # more than the sync's timeline holds: both fall before its start
        await anna.say(world.room, f"busy morning {n}")
    await world.bot.start()

    who = (await anna.ask(world.room, "!who")).body  # answered after everything before it
    assert nick(ben) in who and nick(cem) in line_of(who, ONSITE)
    assert [s.body for s in ben.replies(checkin)] == ["You are checked in for today: Remote."]
    await world.bot.restart()
    await anna.ask(world.room, "!who")
    assert len(ben.replies(checkin)) == 1
    assert set(await world.attendance()) == {("2026-12-01", ben.user_id),
                                             ("2026-12-01", cem.user_id)}
