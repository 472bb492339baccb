"""A crash between a command's effects and its handled mark: the restarted bot gets the same
command again (the sync token was not saved either) and its effects happen once."""

from __future__ import annotations

import asyncio

from tests.helpers import Member, berlin

from .sync_world import SyncWorld, sync_world
from .webinar_world import POLL_START, VOTE, WebinarWorld, event_type, webinar_world


async def crash_before_the_mark(world: SyncWorld | WebinarWorld, member: Member,
                                command: str) -> str:
    """`member` sends `command`; the bot runs it and answers, then dies before it marks the
    command handled; it starts again from the same data dir. Returns the command's id."""
    store = world.bot.services.store
    reached = asyncio.Event()

    async def killed_here(event_id: str) -> None:
        reached.set()
        await asyncio.Event().wait()  # the process is gone: nothing after this happens

    store.mark_handled = killed_here
    event_id = await member.say(world.room, command)
    await member.reply(event_id)
    await asyncio.wait_for(reached.wait(), 30)
    await world.bot.stop()  # the sync token of that batch was never saved
    await world.bot.start()
    await world.barrier()  # the replayed command came before Anna's: it was handled
    return event_id


async def test_a_replayed_agenda_add_adds_once(make_bot, members: dict[str, Member]) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))

    event_id = await crash_before_the_mark(world, world.ben, "!agenda add Budget")

    assert await world.rows("SELECT author, text FROM sync_agenda") == [
        (world.ben.user_id, "Budget")]
    assert [s.body for s in world.ben.replies(event_id)] == [
        "Added as item 1 for the sync on Tue, Jan 5, 2027, 6:00\u202fPM\u20137:00\u202fPM."]
    assert await world.bot.services.store.was_handled(event_id)


async def test_a_replayed_agenda_remove_removes_the_same_item(
    make_bot, members: dict[str, Member]
) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))
    for topic in ("Budget", "Party", "Newsletter"):
        await world.ben.ask(world.room, "!agenda add " + topic)

    await crash_before_the_mark(world, world.ben, "!agenda remove 2")

    assert await world.rows("SELECT text FROM sync_agenda ORDER BY id") == [
        ("Budget",), ("Newsletter",)]


async def test_a_replayed_sync_skip_skips_one_sync(make_bot, members: dict[str, Member]
                                                  ) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))

    await crash_before_the_mark(world, world.anna, "!sync skip")

    assert await world.rows(
        "SELECT start_utc, status FROM meeting_occurrences ORDER BY start_utc") == [
        ("2027-01-05T17:00:00Z", "cancelled"), ("2027-02-02T17:00:00Z", "scheduled")]


async def test_handled_marks_and_pins_older_than_a_month_are_forgotten_at_start(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot()
    await bot.start()
    store = bot.services.store
    await store.execute("INSERT INTO handled_events (event_id, handled_at) "
                        "VALUES ('$old', unixepoch() - 31 * 86400)")
    await store.execute("INSERT INTO command_pins (event_id, name, value, pinned_at) "
                        "VALUES ('$old', 'item', '2', unixepoch() - 31 * 86400)")
    await store.mark_handled("$recent")
    assert await store.pinned("$recent", "item", _three) == 3

    await bot.restart()

    store = bot.services.store
    assert not await store.was_handled("$old")
    assert await store.was_handled("$recent")
    assert [tuple(row) for row in await store.fetch_all(
        "SELECT event_id, value FROM command_pins")] == [
        ("$recent", "3")]


async def _three() -> int:
    return 3


async def test_a_replayed_sync_move_moves_once(
    make_bot, members: dict[str, Member]
) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))

    event_id = await crash_before_the_mark(world, world.anna, "!sync move 2027-01-07 18:00")

    assert await world.rows(
        "SELECT start_utc, status FROM meeting_occurrences ORDER BY start_utc") == [
        ("2027-01-07T17:00:00Z", "scheduled")]
    assert len(world.anna.replies(event_id)) == 1


async def test_a_replayed_webinar_poll_opens_one_poll_and_keeps_it_open(
    make_bot, members: dict[str, Member]
) -> None:
    world = await webinar_world(make_bot, members, vote_threshold=1)
    await world.ben.ask(world.room, "!webinar propose Steuern | Einmal im Jahr")
    proposal = await world.post("💡")
    await world.anna.react(world.room, proposal.event.event_id, VOTE)
    await world.edit(proposal.event.event_id, has=["👍 1"])

    await crash_before_the_mark(world, world.ben,
                                "!webinar poll 1 2027-01-12 18:00 | 2027-01-14 18:00")

    polls = [s for s in world.ben.seen if s.room_id == world.room
             and s.event.sender == world.bot.user_id and event_type(s) == POLL_START]
    ends = [s for s in world.ben.seen if s.room_id == world.room
            and event_type(s) == "org.matrix.msc3381.poll.end"]
    assert len(polls) == 1 and ends == []
    assert await world.rows("SELECT count(*) FROM webinar_polls") == [(1,)]


async def test_a_replayed_webinar_schedule_schedules_once(
    make_bot, members: dict[str, Member]
) -> None:
    world = await webinar_world(make_bot, members, vote_threshold=5)
    await world.ben.ask(world.room, "!webinar propose Steuern | Einmal im Jahr")

    event_id = await crash_before_the_mark(world, world.anna,
                                           "!webinar schedule 1 2027-01-14 18:00")

    assert await world.rows("SELECT start_utc, status FROM meeting_occurrences") == [
        ("2027-01-14T17:00:00Z", "scheduled")]
    assert [s.body[:10] for s in world.anna.replies(event_id)] == ["Scheduled:"]
    announcements = [s for s in world.ben.seen if world.is_post(s) and s.body.startswith("📅")]
    assert len(announcements) == 1
