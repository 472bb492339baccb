"""Stories for the foundation: commands, help, refusals, invites, restarts, downtime."""

from __future__ import annotations

import asyncio

from matrixcowork.core.arguments import integer
from matrixcowork.core.commands import Arg, CommandContext, command
from matrixcowork.core.i18n import _
from matrixcowork.core.permissions import Access
from matrixcowork.core.store import Migration
from matrixcowork.features import Feature
from matrixcowork.ops.devserver import DevServer
from tests.helpers import Bot, Member


class Tally(Feature):
    """A tiny feature that exercises the command layer: a counter with a guarded reset."""

    name = "tally"
    migrations = (Migration("counter", "CREATE TABLE tally (n INTEGER NOT NULL)"),)

    @command("tally add", Arg("amount", integer(1, 5)), Arg("note", optional=True, rest=True),
             help=_("Show the commands you can use"))
    async def add(self, ctx: CommandContext, amount: int, note: str | None) -> None:
        await self.services.store.execute("INSERT INTO tally (n) VALUES (?)", (amount,))
        await ctx.reply(f"added {amount}")

    @command("tally reset", help=_("Show the commands you can use"), access=Access.ORGANIZER)
    async def reset(self, ctx: CommandContext) -> None:
        await self.services.store.execute("DELETE FROM tally")
        await ctx.reply("reset")

    @command("tally boom", help=_("Show the commands you can use"), access=Access.EVERYONE)
    async def boom(self, ctx: CommandContext) -> None:
        raise RuntimeError("secret internal detail")


async def room_with_bot(owner: Member, bot: Bot, *guests: Member) -> str:
    room_id = await owner.create_room(invite=[bot.user_id, *(g.user_id for g in guests)])
    for guest in guests:
        await guest.join(room_id)
    await owner.wait_for(
        lambda s: s.room_id == room_id and getattr(s.event, "state_key", None) == bot.user_id
        and getattr(s.event, "membership", None) == "join"
    )
    return room_id


