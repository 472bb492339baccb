"""Fewer, better notifications: a member chooses where the reminders of meetings they said yes
or maybe to reach them (`!remind dm|room|off`); the room's reminder pings only those who
chose the room."""

from __future__ import annotations

from tests.helpers import EncryptedMember, Member, berlin

from .sync_world import MAYBE, YES, mentioned, nick, sync_world


async def test_reminders_reach_each_member_where_they_chose(
    make_bot, members: dict[str, Member], dora: EncryptedMember
) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0),
                             remind_before=["1h"])
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    await anna.client.room_invite(room, dora.user_id)
    await dora.join(room)
    await anna.wait_for(lambda s: s.room_id == room and getattr(s.event, "membership", None)
                        == "join" and getattr(s.event, "state_key", None) == dora.user_id)
    await world.tick(berlin(2026, 12, 29, 18, 0))  # a week before: announced
    announcement = await world.next_post("📅")
    for member, key in ((ben, YES), (cem, YES), (dora, MAYBE)):
        await member.react(room, announcement.event.event_id, key)

    bad = await ben.ask(room, "!remind sometimes")
    off = await ben.ask(room, "!remind off")
    by_dm = await dora.ask(room, "!remind dm")
    again = await cem.ask(room, "!remind room")
    await world.wait_for_edit(announcement.event.event_id, has=["Coming (2)", "Maybe (1)"])
    assert "dm|room|off" in bad.body and "No more reminders" in off.body
    assert by_dm.body == "Reminders come in our direct chat now."
    assert again.body.startswith("Reminders come in the meeting's room")
    await world.tick(berlin(2027, 1, 5, 17, 0))

    reminder = await world.next_post("⏰")
    assert mentioned(reminder) == [cem.user_id]  # only who chose the room is pinged
    assert all(nick(m) in reminder.body for m in (ben, cem, dora))  # everyone coming is listed
    direct = await dora.accept_direct(world.bot.user_id)
    alone = await dora.wait_for(lambda s: s.room_id == direct and s.body.startswith("⏰"))
    assert alone.event.decrypted and "Coming or maybe" not in alone.body
    assert mentioned(alone) == []
    await world.barrier()
    assert not [inviter for _, inviter, _ in ben.invites if inviter == world.bot.user_id]
    assert await world.rows("SELECT user_id, how FROM reminder_choices ORDER BY how") == [
        (dora.user_id, "dm"), (ben.user_id, "off")]
