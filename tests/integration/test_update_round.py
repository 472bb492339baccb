"""The update round against the real Synapse: from opting in to the summary. Erik and Finn
(whose apps encrypt like Element's) and Ben opt in; three days before the sync each gets the
three questions in an encrypted direct chat; Erik answers in one message, Finn in three; one
post in the sync room collects them, edited as answers come, with a thread message per person;
the day before only Ben, who has not answered, is reminded; a late `!update` edits the post;
the start message links it and the summary includes it; an action's owner gets it listed with
the next round. Cem is the griefer, Dora the outsider."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from matrixcowork.core.content import plain
from matrixcowork.core.offers import UPDATE_ROUND
from tests.element_member import ElementMember
from tests.helpers import EncryptedMember, Member, berlin, make_member
from tests.integration.space_world import join

from .sync_world import edited_post, mentioned, nick, sync_world
from .taking_part_world import HERE, SYNC_END, SYNC_START, World, taking_part_world

NOT_A_MEMBER = "This is for members of the community. Ask an organizer to invite you."
ROUND, REMINDER = berlin(2027, 1, 2, 18, 0), berlin(2027, 1, 4, 18, 0)


def key_dir(tmp_path: Path, name: str) -> Path:
    keys = tmp_path / name
    keys.mkdir()
    return keys


async def encrypted_member(world: World, synapse, members: dict[str, Member], name: str,
                           keys: Path) -> EncryptedMember:
    member = await make_member(synapse, name, encrypted=True, store_dir=keys)
    assert isinstance(member, EncryptedMember)
    members[name] = member
    await world.anna.ask(world.general, "!invite " + member.user_id)
    assert await join(member, world.space_id) and await join(member, world.sync)
    return member


def from_bot(world: World, member: Member, room: str) -> list[str]:
    return [s.body for s in member.seen if s.room_id == room
            and s.event.sender == world.bot.user_id and "body" in s.content
            and edited_post(s) is None]


async def test_a_month_from_update_round_to_summary(
    make_bot, members: dict[str, Member], synapse, tmp_path: Path
) -> None:
    world = await taking_part_world(make_bot, members, synapse)
    anna, ben, cem, dora, room = world.anna, world.ben, world.cem, world.dora, world.sync
    erik = await encrypted_member(world, synapse, members, "erik", key_dir(tmp_path, "erik"))
    finn = await encrypted_member(world, synapse, members, "finn", key_dir(tmp_path, "finn"))
    await world.barrier()

    # Opting in: members only.
    joined = await erik.ask(room, "!updates on")
    assert joined.body.startswith("You are in the update round: 3 days before each sync")
    # Finn says yes where another feature asks (the welcome conversation, through the offer).
    await world.bot.services.offers.get(UPDATE_ROUND)(finn.user_id, True)
    await ben.ask(room, "!updates on")
    assert (await dora.ask(room, "!updates on")).body == NOT_A_MEMBER
    assert (await dora.ask(room, "!update Hi | - | -")).body == NOT_A_MEMBER
    assert (await cem.ask(room, "!updates maybe")).body.startswith(
        "'maybe' is not one of: on, off, an, aus.")

    # Three days before: the post in the sync room, the questions in each direct chat.
    await world.tick(berlin(2027, 1, 2, 17, 59))
    assert await world.rows("SELECT * FROM updates_rounds") == []
    await world.tick(ROUND)
    post = await world.post("📝 Updates for the sync")
    post_id = post.event.event_id
    assert post.body.startswith("📝 Updates for the sync on Tue, Jan 5, 2027: 0 of 3")
    await world.bot.restart()  # nothing asked or posted twice
    await world.tick(berlin(2027, 1, 2, 18, 5))
    erik_dm = await erik.accept_direct(world.bot.user_id)
    finn_dm = await finn.accept_direct(world.bot.user_id)
    asked = await erik.wait_for(lambda s: s.room_id == erik_dm and "Update round" in s.body)
    assert asked.event.decrypted
    assert "1. What moved for you since last time?" in asked.body
    assert "3. What can you offer?" in asked.body
    await world.barrier()
    assert [p.body[:10] for p in world.anna.seen if world.is_post(p)
            and p.body.startswith("📝")] == [post.body[:10]]
    assert len(await world.rows("SELECT 1 FROM direct_outbox WHERE user_id = ?",
                                erik.user_id)) == 1

    # Erik answers all three in one message; the post shows him, a thread message holds it.
    await erik.say(erik_dm, "Neue Website online\nSuche Hilfe bei SEO\nBiete Fotos")
    thanks = await erik.wait_for(lambda s: s.room_id == erik_dm and s.body.startswith(
        "Thank you! Your update is in the sync room"))
    assert thanks.event.decrypted
    await world.edit(post_id, has=["1 of 3", f"{nick(erik)}: Neue Website online · needs "
                                             "help with Suche Hilfe bei SEO · offers Biete Fotos"])
    thread = await anna.wait_for(lambda s: s.room_id == room and s.content.get(
        "m.relates_to", {}).get("rel_type") == "m.thread"
        and s.content["m.relates_to"]["event_id"] == post_id and nick(erik) in s.body)
    assert "What can you offer? Biete Fotos" in thread.body

    # Finn answers one question at a time, "-" for nothing.
    await finn.wait_for(lambda s: s.room_id == finn_dm and "Update round" in s.body)
    await finn.say(finn_dm, "Umzug ist fertig")
    await finn.wait_for(lambda s: s.room_id == finn_dm
                        and s.body == "Thanks! 2. Where do you need help?")
    await finn.say(finn_dm, "-")
    await finn.wait_for(lambda s: s.room_id == finn_dm
                        and s.body == "Thanks! 3. What can you offer?")
    await finn.say(finn_dm, "Kaffee für alle")
    await finn.wait_for(lambda s: s.room_id == finn_dm and s.body.startswith("Thank you!"))
    body = await world.edit(post_id, has=["2 of 3", f"{nick(finn)}: Umzug ist fertig · "
                                                   "offers Kaffee für alle"])
    assert "needs help" not in body.split(nick(finn))[1]
    assert await world.rows("SELECT user_id, moved, help, offer FROM updates_answers "
                            "ORDER BY at, user_id") == [
        (erik.user_id, "Neue Website online", "Suche Hilfe bei SEO", "Biete Fotos"),
        (finn.user_id, "Umzug ist fertig", "", "Kaffee für alle")]

    # The day before: a reminder for Ben only, who has not answered.
    await world.tick(REMINDER)
    outbox = await world.rows("SELECT user_id, body FROM direct_outbox ORDER BY rowid")
    reminders = [user for user, text in outbox if "your update is still missing" in text]
    assert reminders == [ben.user_id]
    await world.barrier()
    assert not any("still missing" in b for b in from_bot(world, erik, erik_dm))

    # Late answers by command: Ben's, the griefer's (as typed, pinging nobody), Erik's change.
    late = await ben.ask(room, "!update Kunde gewonnen | - | Know-how Steuern")
    assert late.body == ("Your update for the sync on Tue, Jan 5, 2027, 6:00\u202fPM\u2013"
                         "7:00\u202fPM is in.")
    await cem.ask(room, "!update @room <b>Gratis</b> **Pizza** | - | -")
    assert (await cem.ask(room, "!update " + "x" * 501)).body.startswith(
        "Please keep each answer under 500 characters.")
    assert (await cem.ask(room, "!update a | b | c | d")).body.startswith("Three answers at most")
    await erik.ask(room, "!update Neue Website online | SEO | Fotos und Video")
    body = await world.edit(post_id, has=["4 of 4", "Kunde gewonnen", "Fotos und Video",
                                          "@room <b>Gratis</b> **Pizza**"])
    edits = [s for s in anna.seen if edited_post(s) == post_id]
    assert all(s.content["m.new_content"]["m.mentions"] == {} for s in edits)
    await world.edit(thread.event.event_id, has=["Fotos und Video"])

    await ben.ask(room, "!ask Who brings the cake?")

    # The start links the post and ranks the question; minutes are taken in the sync.
    await world.tick(SYNC_START)
    start = await world.post("🎥")
    assert "📝 The written updates for this sync (4 of 4): the updates" in start.body
    assert f"https://matrix.to/#/{room}/{post_id}" in start.html
    assert f"1. (👍 0) Who brings the cake? – {nick(ben)}" in start.body
    await erik.react(room, start.event.event_id, HERE)
    await anna.ask(room, f"!action {erik.user_id} prepares the slides")
    await anna.ask(room, "!decision The summer party is in Herford")
    await ben.ask(room, "!note Finn brings coffee")
    await anna.ask(room, "!answered 1")
    assert (await finn.ask(room, "!update Too late")).body.startswith("The sync is on now")

    # The summary includes the updates, minutes, decisions, open actions, questions, and then
    # the feedback of who took part.
    await world.tick(SYNC_END)
    summary = await world.post("✅")
    assert "📝 Updates for the sync on Tue, Jan 5, 2027: 4 of 4" in summary.body
    assert f"{nick(finn)}: Umzug ist fertig · offers Kaffee für alle" in summary.body
    assert f"☐ Action 1 for {nick(erik)}: prepares the slides" in summary.body
    assert "⚖️ Decision: The summer party is in Herford" in summary.body
    assert f"💬 Finn brings coffee – {nick(ben)}" in summary.body
    assert "❓ Questions: 1 asked, 1 answered" in summary.body
    assert summary.content["m.mentions"] == {}
    ask = await world.post("⭐")
    await erik.react(room, ask.event.event_id, "4\ufe0f\u20e3")
    await world.edit(summary.event.event_id, has=["Feedback: ⭐ 4.0 from one rating",
                                                  "📝 Updates", "❓ Questions"])

    # The next round: Erik is asked again, and his open action is listed for him.
    await world.tick(berlin(2027, 1, 30, 18, 0))
    await world.anna.wait_for(lambda s: world.is_post(s)
                              and s.body.startswith("📝 Updates for the sync on Tue, Feb 2"))
    listed = await erik.wait_for(lambda s: s.room_id == erik_dm and "open actions" in s.body)
    assert "1. prepares the slides" in listed.body and listed.event.decrypted
    assert sum("Update round for the sync on Tue, Feb 2" in b
               for b in from_bot(world, erik, erik_dm)) == 1
    waiting = [plain(text) for user, text in await world.rows(
        "SELECT user_id, body FROM direct_outbox") if user == ben.user_id]
    assert sum("Update round" in text for text in waiting) == 2
    assert mentioned(listed) == []


@pytest.fixture
async def elke(synapse, tmp_path: Path) -> AsyncIterator[ElementMember]:
    member = await ElementMember.start(synapse, "elke", tmp_path / "elke.log")
    yield member
    await member.close()


async def test_the_round_in_an_encrypted_direct_chat_with_element(
    make_bot, members: dict[str, Member], elke: ElementMember
) -> None:
    """Elke's app is Element-like (matrix-js-sdk, Rust crypto, unsigned devices excluded):
    she opens a direct chat with the bot, opts in there and answers there in one message."""
    world = await sync_world(make_bot, members, berlin(2027, 1, 1, 12, 0))
    bot = world.bot
    dm = await elke.create_room(invite=[bot.user_id], is_direct=True)
    await elke.wait_joined(dm, bot.user_id)
    joined = await elke.ask(dm, "!updates on")
    assert joined.readable and joined.body.startswith("You are in the update round")

    await world.tick(ROUND)
    post = await world.next_post("📝 Updates for the sync")
    assert post.body.startswith("📝 Updates for the sync on Tue, Jan 5, 2027: 0 of 1")
    asked = await elke.wait_event(contains="What can you offer?")
    assert asked.readable and asked.encrypted, asked
    answer = await elke.say(dm, "Neue Kundin\n-\nWorkshop zu Matrix")
    thanks = await elke.wait_event(contains="Your update is in the sync room")
    assert thanks.readable and thanks.encrypted
    body = await world.wait_for_edit(post.event.event_id, has=["1 of 1"])
    assert "Neue Kundin · offers Workshop zu Matrix" in body
    assert answer  # her message went out encrypted and was read by the bot

    # A change by command in the same chat; the reminder does not come, she has answered.
    changed = await elke.ask(dm, "!update Neue Kundin | Buchhaltung | Workshop zu Matrix")
    assert changed.readable and changed.body.startswith("Your update for the sync on")
    await world.wait_for_edit(post.event.event_id, has=["needs help with Buchhaltung"])
    await world.tick(REMINDER)
    await world.barrier()
    assert not any("still missing" in e.body for e in await elke.events(dm))
