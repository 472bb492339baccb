"""Permissions: every command the router declares above a member's level, typed by a member, and
every command above everyone's, typed by someone outside the space, is refused, and the store
does not change. The lists come from the router's declarations, so commands added later are
covered without touching this test."""

from __future__ import annotations

from matrixcowork.core.permissions import Access
from tests.helpers import Member
from tests.integration.space_world import barrier, invite_into_space, join

from .community import answered, every_feature_world, sample_line

REFUSAL = {
    Access.ORGANIZER: "Only organizers can do that.",
    Access.MODERATOR: "Only organizers and moderators can do that.",
    Access.MEMBER: "This is for members of the community. Ask an organizer to invite you.",
}


async def test_every_command_above_ones_level_is_refused_and_changes_nothing(
    make_bot, members: dict[str, Member], figure
) -> None:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    # No trusted servers: only who joined the space is a member. Cem joins it, Ben does not.
    world = await every_feature_world(make_bot, anna, allowed_servers=[])
    await invite_into_space(world, anna, cem)
    lobby = world.rooms["webinars"]  # public: Ben can come in without being a member
    for person in (ben, cem):
        assert await join(person, lobby)
    await barrier(cem, lobby)
    permissions = world.bot.services.permissions
    assert permissions.access_of(cem.user_id) == Access.MEMBER
    assert permissions.access_of(ben.user_id) == Access.EVERYONE

    commands = world.router.commands
    above_member = [c for c in commands if c.access > Access.MEMBER]
    above_everyone = [c for c in commands if c.access > Access.EVERYONE]
    store = world.bot.services.store
    before = await store.dump()

    member_got = await answered(cem, lobby, [sample_line(c) for c in above_member])
    outsider_got = await answered(ben, lobby, [sample_line(c) for c in above_everyone])

    assert member_got == [REFUSAL[c.access] for c in above_member]
    assert outsider_got == [REFUSAL[c.access] for c in above_everyone]
    assert await store.dump() == before
    organizer_only = sum(c.access == Access.ORGANIZER for c in commands)
    assert organizer_only >= 6 and len(above_everyone) >= 20, "a feature's commands are missing"
    figure(f"permissions: {len(above_member)} commands above a member's level "
           f"({organizer_only} organizer-only, {len(above_member) - organizer_only} for "
           f"moderators) refused to a member, {len(above_everyone)} commands refused to an "
           "outsider, store unchanged")
