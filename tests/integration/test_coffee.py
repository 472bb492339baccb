"""Stories of the coffee roulette against a real homeserver: rounds, rooms, skips, follow-ups."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nio import InviteMemberEvent

from matrixcowork.core.jitsi import WIDGET_EVENT
from matrixcowork.features.coffee import CoffeeFeature
from tests.helpers import Bot, Member, Seen, berlin, make_member, unique

from .people_world import nick, shared_room

SKIP = "\U0001F4A4"  # 💤
MET = "\u2705"  # ✅
INVITES: dict[str, dict[str, InviteMemberEvent]] = {}  # per member: room id -> invitation
JITSI = re.compile(r"https://meet\.jit\.si/cowork-[a-z2-7]{20,}")


@dataclass
class Cafe:
    bot: Bot
    room: str
    people: list[Member]

    @property
    def coffee(self) -> CoffeeFeature:
        assert self.bot.app
        return next(f for f in self.bot.app.features if isinstance(f, CoffeeFeature))

    async def tick(self, when: datetime) -> None:
        await self.bot.move_to(when)

    async def groups(self, day: str) -> dict[frozenset[str], str]:
        """The round's groups from the store: members -> room id."""
        rows = await self.bot.services.store.fetch_all(
            "SELECT g.room_id, group_concat(m.user_id) AS members FROM coffee_groups g "
            "JOIN coffee_group_members m USING (round_date, number) WHERE g.round_date = ? "
            "GROUP BY g.number", (day,))
        return {frozenset(r["members"].split(",")): r["room_id"] for r in rows}

    async def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        return await self.bot.services.store.dump()


async def cafe(make_bot, people: list[Member], **coffee: Any) -> Cafe:
    """The coffee room, made by the first person; everyone joined it and the roulette."""
    alias = unique("coffee")
    bot = make_bot(rooms=[{"key": "coffee", "name": "Kaffeeküche", "alias": alias}],
                   coffee={"room": "coffee", "every_weeks": 1, **coffee})
    await bot.start()
    room = await shared_room(bot, alias, *people)
    world = Cafe(bot, room, people)
    for person in people:
        INVITES[person.user_id] = record_invites(person)
    for person in people:
        answer = await person.ask(room, "!coffee join")
        assert answer.body == "You are in! Next coffee round: Mon, Dec 7, 2026, 10:00\u202fAM."
    return world


def record_invites(member: Member) -> dict[str, InviteMemberEvent]:
    """Room id -> the member's own invitation, as their client receives it."""
    invites: dict[str, InviteMemberEvent] = {}

    async def seen(room: Any, event: InviteMemberEvent) -> None:
        if event.state_key == member.user_id and event.membership == "invite":
            invites[room.room_id] = event

    member.client.add_event_callback(seen, InviteMemberEvent)
    return invites


async def invited_to(member: Member, room_id: str, timeout: float = 30) -> InviteMemberEvent:
    async def wait() -> InviteMemberEvent:
        async with member._changed:
            while room_id not in INVITES[member.user_id]:
                await member._changed.wait()
            return INVITES[member.user_id][room_id]

    return await asyncio.wait_for(wait(), timeout)


async def enter(member: Member, room_id: str, bot: Bot) -> Seen:
    """Accept the invitation; returns the welcome the member then reads in the room."""
    invite = await invited_to(member, room_id)
    assert invite.sender == bot.user_id and not invite.content.get("is_direct")
    await member.join(room_id)
    return await member.wait_for(lambda s: s.room_id == room_id and "video room" in s.body)


async def headsup(world: Cafe, when: datetime, count: int) -> Seen:
    await world.tick(when)
    owner = world.people[0]
    return await owner.wait_for(lambda s: s.room_id == world.room and "Coffee roulette" in s.body
                                and f"{count} people take part" in s.body)


async def test_two_rounds_make_rooms_invite_everyone_and_change_partners(
    make_bot, members: dict[str, Member], synapse
) -> None:
    dana = await make_member(synapse, "dana")
    try:
        people = [members["anna"], members["ben"], members["cem"], dana]
        world = await cafe(make_bot, people)
        by_id = {p.user_id: p for p in people}
        post = await headsup(world, berlin(2026, 12, 6, 10, 0), 4)
        assert "Mon, Dec 7, 2026, 10:00" in post.body and "React 💤" in post.body

        await world.tick(berlin(2026, 12, 7, 10, 0))
        first = await world.groups("2026-12-07")
        assert sorted(len(g) for g in first) == [2, 2]
        links = set()
        for group, room_id in first.items():
            for user_id in group:
                welcome = await enter(by_id[user_id], room_id, world.bot)
                assert all(nick(by_id[u]) in welcome.body for u in group)
                links.update(JITSI.findall(welcome.body))
            a, b = sorted(group)
            name = by_id[a].client.rooms[room_id].name
            assert name == f"☕ Coffee: {nick(by_id[a])} & {nick(by_id[b])}"
        assert len(links) == 2  # a fresh Jitsi link per group

        await world.bot.restart()  # a restart on the round's day pairs nobody again
        await world.tick(berlin(2026, 12, 7, 10, 5))
        assert await world.groups("2026-12-07") == first

        await headsup(world, berlin(2026, 12, 13, 10, 0), 4)
        await world.bot.stop()  # down at the round's time: pairs when it is back that day
        world.bot.clock.set(berlin(2026, 12, 14, 11, 30))
        await world.bot.start()
        second = await world.groups("2026-12-14")
        assert sorted(len(g) for g in second) == [2, 2]
        assert set(second).isdisjoint(first)  # nobody meets last round's partner again
        for group, room_id in second.items():
            for user_id in group:
                await invited_to(by_id[user_id], room_id)
    finally:
        await dana.close()


