"""Minutes of a sync against the real Synapse: notes, decisions and actions while it runs, the
summary that lists them (and takes a late note), open actions on the next sync's agenda, who
may mark an action done, and what a griefer and an outsider get."""

from __future__ import annotations

from tests.helpers import Member, berlin

from .sync_world import mentioned, nick
from .taking_part_world import SYNC_END, SYNC_START, taking_part_world

NOT_A_MEMBER = "This is for members of the community. Ask an organizer to invite you."


async def test_minutes_of_a_sync_from_notes_to_the_next_agenda(
    make_bot, members: dict[str, Member], synapse
) -> None:
    world = await taking_part_world(make_bot, members, synapse)
    anna, ben, cem, dora, room = world.anna, world.ben, world.cem, world.dora, world.sync
    await world.tick(berlin(2027, 1, 1, 12, 10))
    await world.post("📅")

    # Before the sync there are no minutes to take.
    early = await ben.ask(room, "!note Too early")
    assert early.body.startswith("No meeting is running here.")

    await world.tick(SYNC_START)
    await world.post("🎥")
    noted = await ben.ask(room, "!note The room costs 20 € a month")
    assert noted.body == "Noted in the minutes of Monthly sync on Tue, Jan 5, 2027."
    decided = await anna.ask(room, "!decision We meet in Detmold in March")
    assert decided.body.startswith("Decision recorded")
    given = await anna.ask(room, f"!action {ben.user_id} books the room")
    assert given.body == (f"Action 1 for {nick(ben)}: books the room. "
                          "Mark it done with !done 1.")
    assert mentioned(given) == [ben.user_id]
    own = await ben.ask(room, "!action Write the newsletter")
    assert own.body.startswith(f"Action 2 for {nick(ben)}: Write the newsletter.")
    assert mentioned(own) == []
    await anna.ask(room, "!action Plan the March meeting")
    elsewhere = await ben.ask(world.general, "!note Typed in another room")  # not a meeting room
    assert elsewhere.body.startswith("Noted in the minutes of Monthly sync")

    # The griefer: markup and @room are kept as typed and ping nobody; no action for @room or
    # for an outsider; the 21st entry of one member is refused; huge text is refused.
    griefer = await cem.ask(room, "!note @room <b>bold</b> **loud** # heading")
    assert griefer.body.startswith("Noted") and mentioned(griefer) == []
    assert (await cem.ask(room, "!action @room everybody pays")).body.startswith(
        "'@room' is not a Matrix user like @name:example.org.")
    assert (await cem.ask(room, f"!action {dora.user_id} cleans up")).body == (
        f"{dora.user_id} is not a member of the community: actions are for members.")
    assert (await cem.ask(room, "!note " + "x" * 301)).body.startswith(
        "Please keep it under 300 characters.")
    for n in range(19):
        await cem.say(room, f"!note spam {n}")
    await world.barrier()
    refused = await cem.ask(room, "!note one too many")
    assert refused.body.startswith("You have written 20 entries for this meeting")
    # The outsider cannot write minutes or close actions.
    assert (await dora.ask(room, "!note I was here too")).body == NOT_A_MEMBER
    assert (await dora.ask(room, "!done 1")).body == NOT_A_MEMBER

    listed = await cem.ask(room, "!actions")
    assert "1. books the room – " + nick(ben) in listed.body
    assert "2. Write the newsletter – " + nick(ben) in listed.body
    # Only the owner, who gave it, or an organizer marks an action done.
    assert (await cem.ask(room, "!done 1")).body == (
        f"Action 1 is {nick(ben)}'s: only they, who gave it, or an organizer can mark it done.")
    assert (await ben.ask(room, "!done 2")).body == (
        "Done: action 2, “Write the newsletter”. Thank you!")
    assert (await ben.ask(room, "!done 2")).body == "Action 2 is done already."
    assert (await ben.ask(room, "!done 99")).body.startswith("There is no action 99.")
    entries = await world.rows("SELECT kind, author, owner, done_by FROM minutes_entries "
                               "WHERE kind != 'note' ORDER BY id")
    assert entries == [("decision", anna.user_id, None, None),
                       ("action", anna.user_id, ben.user_id, None),
                       ("action", ben.user_id, ben.user_id, ben.user_id),
                       ("action", anna.user_id, anna.user_id, None)]
    assert (await world.rows("SELECT COUNT(*) FROM minutes_entries WHERE author = ?",
                             cem.user_id)) == [(20,)]

    # The summary lists the minutes, as typed, mentioning nobody.
    await world.tick(SYNC_END)
    summary = await world.post("✅")
    body = summary.body
    assert "📝 Minutes" in body
    assert f"💬 The room costs 20 € a month – {nick(ben)}" in body
    assert f"⚖️ Decision: We meet in Detmold in March – {nick(anna)}" in body
    assert f"☐ Action 1 for {nick(ben)}: books the room" in body
    assert f"✅ Action 2 for {nick(ben)}: Write the newsletter" in body
    assert "@room <b>bold</b> **loud** # heading" in body
    assert "<b>bold" not in summary.html and "&lt;b&gt;bold" in summary.html
    assert mentioned(summary) == [] and summary.content["m.mentions"] == {}

    # A note after the end, on the same day, still goes in: the summary is edited.
    late = await anna.ask(room, "!note Thanks to everyone who came")
    assert late.body.startswith("Noted in the minutes of Monthly sync")
    await world.edit(summary.event.event_id, has=["Thanks to everyone who came"])
    minutes = await ben.ask(room, "!minutes")
    assert minutes.body.startswith("Minutes of Monthly sync on Tue, Jan 5, 2027:")
    assert "spam 18" in minutes.body

    # The next day it is closed; the open action is on the next sync's agenda.
    await world.tick(berlin(2027, 1, 6, 9, 0))
    assert (await ben.ask(room, "!note Too late")).body.startswith("No meeting is running")
    await world.tick(berlin(2027, 1, 26, 18, 0))
    announcement = await world.anna.wait_for(
        lambda s: world.is_post(s) and s.body.startswith("📅") and "Feb 2, 2027" in s.body)
    assert "Open actions" in announcement.body
    assert f"1. books the room – {nick(ben)}" in announcement.body
    assert f"3. Plan the March meeting – {nick(anna)}" in announcement.body
    assert "Write the newsletter" not in announcement.body
    # Anna, who gave it, marks it done: the agenda no longer lists it.
    assert (await anna.ask(room, "!done 1")).body.startswith("Done: action 1")
    await world.edit(announcement.event.event_id, has=["Open actions", "Plan the March"],
                     lacks=["books the room"])
    # The February summary lists what is still open from before.
    await world.tick(berlin(2027, 2, 2, 18, 0))
    await world.tick(berlin(2027, 2, 2, 19, 0))
    february = await world.anna.wait_for(
        lambda s: world.is_post(s) and s.body.startswith("✅ Monthly sync of Tue, Feb 2"))
    assert f"☐ Action 3 for {nick(anna)}: Plan the March meeting" in february.body
    assert "books the room" not in february.body
    assert (await anna.ask(room, "!done 3")).body.startswith("Done: action 3")
    assert (await ben.ask(room, "!actions")).body == "No open actions. 🎉"
