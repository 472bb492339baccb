"""Stories of the weekly digest against the real Synapse, a month on the fake clock: what it
says matches the store, a week with nothing to say posts nothing, a restart posts nothing
twice, only organizers post or preview it, and a griefer's text pings nobody."""

from __future__ import annotations

from datetime import date

import pytest
from nio import RoomMessageNotice

from matrixcowork.features.digest import DigestFeature
from tests.helpers import Member, berlin, make_member

from .digest_world import BYSTANDER, World, space_world
from .people_world import nick
from .test_coffee import INVITES, enter, record_invites
from .test_encryption import encrypted_dm
from .test_griefer_content import highlights, notifications

ONSITE = "\U0001F3E2"
VOTE = "\U0001F44D"
YES = "\u2705"
GRIEF = "@room <b>Gratis</b> **Pizza** für " + BYSTANDER
FEATURES = {
    "checkin": {"room": "coworking"},
    "sync": {"room": "general"},
    "coffee": {"room": "general", "every_weeks": 1},
    "webinars": {"room": "webinars"},
    "digest": {"room": "general"},
}


@pytest.fixture
async def dora(synapse):
    member = await make_member(synapse, "dora")
    yield member
    await member.close()


@pytest.fixture
async def erna(synapse, tmp_path):
    """An organizer whose app encrypts like Element's: the bot's direct chats are encrypted."""
    keys = tmp_path / "erna-keys"
    keys.mkdir()
    member = await make_member(synapse, "erna", encrypted=True, store_dir=keys)
    yield member
    await member.close()


async def checkins(world: World, first: date, last: date) -> tuple[int, int, int]:
    """(on site, remote, distinct members) from the store."""
    rows = await world.rows("SELECT user_id, mode FROM checkin_attendance "
                            "WHERE day BETWEEN ? AND ?", first.isoformat(), last.isoformat())
    return (sum(m == "onsite" for _, m in rows), sum(m == "remote" for _, m in rows),
            len({u for u, _ in rows}))


async def digest_on(world: World, day: date, hour: int = 8) -> str:
    await world.bot.move_to(berlin(day.year, day.month, day.day, hour, 0))
    await world.anna.wait_for(lambda s: bool(world.digests(day)))
    return world.digests(day)[0].body