async def test_a_skip_is_honoured_and_a_met_reaction_is_counted(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    world = await cafe(make_bot, [anna, ben, cem])
    post = await headsup(world, berlin(2026, 12, 6, 10, 0), 3)

    await cem.react(world.room, post.event.event_id, SKIP)
    status = await cem.ask(world.room, "!coffee status")
    assert "You skip that round (💤)." in status.body
    assert "Next round: Mon, Dec 7, 2026, 10:00\u202fAM, 2 taking part so far." in status.body

    await world.tick(berlin(2026, 12, 7, 10, 0))
    groups = await world.groups("2026-12-07")
    assert list(groups) == [frozenset({anna.user_id, ben.user_id})]  # not three, no Cem
    room_id = groups[frozenset({anna.user_id, ben.user_id})]
    for member in (anna, ben):
        welcome = await enter(member, room_id, world.bot)
    assert "has not introduced themselves yet" in welcome.body
    conference = JITSI.search(welcome.body).group().rsplit("/", 1)[1]
    widget = await ben.client.room_get_state_event(room_id, WIDGET_EVENT,
                                                   f"matrixcowork-{conference}")
    assert widget.content["type"] == "jitsi"  # Element shows the call at the top of the room
    assert widget.content["data"]["conferenceId"] == conference
    assert room_id not in INVITES[cem.user_id]

    await world.tick(berlin(2026, 12, 9, 10, 0))  # two days later: too early to ask
    await world.tick(berlin(2026, 12, 10, 10, 0))
    followup = await ben.wait_for(lambda s: s.room_id == room_id and "Did you meet?" in s.body)
    before = (await ben.ask(room_id, "!coffee status")).body
    assert "Met so far: 0 of 1 groups (0 %)" in before

    await ben.react(room_id, followup.event.event_id, MET)
    after = (await ben.ask(room_id, "!coffee status")).body
    assert "Met so far: 1 of 1 groups (100 %)" in after
    stats = (await anna.ask(room_id, "!coffee stats")).body
    assert "Mon, Dec 7, 2026: 1 group(s), 1 of 1 met" in stats
    assert stats.endswith("Met so far: 1 of 1 groups (100 %)")
    assert [s for s in ben.seen if s.room_id == room_id and "Did you meet?" in s.body] == [
        followup]


async def test_pause_and_malformed_input(make_bot, members: dict[str, Member]) -> None:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    world = await cafe(make_bot, [anna, ben, cem])
    assert (await cem.ask(world.room, "!coffee leave")).body.startswith("You left")
    before = await world.dump()

    wrong = await ben.ask(world.room, "!coffee pause zehn")
    assert wrong.body == "'zehn' is not a number.\n\nUsage: !coffee pause <weeks>"
    too_long = await ben.ask(world.room, "!coffee pause 100")
    assert too_long.body.startswith("Please use a number from 1 to 52.")
    not_in = await cem.ask(world.room, "!coffee pause 2")
    assert not_in.body.startswith("You are not in the coffee roulette.")
    assert await world.dump() == before

    paused = await ben.ask(world.room, "!coffee pause 2")
    assert paused.body == "Paused: no coffee rounds for you before Tue, Dec 15, 2026."
    status = (await ben.ask(world.room, "!coffee status")).body
    assert status.startswith("You are in the coffee roulette, paused until Tue, Dec 15, 2026.")
    assert "1 taking part so far" in status
    await world.tick(berlin(2026, 12, 7, 10, 0))
    assert await world.groups("2026-12-07") == {}  # Anna alone: nobody to pair
    alone = await anna.wait_for(lambda s: s.room_id == world.room and "No coffee round" in s.body)
    assert "only 1 taking part" in alone.body
    back = await ben.ask(world.room, "!coffee join")
    assert back.body.startswith("You are in!")
    members_left = await world.bot.services.store.fetch_all("SELECT user_id FROM coffee_members")
    assert sorted(r["user_id"] for r in members_left) == sorted([anna.user_id, ben.user_id])
