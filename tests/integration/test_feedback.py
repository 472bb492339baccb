"""Feedback on a sync against the real Synapse: after the end who took part rates it by
reaction, once per person (the latest counts), an outsider and someone who did not come do not
count; comments reach only the organizers, in their direct chat; the summary and `!stats
meetings` show the average and the count."""

from __future__ import annotations

from matrixcowork.core.content import plain
from tests.helpers import Member, berlin, make_member
from tests.integration.space_world import join

from .sync_world import mentioned, nick
from .taking_part_world import HERE, SYNC_END, SYNC_START, VOTE, YES, taking_part_world

NOT_A_MEMBER = "This is for members of the community. Ask an organizer to invite you."
NO = "\u274c"
ONE, THREE, FOUR, FIVE = (f"{n}\ufe0f\u20e3" for n in (1, 3, 4, 5))


async def test_ratings_from_participants_once_each_and_comments_for_organizers(
    make_bot, members: dict[str, Member], synapse
) -> None:
    world = await taking_part_world(make_bot, members, synapse)
    anna, ben, cem, dora, room = world.anna, world.ben, world.cem, world.dora, world.sync
    await world.tick(berlin(2027, 1, 1, 12, 10))
    announcement = await world.post("📅")
    await ben.react(room, announcement.event.event_id, YES)  # comes: takes part
    await cem.react(room, announcement.event.event_id, NO)  # does not
    await dora.react(room, announcement.event.event_id, YES)  # the outsider: does not count
    await world.tick(SYNC_START)
    start = await world.post("🎥")
    await anna.react(room, start.event.event_id, HERE)  # in the call: takes part
    await dora.react(room, start.event.event_id, HERE)
    await world.barrier()
    early = await ben.ask(room, "!feedback Great start")
    assert early.body == "Thank you! Only the organizers see your comment on Monthly sync."

    # After the end: the summary, then the feedback post with 1️⃣–5️⃣ offered.
    await world.tick(SYNC_END)
    summary = await world.post("✅")
    ask = await world.post("⭐")
    assert ask.body.startswith("⭐ How was Monthly sync? If you took part, rate it")
    assert "No ratings yet." in ask.body and mentioned(ask) == []
    await anna.wait_for(lambda s: getattr(s.event, "reacts_to", None) == ask.event.event_id
                        and getattr(s.event, "key", None) == FIVE)
    offered = [s.event.key for s in anna.seen if getattr(s.event, "key", None)
               and getattr(s.event, "reacts_to", None) == ask.event.event_id]
    assert offered == [f"{n}\ufe0f\u20e3" for n in range(1, 6)]

    # Ben changes his mind (the latest counts, once), Anna rates; Cem (did not come) and the
    # outsider do not count.
    post_id = ask.event.event_id
    await ben.react(room, post_id, FOUR)
    changed = await ben.react(room, post_id, FIVE)
    await anna.react(room, post_id, THREE)
    await cem.react(room, post_id, FIVE)
    await dora.react(room, post_id, ONE)
    await world.edit(post_id, has=["⭐ 4.0 from 2 ratings"])
    await world.edit(summary.event.event_id, has=["Feedback: ⭐ 4.0 from 2 ratings"])
    await ben.redact(room, changed)  # back to his 4️⃣
    await world.edit(post_id, has=["⭐ 3.5 from 2 ratings"])
    stats = await cem.ask(room, "!stats meetings")
    assert stats.body == ("Ratings of the recent meetings\n\n"
                          "- Monthly sync, Tue, Jan 5, 2027: ⭐ 3.5 from 2 ratings (2 took part)")

    # Comments: from who took part, as typed; not from Cem, who did not come, nor the outsider.
    griefer = await ben.ask(room, "!feedback @room <b>loud</b> *and* long")
    assert griefer.body.startswith("Thank you!") and mentioned(griefer) == []
    assert (await cem.ask(room, "!feedback Boring")).body == (
        "Only who took part in a meeting of the last week (✋ or ✅) can comment on it.")
    assert (await dora.ask(room, "!feedback Hi")).body == NOT_A_MEMBER
    for n in range(1):
        await ben.ask(room, f"!feedback more {n}")
    assert (await ben.ask(room, "!feedback one too many")).body.startswith(
        "You have left 3 comments on Monthly sync")
    assert await world.rows("SELECT author, text FROM feedback_comments ORDER BY id") == [
        (ben.user_id, "Great start"), (ben.user_id, "@room <b>loud</b> *and* long"),
        (ben.user_id, "more 0")]

    # Only organizers read them, and only in their direct chat; a member is told how to
    # comment and sees none.
    member_view = await ben.ask(room, "!feedback")
    assert member_view.body.startswith("Comment on a meeting you took part in")
    shown = await anna.ask(room, "!feedback")
    assert shown.body == "The feedback is in our direct chat."
    dm = await anna.accept_direct(world.bot.user_id)
    sent = await anna.wait_for(lambda s: s.room_id == dm and s.event.sender == world.bot.user_id
                               and s.event.source.get("type") == "m.room.encrypted")
    # (Anna's test app does not decrypt; the speaker's story below reads it.)
    await world.barrier()  # the bot has noted what it sent
    outbox = await world.rows("SELECT user_id, body, event_id FROM direct_outbox")
    assert [(user, event_id) for user, _body, event_id in outbox] == [
        (anna.user_id, sent.event.event_id)]
    body = plain(outbox[0][1])  # what the message shows
    assert body.startswith("Monthly sync, Tue, Jan 5, 2027: ⭐ 3.5 from 2 ratings")
    assert f"- @room <b>loud</b> *and* long – {nick(ben)}" in body
    assert "Great start" in body and "more 0" in body
    for bystander in (ben, cem, dora):
        assert not any("Great start" in s.body for s in bystander.seen
                       if s.event.sender == world.bot.user_id)
    assert await world.rows("SELECT COUNT(*) FROM tracked_reactions WHERE post_id = ?",
                            post_id) == [(4,)]  # Dora's and Cem's kept, not counted