async def test_help_is_a_formatted_notice_reply_listing_only_allowed_commands(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot(extra_features=[Tally])
    await bot.start()
    anna, ben = members["anna"], members["ben"]
    room = await room_with_bot(anna, bot, ben)

    organizer_help = await anna.ask(room, "!help")
    member_help = await ben.ask(room, "!help")

    assert organizer_help.content["msgtype"] == "m.notice"
    assert organizer_help.content["format"] == "org.matrix.custom.html"
    assert "<li>" in organizer_help.html
    assert "!tally reset" in organizer_help.body
    assert "!tally …" in member_help.body and "!tally reset" not in member_help.body
    details = await ben.ask(room, "!help tally")
    assert "!tally add <amount> [note]" in details.body and "!tally reset" not in details.body


async def test_help_speaks_german_when_configured(make_bot, members: dict[str, Member]) -> None:
    bot = make_bot(language="de")
    await bot.start()
    anna = members["anna"]
    room = await room_with_bot(anna, bot)
    answer = await anna.ask(room, "!help")
    assert "Das kannst du hier tun" in answer.body
    unknown = await anna.ask(room, "!gibtsnicht")
    assert unknown.body == "Diesen Befehl kenne ich nicht. Mit !help siehst du, was ich kann."


async def test_unknown_command_gets_a_one_line_hint(bot: Bot, members: dict[str, Member]) -> None:
    anna = members["anna"]
    room = await room_with_bot(anna, bot)
    answer = await anna.ask(room, "!frobnicate now")
    assert answer.body == "I don't know that command. Type !help to see what I can do."


async def test_bad_arguments_get_usage_and_write_nothing(make_bot, members: dict[str, Member]):
    bot = make_bot(extra_features=[Tally])
    await bot.start()
    anna = members["anna"]
    room = await room_with_bot(anna, bot)
    before = await bot.services.store.dump()

    too_big = await anna.ask(room, "!tally add 99")
    not_a_number = await anna.ask(room, "!tally add lots")
    missing = await anna.ask(room, "!tally add")

    assert "from 1 to 5" in too_big.body and "Usage: !tally add <amount> [note]" in too_big.body
    assert "'lots' is not a number." in not_a_number.body
    assert "missing: amount" in missing.body
    assert await bot.services.store.dump() == before
    assert (await anna.ask(room, "!tally add 3 for the coffee")).body == "added 3"
    assert len((await bot.services.store.dump())["tally"]) == 1


async def test_member_is_refused_organizer_command_and_nothing_changes(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot(extra_features=[Tally])
    await bot.start()
    anna, ben = members["anna"], members["ben"]
    room = await room_with_bot(anna, bot, ben)
    await anna.ask(room, "!tally add 2")
    before = await bot.services.store.dump()

    answer = await ben.ask(room, "!tally reset")

    assert answer.body == "Only organizers can do that."
    assert await bot.services.store.dump() == before


async def test_failing_command_gets_a_plain_apology_and_the_bot_keeps_going(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot(extra_features=[Tally])
    await bot.start()
    anna = members["anna"]
    room = await room_with_bot(anna, bot)
    answer = await anna.ask(room, "!tally boom")
    assert "something went wrong" in answer.body
    assert "secret internal detail" not in answer.body and "Traceback" not in answer.body
    assert (await anna.ask(room, "!help")).body


async def test_edits_notices_and_plain_talk_are_not_answered(
    bot: Bot, members: dict[str, Member]
) -> None:
    anna = members["anna"]
    room = await room_with_bot(anna, bot)
    original = await anna.say(room, "hello everyone")
    edit = await anna.client.room_send(room, "m.room.message", {
        "msgtype": "m.text", "body": "* !help",
        "m.new_content": {"msgtype": "m.text", "body": "!help"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original},
    })
    notice = await anna.client.room_send(
        room, "m.room.message", {"msgtype": "m.notice", "body": "!help"}
    )
    barrier = await anna.ask(room, "!help")  # answered after the three events above
    assert barrier.body
    for event_id in (original, edit.event_id, notice.event_id):
        assert anna.replies(event_id) == []


async def test_direct_chat_works_and_untrusted_invites_are_declined(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot(allowed_servers=[])  # only organizers may invite the bot
    await bot.start()
    anna, ben = members["anna"], members["ben"]

    dm = await anna.create_room(invite=[bot.user_id], is_direct=True)
    await anna.wait_for(lambda s: s.room_id == dm
                        and getattr(s.event, "state_key", None) == bot.user_id
                        and getattr(s.event, "membership", None) == "join")
    assert (await anna.ask(dm, "!help")).body

    refused = await ben.create_room(invite=[bot.user_id])
    await ben.wait_for(lambda s: s.room_id == refused
                       and getattr(s.event, "state_key", None) == bot.user_id
                       and getattr(s.event, "membership", None) == "leave")
    assert refused not in bot.services.client.rooms


async def test_restart_does_not_answer_old_commands_again(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot()
    await bot.start()
    anna = members["anna"]
    room = await room_with_bot(anna, bot)
    first = await anna.say(room, "!help")
    await anna.reply(first)

    await bot.restart()
    barrier = await anna.say(room, "!help")
    await anna.reply(barrier)

    assert len(anna.replies(first)) == 1
    assert len(anna.replies(barrier)) == 1


async def test_command_typed_during_downtime_is_answered_once(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot()
    await bot.start()
    anna = members["anna"]
    room = await room_with_bot(anna, bot)
    await anna.ask(room, "!help")

    await bot.stop()
    while_down = await anna.say(room, "!help")
    await bot.start()
    await anna.reply(while_down)
    await bot.restart()
    barrier = await anna.say(room, "!help")
    await anna.reply(barrier)

    assert len(anna.replies(while_down)) == 1


async def test_first_start_ignores_history(make_bot, members: dict[str, Member]) -> None:
    anna = members["anna"]
    bot = make_bot()
    room = await anna.create_room()
    old = await anna.say(room, "!help")
    await anna.client.room_invite(room, bot.user_id)
    await bot.start()
    await anna.wait_for(lambda s: s.room_id == room
                        and getattr(s.event, "state_key", None) == bot.user_id
                        and getattr(s.event, "membership", None) == "join")
    barrier = await anna.say(room, "!help")
    await anna.reply(barrier)
    assert anna.replies(old) == []


async def test_homeserver_restart_is_survived(
    bot: Bot, members: dict[str, Member], synapse: DevServer
) -> None:
    anna = members["anna"]
    room = await room_with_bot(anna, bot)
    await anna.ask(room, "!help")

    await asyncio.to_thread(synapse.restart)
    after = await anna.say(room, "!help")
    await anna.reply(after, timeout=90)

    barrier = await anna.say(room, "!help")
    await anna.reply(barrier)
    assert len(anna.replies(after)) == 1
