"""Floods against the real Synapse: one member typing command after command gets a budget's
worth of answers and one "slow down", and nobody else waits for it; the bot goes only into the
space's rooms and direct chats, and leaves a room that grows too big."""

from __future__ import annotations

import asyncio

from matrixcowork.core.rooms import display_name
from tests.helpers import Bot, Member
from tests.integration.space_world import SERVER, join, joined_rooms, provisioned_community

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


def membership_of(room: str, user_id: str, membership: str):
    return lambda s: (s.room_id == room and getattr(s.event, "state_key", None) == user_id
                      and getattr(s.event, "membership", None) == membership)


async def test_with_a_space_the_bot_joins_its_rooms_and_direct_chats_and_declines_others(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben = members["anna"], members["ben"]
    world = await provisioned_community(make_bot, anna)
    bot = world.bot

    # Ben, from the community's server, invites the bot into a room of his own with Anna.
    elsewhere = await ben.create_room(invite=[bot.user_id, anna.user_id])
    await ben.wait_for(membership_of(elsewhere, bot.user_id, "leave"))

    # His direct chat with the bot is joined and answered.
    dm = await ben.create_room(invite=[bot.user_id], is_direct=True)
    await ben.wait_for(membership_of(dm, bot.user_id, "join"))
    assert (await ben.ask(dm, "!help")).body

    # Anna adds a room of her own to the space: the bot follows her invitation there.
    assert await join(anna, world.space_id)
    child = await anna.create_room()
    await anna.client.room_put_state(world.space_id, "m.space.child",
                                     {"via": [SERVER]}, state_key=child)
    await anna.client.room_invite(child, bot.user_id)
    await anna.wait_for(membership_of(child, bot.user_id, "join"))

    joined = await joined_rooms(bot)
    assert dm in joined and child in joined and elsewhere not in joined
    assert [s for s in ben.seen if s.room_id == elsewhere and s.event.sender == bot.user_id
            and s.body] == []  # declined without a word


async def test_a_direct_chat_with_others_in_it_is_left_and_never_taken_for_a_members_own(
    make_bot, members: dict[str, Member]
) -> None:
    """A "direct chat" is the invitation's word only: Ben's, with Anna already in it, would
    let the bot's private words to Ben reach her."""
    anna, ben = members["anna"], members["ben"]
    world = await provisioned_community(make_bot, anna)
    bot = world.bot
    fake = await ben.create_room(invite=[anna.user_id, bot.user_id], is_direct=True)

    await ben.wait_for(membership_of(fake, bot.user_id, "leave"))

    assert fake not in await joined_rooms(bot)
    assert await bot.services.store.fetch_all("SELECT * FROM direct_rooms") == []
    assert [s for s in ben.seen if s.room_id == fake and s.event.sender == bot.user_id
            and s.body] == []


async def test_the_bot_leaves_a_room_that_grows_past_the_size_limit_with_a_notice(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    bot = make_bot(max_room_members=3)
    await bot.start()
    room = await room_with_bot(anna, bot, ben)  # three: fine
    assert (await ben.ask(room, "!help")).body

    await anna.client.room_invite(room, cem.user_id)
    await cem.join(room)  # four: too many

    goodbye = await anna.wait_for(lambda s: s.room_id == room and s.event.sender == bot.user_id
                                  and "more than 3 members" in s.body)
    assert goodbye.content["msgtype"] == "m.notice"
    await anna.wait_for(membership_of(room, bot.user_id, "leave"))
    assert room not in await joined_rooms(bot)


async def test_after_a_restart_the_sync_is_lazy_and_every_name_still_resolves(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    bot = make_bot()
    await bot.start()
    room = await room_with_bot(anna, bot, ben, cem)
    await cem.client.set_displayname("Cem Still")  # Cem says nothing in the room

    await bot.restart()
    assert (await anna.ask(room, "!help")).body  # caught up

    client = bot.services.client
    seen = client.rooms[room]
    # Synapse sends the member counts only to a lazy-loading sync.
    assert seen.summary is not None and seen.summary.joined_member_count == 4
    assert seen.members_synced
    assert display_name(client, cem.user_id, room) == "Cem Still"
    assert display_name(client, ben.user_id, room) != ben.user_id
