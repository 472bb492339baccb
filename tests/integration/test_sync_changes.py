"""Organizers move, skip and announce the sync; members may not; the agenda keeps order."""

from __future__ import annotations

from tests.helpers import Member, berlin

from .sync_world import MAYBE, YES, SyncWorld, mentioned, nick, sync_world

JAN_5 = "Tue, Jan 5, 2027, 6:00\u202fPM\u20137:00\u202fPM"
JAN_12 = "Tue, Jan 12, 2027, 6:00\u202fPM\u20137:00\u202fPM"


async def announced_with_answers(make_bot, members: dict[str, Member]) -> tuple[SyncWorld, str]:
    """Announced on Dec 29; Ben said yes and Cem maybe."""
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))
    await world.tick(berlin(2026, 12, 29, 18, 0))
    post_id = (await world.next_post("📅")).event.event_id
    await world.ben.react(world.room, post_id, YES)
    await world.cem.react(world.room, post_id, MAYBE)
    await world.wait_for_edit(post_id, has=[nick(world.ben), nick(world.cem)])
    return world, post_id


async def test_members_may_neither_skip_nor_move(make_bot, members: dict[str, Member]) -> None:
    world, _ = await announced_with_answers(make_bot, members)
    store = world.bot.services.store
    before = await store.dump()

    for command in ("!sync skip", "!sync move 2027-01-12 18:00", "!sync announce"):
        refused = await world.ben.ask(world.room, command)
        assert refused.body == "Only organizers can do that."

    assert await store.dump() == before


async def test_moving_keeps_answers_tells_everyone_and_reminds_at_the_new_time(
    make_bot, members: dict[str, Member]
) -> None:
    world, post_id = await announced_with_answers(make_bot, members)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room

    moved = await anna.ask(room, "!sync move 2027-01-12  18:00")

    assert moved.body == (f"Moved: the sync is now on {JAN_12}. "
                          "Everyone who answered was told.")
    notice = await world.next_post("📅 Monthly sync moves")
    assert notice.body.startswith(
        f"📅 Monthly sync moves from Tue, Jan 5, 2027, 6:00\u202fPM to {JAN_12}.")
    assert mentioned(notice) == sorted([ben.user_id, cem.user_id])
    await world.wait_for_edit(post_id, has=[JAN_12, f"✅ Coming (1): {nick(ben)}"])
    assert await world.rows("SELECT start_utc, slot FROM meeting_occurrences") == [
        ("2027-01-12T17:00:00Z", "2027-01-05T17:00:00Z")]
    await world.tick(berlin(2027, 1, 4, 18, 0))  # the old reminder time: nothing
    await world.tick(berlin(2027, 1, 11, 18, 0))
    reminder = await world.next_post("⏰")
    assert "starts in 1 day" in reminder.body and JAN_12 in reminder.body
    assert mentioned(reminder) == sorted([ben.user_id, cem.user_id])
    later = await cem.react(room, post_id, YES)  # answers still count until the new day
    assert later
    await world.wait_for_edit(post_id, has=[f"✅ Coming (2): {nick(ben)}, {nick(cem)}"])


async def test_moves_that_make_no_sense_are_refused(make_bot, members: dict[str, Member]
                                                   ) -> None:
    world, _ = await announced_with_answers(make_bot, members)
    anna, room = world.anna, world.room
    before = await world.bot.services.store.dump()

    past = await anna.ask(room, "!sync move 2026-12-01 18:00")
    too_late = await anna.ask(room, "!sync move 2027-02-02 18:00")
    garbled = await anna.ask(room, "!sync move next friday")

    assert past.body == "Tue, Dec 1, 2026, 6:00\u202fPM has passed already."
    assert too_late.body == ("That is not before the following sync (Tue, Feb 2, 2027, "
                             "6:00\u202fPM). Skip this one instead: !sync skip")
    assert garbled.body.startswith("'next friday' is not a date and time like 2026-12-01 18:00.")
    assert await world.bot.services.store.dump() == before


async def test_skipping_cancels_tells_who_answered_and_the_next_one_follows(
    make_bot, members: dict[str, Member]
) -> None:
    world, post_id = await announced_with_answers(make_bot, members)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    await ben.ask(room, "!agenda add Budget")

    skipped = await anna.ask(room, "!sync skip")

    next_one = "The next one: Tue, Feb 2, 2027, 6:00\u202fPM."
    assert skipped.body == (f"Cancelled: the sync on {JAN_5}. {next_one} "
                            "Its agenda moves there too.")
    notice = await world.next_post("🚫")
    assert notice.body.startswith(f"🚫 Monthly sync on {JAN_5} is cancelled.")
    assert next_one in notice.body
    assert mentioned(notice) == sorted([ben.user_id, cem.user_id])
    await world.wait_for_edit(post_id, has=["cancelled"])
    overview = await ben.ask(room, "!sync")
    assert overview.body.startswith("📅 Monthly sync: Tue, Feb 2, 2027, 6:00\u202fPM")
    assert f"1. Budget – {nick(ben)}" in overview.body
    await world.tick(berlin(2027, 1, 5, 19, 0))  # the cancelled one: no start, no summary
    await world.barrier()
    assert [p.body[:1] for p in world.posts()] == ["📅", "🚫"]
    assert await world.rows("SELECT id, status, slot FROM meeting_occurrences") == [
        (1, "cancelled", "2027-01-05T17:00:00Z"), (2, "scheduled", "2027-02-02T17:00:00Z")]
    assert await world.steps() == {"announce": "done"}


async def test_organizers_announce_early_once(make_bot, members: dict[str, Member]) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 20, 12, 0))

    first = await world.anna.ask(world.room, "!sync announce")
    again = await world.anna.ask(world.room, "!sync announce")
    await world.tick(berlin(2026, 12, 29, 18, 0))  # the regular time: not again

    assert first.body == f"Announced: the sync on {JAN_5}."
    assert again.body == f"The sync on {JAN_5} was announced already."
    await world.barrier()
    assert [p.body[:1] for p in world.posts()] == ["📅"]


async def test_agenda_items_are_removed_by_their_author_or_an_organizer(
    make_bot, members: dict[str, Member]
) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    await ben.ask(room, "!agenda add Budget")
    await cem.ask(room, "!agenda add Party")
    await cem.ask(room, "!agenda add Newsletter")

    too_long = await ben.ask(room, "!agenda add " + "x" * 301)
    empty = await ben.ask(room, "!agenda add   ")
    refused = await ben.ask(room, "!agenda remove 2")
    missing = await ben.ask(room, "!agenda remove 7")
    own = await cem.ask(room, "!agenda remove 2")
    by_organizer = await anna.ask(room, "!agenda remove 1")
    listed = await ben.ask(room, "!agenda")

    assert too_long.body == ("Please keep it under 300 characters.\n\n"
                             "Usage: !agenda add <text>")
    assert empty.body.startswith("Something is missing: text.")
    assert refused.body == ("Item 2 is someone else's: only they or an organizer can remove it.")
    assert missing.body == "There is no item 7 on the agenda."
    assert own.body == "Removed from the agenda: Party"
    assert by_organizer.body == "Removed from the agenda: Budget"
    assert listed.body == (f"Agenda of the sync on {JAN_5}:\n\nAgenda\n\n"
                           f"1. Newsletter – {nick(cem)}")
    assert await world.rows("SELECT author, text FROM sync_agenda") == [
        (cem.user_id, "Newsletter")]
