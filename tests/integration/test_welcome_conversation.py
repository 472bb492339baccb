"""Stories of the welcome conversation: a newcomer's direct chat with the bot, one question at a
time, their card at the end, against the real Synapse. The newcomers' apps encrypt like
Element's, and the bot's direct chats are encrypted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from nio import RoomMessageNotice

from matrixcowork.core.clock import FakeClock
from matrixcowork.ops.devserver import DevServer
from tests.element_member import ElementMember
from tests.helpers import Bot, Member, Seen

from .join_world import JoinWorld, edit_of, invited, join_world
from .space_world import join
from .test_element import direct_chat

WELCOME = {"welcome": {}, "coffee": {"room": "coworking"}}


class Chat:
    """A newcomer's direct chat with the bot, as they read it."""

    def __init__(self, world: JoinWorld, member: Member, room_id: str) -> None:
        self.world, self.member, self.room_id = world, member, room_id
        self.read = 0

    def from_bot(self) -> list[Seen]:
        return [s for s in self.member.seen if s.room_id == self.room_id
                and s.event.sender == self.world.bot.user_id
                and isinstance(s.event, RoomMessageNotice)]

    async def next(self, text: str = "") -> Seen:
        """The bot's next message here (after the ones read so far) containing `text`."""
        def later(s: Seen) -> bool:
            said = self.from_bot()
            return s in said[self.read:] and text in s.body

        seen = await self.member.wait_for(later, timeout=60)  # encrypted, on a loaded machine
        self.read = self.from_bot().index(seen) + 1
        return seen

    async def answer(self, body: str, expect: str = "") -> Seen:
        await self.member.say(self.room_id, body)
        return await self.next(expect)


async def make_world(synapse: DevServer, members: dict[str, Member], clock: FakeClock,
                     tmp_path: Path, bots: list[Bot], **settings: Any) -> JoinWorld:
    return await join_world(synapse, members, clock, tmp_path / "bot", bots,
                            settings={**WELCOME, **settings})


@pytest.fixture
async def world(synapse: DevServer, members: dict[str, Member], clock: FakeClock,
                tmp_path: Path) -> AsyncIterator[JoinWorld]:
    bots: list[Bot] = []
    made = await make_world(synapse, members, clock, tmp_path, bots)
    yield made
    await made.close()
    for bot in bots:
        await bot.stop()


async def let_in(world: JoinWorld, name: str) -> tuple[Member, Chat]:
    """Anna invites a newcomer; they join the space and accept the bot's direct chat."""
    member = await world.newcomer(name, encrypted=True)
    await world.anna.client.room_invite(world.space_id, member.user_id)
    await invited(member, world.space_id)
    assert await join(member, world.space_id)
    room = await member.accept_direct(world.bot.user_id)
    chat = Chat(world, member, room)
    await chat.next("welcome to Coworking OWL")
    return member, chat


async def test_from_a_knock_to_the_card_in_the_introductions_room(world: JoinWorld) -> None:
    anna, ben, bot = world.anna, world.ben, world.bot
    assert await join(ben, world.general)
    carla = await world.newcomer("carla", encrypted=True)
    await carla.client.set_displayname("Carla")
    await world.knock(carla, "Ich bin Grafikerin in Detmold")
    post = await world.request(carla)
    await anna.react(world.orga, post.event.event_id, "✅")
    await invited(carla, world.space_id)
    assert await join(carla, world.space_id)

    room = await carla.accept_direct(bot.user_id)
    chat = Chat(world, carla, room)
    greeting = await chat.next("welcome to Coworking OWL")
    assert greeting.event.decrypted  # an encrypted direct chat, as Element makes them
    assert "Hi Carla" in greeting.body and "1/6 What do you do?" in greeting.body
    assert (await chat.answer("Ich gestalte Logos und Websites.", "2/6")).body.startswith(
        "2/6 What are your skills?")
    await chat.answer("Grafikdesign, Illustration, Webdesign", "3/6")
    await chat.answer("Bei Flyern und Präsentationen", "4/6")
    await chat.answer("Leute für gemeinsame Projekte", "5/6")
    await chat.answer("Vor Ort in Detmold, freitags remote", "6/6 Would you like to join")
    done = await chat.answer("✅", "Thank you! This is your card:")

    assert "Skills: Grafikdesign, Illustration, Webdesign" in done.body
    assert "I work: Vor Ort in Detmold, freitags remote" in done.body
    assert "It is in Allgemein now" in done.body and "coffee roulette ☕" in done.body
    card = await ben.wait_for(lambda s: s.room_id == world.general and s.event.sender ==
                              bot.user_id and "Ich gestalte Logos und Websites." in s.body)
    assert "I can help with: Bei Flyern und Präsentationen" in card.body
    assert card.content["m.mentions"] == {}
    whois = await ben.ask(world.general, f"!whois {carla.user_id}")
    assert "Grafikdesign, Illustration, Webdesign" in whois.body
    assert "I am looking for: Leute für gemeinsame Projekte" in whois.body
    note = await anna.wait_for(lambda s: s.room_id == world.orga
                               and s.body.startswith("👋 Carla"))
    assert "joined the space (let in by" in note.body
    await anna.wait_for(lambda s: edit_of(s) == note.event.event_id and "Skills: Grafikdesign"
                        in s.content.get("m.new_content", {}).get("body", ""))  # with her card
    assert await world.rows("SELECT user_id FROM coffee_members") == [(carla.user_id,)]
    assert await bot.services.direct.current(carla.user_id) is None


