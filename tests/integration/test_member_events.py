"""Stories of events members make themselves, run by the meeting engine like the sync: a weekly
lunch created, answered, reminded, moved, held, cancelled once and then for good; only the
creator and organizers may change it; a public event on the page and in the feed, a private one
not; `!events` lists them with the sync. Dora is the outsider; Cem types the griefer's title."""

from __future__ import annotations

import pytest

from matrixcowork.core.jitsi import Jitsi
from tests.helpers import Member, berlin, make_member

from .events_world import HERE, MAYBE, OUTSIDER, WIDGETS, YES, events_world
from .sync_world import mentioned, nick
from .test_command_replay import crash_before_the_mark

TITLE = "Lunch <b>am</b> Markt @room"
PLACE = "Café Florian, Detmold"


@pytest.fixture
async def dora(synapse):
    member = await make_member(synapse, "dora")
    yield member
    await member.close()


async def test_a_weekly_event_created_answered_reminded_moved_and_cancelled(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    world = await events_world(make_bot, members, dora)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    store = world.bot.services.store

    made = await cem.ask(room, f"!event create {TITLE} | 2026-12-03 12:30 60 | {PLACE} | weekly")
    assert made.body == (f"Event #1 is planned: “{TITLE}” on Thu, Dec 3, 2026, "
                         "12:30\u202fPM\u20131:30\u202fPM. Change it with !event move 1 …, "
                         "cancel it with !event cancel 1.")
    announcement = await world.post(f"🧑‍🤝‍🧑 {TITLE}")
    assert f"📍 Where: {PLACE}" in announcement.body
    assert f"Organized by {nick(cem)} · event #1" in announcement.body
    assert "Every week." in announcement.body and "meet.jit.si" not in announcement.body
    assert announcement.content.get("m.mentions") == {}  # "@room" in the title pings nobody
    assert "<b>am</b>" not in announcement.html
    post_id = announcement.event.event_id

    listed = (await ben.ask(room, "!events")).body
    assert f"🧑‍🤝‍🧑 Thu, Dec 3, 2026, 12:30\u202fPM\u20131:30\u202fPM: {TITLE} – {PLACE}" in listed
    assert "📅 Tue, Dec 1, 2026, 6:00\u202fPM" in listed  # the sync is listed with it

    await ben.react(room, post_id, YES)
    await anna.react(room, post_id, MAYBE)
    await world.dora.react(room, post_id, YES)  # an outsider's answer counts nowhere
    body = await world.edit(post_id, has=["✅ Coming (1)", "❔ Maybe (1)"])
    assert nick(ben) in body and nick(world.dora) not in body

    # Ben neither created it nor organizes: refused, nothing changes. Dora may not create.
    before = await store.dump()
    for command in ("!event move 1 2026-12-03 13:00", "!event cancel 1", "!event cancel 1 all"):
        refused = await ben.ask(room, command)
        assert refused.body == f"Only {nick(cem)}, who created #1, or an organizer can do that."
    refused = await world.dora.ask(room, "!event create Spam | 2026-12-04 12:00")
    assert refused.body == OUTSIDER
    assert await store.dump() == before

    # The day before, the reminder names who comes or may come.
    mark = len(anna.seen)
    await world.bot.move_to(berlin(2026, 12, 2, 12, 30))
    reminder = await world.post(f"⏰ {TITLE} starts in 1 day", after=mark)
    assert mentioned(reminder) == sorted([anna.user_id, ben.user_id])
    assert PLACE in reminder.body

    # Cem moves it half an hour: who answered is told, the answers stay.
    moved = await cem.ask(room, "!event move 1 2026-12-03 13:00")
    assert moved.body == (f"Moved: “{TITLE}” is now on Thu, Dec 3, 2026, "
                          "1:00\u202fPM\u20132:00\u202fPM. Everyone who answered was told.")
    notice = await world.post(f"📅 {TITLE} moves", after=mark)
    assert mentioned(notice) == sorted([anna.user_id, ben.user_id])
    await world.edit(post_id, has=["1:00\u202fPM", "✅ Coming (1)"])

    # It starts in person: no call at the top of the room; Ben says he is there; it ends.
    await world.bot.move_to(berlin(2026, 12, 3, 13, 0))
    start = await world.post(f"🧑‍🤝‍🧑 {TITLE} starts now!", after=mark)
    assert PLACE in start.body and "meet.jit.si" not in start.body
    assert not await world.state(WIDGETS, await widget_key(world, 1))
    await ben.react(room, start.event.event_id, HERE)
    await world.barrier()
    await world.bot.move_to(berlin(2026, 12, 3, 14, 1))
    summary = await world.post(f"✅ {TITLE} of Thu, Dec 3, 2026 is over.", after=mark)
    assert f"Took part (1): {nick(ben)}" in summary.body

    # The next week's lunch is planned and announced at once, at the rule's time.
    second = await world.post(f"🧑‍🤝‍🧑 {TITLE}: Thu, Dec 10, 2026, 12:30", after=mark)
    assert "Coming (0)" in second.body
    # Cem cancels that one: the series goes on a week later.
    cancelled = await cem.ask(room, "!event cancel 1")
    assert cancelled.body == (f"Cancelled: “{TITLE}” on Thu, Dec 10, 2026, 12:30\u202fPM"
                              "\u20131:30\u202fPM. The next one: Thu, Dec 17, 2026, "
                              "12:30\u202fPM.")
    await world.edit(second.event.event_id, has=["cancelled"])
    await world.post(f"🧑‍🤝‍🧑 {TITLE}: Thu, Dec 17, 2026, 12:30", after=mark)

    # Anna, an organizer, ends the series.
    ended = await anna.ask(room, "!event cancel 1 all")
    assert ended.body == (f"Cancelled: “{TITLE}” on Thu, Dec 17, 2026, 12:30\u202fPM"
                          "\u20131:30\u202fPM. The series ends.")
    assert (await cem.ask(room, "!event 1")).body == "There is no coming event #1."
    assert await world.rows("SELECT status FROM member_events") == [("ended",)]
    assert await world.rows(
        "SELECT o.status, o.start_utc FROM meeting_occurrences o JOIN member_event_slots s "
        "ON s.occurrence_id = o.id ORDER BY s.slot") == [
            ("done", "2026-12-03T12:00:00Z"), ("cancelled", "2026-12-10T11:30:00Z"),
            ("cancelled", "2026-12-17T11:30:00Z")]
    await world.bot.move_to(berlin(2026, 12, 24, 15, 0))
    assert len(await world.rows("SELECT * FROM member_event_slots")) == 3  # nothing comes back


async def widget_key(world, event_id: int) -> str:
    """The state key of the call widget of the event's first occurrence."""
    rows = await world.rows("SELECT conference FROM meeting_occurrences WHERE id = ?",
                            await occurrence_of(world, event_id))
    return Jitsi.widget_id(rows[0][0])


async def test_bad_input_gets_a_hint_and_writes_nothing(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    world = await events_world(make_bot, members, dora, max_per_member=1)
    cem, room = world.cem, world.room
    store = world.bot.services.store
    before = await store.dump()
    cases = {
        "!event create Lunch": "Give a title and a date, separated by |.",
        "!event create Lunch | tomorrow noon": "'tomorrow noon' is not a date and time",
        "!event create  | 2026-12-03 12:30": "The event needs a title first",
        f"!event create {'x' * 81} | 2026-12-03 12:30": "Please keep the title under 80",
        "!event create Lunch | 2026-12-03 12:30 9999": "Please use from 5 to 720 minutes.",
        "!event create Lunch | 2026-12-03 12:30 =1+1": "'=1+1' is not a number of minutes.",
        "!event create Lunch | 2026-12-03 12:30 | weekly | Detmold":
            "Give the place (or video) right after the date",
        "!event create Lunch | 2026-12-03 12:30 | weekly monthly": "Weekly or monthly, not both.",
        "!event create Lunch | 2026-11-30 12:30": "Mon, Nov 30, 2026, 12:30\u202fPM has passed",
        "!event create Lunch | 2028-12-03 12:30": "Please plan at most a year ahead.",
        "!event create Lunch | 2026-12-03 12:30 | public":
            "Only organizers can put an event on the public page.",
        "!event cancel 1 everything": "Say all to cancel the whole series",
        "!event move 7 2026-12-03 12:30": "There is no coming event #7.",
    }
    for command, expected in cases.items():
        answer = await cem.ask(room, command)
        assert expected in answer.body, (command, answer.body)
        assert answer.content.get("m.mentions") == {}
    assert await store.dump() == before
    # One event per member here (max_per_member: 1); a second is refused.
    await cem.ask(room, "!event create Lunch | 2026-12-03 12:30")
    second = await cem.ask(room, "!event create Walk | 2026-12-04 12:30")
    assert second.body.startswith("You have 1 events planned already")
    assert len(await world.rows("SELECT id FROM member_events")) == 1


async def test_a_public_event_on_the_page_and_in_the_feed_a_private_one_not(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    world = await events_world(make_bot, members, dora)
    anna, ben, room = world.anna, world.ben, world.room

    walk = await anna.ask(room, "!event create Winter walk <script>x</script> | 2026-12-05 "
                                "10:00 90 | Hermannsdenkmal | public")
    assert walk.body.startswith("Event #1 is planned")
    await ben.ask(room, "!event create Matrix café | 2026-12-04 18:00 | video")
    video = await world.post("🧑‍🤝‍🧑 Matrix café")
    assert "Join the video call: https://meet.jit.si/owl-event-" in video.body

    status, _, page = await world.fetch("/")
    assert status == 200
    assert "Winter walk &lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    assert "Where: Hermannsdenkmal" in page and "Matrix café" not in page
    events = {str(e["SUMMARY"]): e for e in await world.feed("/calendar.ics")}
    assert "Matrix café" not in events
    public = events["Winter walk <script>x</script>"]
    assert str(public["UID"]) == f"event-{await occurrence_of(world, 1)}@localhost"
    assert str(public["LOCATION"]) == "Hermannsdenkmal" and "URL" not in public
    assert public.decoded("DTSTART") == berlin(2026, 12, 5, 10, 0)
    assert public.decoded("DTEND") == berlin(2026, 12, 5, 11, 30)

    # The video event starts with the call at the top of the room, like the sync.
    await world.bot.move_to(berlin(2026, 12, 4, 18, 0))
    await world.post("🎥 Matrix café starts now!")
    widget = await world.state(WIDGETS, await widget_key(world, 2))
    assert widget and widget["type"] == "jitsi"

    # Cancelled, the public one stays in the feed as cancelled, one change later.
    await anna.ask(room, "!event cancel 1")
    events = {str(e["SUMMARY"]): e for e in await world.feed("/calendar.ics")}
    cancelled = events["Winter walk <script>x</script>"]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 1


async def occurrence_of(world, event_id: int) -> int:
    rows = await world.rows("SELECT occurrence_id FROM member_event_slots WHERE event_id = ? "
                            "ORDER BY slot", event_id)
    return rows[0][0]


async def test_a_replayed_create_and_cancel_act_once(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    """A crash between the command's effects and its handled mark: after the restart the same
    command runs again, and nothing is made, cancelled or announced twice."""
    world = await events_world(make_bot, members, dora)
    cem = world.cem

    created = await crash_before_the_mark(world, cem,
                                          "!event create Walk | 2026-12-05 10:00 | Wald | weekly")
    assert [s.body for s in cem.replies(created)] == [
        "Event #1 is planned: “Walk” on Sat, Dec 5, 2026, 10:00\u202fAM\u201312:00\u202fPM. "
        "Change it with !event move 1 …, cancel it with !event cancel 1."]
    assert len(await world.rows("SELECT id FROM member_events")) == 1
    assert len([s for s in world.anna.seen if world.is_post(s)
                and s.body.startswith("🧑‍🤝‍🧑 Walk")]) == 1

    cancelled = await crash_before_the_mark(world, cem, "!event cancel 1")
    assert len(cem.replies(cancelled)) == 1
    # The replay cancelled the same date, not the one planned after it.
    assert await world.rows(
        "SELECT o.status, o.start_utc FROM meeting_occurrences o JOIN member_event_slots s "
        "ON s.occurrence_id = o.id ORDER BY s.slot") == [
            ("cancelled", "2026-12-05T09:00:00Z"), ("scheduled", "2026-12-12T09:00:00Z")]
    assert len([s for s in world.anna.seen if world.is_post(s)
                and s.body.startswith("🧑‍🤝‍🧑 Walk: Sat, Dec 12")]) == 1


async def test_with_public_by_members_a_member_publishes(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    world = await events_world(make_bot, members, dora, public_by="members")
    made = await world.ben.ask(world.room, "!event create Repair café | 2026-12-05 14:00 | "
                                           "Werkstatt Herford | public")
    assert made.body.startswith("Event #1 is planned")
    status, _, page = await world.fetch("/")
    assert status == 200 and "Repair café" in page and "Werkstatt Herford" in page
    assert "Repair café" in summaries_of(await world.feed("/calendar.ics"))


def summaries_of(events) -> set[str]:
    return {str(e["SUMMARY"]) for e in events}
