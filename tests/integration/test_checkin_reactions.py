"""Stories of the check-in by reaction: the tracked-posts path against a real homeserver."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.helpers import Member, berlin

from .checkin_world import (
    ONSITE,
    REMOTE,
    VS16,
    coworking_world,
    edited_post,
    line_of,
    nick,
)


async def test_reactions_of_several_members_show_in_who_and_in_the_post(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    anna, ben, cem = world.anna, world.ben, world.cem
    post = await world.post_today()

    await ben.react(world.room, post, ONSITE)
    await cem.react(world.room, post, REMOTE)
    await anna.react(world.room, post, REMOTE)

    body = await world.wait_for_post_text(post, has=[nick(ben), nick(cem), nick(anna)])
    assert nick(ben) in line_of(body, ONSITE) and "(1)" in line_of(body, ONSITE)
    assert {nick(anna), nick(cem)} == set(line_of(body, REMOTE).split(": ")[1].split(", "))
    who = (await ben.ask(world.room, "!who")).body
    assert nick(ben) in line_of(who, ONSITE) and nick(cem) not in line_of(who, ONSITE)
    assert nick(cem) in line_of(who, REMOTE) and nick(anna) in line_of(who, REMOTE)
    assert await world.attendance() == {
        ("2026-12-01", ben.user_id): "onsite",
        ("2026-12-01", cem.user_id): "remote",
        ("2026-12-01", anna.user_id): "remote",
    }


async def test_taking_the_reaction_back_takes_the_check_in_back(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    ben = world.ben
    post = await world.post_today()
    reaction = await ben.react(world.room, post, ONSITE)
    await world.wait_for_post_text(post, has=[nick(ben)])

    await ben.redact(world.room, reaction)

    await world.wait_for_post_text(post, has=["Nobody has checked in yet."])
    assert (await ben.ask(world.room, "!who")).body == "Nobody has checked in today yet."
    assert await world.attendance() == {}
    assert await world.rows("SELECT * FROM tracked_reactions WHERE user_id = ?",
                            ben.user_id) == []


async def test_both_emoji_forms_count_once_and_the_latest_key_wins(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    anna, ben, cem = world.anna, world.ben, world.cem
    post = await world.post_today()

    plain = await anna.react(world.room, post, ONSITE)
    await anna.react(world.room, post, ONSITE + VS16)  # another client's form of the same key
    await cem.react(world.room, post, REMOTE + VS16)
    await ben.react(world.room, post, ONSITE)
    latest = await ben.react(world.room, post, REMOTE)
    await world.wait_for_post_text(post, has=[nick(anna), nick(ben), nick(cem)])

    assert await world.attendance() == {
        ("2026-12-01", anna.user_id): "onsite",
        ("2026-12-01", ben.user_id): "remote",
        ("2026-12-01", cem.user_id): "remote",
    }
    reactions = world.checkin.services.tracked
    tracked = await reactions.get(post)
    assert tracked is not None
    assert [(r.user_id, r.key) for r in await reactions.reactions(tracked, anna.user_id)] == [
        (anna.user_id, ONSITE)
    ]

    await anna.redact(world.room, plain)  # the other form is still there
    await ben.redact(world.room, latest)  # falls back to the key still present
    body = await world.wait_for_post_text(
        post, has=[f"{ONSITE} On site (2)"], lacks=[f"{REMOTE} Remote (2)"]
    )
    assert nick(ben) in line_of(body, ONSITE) and nick(anna) in line_of(body, ONSITE)
    assert (await world.attendance())[("2026-12-01", ben.user_id)] == "onsite"


async def test_reactions_while_the_bot_was_down_count_once_after_restart(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    anna, ben, cem = world.anna, world.ben, world.cem
    post = await world.post_today()
    before = await ben.react(world.room, post, ONSITE)
    await world.wait_for_post_text(post, has=[nick(ben)])

    await world.bot.stop()
    await ben.redact(world.room, before)  # seen by the bot, taken back while it is down
    await ben.react(world.room, post, REMOTE)
    await cem.react(world.room, post, REMOTE)
    gone = await anna.react(world.room, post, ONSITE)  # arrives already redacted
    await anna.redact(world.room, gone)
    await world.bot.start()

    body = await world.wait_for_post_text(post, has=[f"{REMOTE} Remote (2)"])
    assert nick(anna) not in body and ONSITE + " On site" not in body
    await world.bot.restart()
    who = (await cem.ask(world.room, "!who")).body
    assert {nick(ben), nick(cem)} == set(line_of(who, REMOTE).split(": ")[1].split(", "))
    assert await world.attendance() == {
        ("2026-12-01", ben.user_id): "remote",
        ("2026-12-01", cem.user_id): "remote",
    }
    assert len(await world.rows("SELECT * FROM tracked_reactions")) == 2


async def test_a_gap_in_the_sync_is_reconciled_from_the_homeserver(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    anna, ben = world.anna, world.ben
    post = await world.post_today()
    await world.bot.stop()

    await ben.react(world.room, post, ONSITE)
    for n in range(110):  # more than the sync's timeline limit: the reaction falls in the gap
        await anna.say(world.room, f"busy morning {n}")
    await world.bot.start()

    who = (await anna.ask(world.room, "!who")).body
    assert nick(ben) in line_of(who, ONSITE)
    assert await world.attendance() == {("2026-12-01", ben.user_id): "onsite"}


async def test_reactions_to_other_messages_and_to_yesterdays_post_are_ignored(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    ben, cem = world.ben, world.cem
    yesterday = await world.post_today()
    world.bot.clock.advance(timedelta(days=1))
    today = await world.post_today()
    chatter = await cem.say(world.room, "coffee anyone?")

    await ben.react(world.room, yesterday, ONSITE)
    await ben.react(world.room, chatter, ONSITE)
    await cem.react(world.room, today, REMOTE)
    await world.wait_for_post_text(today, has=[nick(cem)])

    assert await world.attendance() == {("2026-12-02", cem.user_id): "remote"}
    assert len(await world.rows("SELECT * FROM tracked_reactions")) == 1


async def test_a_burst_of_reactions_becomes_a_few_edits(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    post = await world.post_today()

    async def fidget(member: Member, final: str) -> None:
        for _ in range(8):
            await member.redact(world.room, await member.react(world.room, post, final))
        await member.react(world.room, post, final)

    await asyncio.gather(fidget(world.anna, REMOTE), fidget(world.ben, ONSITE),
                         fidget(world.cem, REMOTE))
    who = (await world.anna.ask(world.room, "!who")).body  # after every reaction
    final = [line_of(who, ONSITE), line_of(who, REMOTE)]
    assert nick(world.ben) in final[0] and nick(world.cem) in final[1]
    await world.wait_for_post_text(post, has=final)

    edits = [s for s in world.anna.seen if edited_post(s) == post]
    assert 1 <= len(edits) <= 8, len(edits)  # 51 reaction events


async def test_a_reaction_just_before_midnight_while_the_bot_was_down_counts_after_it(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    ben, cem = world.ben, world.cem
    world.bot.clock.set(berlin(2026, 12, 1, 23, 59, 50))
    post = await world.post_today()

    await world.bot.stop()
    await ben.react(world.room, post, ONSITE)  # a few seconds before midnight
    await asyncio.sleep(3)
    world.bot.clock.set(berlin(2026, 12, 2, 0, 0, 1))
    await world.bot.start()
    await cem.ask(world.room, "!help")  # caught up, the downtime reconciled
    await cem.react(world.room, post, REMOTE)  # after midnight: the post is closed
    await cem.ask(world.room, "!help")

    assert await world.attendance() == {("2026-12-01", ben.user_id): "onsite"}
