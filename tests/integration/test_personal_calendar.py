"""Stories of the personal calendar: `!calendar mine` gives a member, in a direct chat only, a
feed with what they said yes or maybe to (the sync included) and the events they made; a wrong
or reset token is refused; an outsider gets none."""

from __future__ import annotations

import re

from tests.helpers import Member, berlin

from .events_world import MAYBE, NO, OUTSIDER, YES, events_world
from .test_member_events import dora

__all__ = ["dora"]  # the fixture, used by name
URL = re.compile(r"https?://\S+/my/[A-Za-z0-9_-]+\.ics")


def summaries(events) -> set[str]:
    return {str(e["SUMMARY"]) for e in events}


async def test_a_personal_feed_with_what_one_said_yes_or_maybe_to(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    world = await events_world(make_bot, members, dora)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room

    # Ben makes a private event; Cem says yes to it and maybe to the sync; Anna says no.
    await ben.ask(room, "!event create Matrix café | 2026-12-04 18:00 | video")
    cafe = await world.post("🧑‍🤝‍🧑 Matrix café")
    await anna.ask(room, "!sync announce")  # the room came after the bot's start
    sync = await world.post("📅 Monthly sync")
    await anna.ask(room, "!event create Winter walk | 2026-12-05 10:00 | Hermannsdenkmal")
    walk = await world.post("🧑‍🤝‍🧑 Winter walk")
    await cem.react(room, cafe.event.event_id, YES)
    await cem.react(room, sync.event.event_id, MAYBE)
    await cem.react(room, walk.event.event_id, YES)
    await cem.react(room, walk.event.event_id, NO)  # changed his mind: no
    await anna.react(room, cafe.event.event_id, NO)
    await world.edit(cafe.event.event_id, has=["✅ Coming (1)", "❌ Not coming (1)"])
    await world.edit(walk.event.event_id, has=["❌ Not coming (1)"])

    # Asked in the shared room, the address goes into a direct chat, not into the room.
    assert (await world.dora.ask(room, "!calendar mine")).body == OUTSIDER
    assert await world.rows("SELECT * FROM calendar_tokens") == []
    dm = await world.direct_chat(cem)  # opened by Cem (the bot makes one if there is none)
    public_ask = await cem.ask(room, "!calendar mine")
    assert public_ask.body == ("Your calendar address is private: I sent it to you in our "
                               "direct chat.")
    assert URL.search(public_ask.body) is None
    sent = await cem.wait_for(lambda s: s.room_id == dm and URL.search(s.body) is not None)
    assert sent.body.startswith("Your private calendar, with everything you said yes or "
                                "maybe to:")
    url = URL.search(sent.body)
    assert url is not None
    path = url.group().removeprefix(world.base_url)
    again = await cem.ask(dm, "!calendar mine")  # in the direct chat: the answer itself
    assert path in again.body  # the same address, until reset

    events = await world.feed(path)
    assert summaries(events) == {"Matrix café", "Monthly sync"}
    cafe_event = next(e for e in events if str(e["SUMMARY"]) == "Matrix café")
    assert str(cafe_event["URL"]).startswith("https://meet.jit.si/owl-event-")
    assert str(cafe_event["CLASS"]) == "PRIVATE"
    assert cafe_event.decoded("DTSTART") == berlin(2026, 12, 4, 18, 0)

    # Ben's feed has the event he made, though he did not answer it; Anna's has her walk.
    ben_dm = await world.direct_chat(ben)
    ben_url = URL.search((await ben.ask(ben_dm, "!calendar mine")).body)
    assert ben_url is not None
    assert summaries(await world.feed(ben_url.group().removeprefix(world.base_url))) == {
        "Matrix café"}

    # A wrong token, and after a reset the old one, are refused; the new one works.
    token = path.removeprefix("/my/").removesuffix(".ics")
    other = "y" if token.endswith("x") else "x"  # one character off (a token may end in x)
    for wrong in (f"/my/{token[:-1]}{other}.ics", "/my/.ics", "/my/' OR 1=1 --.ics"):
        status, _, _ = await world.fetch(wrong)
        assert status == 404, wrong
    reset = await cem.ask(dm, "!calendar mine reset")
    assert reset.body.startswith("Your new calendar address; the old one no longer works:")
    status, _, _ = await world.fetch(path)
    assert status == 404
    new_url = URL.search(reset.body)
    assert new_url is not None and new_url.group() != url.group()
    moved = await ben.ask(room, "!event move 1 2026-12-04 19:00")
    assert moved.body.startswith("Moved:")
    events = await world.feed(new_url.group().removeprefix(world.base_url))
    cafe_event = next(e for e in events if str(e["SUMMARY"]) == "Matrix café")
    assert cafe_event.decoded("DTSTART") == berlin(2026, 12, 4, 19, 0)
    assert int(cafe_event["SEQUENCE"]) == 1

