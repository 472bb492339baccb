"""Calls on demand: a fresh, unguessable Jitsi link and widget where `!call` was asked."""

from __future__ import annotations

import re

from tests.helpers import Member, berlin

from .cowork_world import JITSI_BASE, PREFIX, cowork_world

LINK = re.compile(re.escape(JITSI_BASE) + rf"/({PREFIX}-[a-z2-7]{{20}})\b")


def conference_in(body: str) -> str:
    match = LINK.search(body)
    assert match, body
    return match[1]


async def test_call_gives_a_link_and_widget_and_call_end_removes_them(
    make_bot, members: dict[str, Member]
) -> None:
    world = await cowork_world(make_bot, members, berlin(2026, 12, 1, 10, 0))
    ben, cem, room = world.ben, world.cem, world.room

    answer = await ben.ask(room, "!call Design review")
    first = conference_in(answer.body)
    assert answer.body.startswith(f"📞 Design review – join the video call: {JITSI_BASE}/{first}")
    assert f'href="{JITSI_BASE}/{first}"' in answer.html
    assert "In Element the call is also at the top of this room." in answer.body
    assert "!call end ends it; otherwise it ends after 2 hours." in answer.body
    widget = await world.widget(first)
    assert widget["type"] == "jitsi" and widget["name"] == "Design review"
    assert widget["data"] == {"domain": "meet.owl.example", "conferenceId": first,
                              "roomName": "Design review", "isAudioOnly": False}
    assert f"matrixcowork-{first}" in await world.on_top()

    # A second call gets its own conference: no two calls share a name.
    second = conference_in((await cem.ask(room, "!call")).body)
    assert second != first
    assert (await world.widget(second))["name"] == "Video call"
    stored = await world.rows("SELECT conference, topic, starter FROM cowork_calls ORDER BY id")
    assert stored == [(first, "Design review", ben.user_id), (second, None, cem.user_id)]

    ended = await ben.ask(room, "!call end")
    assert ended.body == "2 calls ended."
    assert await world.widget(first) == {} and await world.widget(second) == {}
    assert not {f"matrixcowork-{first}", f"matrixcowork-{second}"} & await world.on_top()
    assert await world.rows("SELECT count(*) FROM cowork_calls WHERE end_utc IS NULL") == [(0,)]
    nothing = await ben.ask(room, "!call end")
    assert nothing.body == "There is no call open in this room. Start one with !call."


async def test_a_call_nobody_ends_goes_after_the_timeout(
    make_bot, members: dict[str, Member]
) -> None:
    world = await cowork_world(make_bot, members, berlin(2026, 12, 1, 10, 0),
                               call_timeout="90m", open_room=False)
    conference = conference_in((await world.ben.ask(world.room, "!call Pairing")).body)

    await world.tick(berlin(2026, 12, 1, 11, 29))
    assert (await world.widget(conference))["type"] == "jitsi"
    await world.tick(berlin(2026, 12, 1, 11, 30))
    ended = await world.post("📞 The call")
    assert ended.body == "📞 The call Pairing ended after 90 minutes. A new one: !call"
    assert await world.widget(conference) == {}
    await world.tick(berlin(2026, 12, 1, 12, 0))
    await world.barrier()
    assert len(world.posts("📞 The call")) == 1
