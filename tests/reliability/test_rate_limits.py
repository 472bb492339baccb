"""Synapse's default rate limits (a message every 5 s after a burst of 10): the bot provisions
its space, announces in every room at once and then sends a burst of sync announcements,
reminders, check-in posts and their reactions, while the homeserver answers 429 again and
again. Read back by a member afterwards, every event the bot sent is in its room, once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from matrixcowork.core.chat import Chat, txn_for
from matrixcowork.core.clock import FakeClock
from matrixcowork.features.checkin import CheckinFeature
from matrixcowork.features.sync import SyncFeature
from tests.helpers import Bot, berlin, bot_config, make_member
from tests.integration.space_world import community, join, provisioned

from .crowd import history

# (when, what) in the community's time; the long mode adds the meeting itself and more days.
SYNC, CHECKIN = "sync", "checkin"
BURST = [((2026, 12, 1, 8, 59), SYNC),  # announcement and the (late) reminder a day ahead
         ((2026, 12, 1, 9, 0), CHECKIN),
         ((2026, 12, 1, 17, 46), SYNC)]  # the reminder 15 minutes ahead
LONG_BURST = [((2026, 12, 1, 18, 1), SYNC),  # start post, ✋, widget
              ((2026, 12, 1, 19, 5), SYNC),  # summary, widget removed
              ((2026, 12, 2, 9, 0), CHECKIN), ((2026, 12, 3, 9, 0), CHECKIN)]


def record_sends(chat: Chat) -> list[tuple[str, str, str]]:
    """(room, event type, event id) of every event the bot sent, as the homeserver confirmed."""
    sent: list[tuple[str, str, str]] = []
    send_event = chat.send_event

    async def recorded(room_id: str, event_type: str, content: dict[str, Any],
                       txn: str | None = None) -> str:
        event_id = await send_event(room_id, event_type, content, txn)
        sent.append((room_id, event_type, event_id))
        return event_id

    chat.send_event = recorded  # type: ignore[method-assign]
    return sent


def step_of(bot: Bot, clock: FakeClock, what: str) -> Callable[[], Awaitable[Any]]:
    assert bot.app is not None
    features = bot.app.features
    if what == SYNC:
        sync = next(f for f in features if isinstance(f, SyncFeature))
        return lambda: sync.tick(clock.now())
    checkin = next(f for f in features if isinstance(f, CheckinFeature))
    return lambda: checkin.post_today(clock.now())


def kind_of(event: Any) -> tuple[str, ...]:
    """What makes a bot event a duplicate of another: its body, or what it reacts to."""
    content = event.source.get("content", {})
    relates = content.get("m.relates_to") or {}
    if event.source.get("type") == "m.reaction":
        return ("reaction", relates.get("event_id", ""), relates.get("key", ""))
    return ("message", relates.get("rel_type", ""), relates.get("event_id", ""),
            content.get("body", ""))


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_default_rate_limits_deliver_everything_once(
    own_synapse, clock: FakeClock, tmp_path: Path, long_mode: bool, figure, caplog
) -> None:
    server = await own_synapse(relaxed=False)
    anna = await make_member(server, "anna")
    config = community(("general", "coworking", "webinars"))
    del config["space"]["welcome_room"]  # a greeting for Anna would come after the count
    bot = Bot(bot_config(server, tmp_path / "bot", [anna.user_id], **config,
                         checkin={"room": "coworking"}, sync={"room": "general"}), clock)
    caplog.set_level(logging.WARNING, logger="nio.client.async_client")
    started = time.monotonic()
    try:
        await bot.start(first_pass=False)
        sent = record_sends(bot.services.chat)
        await bot.services.scheduler.run_due()
        await provisioned(bot)
        rooms = {r["key"]: await bot.services.rooms.room_id(r["key"]) for r in config["rooms"]}
        await asyncio.gather(*(
            bot.services.chat.send(room_id, f"Announcement for the {key} room",
                                   txn=txn_for("reliability", key))
            for key, room_id in rooms.items()
        ))
        steps = BURST + (LONG_BURST if long_mode else [])
        for when, what in steps:  # each step sends at least one message
            clock.set(berlin(*when))
            await step_of(bot, clock, what)()
        took = time.monotonic() - started
        space_id = bot.services.permissions.space_room_id
        for room_id in [space_id, *rooms.values()]:
            assert await join(anna, room_id)
        seen = {room_id: [e for e in await history(anna.client, room_id)
                          if e.sender == bot.user_id
                          and e.source.get("type") in ("m.room.message", "m.reaction")]
                for room_id in rooms.values()}
    finally:
        await bot.stop()
        await anna.close()

    throttled = sum("Got 429" in r.getMessage() for r in caplog.records)
    for room_id, events in seen.items():
        mine = [event_id for room, _type, event_id in sent if room == room_id]
        assert sorted(e.event_id for e in events) == sorted(mine), "lost or unknown events"
        doubled = [k for k, n in Counter(kind_of(e) for e in events).items() if n > 1]
        assert doubled == [], doubled
    messages = sum(t == "m.room.message" for _room, t, _id in sent)
    assert throttled > 0, "the homeserver should have throttled the bot"
    assert messages >= len(rooms) + len(steps), "a step sent nothing"
    figure(f"default rate limits: provisioning (space + {len(rooms)} rooms), an announcement "
           f"in every room and a burst of sync steps and check-in posts: {messages} messages "
           f"and {len(sent) - messages} reactions, all delivered, none twice; throttled "
           f"{throttled} times, {took:.0f} s in all")
