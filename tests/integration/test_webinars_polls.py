"""Poll votes while the bot was down: counted once after the restart, a vote taken back
meanwhile does not count, and a poll with no votes yet picks nothing. A schedule replayed
after a crash takes the meeting it made before instead of a second one."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import Member, berlin

from .webinar_world import POLL_START, webinar_world


async def test_votes_made_while_the_bot_was_down_count_once(
    make_bot, members: dict[str, Member]
) -> None:
    world = await webinar_world(make_bot, members)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    await anna.ask(room, "!webinar propose Datenschutz im Homeoffice")
    await anna.ask(room, "!webinar poll 1 2027-01-12 18:00 | 2027-01-14 18:00")
    poll = await world.bot_event(POLL_START)
    first, second = (a["id"] for a in poll.content[POLL_START]["answers"])
    nobody = await anna.ask(room, "!webinar schedule 1 poll")
    assert nobody.body == "Nobody has voted in the poll for #1 yet."

    await world.bot.stop()
    await world.respond(ben, poll.event.event_id, second)
    await world.respond(anna, poll.event.event_id, second)
    taken_back = await world.respond(cem, poll.event.event_id, first)
    await cem.redact(room, taken_back)
    await world.respond(cem, poll.event.event_id, first)  # after all, the first date
    await world.bot.start()
    await world.barrier()
    await world.feature.polls.reconcile(room)  # as after a gap: nothing doubles

    rows = await world.rows("SELECT user_id, answers FROM webinar_poll_responses "
                            "ORDER BY user_id")
    assert sorted(rows) == sorted([(anna.user_id, f'["{second}"]'),
                                   (ben.user_id, f'["{second}"]'),
                                   (cem.user_id, f'["{first}"]')])
    # A crash had left the meeting made but not linked to the webinar: it is taken.
    orphan = await world.feature.engine.create(
        "Datenschutz im Homeoffice", berlin(2027, 1, 14, 18, 0), timedelta(hours=1),
        room_key="webinars", extra={"webinar": 1})
    scheduled = await anna.ask(room, "!webinar schedule 1 poll")
    assert "Thu, Jan 14, 2027, 6:00" in scheduled.body
    assert await world.rows("SELECT id FROM meeting_occurrences") == [(orphan.id,)]
    assert await world.rows("SELECT occurrence_id, status FROM webinars") == [
        (orphan.id, "scheduled")]
