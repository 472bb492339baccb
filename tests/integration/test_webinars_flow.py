"""A webinar from proposal to summary: 👍 votes, a native poll for the date, the announcement
here and in the public lobby, RSVPs, the feed and the page, the call, ✋ and the summary."""

from __future__ import annotations

from tests.helpers import Member, berlin

from .sync_world import HERE, YES, mentioned, nick
from .webinar_world import POLL_END, POLL_START, VOTE, webinar_world

TITLE = "Steuern für Freelancer"
SLOTS = ("2027-01-12 18:00", "2027-01-14 18:00", "2027-01-19 18:00")
WHEN = "Thu, Jan 14, 2027, 6:00\u202fPM\u20137:00\u202fPM"


async def test_a_webinar_from_proposal_to_summary(make_bot, members: dict[str, Member]) -> None:
    world = await webinar_world(make_bot, members, vote_threshold=2)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room

    # Ben proposes; the proposal appears in the webinar room with a 👍 to click.
    answer = await ben.ask(room, f"!webinar propose {TITLE} | Was man im ersten Jahr wissen muss")
    assert answer.body.startswith("Proposal #1 is up in the webinar room")
    proposal = await world.post("💡")
    post_id = proposal.event.event_id
    assert f"Webinar proposal #1: {TITLE}" in proposal.body
    assert f"by {nick(ben)}" in proposal.body and "Was man im ersten Jahr" in proposal.body
    assert "👍 0 of 2" in proposal.body

    # Too early for Ben to find a date: not enough interest yet, and nothing is written.
    before = await world.bot.services.store.dump()
    early = await ben.ask(room, f"!webinar poll 1 {SLOTS[0]} | {SLOTS[1]}")
    assert early.body == "Proposal #1 has 0 of 2 👍 so far. An organizer can schedule it anyway."
    assert await world.bot.services.store.dump() == before

    # Anna and Cem vote (one client adds the variation selector); Ben's own vote for his
    # proposal does not count. Ben is told once.
    for member, key in ((anna, VOTE), (ben, VOTE), (cem, VOTE + "\ufe0f")):
        await member.react(room, post_id, key)
    await world.edit(post_id, has=["👍 2: enough interest!"])
    interest = await world.post("🎉")
    assert mentioned(interest) == [ben.user_id] and "#1" in interest.body

    # Ben starts a poll with three dates: a real MSC3381 poll.
    started = await ben.ask(room, "!webinar poll 1 " + " | ".join(SLOTS))
    assert started.body.startswith("The poll for #1 is up in the webinar room.")
    poll_event = await world.bot_event(POLL_START)
    poll_id = poll_event.event.event_id
    content = poll_event.content[POLL_START]
    assert content["kind"] == "org.matrix.msc3381.poll.disclosed"
    assert content["max_selections"] == 1
    assert content["question"]["org.matrix.msc1767.text"] == (
        f"When should the webinar “{TITLE}” (#1) take place?")
    answers = {a["org.matrix.msc1767.text"]: a["id"] for a in content["answers"]}
    first, second, third = answers.values()
    assert list(answers)[1] == WHEN

    # Votes: Cem changes his mind (the latest counts); Ben takes his second vote back
    # (a redaction: his first counts again). Without either rule another date would win.
    await world.respond(anna, poll_id, first)
    await world.respond(cem, poll_id, first)
    await world.respond(ben, poll_id, second)
    await world.respond(cem, poll_id, second)
    taken_back = await world.respond(ben, poll_id, third)
    await ben.redact(room, taken_back)
    await world.barrier()
    assert len(await world.rows("SELECT * FROM webinar_poll_responses")) == 4

    # Cem may not schedule it: refused, nothing written.
    before = await world.bot.services.store.dump()
    refused = await cem.ask(room, "!webinar schedule 1 poll")
    assert refused.body == f"Only {nick(ben)}, who proposed #1, or an organizer can do that."
    assert await world.bot.services.store.dump() == before

    # Ben takes the poll's date: announced here (RSVP) and in the lobby; the poll ends.
    scheduled = await ben.ask(room, "!webinar schedule 1 poll")
    assert scheduled.body == (f"Scheduled: “{TITLE}” on {WHEN}. It is announced now, "
                              "with RSVP and reminders.")
    announcement = await world.post("📅")
    conference = (await world.rows("SELECT conference FROM meeting_occurrences"))[0][0]
    link = f"https://meet.jit.si/{conference}"
    assert announcement.body.startswith(f"📅 {TITLE}: {WHEN}") and link in announcement.body
    assert f"🎤 Webinar by {nick(ben)}" in announcement.body
    public = await world.post("📣", world.lobby)
    assert f"Webinar: {TITLE}" in public.body and link in public.body
    assert f"{world.base_url}" in public.body
    ended = await world.bot_event(POLL_END)
    assert ended.content["m.relates_to"]["event_id"] == poll_id
    await world.edit(post_id, has=[f"📅 Scheduled: {WHEN}"])

    # RSVPs edit the announcement.
    await anna.react(room, announcement.event.event_id, YES)
    await cem.react(room, announcement.event.event_id, YES)
    await world.edit(announcement.event.event_id,
                     has=[f"✅ Coming (2): {nick(anna)}, {nick(cem)}"])

    # The public feed: parsed back, stable UID, Berlin time.
    (vevent,) = await world.feed()
    assert str(vevent["UID"]) == "webinar-1@localhost"
    assert vevent.decoded("DTSTART") == berlin(2027, 1, 14, 18, 0)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(vevent["STATUS"]) == "CONFIRMED" and str(vevent["URL"]) == link
    (again,) = await world.feed()
    assert str(again["UID"]) == str(vevent["UID"]) and int(again["SEQUENCE"]) == 0

    # The public page shows it with time, speaker, description and link.
    status, kind, page = await world.fetch("/")
    assert status == 200 and kind.startswith("text/html")
    assert TITLE in page and WHEN in page and f"with {nick(ben)}" in page
    assert f'href="{link}"' in page and "Was man im ersten Jahr" in page

    # !events and !calendar for members.
    events = await cem.ask(room, "!events")
    assert f"{TITLE} with {nick(ben)}" in events.body and link in events.body
    calendar = await cem.ask(room, "!calendar")
    assert f"{world.base_url}/calendar.ics" in calendar.body

    # The day before: a reminder to who said yes. At the start: the call and ✋.
    await world.tick(berlin(2027, 1, 13, 18, 0))
    reminder = await world.post("⏰")
    assert mentioned(reminder) == sorted([anna.user_id, cem.user_id])
    await world.tick(berlin(2027, 1, 14, 18, 0))
    start = await world.post("🎥")
    assert link in start.body
    await anna.react(room, start.event.event_id, HERE)
    await cem.react(room, start.event.event_id, HERE)
    await world.barrier()

    # The end: a summary, and the webinar counts as held (for !whois).
    await world.tick(berlin(2027, 1, 14, 19, 0))
    summary = await world.post("✅")
    assert f"Took part (2): {nick(anna)}, {nick(cem)}" in summary.body
    assert await world.rows("SELECT id, speaker_id, status FROM webinars") == [
        (1, ben.user_id, "held")]
    await world.edit(post_id, has=["✅ Held on"])  # the proposal post says so too
    whois = await anna.ask(room, f"!whois {ben.user_id}")
    assert "Webinars given: 1" in whois.body
    await world.post("⭐")  # the feedback post (issue 21): who took part rates it
    assert [p.body[:1] for p in anna.seen if world.is_post(p)] == [
        "💡", "🎉", "📅", "⏰", "🎥", "✅", "⭐"]
