"""Changing a scheduled webinar: only the proposer or an organizer may move or cancel it;
whoever answered is told; the lobby post, the feed (same UID, new SEQUENCE, then
STATUS:CANCELLED) and the public page follow."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import Member, berlin

from .sync_world import MAYBE, YES, mentioned, nick
from .webinar_world import VOTE, webinar_world

TITLE = "Barrierefreie Webseiten <b>ohne</b> Stress"
WHEN = "Thu, Jan 21, 2027, 6:00\u202fPM\u20137:30\u202fPM"


async def test_moving_and_cancelling_a_webinar(make_bot, members: dict[str, Member]) -> None:
    world = await webinar_world(make_bot, members, vote_threshold=5)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    store = world.bot.services.store

    await ben.ask(room, f"!webinar propose {TITLE} | Praxis für kleine Teams")
    # An organizer may schedule without enough 👍, and give a length.
    scheduled = await anna.ask(room, "!webinar schedule 1 2027-01-14 18:00 90")
    assert scheduled.body.startswith(f"Scheduled: “{TITLE}” on Thu, Jan 14, 2027, 6:00")
    announcement = await world.post("📅")
    lobby_post = await world.post("📣", world.lobby)
    await cem.react(room, announcement.event.event_id, YES)
    await anna.react(room, announcement.event.event_id, MAYBE)
    await world.edit(announcement.event.event_id, has=["✅ Coming (1)", "❔ Maybe (1)"])
    (vevent,) = await world.feed()
    uid = str(vevent["UID"])
    assert int(vevent["SEQUENCE"]) == 0

    # Cem is neither proposer nor organizer: refused, the store stays as it was.
    before = await store.dump()
    for command in ("!webinar cancel 1", "!webinar schedule 1 2027-01-20 18:00"):
        refused = await cem.ask(room, command)
        assert refused.body == f"Only {nick(ben)}, who proposed #1, or an organizer can do that."
    assert await store.dump() == before

    # Ben moves it: everyone who answered is told, the feed has the new time and SEQUENCE.
    moved = await ben.ask(room, "!webinar schedule 1 2027-01-21 18:00")
    assert moved.body == (f"Moved: “{TITLE}” is now on {WHEN}. Everyone who answered "
                          "was told.")
    notice = await world.post("📅 " + TITLE + " moves")
    assert mentioned(notice) == sorted([anna.user_id, cem.user_id])
    await world.edit(lobby_post.event.event_id, has=[WHEN])
    (vevent,) = await world.feed()
    assert str(vevent["UID"]) == uid and int(vevent["SEQUENCE"]) == 1
    assert vevent.decoded("DTSTART") == berlin(2027, 1, 21, 18, 0)
    assert vevent.decoded("DTEND") == berlin(2027, 1, 21, 19, 30)
    status, _, page = await world.fetch("/")
    assert "Barrierefreie Webseiten &lt;b&gt;ohne&lt;/b&gt; Stress" in page
    assert "<b>ohne</b>" not in page and "meet.jit.si" in page

    # Ben cancels: who answered is told, the lobby post is struck through.
    cancelled = await ben.ask(room, "!webinar cancel 1")
    assert cancelled.body == f"Cancelled: “{TITLE}”. Everyone who answered was told."
    told = await world.post("🚫")
    assert f"Cancelled by {nick(ben)}." in told.body
    assert mentioned(told) == sorted([anna.user_id, cem.user_id])
    await world.edit(lobby_post.event.event_id, has=["– cancelled."])

    # The feed keeps the UID, marked cancelled; the page shows it cancelled, without link.
    (vevent,) = await world.feed()
    assert str(vevent["UID"]) == uid and str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 2 and "URL" not in vevent
    status, _, page = await world.fetch("/")
    assert status == 200 and "<del>Barrierefreie" in page and "Cancelled" in page
    assert "meet.jit.si" not in page
    assert await world.rows("SELECT status, sequence FROM webinars") == [("cancelled", 2)]
    again = await ben.ask(room, "!webinar cancel 1")
    assert again.body == "Webinar #1 was cancelled."
    events = await ben.ask(room, "!events")
    assert events.body == "Nothing is planned yet."


async def test_list_orders_proposals_by_votes_then_scheduled(
    make_bot, members: dict[str, Member]
) -> None:
    world = await webinar_world(make_bot, members, vote_threshold=2)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    empty = await cem.ask(room, "!webinar list")
    assert empty.body.startswith("No webinar proposals or scheduled webinars yet.")
    await ben.ask(room, "!webinar propose Git für Einsteiger")
    await cem.ask(room, "!webinar propose Buchhaltung | mit Beispielen")
    await anna.ask(room, "!webinar propose Fotografie")
    posts = [p async for p in _proposal_posts(world, 3)]
    await anna.react(room, posts[1], VOTE)
    await ben.react(room, posts[1], VOTE)
    await world.edit(posts[1], has=["👍 2: enough interest!"])
    await anna.ask(room, "!webinar schedule 3 2027-02-02 18:00")
    listing = await cem.ask(room, "!webinar list")
    assert listing.body.splitlines() == [
        "Proposals (2 👍 make enough interest)", "",
        f"- Buchhaltung (#2) – {nick(cem)} – 👍 2",
        f"- Git für Einsteiger (#1) – {nick(ben)} – 👍 0", "",
        "Scheduled webinars", "",
        f"- Fotografie (#3) – {nick(anna)} – Tue, Feb 2, 2027, 6:00\u202fPM\u20137:00\u202fPM",
    ]
    missing = await cem.ask(room, "!webinar cancel 9")
    assert missing.body == "There is no webinar #9."


async def _proposal_posts(world, count: int):
    for number in range(1, count + 1):
        seen = await world.post(f"💡 Webinar proposal #{number}:")
        yield seen.event.event_id


async def test_a_public_sync_moved_and_moved_back_only_ever_raises_its_sequence(
    make_bot, members: dict[str, Member]
) -> None:
    world = await webinar_world(make_bot, members, sync={"public": True})
    anna, room = world.anna, world.room
    (first,) = await world.feed()  # the first tuesday of December, 1 Dec, as planned
    assert int(first["SEQUENCE"]) == 0

    for when in ("2026-12-03 18:00", "2026-12-01 18:00"):  # away, and back to its slot
        moved = await anna.ask(room, f"!sync move {when}")
        assert moved.body.startswith("Moved"), moved.body
    (back,) = await world.feed()

    assert str(back["UID"]) == str(first["UID"])
    assert back.decoded("DTSTART") == first.decoded("DTSTART")
    assert int(back["SEQUENCE"]) == 2  # a calendar ignores an update whose SEQUENCE is lower


async def test_the_feed_is_built_again_only_when_its_events_change(
    make_bot, members: dict[str, Member]
) -> None:
    """About 140 requests a second used to rebuild it each time; now they get the same bytes
    (the stamp of its last change) until something in it changes."""
    world = await webinar_world(make_bot, members, sync={"public": True})
    _, _, first = await world.fetch("/calendar.ics")
    world.bot.clock.advance(timedelta(hours=1))
    _, _, again = await world.fetch("/calendar.ics")
    assert again == first

    await world.anna.ask(world.room, "!sync move 2026-12-03 18:00")
    _, _, changed = await world.fetch("/calendar.ics")
    assert changed != first and "SEQUENCE:1" in changed


async def test_the_public_page_names_speakers_as_they_show_publicly_never_by_id(
    make_bot, members: dict[str, Member]
) -> None:
    """A nickname Ben uses in a private room stays there; a speaker the public rooms do not
    name is "a member", not a Matrix id."""
    world = await webinar_world(make_bot, members, vote_threshold=5)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    private = await ben.create_room(invite=[world.bot.user_id])
    await ben.wait_for(lambda s: s.room_id == private
                       and getattr(s.event, "state_key", None) == world.bot.user_id
                       and getattr(s.event, "membership", None) == "join")
    await ben.client.room_put_state(private, "m.room.member",
                                    {"membership": "join", "displayname": "Benny Geheim"},
                                    state_key=ben.user_id)
    await ben.ask(room, "!webinar propose Steuern für Freie | Einmal im Jahr")
    await cem.ask(room, "!webinar propose Fotos fürs Profil | Mit dem Handy")
    await anna.ask(room, "!webinar schedule 1 2027-01-14 18:00")
    await anna.ask(room, "!webinar schedule 2 2027-01-21 18:00")
    for public_room in (room, world.lobby):  # Cem is in no public room any more
        await cem.client.room_leave(public_room)
        await anna.wait_for(lambda s, r=public_room: s.room_id == r
                            and getattr(s.event, "state_key", None) == cem.user_id
                            and getattr(s.event, "membership", None) == "leave")
    await ben.ask(private, "!help")  # the bot has seen his nickname

    _, _, page = await world.fetch("/")
    _, _, feed = await world.fetch("/calendar.ics")

    assert f"with {nick(ben)}" in page and "with a member" in page
    assert "Benny" not in page and "Benny" not in feed
    for member in (ben, cem):
        assert member.user_id not in page and member.user_id not in feed
