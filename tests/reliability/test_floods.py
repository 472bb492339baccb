"""Floods against the real Synapse: one member typing command after command gets a budget's
worth of answers and one "slow down", and nobody else waits for it."""

from __future__ import annotations

import asyncio

from tests.helpers import Bot, Member

SLOW_DOWN = "Slow down, please"


async def room_with_bot(owner: Member, bot: Bot, *guests: Member) -> str:
    room = await owner.create_room(invite=[bot.user_id, *(g.user_id for g in guests)])
    for guest in guests:
        await guest.join(room)
    await owner.wait_for(lambda s: s.room_id == room
                         and getattr(s.event, "state_key", None) == bot.user_id
                         and getattr(s.event, "membership", None) == "join")
    return room


async def test_a_members_flood_gets_the_budget_and_one_slow_down_and_others_are_answered(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    bot = make_bot(command_rate_limit={})  # the default: 6 commands within 30 seconds
    await bot.start()
    room = await room_with_bot(anna, bot, ben, cem)

    # Ben types twenty commands as fast as his client sends them; Cem asks once in between.
    flood = [await ben.say(room, "!help") for _ in range(20)]
    answered = await cem.ask(room, "!help", timeout=10)
    assert answered.body and not answered.body.startswith(SLOW_DOWN)

    # Anna, an organizer, is exempt: her twelve commands are all answered, the last one
    # after everything Ben typed.
    for _ in range(12):
        last = await anna.ask(room, "!help")
    assert last.body and not last.body.startswith(SLOW_DOWN)
    await asyncio.sleep(0.5)  # Ben's client sees what the bot sent before Anna's answer

    answers = [ben.replies(e) for e in flood]
    assert [len(a) for a in answers] == [1] * 6 + [1] + [0] * 13
    assert [a[0].body.startswith(SLOW_DOWN) for a in answers[:7]] == [False] * 6 + [True]
