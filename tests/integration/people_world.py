"""Shared by the people and coffee stories: a room under a configured alias, everyone in it."""

from __future__ import annotations

from tests.helpers import Bot, Member, Seen


def joined(seen: Seen, user_id: str) -> bool:
    return (getattr(seen.event, "state_key", None) == user_id
            and getattr(seen.event, "membership", None) == "join")


def nick(member: Member) -> str:
    """How the bot names a member: the display name, which Synapse sets to the localpart."""
    return member.user_id[1:].split(":")[0]


async def shared_room(bot: Bot, alias: str, owner: Member, *guests: Member) -> str:
    """The owner creates the room the bot knows by this alias; the bot and guests join it."""
    room = await owner.create_room(alias=alias, invite=[bot.user_id, *(g.user_id for g in guests)])
    for guest in guests:
        await guest.join(room)
    for who in (bot.user_id, *(g.user_id for g in guests)):
        await owner.wait_for(lambda s, w=who: s.room_id == room and joined(s, w))
    return room
