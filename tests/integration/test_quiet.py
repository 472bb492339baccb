"""Stories of the quiet members against the real Synapse on the fake clock: a member not seen
for four weeks gets one friendly direct message (once per spell, across a restart too), ✅
there joins the next coffee round, the organizers' monthly list names who went quiet and who
came back; a member who opted out is in neither, an outsider is never looked after, and a
griefer's noise counts as being seen but is never repeated."""

from __future__ import annotations

from datetime import date

import pytest
from nio import RoomMessageNotice

from tests.helpers import Member, Seen, berlin, make_member
from tests.integration.space_world import invite_into_space, join

from .digest_world import World, space_world
from .people_world import nick

THUMBS = "\U0001F44D"
FEATURES = {
    "checkin": {"room": "coworking"},
    "sync": {"room": "general"},
    "coffee": {"room": "general", "every_weeks": 1},
    "quiet": {"room": "orga"},
}


@pytest.fixture
async def dora(synapse):
    member = await make_member(synapse, "dora")
    yield member
    await member.close()


@pytest.fixture
async def fritz(synapse, tmp_path):
    """A member whose app encrypts like Element's (the bot's direct chats are encrypted)."""
    keys = tmp_path / "fritz-keys"
    keys.mkdir()
    member = await make_member(synapse, "fritz", encrypted=True, store_dir=keys)
    yield member
    await member.close()


async def day(world: World, when: date, hour: int = 11) -> None:
    await world.bot.move_to(berlin(when.year, when.month, when.day, hour, 0))
    await world.barrier()


def lists(world: World) -> list[Seen]:
    return [s for s in world.anna.seen if world.from_bot(s, world.rooms["orga"])
            and s.body.startswith("📋")]


async def outbox(world: World, member: Member) -> list[str]:
    return [r[0] for r in await world.rows(
        "SELECT body FROM direct_outbox WHERE user_id = ? ORDER BY rowid", member.user_id)]


async def test_one_friendly_message_per_quiet_spell_and_the_organizers_list(
    make_bot, members: dict[str, Member], dora: Member, fritz: Member
) -> None:
    world = await space_world(make_bot, members, dora, extra_rooms=("orga",), **FEATURES)
    anna, ben, cem, general = world.anna, world.ben, world.cem, world.general
    await invite_into_space(world, anna, fritz)  # type: ignore[arg-type]
    assert await join(fritz, general)
    await fritz.ask(general, "!help")
    await day(world, date(2026, 12, 1))  # the daily look knows everyone from today

    # Ben opts out; the outsider cannot; a malformed call writes nothing.
    before = await world.rows("SELECT * FROM quiet_members ORDER BY user_id")
    wrong = await cem.ask(general, "!quiet maybe")
    assert wrong.body == "'maybe' is not one of: on, off.\n\nUsage: !quiet <on|off>"
    refused = await dora.ask(world.rooms["webinars"], "!quiet off")
    assert refused.body == "This is for members of the community. Ask an organizer to invite you."
    assert await world.rows("SELECT * FROM quiet_members ORDER BY user_id") == before
    assert {r[0] for r in before} == {ben.user_id, cem.user_id, fritz.user_id}  # not Dora, Anna
    off = await ben.ask(general, "!quiet off")
    assert off.body.startswith("Done: I will not write to you")
    assert (await ben.ask(general, "!quiet off")).body == "That is off for you already."

    # Cem is around: a check-in by command, a griefer's message, a reaction.
    await day(world, date(2026, 12, 8), 12)
    assert (await cem.ask(world.rooms["coworking"], "!checkin remote")).body
    await day(world, date(2026, 12, 15), 12)
    await cem.say(general, "@room " + fritz.user_id + " <b>Hallo</b> " + "x" * 20000)
    await day(world, date(2026, 12, 22), 12)
    last = await cem.say(general, "Wer kommt mit?")
    await anna.wait_for(lambda s: s.event.event_id == last)
    await cem.react(general, last, THUMBS)
    await day(world, date(2026, 12, 22), 13)
    assert await world.rows("SELECT seen_on FROM quiet_members WHERE user_id = ?",
                            cem.user_id) == [("2026-12-22",)]

    # Dec 29: four weeks without Fritz. One message; not Ben (opted out), not Cem.
    await day(world, date(2026, 12, 28))
    assert await outbox(world, fritz) == []
    await day(world, date(2026, 12, 29))
    room = await fritz.accept_direct(world.bot.user_id)
    hello = await fritz.wait_for(lambda s: s.room_id == room and s.body.startswith("👋"))
    assert isinstance(hello.event, RoomMessageNotice) and hello.event.decrypted
    assert hello.body.startswith(f"👋 Hi {nick(fritz)}, we haven't seen you in the community")
    assert "The next sync is on Tue, Jan 5, 2027, 6:00\u202fPM; !sync tells you more." in hello.body
    assert "Answer ✅ here and you are in." in hello.body
    await day(world, date(2026, 12, 30))
    await world.bot.restart()
    await day(world, date(2026, 12, 31))
    assert len(await outbox(world, fritz)) == 1  # once per spell, after a restart too
    assert await outbox(world, ben) == [] and await outbox(world, cem) == []
    assert await outbox(world, dora) == []

    await fritz.say(room, "✅")
    joined = await fritz.wait_for(lambda s: s.room_id == room and s.body.startswith("Great"))
    assert joined.body == "Great, you are in the next coffee round! !coffee status shows when."
    assert await world.rows("SELECT user_id FROM coffee_members") == [(fritz.user_id,)]

    # Jan 1: the organizers' list of December.
    await day(world, date(2027, 1, 1))
    await anna.wait_for(lambda s: bool(lists(world)))
    december = lists(world)[0]
    assert december.body == f"📋 Quiet members, December 2026\n\nWent quiet: {nick(fritz)}"
    assert december.content["m.mentions"] == {}

    # Fritz is back; the list of January says so. Cem keeps talking.
    await day(world, date(2027, 1, 4), 12)
    for person in (fritz, cem):
        await person.say(general, "Frohes neues Jahr!")
    await day(world, date(2027, 1, 4), 13)
    await day(world, date(2027, 1, 5))
    assert await world.rows("SELECT quiet_since FROM quiet_members WHERE user_id = ?",
                            fritz.user_id) == [(None,)]
    await day(world, date(2027, 2, 1))
    await anna.wait_for(lambda s: len(lists(world)) == 2)
    assert lists(world)[1].body == f"📋 Quiet members, January 2027\n\nCame back: {nick(fritz)}"
    assert not any(nick(ben) in s.body or "Hallo" in s.body for s in lists(world))
    # Feb 1 is four weeks after Jan 4 again: a new spell, a new message (for Cem too)
    said = await outbox(world, fritz)
    assert [b.split(",")[0] for b in said] == [f"👋 Hi {nick(fritz)}", "Great",
                                               f"👋 Hi {nick(fritz)}"]
    assert len(await outbox(world, cem)) == 1 and await outbox(world, ben) == []
    direct = world.bot.services.direct
    assert (await direct.current(cem.user_id)).owner == "quiet"  # awaits Cem's ✅ ...
    await day(world, date(2027, 2, 15))
    assert await direct.current(cem.user_id) is None  # ... for two weeks, not for ever
