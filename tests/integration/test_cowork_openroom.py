"""The open video room: opened at the start of core hours, closed at their end, once a day,
also when the bot restarts in between or was down at the time."""

from __future__ import annotations

from tests.helpers import Member, berlin

from .cowork_world import JITSI_BASE, cowork_world

OPEN, CLOSED = "🎥", "🔒"


async def test_the_room_opens_and_closes_once_a_day_also_across_a_restart(
    make_bot, members: dict[str, Member]
) -> None:
    world = await cowork_world(make_bot, members, berlin(2026, 12, 1, 8, 59))

    # 09:00 on a Tuesday: the post with the link, and the call at the top of the room.
    await world.tick(berlin(2026, 12, 1, 9, 0))
    opened = await world.post(OPEN)
    [(conference,)] = await world.rows("SELECT conference FROM meeting_occurrences "
                                       "WHERE kind = 'cowork'")
    link = f"{JITSI_BASE}/{conference}"
    assert opened.body.startswith("🎥 The coworking room is open until 5:00\u202fPM")
    assert link in opened.body and f'href="{link}"' in opened.html
    widget = await world.widget(conference)
    assert widget["type"] == "jitsi" and widget["name"] == "Coworking room"
    assert widget["data"]["conferenceId"] == conference
    assert widget["data"]["domain"] == "meet.owl.example"
    assert f"matrixcowork-{conference}" in await world.on_top()

    # Later ticks and a restart in the middle of the day open nothing again.
    await world.tick(berlin(2026, 12, 1, 9, 1))
    await world.restart_at(berlin(2026, 12, 1, 13, 0))
    await world.tick(berlin(2026, 12, 1, 16, 59))
    await world.barrier()
    assert len(world.posts(OPEN)) == 1 and world.posts(CLOSED) == []
    assert (await world.widget(conference))["type"] == "jitsi"

    # 17:00: the widget goes, and a short post says so; once, restart or not.
    await world.tick(berlin(2026, 12, 1, 17, 0))
    closed = await world.post(CLOSED)
    assert closed.body.startswith("🔒 The coworking room is closed for today.")
    assert await world.widget(conference) == {}
    assert f"matrixcowork-{conference}" not in await world.on_top()
    await world.tick(berlin(2026, 12, 1, 17, 5))
    await world.restart_at(berlin(2026, 12, 1, 20, 0))
    await world.barrier()
    assert len(world.posts(OPEN)) == 1 and len(world.posts(CLOSED)) == 1

    # Wednesday: a new day, a new conference.
    await world.tick(berlin(2026, 12, 2, 9, 0))
    await world.post(OPEN, 2)
    days = await world.rows("SELECT id, conference, status FROM meeting_occurrences "
                            "WHERE kind = 'cowork' ORDER BY id")
    assert [status for _, _, status in days] == ["done", "scheduled"]
    assert days[1][1] != conference
    steps = await world.rows("SELECT occurrence_id, step, outcome FROM meeting_steps "
                             "ORDER BY occurrence_id, step")
    first, second = days[0][0], days[1][0]
    assert steps == [(first, "announce", "skipped"), (first, "end", "done"),
                     (first, "start", "done"), (second, "announce", "skipped"),
                     (second, "start", "done")]


async def test_down_at_the_start_it_opens_late_and_a_day_missed_entirely_stays_quiet(
    make_bot, members: dict[str, Member]
) -> None:
    world = await cowork_world(make_bot, members, berlin(2026, 12, 1, 8, 59))

    await world.restart_at(berlin(2026, 12, 1, 10, 30))  # down from 08:59 to 10:30
    opened = await world.post(OPEN)
    assert "until 5:00\u202fPM" in opened.body
    [(conference,)] = await world.rows("SELECT conference FROM meeting_occurrences")
    assert (await world.widget(conference))["type"] == "jitsi"

    await world.restart_at(berlin(2026, 12, 2, 8, 0))  # down over the close: it comes late
    await world.post(CLOSED)
    assert await world.widget(conference) == {}

    await world.restart_at(berlin(2026, 12, 3, 8, 0))  # down all Wednesday: nothing to say
    await world.barrier()
    assert len(world.posts(OPEN)) == 1 and len(world.posts(CLOSED)) == 1
    days = await world.rows("SELECT status FROM meeting_occurrences ORDER BY id")
    assert days == [("done",), ("cancelled",), ("scheduled",)]
