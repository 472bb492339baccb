"""Shared by the people and coffee stories: a room under a configured alias, everyone in it."""

from __future__ import annotations

from tests.helpers import Member, Seen, shared_room

__all__ = ["joined", "nick", "shared_room"]


def joined(seen: Seen, user_id: str) -> bool:
    return (getattr(seen.event, "state_key", None) == user_id
            and getattr(seen.event, "membership", None) == "join")


def nick(member: Member) -> str:
    """How the bot names a member: the display name, which Synapse sets to the localpart."""
    return member.user_id[1:].split(":")[0]
