"""Focus sprints: start with a goal, join by 🙋 or by replying with a goal, ✅ at the end."""

from __future__ import annotations

from datetime import UTC, timedelta

from tests.helpers import Member, berlin

from .cowork_world import cowork_world, mentioned
from .people_world import nick

JOIN, REACHED = "\U0001F64B", "\u2705"
UNTIL = "9:24\u202fAM"


async def test_a_sprint_from_start_to_end_with_goals_and_results(
    make_bot, members: dict[str, Member]
) -> None:
    world = await cowork_world(make_bot, members, berlin(2026, 12, 1, 8, 59))
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room

    # Ben starts 25 minutes with his goal; the post answers his command.
    post = await ben.ask(room, "!focus 25 write the *tests*")
    post_id = post.event.event_id
    assert post.body.startswith(
        f"🎯 Focus sprint until {UNTIL} — reply with your goal, react 🙋 to join.")
    assert f"- {nick(ben)}: write the *tests*" in post.body

    # Cem replies with his goal (his app quotes the post first, as older clients do);
    # Anna joins with 🙋, without a goal.
    reply = await cem.client.room_send(room, "m.room.message", {
        "msgtype": "m.text",
        "body": f"> <{world.bot.user_id}> 🎯 Focus sprint until ...\n\nreview   the docs",
        "m.relates_to": {"m.in_reply_to": {"event_id": post_id}},
    })
    raised = await anna.react(room, post_id, JOIN)
    body = await world.wait_for_edit(post_id, has=[
        f"- {nick(ben)}: write the *tests*", f"- {nick(cem)}: review the docs",
        f"- {nick(anna)}"])
    assert "In (3):" in body and body.endswith(f"- {nick(anna)}")
    await anna.wait_for(lambda s: s.event.sender == world.bot.user_id
                        and getattr(s.event, "reacts_to", None) == reply.event_id)

    # 09:24: time is up; everyone in is mentioned, with the goals.
    await world.tick(berlin(2026, 12, 1, 9, 24))
    end = await anna.wait_for(lambda s: s.reply_to == post_id and s.body.startswith("⏰"))
    assert end.body.startswith("⏰ Time is up!") and "react ✅ if you reached your goal" in end.body
    assert sorted(mentioned(end)) == sorted([anna.user_id, ben.user_id, cem.user_id])
    assert f"- {nick(cem)}: review the docs" in end.body

    # Ben and Cem reached theirs (Cem's app adds the variation selector); Anna did not say.
    await ben.react(room, end.event.event_id, REACHED)
    await cem.react(room, end.event.event_id, REACHED + "\ufe0f")
    await anna.redact(room, raised)  # too late to leave: the sprint is over
    await world.barrier()
    rows = await world.rows("SELECT user_id, joined_by, goal, reached "
                            "FROM cowork_sprint_members ORDER BY rowid")
    assert rows == [(ben.user_id, "command", "write the *tests*", 1),
                    (cem.user_id, "reply", "review the docs", 1),
                    (anna.user_id, "reaction", None, 0)]
    assert await world.rows("SELECT status FROM cowork_sprints") == [("done",)]

    stats = await ben.ask(room, "!focus stats")
    assert stats.body.startswith("Your focus sprints: 1 joined, 1 goals reached ✅.")
    assert "Everyone: 1 sprints, 3 times taken part, 2 goals reached." in stats.body


async def test_a_bad_length_changes_nothing_a_second_focus_joins_and_the_end_comes_late(
    make_bot, members: dict[str, Member]
) -> None:
    world = await cowork_world(make_bot, members, berlin(2026, 12, 1, 8, 59))
    ben, cem, room = world.ben, world.cem, world.room

    before = await world.bot.services.store.dump()
    answer = await ben.ask(room, "!focus 7")
    assert answer.body.startswith("7 minutes is not a sprint length here: choose 25, 50.")
    assert "Usage: !focus [minutes] [goal]" in answer.body
    assert await world.bot.services.store.dump() == before

    post = await ben.ask(room, "!focus plan the week")  # no length: the default, 50
    assert post.body.startswith("🎯 Focus sprint until 9:49\u202fAM")
    assert f"- {nick(ben)}: plan the week" in post.body
    joined = await cem.ask(room, "!focus 25 answer mails")
    assert joined.body == "You are in the focus sprint until 9:49\u202fAM. Your goal: answer mails"
    await world.wait_for_edit(post.event.event_id, has=[f"- {nick(cem)}: answer mails"])
    assert await world.rows("SELECT count(*) FROM cowork_sprints") == [(1,)]
    assert world.bot.services.scheduler.job("cowork:focus").due == berlin(2026, 12, 1, 9, 49)

    # The bot is down when the sprint ends: the end comes when it is back, once.
    await world.restart_at(berlin(2026, 12, 1, 10, 30))
    end = await world.post("⏰")
    assert sorted(mentioned(end)) == sorted([ben.user_id, cem.user_id])
    await world.restart_at(berlin(2026, 12, 1, 10, 31))
    await world.barrier()
    assert len(world.posts("⏰")) == 1


async def test_a_sprint_in_the_repeated_autumn_hour_lasts_its_25_minutes(
    make_bot, members: dict[str, Member]
) -> None:
    start = berlin(2031, 10, 26, 2, 40)  # CEST; at 03:00 the clocks go back to 02:00 CET
    world = await cowork_world(make_bot, members, start)

    post = await world.ben.ask(world.room, "!focus 25")

    assert post.body.startswith("🎯 Focus sprint until 2:05\u202fAM")  # CET, not 03:05
    await world.barrier()
    due = world.bot.services.scheduler.job("cowork:focus").due
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=25)
    await world.tick(due)
    end = await world.anna.wait_for(lambda s: s.reply_to == post.event.event_id
                                    and s.body.startswith("⏰"))
    assert end.body.startswith("⏰ Time is up!")
