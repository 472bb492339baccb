"""A month of the sync: announcement, agenda, RSVPs, reminders, the call and its summary."""

from __future__ import annotations

from matrixcowork.meetings.rsvp import OFFERED
from tests.helpers import Member, berlin

from .sync_world import HERE, LAYOUT, MAYBE, NO, WIDGETS, YES, mentioned, nick, sync_world

WHEN = "Tue, Jan 5, 2027, 6:00\u202fPM\u20137:00\u202fPM"


async def test_a_whole_month_from_announcement_to_summary(
    make_bot, members: dict[str, Member]
) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room

    # Before the announcement: nothing posted, but the agenda takes items already.
    await world.tick(berlin(2026, 12, 29, 17, 59))
    added = await ben.ask(room, "!agenda add Budget 2027: *who* pays?")
    assert added.body == f"Added as item 1 for the sync on {WHEN}."
    assert world.posts() == [] and await world.steps() == {}

    # A week ahead: the announcement, with date, link, agenda and how to answer.
    await world.tick(berlin(2026, 12, 29, 18, 0))
    announcement = await world.next_post("📅")
    post_id = announcement.event.event_id
    conference = await world.conference()
    link = f"https://meet.jit.si/{conference}"
    body = announcement.body
    assert body.startswith(f"📅 Monthly sync: {WHEN}")
    assert link in body and f'href="{link}"' in announcement.html
    assert f"1. Budget 2027: *who* pays? – {nick(ben)}" in body
    assert "React with ✅ coming, ❔ maybe or ❌ not coming." in body
    assert await world.steps() == {"announce": "done"}

    # More agenda, and answers: Cem says yes, takes it back and then says no.
    await cem.ask(room, "!agenda add Summer party")
    await anna.react(room, post_id, YES)
    await ben.react(room, post_id, MAYBE)
    taken_back = await cem.react(room, post_id, YES)
    await world.wait_for_edit(post_id, has=[f"✅ Coming (2): {nick(anna)}, {nick(cem)}"])
    await cem.redact(room, taken_back)
    await cem.react(room, post_id, NO)
    body = await world.wait_for_edit(post_id, has=[
        f"✅ Coming (1): {nick(anna)}", f"❔ Maybe (1): {nick(ben)}",
        f"❌ Not coming (1): {nick(cem)}", f"2. Summer party – {nick(cem)}"])
    assert "1. Budget 2027" in body
    overview = await ben.ask(room, "!sync")
    assert overview.body.startswith(f"📅 Monthly sync: {WHEN}") and link in overview.body
    assert f"❌ Not coming (1): {nick(cem)}" in overview.body and "2. Summer party" in overview.body

    # A day and a quarter of an hour before: reminders that mention exactly yes and maybe.
    await world.tick(berlin(2027, 1, 4, 18, 0))
    day_before = await world.next_post("⏰")
    await world.tick(berlin(2027, 1, 5, 17, 45))
    soon = await world.anna.wait_for(
        lambda s: world.is_bot_post(s) and "starts in 15 minutes" in s.body)
    for reminder in (day_before, soon):
        assert mentioned(reminder) == sorted([anna.user_id, ben.user_id])
        assert f"https://matrix.to/#/{ben.user_id}" in reminder.html and link in reminder.body
    assert "Monthly sync starts in 1 day" in day_before.body

    # The bot restarts between the reminder and the start: nothing repeated, nothing lost.
    world.bot.clock.set(berlin(2027, 1, 5, 17, 50))
    await world.bot.restart()
    assert world.bot.services.scheduler.job("sync:meetings").due == berlin(2027, 1, 5, 18, 0)
    await world.barrier()
    assert len(world.posts()) == 3
    await world.tick(berlin(2027, 1, 5, 18, 0))

    # The start: the link in the message, the call in the room, ✋ for attendance.
    start = await world.next_post("🎥")
    assert link in start.body
    widget_id = f"matrixcowork-{conference}"
    widget = await world.state(WIDGETS, widget_id)
    assert widget["type"] == "jitsi" and widget["data"]["conferenceId"] == conference
    assert widget["data"]["domain"] == "meet.jit.si"
    assert (await world.state(LAYOUT))["widgets"][widget_id]["container"] == "top"
    await ben.react(room, start.event.event_id, HERE)
    await anna.react(room, start.event.event_id, HERE + "\U0001F3FD")
    await world.barrier()
    assert await world.rows("SELECT occurrence_id, user_id FROM meeting_attendance "
                            "ORDER BY user_id") == [(1, anna.user_id), (1, ben.user_id)]

    # The end: the call goes away and a summary lists who took part and the agenda.
    await world.tick(berlin(2027, 1, 5, 19, 0))
    summary = await world.next_post("✅")
    assert await world.state(WIDGETS, widget_id) == {}
    assert widget_id not in (await world.state(LAYOUT))["widgets"]
    assert summary.body.startswith("✅ Monthly sync of Tue, Jan 5, 2027 is over.")
    took_part = next(line for line in summary.body.splitlines() if line.startswith("Took"))
    assert took_part.startswith("Took part (2): ")  # by the second of the ✋, then by id
    assert sorted(took_part.split(": ")[1].split(", ")) == sorted([nick(anna), nick(ben)])
    assert "1. Budget 2027: *who* pays?" in summary.body and "2. Summer party" in summary.body
    assert await world.steps() == {step: "done" for step in (
        "announce", "reminder:1d", "reminder:15m", "start", "end")}
    assert await world.rows("SELECT id, status, start_utc FROM meeting_occurrences") == [
        (1, "done", "2027-01-05T17:00:00Z"), (2, "scheduled", "2027-02-02T17:00:00Z")]
    await world.next_post("⭐")  # then who took part is asked for feedback (test_feedback.py)
    assert [p.body[:1] for p in world.posts()] == ["📅", "⏰", "⏰", "🎥", "✅", "⭐"]
    bot_reactions = [s.event.key for s in anna.seen if getattr(s.event, "key", None)
                     and s.event.sender == world.bot.user_id
                     and s.event.reacts_to != world.posts()[-1].event.event_id]
    assert bot_reactions == [*OFFERED, HERE]