async def test_the_speaker_reads_their_webinars_feedback_in_an_encrypted_direct_chat(
    make_bot, members: dict[str, Member], synapse, tmp_path
) -> None:
    world = await taking_part_world(make_bot, members, synapse)
    anna, ben, room = world.anna, world.ben, world.webinars
    keys = tmp_path / "erik-keys"
    keys.mkdir()
    erik = await make_member(synapse, "erik", encrypted=True, store_dir=keys)
    members["erik"] = erik
    await anna.ask(world.general, "!invite " + erik.user_id)
    assert await join(erik, world.space_id) and await join(erik, room)
    await world.barrier(room)

    await erik.ask(room, "!webinar propose Holz für Anfänger | Ein Abend")
    proposal = await world.post("💡", room)
    await anna.react(room, proposal.event.event_id, VOTE)
    await world.barrier(room)
    assert (await erik.ask(room, "!webinar schedule 1 2027-01-07 18:00")).body.startswith(
        "Scheduled:")
    announcement = await world.post("📅", room)
    await ben.react(room, announcement.event.event_id, YES)
    await world.tick(berlin(2027, 1, 7, 18, 0))
    await world.tick(berlin(2027, 1, 7, 19, 0))
    ask = await world.post("⭐", room)
    assert f"A comment only the organizers and {nick(erik)} see" in ask.body
    await ben.react(room, ask.event.event_id, FIVE)
    await world.edit(ask.event.event_id, has=["⭐ 5.0 from one rating"])
    thanks = await ben.ask(room, "!feedback Loved it")
    assert thanks.body == (f"Thank you! Only the organizers and {nick(erik)} see your comment "
                           "on Holz für Anfänger.")

    # The speaker asks in the room; the figures and comments come in their direct chat.
    assert (await erik.ask(room, "!feedback")).body == "The feedback is in our direct chat."
    dm = await erik.accept_direct(world.bot.user_id)
    shown = await erik.wait_for(lambda s: s.room_id == dm and "Loved it" in s.body)
    assert shown.event.decrypted
    assert shown.body.startswith("Holz für Anfänger, Thu, Jan 7, 2027: ⭐ 5.0 from one rating")
    assert f"- Loved it – {nick(ben)}" in shown.body

    # A week after, the speaker gets the figures once more, unasked, and only once.
    await world.tick(berlin(2027, 1, 14, 18, 59))
    assert await world.rows("SELECT * FROM feedback_told") == []
    await world.tick(berlin(2027, 1, 14, 19, 0))
    week = await erik.wait_for(lambda s: s.room_id == dm and s.body.startswith(
        "🎤 The feedback on your webinar Holz für Anfänger, Thu, Jan 7, 2027: ⭐ 5.0"))
    assert week.event.decrypted and "- Loved it" in week.body
    await world.bot.restart()
    await world.tick(berlin(2027, 1, 15, 9, 0))
    assert len(await world.rows("SELECT 1 FROM direct_outbox WHERE user_id = ?",
                                erik.user_id)) == 2
