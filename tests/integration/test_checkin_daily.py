"""Stories of the daily post: once a day across restarts and DST, late after downtime, pinned."""

from __future__ import annotations

from datetime import date, timedelta

from nio import RoomGetStateEventResponse

from matrixcowork.features.checkin.daily import JOB_ID
from tests.helpers import Member, Seen, berlin

from .checkin_world import ONSITE, World, coworking_world, edited_post, nick
from .space_world import community, resolve

EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def is_daily_post(world: World, seen: Seen) -> bool:
    return (seen.room_id == world.room and seen.event.sender == world.bot.user_id
            and seen.body.startswith("Good morning") and edited_post(seen) is None)


async def posts_seen(world: World, days: int) -> list[Seen]:
    """Wait for a command's answer as a barrier, then count the posts Anna received."""
    await world.anna.ask(world.room, "!who")
    posts = [s for s in world.anna.seen if is_daily_post(world, s)]
    assert len(posts) == days, [p.body.splitlines()[0] for p in posts]
    return posts


async def stored_days(world: World) -> list[str]:
    rows = await world.rows("SELECT subject FROM tracked_posts WHERE kind = 'daily' "
                            "ORDER BY subject")
    return [subject for (subject,) in rows]


async def test_one_post_per_day_across_restarts_and_dst_changes(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members, weekdays=EVERY_DAY, time="09:00")
    clock = world.bot.clock
    days = [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26),  # clocks go back
            date(2027, 3, 27), date(2027, 3, 28), date(2027, 3, 29)]  # clocks go forward

    for day in days:
        clock.set(berlin(day.year, day.month, day.day, 9, 0))
        await world.checkin.post_today(clock.now())
        for late_or_early in (timedelta(hours=14, minutes=59), -timedelta(hours=8, minutes=30)):
            await world.checkin.post_today(clock.now() + late_or_early)  # 23:59 and 00:30
        if day.day in (25, 28):  # the DST Sundays: a restart must not post again
            await world.bot.restart()
        await world.checkin.post_today(clock.now())

    assert await stored_days(world) == [d.isoformat() for d in days]
    posts = await posts_seen(world, len(days))
    assert [p.body.splitlines()[0].split("today, ")[1] for p in posts] == [
        "Sat, Oct 24, 2026?", "Sun, Oct 25, 2026?", "Mon, Oct 26, 2026?",
        "Sat, Mar 27, 2027?", "Sun, Mar 28, 2027?", "Mon, Mar 29, 2027?",
    ]


async def test_the_schedule_keeps_local_time_across_dst(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members, weekdays=["sun", "mon"], time="08:30")
    rule = world.bot.services.scheduler.job(JOB_ID).rule

    spring = rule.after(berlin(2027, 3, 27, 12, 0))
    autumn = rule.after(berlin(2026, 10, 25, 8, 31))

    assert spring == berlin(2027, 3, 28, 8, 30) and spring.utcoffset() == timedelta(hours=2)
    assert autumn == berlin(2026, 10, 26, 8, 30) and autumn.utcoffset() == timedelta(hours=1)


async def test_the_bot_posts_late_once_when_it_was_down_at_posting_time(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members, weekdays=["tue"], time="09:00")
    clock = world.bot.clock

    clock.set(berlin(2026, 12, 1, 8, 30))  # before the time: nothing yet
    await world.bot.restart()
    assert await stored_days(world) == []
    clock.set(berlin(2026, 12, 1, 11, 45))  # came back after the time
    await world.bot.restart()
    await world.bot.restart()
    clock.set(berlin(2026, 12, 2, 11, 45))  # Wednesday is no check-in day
    await world.bot.restart()
    clock.set(berlin(2026, 12, 8, 19, 8))  # back on a Tuesday evening: no morning question
    await world.bot.restart()

    assert await stored_days(world) == ["2026-12-01"]
    await posts_seen(world, 1)


async def test_on_its_first_start_the_bot_makes_the_rooms_before_the_post(
    make_bot, members: dict[str, Member], caplog
) -> None:
    anna = members["anna"]
    config = community(("general", "coworking"))
    bot = make_bot(**config, checkin={"room": "coworking", "time": "09:00"})
    bot.clock.set(berlin(2026, 12, 1, 9, 30))  # a Tuesday, after posting time

    await bot.start()  # its first pass of the scheduler: provisioning, then the late post

    post = await bot.services.tracked.find("checkin", "daily", "2026-12-01")
    assert post is not None
    assert post.room_id == await resolve(anna, config["rooms"][1]["alias"])
    assert "does not exist yet" not in caplog.text
    await bot.stop()


async def test_todays_post_is_pinned_in_place_of_yesterdays(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    anna = world.anna
    rules = await anna.say(world.room, "House rules: be kind")
    await anna.client.room_put_state(world.room, "m.room.pinned_events", {"pinned": [rules]})

    monday = await world.post_today()
    world.bot.clock.advance(timedelta(days=1))
    tuesday = await world.post_today()

    response = await anna.client.room_get_state_event(world.room, "m.room.pinned_events")
    assert isinstance(response, RoomGetStateEventResponse)
    assert response.content["pinned"] == [rules, tuesday]
    assert monday not in response.content["pinned"]


async def test_organizers_post_on_demand_and_members_are_refused(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    anna, ben = world.anna, world.ben
    before = await world.bot.services.store.dump()

    refused = await ben.ask(world.room, "!checkin post")

    assert refused.body == "Only organizers can do that."
    assert await world.bot.services.store.dump() == before
    assert (await anna.ask(world.room, "!checkin post")).body == "Today's check-in is posted."
    assert (await anna.ask(world.room, "!checkin post")).body == (
        "Today's check-in is already there."
    )
    assert await stored_days(world) == ["2026-12-01"]


async def test_check_in_by_command_with_status_and_check_out(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    ben = world.ben
    post = await world.post_today()

    hint = await ben.ask(world.room, "!status writing the newsletter")
    assert "Check in first" in hint.body
    done = await ben.ask(world.room, "!checkin onsite")
    assert done.body == "You are checked in for today: On site."
    await ben.ask(world.room, "!status writing *the* newsletter")
    body = await world.wait_for_post_text(post, has=[f"{nick(ben)} (writing *the* newsletter)"])
    assert body.splitlines()[-1].startswith(ONSITE)
    assert await world.rows("SELECT mode, source, note FROM checkin_attendance") == [
        ("onsite", "command", "writing *the* newsletter")
    ]

    bye = await ben.ask(world.room, "!checkout")

    assert bye.body == "You are checked out for today. See you soon!"
    await world.wait_for_post_text(post, has=["Nobody has checked in yet."])
    assert (await ben.ask(world.room, "!checkout")).body == "You were not checked in today."
    assert await world.attendance() == {}
