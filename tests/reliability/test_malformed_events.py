"""Malformed events: reactions to events that do not exist, reactions and messages with fields
missing or of the wrong type, huge bodies, and users of another homeserver. The bot ignores
them safely (no handler fails, nothing is stored that the homeserver does not hold, nobody
from elsewhere checks in) and keeps answering.

"Another homeserver" is simulated by config: with `allowed_servers: [elsewhere.example]`, the
test server's users are foreign; Cem is a moderator, so he acts as one of the community.
"""

from __future__ import annotations

import logging
from typing import Any

from nio import RoomSendResponse

from tests.helpers import Member
from tests.integration.checkin_world import ONSITE, REMOTE, coworking_world

from .crowd import held_by_server

HUGE = 60_000  # characters; Synapse takes events up to 64 KiB


def malformed(post: str) -> list[tuple[str, dict[str, Any]]]:
    """(event type, content) that a buggy or hostile client can send; none is a command."""
    annotation = {"rel_type": "m.annotation", "event_id": post}
    return [
        ("m.reaction", {"m.relates_to": {**annotation, "event_id": "$nowhere:localhost",
                                         "key": ONSITE}}),
        ("m.reaction", {}),
        ("m.reaction", {"m.relates_to": annotation}),
        ("m.reaction", {"m.relates_to": {**annotation, "key": 12345}}),
        ("m.reaction", {"m.relates_to": {**annotation, "rel_type": "m.reference",
                                         "key": ONSITE}}),
        ("m.reaction", {"m.relates_to": "nonsense"}),
        ("m.reaction", {"m.relates_to": {**annotation, "key": "x" * 5000}}),
        ("m.room.message", {"msgtype": "m.text"}),
        ("m.room.message", {"msgtype": "m.text", "body": 42}),
        ("m.room.message", {"msgtype": "m.text", "body": ["!who"]}),
        ("m.room.message", {"body": "!who"}),
        ("m.room.message", {"msgtype": "m.text", "body": "x" * HUGE}),
        ("m.room.message", {"msgtype": "m.text", "body": "hello",
                            "m.relates_to": {"m.in_reply_to": "nonsense"}}),
        ("org.example.nonsense", {"anything": [None, {"deep": True}]}),
    ]


def odd_commands() -> list[dict[str, Any]]:
    """Commands whose relation is garbage: still commands, answered once."""
    return [{"msgtype": "m.text", "body": "!who", "m.relates_to": relates}
            for relates in ("nonsense", {"m.in_reply_to": "nonsense"}, {"rel_type": 5})]


async def send_raw(member: Member, room_id: str, event_type: str,
                   content: dict[str, Any]) -> str | None:
    response = await member.client.room_send(room_id, event_type, content)
    return response.event_id if isinstance(response, RoomSendResponse) else None


async def test_malformed_and_foreign_events_are_ignored_safely(
    make_bot, members: dict[str, Member], figure, caplog
) -> None:
    def foreign_server_bot(**config: Any):
        return make_bot(**config, allowed_servers=["elsewhere.example"],
                        moderators=[members["cem"].user_id], coworking={"room": "coworking"})

    world = await coworking_world(foreign_server_bot, members,
                                  core_hours={"start": "09:00", "end": "17:00"})
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    post = await world.post_today()
    caplog.set_level(logging.INFO)

    kept = await cem.react(room, post, REMOTE)
    sent = [await send_raw(cem, room, t, c) for t, c in malformed(post)]
    odd = [await send_raw(cem, room, "m.room.message", c) for c in odd_commands()]
    too_long = await cem.say(room, "!checkin " + "x" * HUGE)
    await cem.client.room_redact(room, "$nothing-here:localhost")
    foreign_reaction = await ben.react(room, post, ONSITE)
    foreign_command = await ben.say(room, "!checkin onsite")

    assert (await cem.reply(too_long)).body == "That command is too long."
    assert (await ben.reply(foreign_command)).body.startswith("This is for members")
    who = await cem.ask(room, "!who")
    await anna.ask(room, "!help")  # and again: everything before was handled

    accepted = [event_id for event_id in sent if event_id]
    assert [cem.replies(e) for e in accepted] == [[] for _ in accepted]
    assert [len(cem.replies(e)) for e in odd if e] == [1 for e in odd if e]
    assert "remote" in who.body.lower() and ben.user_id[1:].split(":")[0] not in who.body
    assert await world.attendance() == {("2026-12-01", cem.user_id): "remote"}
    stored = await world.rows("SELECT reaction_id FROM tracked_reactions")
    held = await held_by_server(anna.client, room, post, world.bot.user_id)
    assert sorted(r for (r,) in stored) == sorted(h.reaction_id for h in held)
    assert {kept, foreign_reaction} <= {h.reaction_id for h in held}
    failures = [r.getMessage() for r in caplog.records
                if r.levelno >= logging.ERROR and r.name.startswith("matrixcowork")]
    assert failures == []
    figure(f"malformed events: {len(sent) + len(odd) + 2} malformed or huge events "
           f"({len(accepted)} accepted by Synapse) and a foreign user's reaction and command: "
           "no handler failed, nothing stored beyond what the homeserver holds, the foreigner "
           "not checked in, the bot kept answering")