async def test_skip_back_and_stop_in_german(
    synapse: DevServer, members: dict[str, Member], clock: FakeClock, tmp_path: Path,
) -> None:
    bots: list[Bot] = []
    world = await make_world(synapse, members, clock, tmp_path, bots, language="de")
    try:
        dora = await world.newcomer("dora", encrypted=True)
        await world.anna.client.room_invite(world.space_id, dora.user_id)
        await invited(dora, world.space_id)
        assert await join(dora, world.space_id)
        chat = Chat(world, dora, await dora.accept_direct(world.bot.user_id))
        greeting = await chat.next("willkommen")
        assert "1/6 Was machst du?" in greeting.body

        await chat.answer("überspringen", "2/6")
        await chat.answer("Python, Buchhaltung", "3/6")
        assert "2/6" in (await chat.answer("Zurück", "2/6")).body
        await chat.answer("Python, Buchhaltung, Steuern", "3/6")
        await chat.answer("Skip", "4/6")  # English works too
        stopped = await chat.answer("stopp", "Okay")
        assert "gespeichert" in stopped.body
        await world.barrier()
        rows = await world.rows("SELECT intro, skills FROM people_profiles WHERE user_id = ?",
                                dora.user_id)
        assert rows == [("", '["Python", "Buchhaltung", "Steuern"]')]
        assert await world.bot.services.direct.current(dora.user_id) is None
        await dora.say(chat.room_id, "Noch was?")  # nobody asks any more
        await dora.ask(chat.room_id, "!help")
        assert len(chat.from_bot()) == chat.read + 1  # only the !help answer
    finally:
        await world.close()
        for bot in bots:
            await bot.stop()


async def test_a_bad_answer_is_explained_and_asked_again(world: JoinWorld) -> None:
    emil, chat = await let_in(world, "emil")  # a griefer
    await chat.answer("@room <b>fett</b> **laut**", "2/6")
    again = await chat.answer("x" * 50, "2/6")
    assert again.body.startswith("Please keep each skill under 40 characters.")
    await chat.answer("Möbelbau", "3/6")
    for _step in range(3):
        await chat.answer("skip")
    assert "Please answer ✅ or ❌" in (await chat.answer("vielleicht", "6/6")).body
    done = await chat.answer("❌", "Thank you! This is your card:")
    assert "@room <b>fett</b> **laut**" in done.body and "<b>fett" not in done.html
    assert await world.rows("SELECT * FROM coffee_members") == []
    card = await world.anna.wait_for(lambda s: s.room_id == world.general
                                     and "Möbelbau" in s.body and emil.user_id in s.html)
    assert card.content["m.mentions"] == {} and "<strong>laut" not in card.html


async def test_a_restart_in_the_middle_goes_on_with_the_next_question_and_never_twice(
    world: JoinWorld,
) -> None:
    bot = world.bot
    fritz, chat = await let_in(world, "fritz")
    await chat.answer("Ich schreibe Texte.", "2/6")
    await chat.answer("Texten, Lektorat", "3/6")
    await bot.restart()
    await chat.answer("Bei Texten aller Art", "4/6 What are you looking for")
    await bot.stop()
    await fritz.say(chat.room_id, "Aufträge")  # while the bot is down
    await bot.start()
    await chat.next("5/6")

    await fritz.client.room_leave(world.space_id)  # leaves and comes back: no new welcome
    await world.anna.client.room_invite(world.space_id, fritz.user_id)
    await invited(fritz, world.space_id)
    assert await join(fritz, world.space_id)
    await world.barrier()
    await fritz.ask(chat.room_id, "!help")
    greetings = [s for s in chat.from_bot() if "welcome to Coworking OWL" in s.body]
    assert len(greetings) == 1
    assert [s.body[:3] for s in chat.from_bot()].count("4/6") == 1
    assert await world.rows("SELECT run FROM welcome_people WHERE user_id = ?",
                            fritz.user_id) == [(1,)]

    restarted = await fritz.ask(chat.room_id, "!welcome")
    assert restarted.body.startswith("I started our welcome conversation again")
    await chat.next("1/6")
    assert await world.rows("SELECT run FROM welcome_people WHERE user_id = ?",
                            fritz.user_id) == [(2,)]