async def test_a_month_of_the_digest_matches_the_store(
    make_bot, members: dict[str, Member], dora: Member, erna: Member
) -> None:
    world = await space_world(make_bot, members, dora, organizers=(erna,), **FEATURES)
    anna, ben, cem, general = world.anna, world.ben, world.cem, world.general
    for person in (ben, cem):
        INVITES[person.user_id] = record_invites(person)

    # Tuesday, Dec 1: Ben checks in on site, Cem remote; Wednesday Ben remote.
    await world.bot.move_to(berlin(2026, 12, 1, 9, 0))
    post = await anna.wait_for(lambda s: world.from_bot(s, world.rooms["coworking"])
                               and "Who is coworking today" in s.body)
    await ben.react(world.rooms["coworking"], post.event.event_id, ONSITE)
    assert (await cem.ask(world.rooms["coworking"], "!checkin remote")).body
    await world.bot.move_to(berlin(2026, 12, 2, 9, 30))
    assert (await ben.ask(world.rooms["coworking"], "!checkin remote")).body
    # Anna plans a webinar; Cem, the griefer, proposes one; Ben and the outsider vote.
    lobby = world.rooms["webinars"]
    assert (await anna.ask(lobby, "!webinar propose Matrix für Einsteiger | Ein Abend")
            ).body.startswith("Proposal #1 is up")
    scheduled = await anna.ask(lobby, "!webinar schedule 1 2026-12-17 18:00")
    assert scheduled.body.startswith("Scheduled:")
    assert (await cem.ask(lobby, f"!webinar propose {GRIEF} | kommt alle")
            ).body.startswith("Proposal #2 is up")
    proposal = await anna.wait_for(lambda s: world.from_bot(s, lobby) and s.body.startswith("💡")
                                   and "Pizza" in s.body)
    await ben.react(lobby, proposal.event.event_id, VOTE)
    await dora.react(lobby, proposal.event.event_id, VOTE)  # an outsider's 👍 does not count
    assert (await cem.ask(general, "!intro " + GRIEF + "\n# Titel")).body.startswith("Thanks")
    assert (await cem.ask(general, "!agenda add " + GRIEF + " " + "x" * 200)
            ).body.startswith("Added as item 1")
    for person in (ben, cem):
        assert (await person.ask(general, "!coffee join")).body.startswith("You are in!")

    # Nobody but an organizer posts it: a member and an outsider are refused.
    before = await world.rows("SELECT * FROM digest_runs")
    assert (await ben.ask(general, "!digest")).body == "Only organizers can do that."
    assert (await ben.ask(general, "!digest preview")).body == "Only organizers can do that."
    assert (await dora.ask(lobby, "!digest")).body == "Only organizers can do that."
    assert await world.rows("SELECT * FROM digest_runs") == before == []
    wrong = await anna.ask(general, "!digest bitte")
    assert wrong.body == "Too many words: bitte\n\nUsage: !digest"
    assert await world.rows("SELECT * FROM digest_runs") == []

    # Wednesday: Anna posts one now; it tells the 7 days before today.
    assert (await anna.ask(general, "!digest")).body == "The digest is posted."
    await anna.wait_for(lambda s: bool(world.digests(date(2026, 12, 2))))
    now = world.digests(date(2026, 12, 2))[0].body
    assert "Last week: 2 check-ins (1 on site, 1 remote) by 2 members." in now

    # Monday, Dec 7, 08:00: the first digest.
    first = await digest_on(world, date(2026, 12, 7))
    onsite, remote, people = await checkins(world, date(2026, 11, 30), date(2026, 12, 6))
    assert (onsite, remote, people) == (1, 2, 2)
    assert (f"Last week: {onsite + remote} check-ins ({onsite} on site, {remote} remote) by "
            f"{people} members.") in first
    assert "Matrix für Einsteiger: Thu, Dec 17, 2026, 6:00\u202fPM" in first
    assert f"- {GRIEF} (#2): 1 of 3 👍" in first  # as typed, Dora's 👍 left out
    newcomers = [r[0] for r in await world.rows(
        "SELECT user_id FROM people_known WHERE since BETWEEN '2026-11-30' AND '2026-12-06'")]
    assert {ben.user_id, cem.user_id} <= set(newcomers)
    assert f"- {BYSTANDER}\n" in first  # Ben has no card yet: his name alone
    assert first.endswith(f"- {nick(cem)}: {GRIEF} # Titel")  # Cem's card, on one line
    assert "Next sync" not in first  # Jan 5 is more than 14 days away
    assert "Coffee roulette" not in first  # no round yet
    digest = world.digests(date(2026, 12, 7))[0]
    assert digest.content["msgtype"] == "m.notice" and digest.content["m.mentions"] == {}
    for tag in ("<b>", "<h1", "<strong>Pizza"):
        assert tag not in digest.html
    await world.barrier()
    await ben.wait_for(lambda s: s.event.event_id == digest.event.event_id)
    from_bot = [n for n in await notifications(ben) if n["event"]["sender"] == world.bot.user_id
                and n["event"]["event_id"] == digest.event.event_id]
    assert not any(highlights(n) for n in from_bot)

    # A restart that morning posts nothing twice; neither does an organizer's !digest.
    await world.bot.restart()
    await world.bot.move_to(berlin(2026, 12, 7, 8, 30))
    assert (await anna.ask(general, "!digest")).body == "Today's digest is posted already."
    await world.barrier()
    assert len(world.digests(date(2026, 12, 7))) == 1
    assert await world.rows("SELECT day, outcome FROM digest_runs ORDER BY day") == [
        ("2026-12-02", "posted"), ("2026-12-07", "posted")]

    # The coffee round of Dec 7 pairs Ben and Cem; Ben says they met.
    await world.bot.move_to(berlin(2026, 12, 7, 10, 0))
    groups = await world.rows("SELECT room_id FROM coffee_groups WHERE round_date = '2026-12-07'")
    assert len(groups) == 1
    room = groups[0][0]
    for person in (ben, cem):
        await enter(person, room, world.bot)
    await world.bot.move_to(berlin(2026, 12, 10, 10, 0))
    followup = await ben.wait_for(lambda s: s.room_id == room and "Did you meet?" in s.body)
    await ben.react(room, followup.event.event_id, YES)
    for person in (ben, cem):
        assert (await person.ask(general, "!coffee leave")).body.startswith("You left")

    # Down at the digest's time on Dec 14: posted when the bot is back that morning.
    await world.bot.move_to(berlin(2026, 12, 14, 7, 0))
    await world.bot.stop()
    world.bot.clock.set(berlin(2026, 12, 14, 9, 30))
    await world.bot.start()
    await anna.wait_for(lambda s: bool(world.digests(date(2026, 12, 14))))
    second = world.digests(date(2026, 12, 14))[0].body
    assert "Coffee roulette: 1 of 1 groups met in the round of Mon, Dec 7, 2026." in second
    assert "Last week" not in second  # nobody checked in from Dec 7 to 13
    assert "Welcome, new members" not in second

    # Dec 21: nothing happened, nothing is coming within 14 days: no digest.
    await world.bot.move_to(berlin(2026, 12, 21, 8, 0))
    await world.barrier()
    assert world.digests(date(2026, 12, 21)) == []
    assert ("2026-12-21", "empty") in await world.rows("SELECT day, outcome FROM digest_runs")
    nothing = await anna.ask(general, "!digest preview")
    assert nothing.body == "Nothing to tell this week: the digest would not be posted."
    assert (await anna.ask(general, "!digest")).body == (
        "Nothing to tell this week, so I posted no digest.")
    assert world.digests(date(2026, 12, 21)) == []

    # Dec 28: the sync of Jan 5 is near; Anna announces it, Ben says yes, Dora cannot.
    await world.bot.move_to(berlin(2026, 12, 28, 7, 0))
    assert (await anna.ask(general, "!sync announce")).body.startswith("Announced")
    announcement = await anna.wait_for(lambda s: world.from_bot(s, general) and not s.reply_to
                                       and "Agenda" in s.body and "Jan 5" in s.body)
    await ben.react(general, announcement.event.event_id, YES)
    await world.barrier()
    told = await erna.ask(await encrypted_dm(erna, world.bot), "!digest preview")
    assert told.body == "I sent you the preview in our direct chat."
    preview = await erna.wait_for(lambda s: s.room_id == told.room_id and s.body.startswith("📰"))
    assert isinstance(preview.event, RoomMessageNotice) and preview.event.decrypted
    assert world.digests(date(2026, 12, 28)) == []  # a preview is not the post
    fourth = await digest_on(world, date(2026, 12, 28))
    assert fourth == preview.body
    assert "Next sync: Tue, Jan 5, 2027, 6:00\u202fPM, 1 said yes. On the agenda:" in fourth
    item = next(line for line in fourth.split("\n") if "Pizza" in line)
    assert item == "- " + f"{GRIEF} {'x' * 200}"[:99] + "…"  # cut to 100 characters
    assert [d.body for d in world.digests()] == [now, first, second, fourth]

    # Jan 5: at the sync Anna gives Ben an action; the next digest lists it until it is done.
    await world.bot.move_to(berlin(2027, 1, 5, 18, 5))
    given = await anna.ask(general, f"!action {ben.user_id} Budget klären")
    assert given.body.startswith("Action 1 for ")
    name = given.body.removeprefix("Action 1 for ").split(":")[0]
    planned = await ben.ask(general, "!plan 2027-01-13 onsite")
    assert "Jan 13" in planned.body
    fifth = await digest_on(world, date(2027, 1, 11))
    plans = next(line for line in fifth.split("\n") if line.startswith("- Wed, Jan 13"))
    assert "Plans this week:" in fifth and plans.startswith(f"- Wed, Jan 13, 2027: {name} (")
    assert f"- {name}: Budget klären (#1)" in fifth
    await ben.ask(general, "!done 1")
    sixth = await digest_on(world, date(2027, 1, 25))  # the sync of Feb 2 is near again
    assert "Next sync" in sixth and "Open actions" not in sixth and "Budget" not in sixth
    assert isinstance(world.feature(DigestFeature), DigestFeature)
