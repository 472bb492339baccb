"""Stories of the question of the week against the real Synapse on the fake clock: questions go
round without repeats, the bot backs off while nobody answers and says so, one answer brings
the weekly rhythm back; an outsider's answer does not count; members suggest questions and
only an organizer's ✅ adds them; a griefer's text pings nobody."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from matrixcowork.features.prompts.questions import DEFAULTS
from tests.helpers import Member, Seen, berlin, make_member

from .digest_world import BYSTANDER, World, space_world
from .people_world import nick
from .test_griefer_content import highlights, notifications

YES = "\u2705"
QUESTIONS = ["Was hat dir Zeit gespart?", "Woran arbeitest du?", "Welches Buch empfiehlst du?"]
GRIEF = "@room <b>fett</b> **Pizza** " + BYSTANDER


@pytest.fixture
async def dora(synapse):
    member = await make_member(synapse, "dora")
    yield member
    await member.close()


def questions_seen(world: World) -> list[Seen]:
    return [s for s in world.anna.seen if world.from_bot(s, world.general)
            and s.body.startswith("💬")]


async def week(world: World, day: date) -> Seen | None:
    """Wednesday 10:00 comes; the question the bot asked that day, if it asked one."""
    await world.bot.move_to(berlin(day.year, day.month, day.day, 10, 0))
    await world.barrier()
    rows = await world.rows("SELECT event_id FROM prompts_asked WHERE day = ?", day.isoformat())
    if not rows:
        return None
    return await world.anna.wait_for(lambda s: s.event.event_id == rows[0][0])


async def answer(member: Member, room: str, root: str, text: str) -> str:
    response = await member.client.room_send(room, "m.room.message", {
        "msgtype": "m.text", "body": text,
        "m.relates_to": {"rel_type": "m.thread", "event_id": root, "is_falling_back": True,
                         "m.in_reply_to": {"event_id": root}}})
    return response.event_id


async def test_questions_go_round_back_off_and_come_back_weekly(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    world = await space_world(make_bot, members, dora, prompts={
        "room": "general", "questions": {"en": QUESTIONS}})
    ben, cem, general = world.ben, world.cem, world.general
    # Dora may read along: the general room is made public for her to answer in.
    await world.anna.client.room_put_state(general, "m.room.join_rules", {"join_rule": "public"})
    await world.barrier()
    assert await world.dora.client.join(general)

    wednesday = date(2026, 12, 2)
    first = await week(world, wednesday)
    assert first is not None and first.body.startswith(f"💬 Question of the week: {QUESTIONS[0]}")
    assert first.content["msgtype"] == "m.notice" and first.content["m.mentions"] == {}
    await answer(ben, general, first.event.event_id, "Mein Kalender")
    await answer(ben, general, first.event.event_id, "und der Drucker")  # one person, once

    second = await week(world, wednesday + timedelta(weeks=1))
    assert second is not None and QUESTIONS[1] in second.body
    await answer(dora, general, second.event.event_id, "Ich bin nur zu Gast")  # not counted
    await world.barrier()

    asked: dict[date, Seen] = {}
    for n in range(2, 16):
        day = wednesday + timedelta(weeks=n)
        seen = await week(world, day)
        if seen is not None:
            asked[day] = seen
        if n == 11:
            assert seen is not None  # the monthly question
            await answer(cem, general, seen.event.event_id, GRIEF + " " + "x" * 20000)
            await world.barrier()
    days = [(day - wednesday).days // 7 for day in asked]
    # weekly while under 3 unanswered (Dora's answer is no answer), then every other week
    # twice, then monthly; the griefer's answer in week 11 brings weeks 12 to 14 back, and
    # after three more unanswered ones week 15 is left out again
    assert days == [2, 3, 5, 7, 11, 12, 13, 14]
    texts = [s.body for s in asked.values()]
    assert "I ask every other week now" in texts[2] and "every other" not in texts[3]
    assert "once a month now" in texts[4]
    assert "The question comes every week again" in texts[5]
    assert not any("week again" in t or "quiet" in t.lower() for t in texts[6:])

    rows = await world.rows("SELECT day, question FROM prompts_asked ORDER BY day")
    order = [q for _, q in rows]
    assert order == [QUESTIONS[i % 3] for i in range(len(order))]  # never a repeat early
    answered = await world.rows("SELECT user_id FROM prompts_answers ORDER BY day")
    assert sorted({u for (u,) in answered}) == sorted({ben.user_id, cem.user_id})
    assert dora.user_id not in {u for (u,) in answered}

    # Nothing the bot sent repeats the griefer's text or highlights Ben.
    assert not any(GRIEF in s.body for s in world.anna.seen if world.from_bot(s))
    from_bot = [n for n in await notifications(ben) if n["event"]["sender"] == world.bot.user_id]
    assert not any(highlights(n) for n in from_bot)


async def test_members_suggest_and_an_organizers_check_adds_a_question(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    world = await space_world(make_bot, members, dora, prompts={
        "room": "general", "questions": {"en": QUESTIONS[:1]}})
    anna, ben, cem, general = world.anna, world.ben, world.cem, world.general
    store = world.bot.services.store
    before: dict[str, Any] = await store.dump()

    empty = await cem.ask(general, "!prompt add")
    assert empty.body == "Something is missing: question.\n\nUsage: !prompt add <question>"
    long = await cem.ask(general, "!prompt add " + "x" * 301)
    assert long.body.startswith("Please keep it under 300 characters.")
    outsider = await dora.ask(world.rooms["webinars"], "!prompt add Wer bin ich?")
    assert outsider.body == "This is for members of the community. Ask an organizer to invite you."
    assert {k: v for k, v in (await store.dump()).items() if k.startswith("prompts")} == {
        k: v for k, v in before.items() if k.startswith("prompts")}

    thanks = await cem.ask(general, f"!prompt add {GRIEF}?")
    assert thanks.body.startswith("Thanks! Your question is with the organizers")
    post = await anna.wait_for(lambda s: world.from_bot(s, general) and s.body.startswith("💡"))
    assert post.body == (f"💡 Question suggested by {nick(cem)}: {GRIEF}?\n\n"
                         "Organizers: react ✅ to add it to the questions of the week.")
    assert "<b>" not in post.html and post.content["m.mentions"] == {}
    await ben.react(general, post.event.event_id, YES)  # a member's ✅ does not add it
    await world.barrier()
    assert await world.rows("SELECT status FROM prompts_suggestions") == [("open",)]

    first = await week(world, date(2026, 12, 2))
    assert first is not None and QUESTIONS[0] in first.body
    await anna.react(general, post.event.event_id, YES)
    edited = await anna.wait_for(lambda s: (s.content.get("m.relates_to") or {}).get(
        "event_id") == post.event.event_id and "Added to the questions" in s.body)
    assert nick(anna) in edited.content["m.new_content"]["body"]
    assert await world.rows("SELECT status, approved_by FROM prompts_suggestions") == [
        ("approved", anna.user_id)]
    second = await week(world, date(2026, 12, 9))
    assert second is not None
    assert second.body.startswith(f"💬 Question of the week: {GRIEF}?")
    assert second.content["m.mentions"] == {} and "<b>" not in second.html
    await world.bot.restart()  # the day's question is asked once
    await world.bot.move_to(berlin(2026, 12, 9, 11, 0))
    await world.barrier()
    assert len(questions_seen(world)) == 2


async def test_the_questions_that_ship_are_asked_in_german(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    world = await space_world(make_bot, members, dora, language="de",
                              prompts={"room": "general"})
    first = await week(world, date(2026, 12, 2))
    assert first is not None
    assert first.body == (
        "💬 Frage der Woche: Welches Werkzeug hat dir diese Woche Zeit gespart?\n\n"
        "Antworte im Thread dieses Beitrags. Eine Frage vorschlagen: !prompt add …")
    second = await week(world, date(2026, 12, 9))
    assert second is not None and second.body.startswith(
        "💬 Frage der Woche: Woran arbeitest du gerade, worauf du stolz bist?")
    asked = [q for (q,) in await world.rows("SELECT question FROM prompts_asked ORDER BY day")]
    assert asked == list(DEFAULTS["de"][:2])
