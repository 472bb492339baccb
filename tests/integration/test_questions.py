"""Questions for a webinar's speaker against the real Synapse: each asked question is its own
post under the announcement, members' 👍 rank them (an outsider's and the asker's own do not
count), the start message gives the speaker the ranking, `!answered` is for organizers, the
speaker and the asker, and the summary lists what was asked and answered."""

from __future__ import annotations

from tests.helpers import Member, berlin

from .sync_world import mentioned, nick
from .taking_part_world import VOTE, taking_part_world

NOT_A_MEMBER = "This is for members of the community. Ask an organizer to invite you."


async def test_questions_for_a_webinar_ranked_by_members_votes(
    make_bot, members: dict[str, Member], synapse
) -> None:
    world = await taking_part_world(make_bot, members, synapse)
    anna, ben, cem, dora, room = world.anna, world.ben, world.cem, world.dora, world.webinars

    # Ben proposes a webinar, Anna's 👍 is enough, Ben schedules it: it is announced.
    await ben.ask(room, "!webinar propose Matrix für Einsteiger | Ein Abend")
    proposal = await world.post("💡", room)
    await anna.react(room, proposal.event.event_id, VOTE)
    await world.barrier(room)
    scheduled = await ben.ask(room, "!webinar schedule 1 2027-01-07 18:00")
    assert scheduled.body.startswith("Scheduled:")
    announcement = await world.post("📅", room)

    # Questions: each its own post, a reply to the announcement, with 👍 offered.
    first = await cem.ask(room, "!ask What does it cost?")
    assert first.body == ("Your question is up as number 1 for Matrix für Einsteiger, under "
                          "its announcement: members vote with 👍.")
    await anna.ask(room, "!ask How do I start?")
    griefer = await cem.ask(room, "!ask @room <b>free pizza</b> **for all**")
    assert griefer.body.startswith("Your question is up as number 3")
    assert (await dora.ask(room, "!ask Can I come?")).body == NOT_A_MEMBER
    assert (await cem.ask(room, "!ask " + "?" * 301)).body.startswith("Please keep it under")
    posts = {}
    for number in (1, 2, 3):
        posts[number] = await anna.wait_for(
            lambda s, n=number: s.room_id == room and s.event.sender == world.bot.user_id
            and s.reply_to == announcement.event.event_id
            and s.body.startswith(f"❓ Question {n} for Matrix für Einsteiger"))
    assert posts[1].body.startswith(f"❓ Question 1 for Matrix für Einsteiger: What does it "
                                    f"cost? – {nick(cem)}")
    assert "@room <b>free pizza</b> **for all**" in posts[3].body
    assert mentioned(posts[3]) == [] and posts[3].content["m.mentions"] == {}

    # Votes: Anna and Ben for 1; Cem for 2; the outsider and Cem himself (the asker of 1 and
    # 3) do not count.
    await anna.react(room, posts[1].event.event_id, VOTE)
    await ben.react(room, posts[1].event.event_id, VOTE + "\ufe0f")
    await cem.react(room, posts[2].event.event_id, VOTE)
    await dora.react(room, posts[2].event.event_id, VOTE)
    await dora.react(room, posts[3].event.event_id, VOTE)
    await cem.react(room, posts[3].event.event_id, VOTE)
    await world.barrier(room)
    assert len(await world.rows("SELECT 1 FROM tracked_reactions r JOIN questions q "
                                "ON q.post_event_id = r.post_id WHERE r.user_id = ?",
                                dora.user_id)) == 2  # stored as they happened, not counted
    listed = await ben.ask(room, "!questions")
    lines = listed.body.splitlines()[2:]
    assert lines == [f"1. (👍 2) What does it cost? – {nick(cem)}",
                     f"2. (👍 1) How do I start? – {nick(anna)}",
                     f"3. (👍 0) @room <b>free pizza</b> **for all** – {nick(cem)}"]

    # The start: the speaker and the room get the questions ranked; only Ben is mentioned.
    await world.tick(berlin(2027, 1, 7, 18, 0))
    start = await world.post("🎥", room)
    assert f"❓ Questions for {nick(ben)}, by 👍:" in start.body
    assert (f"1. (👍 2) What does it cost? – {nick(cem)}\n2. (👍 1) How do I start? – "
            f"{nick(anna)}\n3. (👍 0)") in start.body
    assert mentioned(start) == [ben.user_id]

    # Who may mark a question answered: the speaker, the asker, an organizer; not Cem for
    # Anna's question, not the outsider.
    assert (await cem.ask(room, "!answered 2")).body == (
        "Only an organizer, the speaker or who asked it can mark question 2 answered.")
    assert (await dora.ask(room, "!answered 1")).body == NOT_A_MEMBER
    assert (await ben.ask(room, "!answered 1")).body == (
        "Question 1 is answered: “What does it cost?”.")
    assert (await cem.ask(room, "!answered 3")).body.startswith("Question 3 is answered")
    assert (await ben.ask(room, "!answered 9")).body.startswith("There is no question 9 here.")
    await world.edit(posts[1].event.event_id, has=["✅ Answered."])
    noted = await anna.ask(room, "!note Slides follow by mail")  # minutes of the webinar too
    assert noted.body == "Noted in the minutes of Matrix für Einsteiger on Thu, Jan 7, 2027."
    assert await world.rows("SELECT number, answered_by FROM questions ORDER BY number") == [
        (1, ben.user_id), (2, None), (3, cem.user_id)]

    # The summary lists what was asked and answered, unanswered first.
    await world.tick(berlin(2027, 1, 7, 19, 0))
    summary = await world.post("✅", room)
    assert "❓ Questions: 3 asked, 2 answered" in summary.body
    assert (f"2. (👍 1) How do I start? – {nick(anna)}\n1. ✅ (👍 2) What does it cost? – "
            f"{nick(cem)}") in summary.body
    assert f"💬 Slides follow by mail – {nick(anna)}" in summary.body
    assert summary.content["m.mentions"] == {}


async def test_a_question_for_the_sync_goes_under_its_announcement(
    make_bot, members: dict[str, Member], synapse
) -> None:
    world = await taking_part_world(make_bot, members, synapse)
    await world.tick(berlin(2027, 1, 1, 12, 10))
    announcement = await world.post("📅")
    asked = await world.ben.ask(world.general, "!ask Who brings the cake?")  # not a meeting room
    assert asked.body.startswith("Your question is up as number 1 for Monthly sync")
    await world.anna.wait_for(lambda s: s.reply_to == announcement.event.event_id
                              and s.body.startswith("❓ Question 1 for Monthly sync"))
    # The griefer's flood: five questions per member and meeting, the sixth is refused.
    for n in range(4):
        await world.cem.say(world.sync, f"!ask Spam {n}?")
    await world.barrier()
    await world.cem.ask(world.sync, "!ask Spam 4?")
    refused = await world.cem.ask(world.sync, "!ask One more?")
    assert refused.body == ("You have asked 5 questions for Monthly sync already, as many as "
                            "one member can.")
    assert await world.rows("SELECT author, COUNT(*) FROM questions GROUP BY author "
                            "ORDER BY 2") == [(world.ben.user_id, 1), (world.cem.user_id, 5)]
