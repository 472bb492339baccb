"""A griefer types the worst text into what the bot shows: an "@room" and a bystander's name in
a webinar title, markup in an introduction. The bystander's notifications on the real Synapse
show that nothing the bot sent highlighted them, and the card shows the text as typed, no
headings, code blocks or HTML."""

from __future__ import annotations

from typing import Any

import aiohttp

from tests.helpers import Member, Seen

from .people_world import nick
from .test_people import from_bot, lobby
from .webinar_world import POLL_START, VOTE, webinar_world

BYSTANDER = "Bettina Beispiel"


async def notifications(member: Member) -> list[dict[str, Any]]:
    """What the homeserver notified this member of (GET /notifications), newest first."""
    async with aiohttp.ClientSession() as session, session.get(
        member.client.homeserver + "/_matrix/client/v3/notifications",
        headers={"Authorization": f"Bearer {member.client.access_token}"},
    ) as got:
        assert got.status == 200, await got.text()
        return (await got.json())["notifications"]


def highlights(notified: dict[str, Any]) -> bool:
    return any(isinstance(a, dict) and a.get("set_tweak") == "highlight"
               and a.get("value", True) for a in notified["actions"])


async def test_a_webinar_title_with_room_and_a_name_highlights_nobody(
    make_bot, members: dict[str, Member]
) -> None:
    ben = members["ben"]
    await ben.client.set_displayname(BYSTANDER)  # the name the legacy push rule looks for
    world = await webinar_world(make_bot, members, vote_threshold=1)
    anna, cem, room = world.anna, world.cem, world.room  # Cem is the griefer

    await cem.ask(room, f"!webinar propose @room {BYSTANDER}: Gratis-Pizza | @room kommt alle!")
    proposal = await world.post("💡")
    await anna.react(room, proposal.event.event_id, VOTE)
    await world.barrier(anna)
    answer = await cem.ask(room, "!webinar poll 1 2027-01-12 18:00 | 2027-01-14 18:00")
    assert answer.body.startswith("The poll for #1 is up")
    poll = await world.bot_event(POLL_START)
    question = poll.content[POLL_START]["question"]["org.matrix.msc1767.text"]
    assert f"@room {BYSTANDER}: Gratis-Pizza" in question  # shown as typed
    await ben.wait_for(lambda s: s.event.event_id == poll.event.event_id)
    await world.barrier(ben)

    from_the_bot = [n for n in await notifications(ben)
                    if n["event"]["sender"] == world.bot.user_id]
    assert [n["event"]["type"] for n in from_the_bot if highlights(n)] == []
    assert poll.content["m.mentions"] == {}
    bot_events = [s for s in ben.seen if s.room_id == room
                  and s.event.sender == world.bot.user_id and "body" in s.content]
    assert {e.event.event_id for e in bot_events} >= {proposal.event.event_id,
                                                       poll.event.event_id}
    stated = [s.content.get("m.mentions") for s in bot_events]
    assert None not in stated  # every one says whom it mentions: only the proposer, once
    assert [m for m in stated if m] == [{"user_ids": [cem.user_id]}]


async def test_a_multi_line_intro_renders_as_typed_without_markup(
    make_bot, members: dict[str, Member]
) -> None:
    world = await lobby(make_bot, members)
    cem = world.cem  # the griefer
    typed = ("Hallo!\n# Überschrift\nTitel\n===\n```\nprint('code')\n```\n<b>roh</b>\n\n"
             "    eingerückter Code\n- Liste\n> Zitat\n@room \\~ \\| a=b")

    await cem.ask(world.room, "!intro " + typed)
    card: Seen = await world.anna.wait_for(
        lambda s: from_bot(world.bot, world.room, s) and "Hallo!" in s.body and not s.reply_to)

    for tag in ("<h1", "<h2", "<pre", "<code", "<b>", "<ul", "<li", "<blockquote", "<hr"):
        assert tag not in card.html, (tag, card.html)
    assert card.html.count("<p>") == 2  # the name, then the whole introduction in one block
    shown = [line.strip() for line in typed.split("\n") if line.strip()]
    assert card.body == f"👋 {nick(cem)}\n\n" + "\n".join(shown)
    assert card.content["m.mentions"] == {}
