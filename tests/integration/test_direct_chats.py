"""Direct chats: the bot speaks to one member, once they are in the chat, and holds a
conversation there that survives restarts. Told with a member whose app encrypts like
Element's (the bot makes its direct chats encrypted, as Element does)."""

from __future__ import annotations

import asyncio

from nio import RoomMessageNotice

from matrixcowork.core.chat import txn_for
from matrixcowork.core.direct import Conversation
from matrixcowork.features import Feature
from tests.helpers import Bot, EncryptedMember, Member, Seen

from .test_encryption import encrypted_dm


class Echo(Feature):
    """A conversation that counts the answers and says each back."""

    name = "echo"

    def conversation(self):
        return self.on_reply

    async def on_reply(self, conversation: Conversation, body: str, event_id: str) -> None:
        step = conversation.state["step"] + 1
        direct = self.services.direct
        await direct.save(conversation.user_id, self.name, {"step": step})
        await direct.send(conversation.user_id, f"Answer {step}: {body[:20]}",
                          txn=txn_for("echo", event_id))



def from_bot(member: Member, bot: Bot, room_id: str) -> list[Seen]:
    return [s for s in member.seen if s.room_id == room_id and s.event.sender == bot.user_id
            and isinstance(s.event, RoomMessageNotice)]


def bodies(member: Member, bot: Bot, room_id: str) -> list[str]:
    return [s.body for s in from_bot(member, bot, room_id)]


async def said(member: Member, room_id: str, body: str) -> Seen:
    return await member.wait_for(lambda s: s.room_id == room_id and s.body == body)


async def test_what_the_bot_says_waits_for_the_member_and_goes_out_in_order_once(
    make_bot, dora: EncryptedMember
) -> None:
    bot = make_bot()
    await bot.start()
    direct = bot.services.direct

    await direct.send(dora.user_id, "Eins", txn="test-1")
    await direct.send(dora.user_id, "Zwei", txn="test-2")
    await direct.send(dora.user_id, "Eins", txn="test-1")  # the same cause again
    waiting = (await bot.services.store.dump())["direct_outbox"]
    assert [(row[2], row[4]) for row in waiting] == [("Eins", None), ("Zwei", None)]

    await bot.restart()  # nothing is lost while she has not accepted yet
    room = await dora.accept_direct(bot.user_id)
    second = await said(dora, room, "Zwei")

    assert bodies(dora, bot, room) == ["Eins", "Zwei"]
    assert second.event.decrypted  # encrypted, and she can read it
    await bot.restart()
    direct = bot.services.direct
    await direct.send(dora.user_id, "Eins", txn="test-1")
    await direct.send(dora.user_id, "Drei", txn="test-3")
    await said(dora, room, "Drei")
    assert bodies(dora, bot, room) == ["Eins", "Zwei", "Drei"]
    assert [r for r, inviter, _ in dora.invites if inviter == bot.user_id] == [room]


async def test_a_conversation_hears_each_answer_once_across_a_restart(
    make_bot, dora: EncryptedMember
) -> None:
    bot = make_bot(extra_features=[Echo])
    await bot.start()
    direct = bot.services.direct
    assert await direct.begin(dora.user_id, "echo", {"step": 0})
    assert not await direct.begin(dora.user_id, "other", {})  # one conversation at a time
    await direct.send(dora.user_id, "Hallo!", txn="test-hello")
    room = await dora.accept_direct(bot.user_id)
    await said(dora, room, "Hallo!")

    await dora.say(room, "erste")
    await said(dora, room, "Answer 1: erste")
    help_answer = await dora.ask(room, "!help")  # commands still go to the router
    await bot.stop()
    await dora.say(room, "zweite")  # while the bot is down
    await bot.start()
    await said(dora, room, "Answer 2: zweite")
    direct = bot.services.direct
    await direct.end(dora.user_id, "echo")
    await dora.say(room, "dritte")
    await dora.ask(room, "!help")  # everything before it was handled

    assert "!help" in help_answer.body
    assert bodies(dora, bot, room).count("Answer 2: zweite") == 1
    assert not [b for b in bodies(dora, bot, room) if b.startswith("Answer 3")]
    assert await direct.current(dora.user_id) is None


async def test_a_direct_chat_the_member_opened_is_the_one_the_bot_speaks_in(
    make_bot, dora: EncryptedMember
) -> None:
    bot = make_bot()
    await bot.start()
    room = await encrypted_dm(dora, bot)
    await dora.ask(room, "!help")  # the bot has joined and handled her chat

    await bot.services.direct.send(dora.user_id, "Schön, dass du da bist", txn="test-open")
    await said(dora, room, "Schön, dass du da bist")

    assert not [inviter for _, inviter, _ in dora.invites if inviter == bot.user_id]
    assert await bot.services.direct.room_of(dora.user_id) == room


async def test_a_third_in_the_chat_makes_the_bot_leave_and_speak_in_a_new_one(
    make_bot, dora: EncryptedMember, members: dict[str, Member]
) -> None:
    bot = make_bot()
    await bot.start()
    await bot.services.direct.send(dora.user_id, "Nur für dich", txn="test-private")
    room = await dora.accept_direct(bot.user_id)
    await said(dora, room, "Nur für dich")

    await dora.client.room_invite(room, members["ben"].user_id)
    await dora.wait_for(lambda s: s.room_id == room and s.event.sender == bot.user_id
                        and getattr(s.event, "membership", None) == "leave")
    await bot.services.direct.send(dora.user_id, "Wieder nur für dich", txn="test-again")
    dora.invites.remove((room, bot.user_id, True))
    fresh = await dora.accept_direct(bot.user_id)

    await said(dora, fresh, "Wieder nur für dich")
    assert fresh != room and "Wieder nur für dich" not in bodies(dora, bot, room)


async def test_an_answer_replayed_after_a_crash_is_taken_once(
    make_bot, dora: EncryptedMember
) -> None:
    """The bot dies after the feature took the answer (its state saved, its reply sent) and
    before the answer was marked handled: the restarted bot gets it again."""
    bot = make_bot(extra_features=[Echo])
    await bot.start()
    assert await bot.services.direct.begin(dora.user_id, "echo", {"step": 0})
    await bot.services.direct.send(dora.user_id, "Hallo!", txn="test-hello")
    room = await dora.accept_direct(bot.user_id)
    await said(dora, room, "Hallo!")
    reached = asyncio.Event()

    async def killed_here(event_id: str) -> None:
        reached.set()
        await asyncio.Event().wait()  # the process is gone: nothing after this happens

    bot.services.store.mark_handled = killed_here
    await dora.say(room, "erste")
    await said(dora, room, "Answer 1: erste")
    await asyncio.wait_for(reached.wait(), 30)
    await bot.stop()  # the sync token of that batch was never saved
    await bot.start()
    await dora.say(room, "zweite")

    await said(dora, room, "Answer 2: zweite")
    assert [b for b in bodies(dora, bot, room) if b.startswith("Answer")] == [
        "Answer 1: erste", "Answer 2: zweite"]
    assert (await bot.services.direct.current(dora.user_id)).state == {"step": 2}
