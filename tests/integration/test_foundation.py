"""Stories for the foundation: commands, help, refusals, invites, restarts."""

from __future__ import annotations

from tests.helpers import Bot, Member


async def room_with_bot(owner: Member, bot: Bot, *guests: Member) -> str:
    room_id = await owner.create_room(invite=[bot.user_id, *(g.user_id for g in guests)])
    for guest in guests:
        await guest.join(room_id)
    await owner.wait_for(
        lambda s: s.room_id == room_id and getattr(s.event, "state_key", None) == bot.user_id
        and getattr(s.event, "membership", None) == "join"
    )
    return room_id


async def test_help_lists_commands_as_notice_reply(bot: Bot, members: dict[str, Member]) -> None:
    anna = members["anna"]
    room = await room_with_bot(anna, bot)
    answer = await anna.ask(room, "!help")
    assert answer.content["msgtype"] == "m.notice"
    assert "!help" in answer.body
    assert "<" in answer.html and answer.content["format"] == "org.matrix.custom.html"


async def test_unknown_command_gets_hint(bot: Bot, members: dict[str, Member]) -> None:
    anna = members["anna"]
    room = await room_with_bot(anna, bot)
    answer = await anna.ask(room, "!frobnicate now")
    assert "!help" in answer.body
    assert "know" in answer.body