async def test_a_welcome_waits_while_another_conversation_goes_on(world: JoinWorld) -> None:
    bot = world.bot
    kai = await world.newcomer("kai", encrypted=True)
    direct = bot.services.direct
    assert await direct.begin(kai.user_id, "other", {})  # another feature talks with him
    await world.anna.client.room_invite(world.space_id, kai.user_id)
    await invited(kai, world.space_id)
    assert await join(kai, world.space_id)
    await world.barrier()
    assert (await direct.current(kai.user_id)).owner == "other"
    assert await world.rows("SELECT started FROM welcome_people WHERE user_id = ?",
                            kai.user_id) == [(0,)]

    await direct.end(kai.user_id, "other")
    await bot.move_to(bot.clock.now() + timedelta(minutes=61))
    chat = Chat(world, kai, await kai.accept_direct(bot.user_id))
    await chat.next("1/6")
    assert (await direct.current(kai.user_id)).owner == "welcome"


async def test_one_reminder_after_two_days_then_nothing(world: JoinWorld) -> None:
    bot = world.bot
    gesa, chat = await let_in(world, "gesa")
    start = bot.clock.now()
    await bot.move_to(start + timedelta(days=1, hours=23))
    await gesa.ask(chat.room_id, "!help")
    assert not [s for s in chat.from_bot() if "Still there?" in s.body]

    await bot.move_to(start + timedelta(days=2, minutes=1))
    reminder = await chat.next("Still there?")
    assert "1/6 What do you do?" in reminder.body
    await bot.move_to(start + timedelta(days=9))
    await bot.restart()
    await bot.move_to(start + timedelta(days=12))
    await gesa.ask(chat.room_id, "!help")
    assert len([s for s in chat.from_bot() if "Still there?" in s.body]) == 1


async def test_questions_can_be_switched_off_and_reworded(
    synapse: DevServer, members: dict[str, Member], clock: FakeClock, tmp_path: Path,
) -> None:
    bots: list[Bot] = []
    world = await make_world(synapse, members, clock, tmp_path, bots, welcome={
        "questions": {"seek": False, "coffee": False, "intro": "Was machst du so, in Kürze?"}})
    try:
        _, chat = await let_in(world, "hanna")
        assert chat.from_bot()[0].body.endswith("1/4 Was machst du so, in Kürze?")
        await chat.answer("Fotografie", "2/4")
        await chat.answer("skip", "3/4 Where could you help")
        await chat.answer("skip", "4/4 Do you work on site")
        await chat.answer("remote", "Thank you!")
    finally:
        await world.close()
        for bot in bots:
            await bot.stop()


async def test_with_a_monthly_sync_the_welcome_asks_about_the_update_round(
    synapse: DevServer, members: dict[str, Member], clock: FakeClock, tmp_path: Path,
) -> None:
    bots: list[Bot] = []
    only_yes_or_no = {key: False for key in ("intro", "skills", "offer", "seek", "place")}
    world = await make_world(synapse, members, clock, tmp_path, bots,
                             sync={"room": "general"}, welcome={"questions": only_yes_or_no})
    try:
        ida, chat = await let_in(world, "ida")
        assert chat.from_bot()[0].body.endswith("or ❌.")  # 1/2: the coffee roulette
        await chat.answer("❌", "2/2 Before each monthly sync I can ask you")
        again = await chat.answer("vielleicht", "Please answer ✅ or ❌")
        assert await world.rows("SELECT user_id FROM updates_optin") == []
        done = await chat.answer("ja", "Thank you!")

        assert again.body.startswith("Please answer")
        assert "Before each sync I will ask you for your update." in done.body
        assert "coffee roulette" not in done.body
        assert await world.rows("SELECT user_id FROM updates_optin") == [(ida.user_id,)]
        assert await world.rows("SELECT user_id FROM coffee_members") == []
    finally:
        await world.close()
        for bot in bots:
            await bot.stop()


async def test_the_welcome_in_an_encrypted_direct_chat_elements_way(
    synapse: DevServer, members: dict[str, Member], clock: FakeClock, tmp_path: Path,
) -> None:
    """Elke's app is Element as it is today (own device cross-signed, unsigned devices
    excluded): she reads every question and the bot reads every answer."""
    bots: list[Bot] = []
    world = await make_world(synapse, members, clock, tmp_path, bots)
    elke = await ElementMember.start(synapse, "elke", tmp_path / "elke.log")
    try:
        dm = await direct_chat(elke, world.bot)  # Element makes it encrypted
        await elke.ask(dm, "!help")
        await world.anna.client.room_invite(world.space_id, elke.user_id)
        await elke.join(world.space_id)

        greeting = await elke.wait_event(contains="1/6", timeout=60)
        assert greeting.encrypted and greeting.readable, greeting
        steps = [("Ich berate Vereine.", "2/6"), ("Beratung, Moderation", "3/6"),
                 ("überspringen", "4/6"), ("Mitstreiter", "5/6"), ("remote", "6/6"),
                 ("❌", "This is your card")]
        for answer, expected in steps:
            await elke.say(dm, answer)
            seen = await elke.wait_event(contains=expected, timeout=60)
            assert seen.encrypted and seen.readable, seen
        assert "Beratung, Moderation" in seen.body
    finally:
        await elke.close()
        await world.close()
        for bot in bots:
            await bot.stop()
