"""Stories of a regional network: people check in at one of several locations or remote, the
post, `!who` and `!stats` group them by place, and an old on-site/remote config and database
keep their meaning when the bot is upgraded and when the config gains locations.

Dora is the outsider (`allowed_servers: []`: only organizers and moderators count here, so Ben
and Cem are made moderators and Dora is nobody); Cem types the griefer's input."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from nio import ReactionEvent

from matrixcowork.core.offers import CHECKINS_BETWEEN
from matrixcowork.core.store import Store
from matrixcowork.features.checkin import CheckinFeature
from matrixcowork.features.checkin import db as checkin_db
from matrixcowork.features.checkin.config import CheckinConfig
from matrixcowork.features.checkin.export import export_attendance
from matrixcowork.ops.health import DB_FILE
from tests.helpers import Bot, Member, make_member, shared_room, unique

from .checkin_world import ONSITE, REMOTE, World, line_of, nick

DETMOLD = "\U0001F3ED"  # 🏭
LOCATIONS = [
    {"key": "bielefeld", "name": "Bielefeld", "emoji": ONSITE},
    {"key": "detmold", "name": "Detmold", "emoji": DETMOLD},
]
GRIEF = "@room <b>loud</b> =HYPERLINK(\"http://x\") " + "x" * 120
OUTSIDER = "This is for members of the community. Ask an organizer to invite you."


@pytest.fixture
async def dora(synapse) -> AsyncIterator[Member]:
    member = await make_member(synapse, "dora")
    yield member
    await member.close()


async def regional_world(make_bot, members: dict[str, Member], dora: Member,
                         **checkin: Any) -> tuple[World, Member]:
    alias = unique("cowork")
    bot = make_bot(
        rooms=[{"key": "coworking", "name": "Coworking", "alias": alias}],
        checkin={"room": "coworking", **checkin},
        allowed_servers=[],
        moderators=[members["ben"].user_id, members["cem"].user_id],
    )
    await bot.start()
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    room = await shared_room(bot, alias, anna, ben, cem, dora)
    return World(bot, room, anna, ben, cem), dora


def feature(bot: Bot) -> CheckinFeature:
    assert bot.app
    return next(f for f in bot.app.features if isinstance(f, CheckinFeature))


async def test_two_locations_and_remote_in_the_post_who_and_stats(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    world, dora = await regional_world(make_bot, members, dora, locations=LOCATIONS)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    post = await world.post_today()
    posted = next(s for s in anna.seen if getattr(s.event, "event_id", None) == post)
    assert "React with 🏢 Bielefeld, 🏭 Detmold, 🏠 Remote." in posted.body
    assert "No emoji at hand? Type !checkin bielefeld," in posted.body

    # The bot offers one reaction per location and remote, in the config's order.
    offered = []
    for key in (ONSITE, DETMOLD, REMOTE):
        seen = await anna.wait_for(lambda s, k=key: isinstance(s.event, ReactionEvent)
                                   and s.event.sender == world.bot.user_id
                                   and s.event.reacts_to == post and s.event.key == k)
        offered.append(seen)
    assert [s.event.key for s in sorted(offered, key=lambda s: s.event.server_timestamp)] == [
        ONSITE, DETMOLD, REMOTE]

    await ben.react(room, post, DETMOLD)
    answer = await cem.ask(room, f"!checkin Bielefeld {GRIEF}")
    assert answer.body == "You are checked in for today: Bielefeld."
    await anna.react(room, post, REMOTE)
    await dora.react(room, post, ONSITE)  # the outsider's reaction counts nowhere
    refused = await dora.ask(room, "!checkin detmold")
    assert refused.body == OUTSIDER

    body = await world.wait_for_post_text(post, has=[nick(ben), nick(cem), nick(anna)])
    assert line_of(body, ONSITE).startswith(f"{ONSITE} Bielefeld (1): {nick(cem)} (")
    assert line_of(body, DETMOLD) == f"{DETMOLD} Detmold (1): {nick(ben)}"
    assert line_of(body, REMOTE) == f"{REMOTE} Remote (1): {nick(anna)}"
    assert nick(dora) not in body

    who = await dora.ask(room, "!who")
    assert who.body == OUTSIDER
    who = await ben.ask(room, "!who")
    assert line_of(who.body, DETMOLD) == f"{DETMOLD} Detmold (1): {nick(ben)}"
    assert nick(cem) in line_of(who.body, ONSITE) and nick(anna) in line_of(who.body, REMOTE)
    # The griefer's note is inert: no pill for @room, no HTML, no formula, nobody mentioned.
    assert "<b>" not in who.html and who.content.get("m.mentions") == {}
    assert "&lt;b&gt;loud&lt;/b&gt;" in who.html

    stats = await anna.ask(room, "!stats 2026-12")
    assert "Check-ins: 3 · members: 3 · Bielefeld 1, Detmold 1, Remote 1" in stats.body
    assert f"- {nick(ben)}: 1 (Detmold 1)" in stats.body
    mine = await ben.ask(room, "!stats")
    assert "Your check-ins: 1 (Detmold 1)." in mine.body

    # Changing one's mind: Ben goes to Bielefeld after all, by command; the key is stored.
    moved = await ben.ask(room, "!checkin bielefeld")
    assert moved.body == "You are checked in for today: Bielefeld."
    assert await world.attendance() == {
        ("2026-12-01", ben.user_id): "bielefeld",
        ("2026-12-01", cem.user_id): "bielefeld",
        ("2026-12-01", anna.user_id): "remote",
    }
    body = await world.wait_for_post_text(post, has=[f"{ONSITE} Bielefeld (2)"])
    assert line_of(body, DETMOLD) == ""
    # The weekly digest counts check-ins at any location as on site.
    week = await world.bot.services.offers.get(CHECKINS_BETWEEN)(date(2026, 11, 30),
                                                                 date(2026, 12, 6))
    assert (week.onsite, week.remote, week.members) == (2, 1, 3)


async def old_database(path, rows: list[tuple[str, str, str]]) -> None:
    """A database as the bot before locations wrote it: the check-in's first two migrations,
    attendance with the modes onsite and remote."""
    store = await Store.open(path)
    try:
        await store.migrate("checkin", checkin_db.MIGRATIONS[:2])
        for day, user, mode in rows:
            await store.execute(
                "INSERT INTO checkin_attendance (day, user_id, mode, at, source, note) "
                "VALUES (?, ?, ?, 1764576000, 'reaction', NULL)", (day, user, mode))
    finally:
        await store.close()


async def test_an_old_config_and_database_keep_their_meaning(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    alias = unique("cowork")
    old_config = {"room": "coworking", "reactions": {ONSITE: "onsite", REMOTE: "remote"}}
    bot = make_bot(rooms=[{"key": "coworking", "name": "Coworking", "alias": alias}],
                   checkin=old_config)
    november = [("2026-11-03", ben.user_id, "onsite"), ("2026-11-04", ben.user_id, "onsite"),
                ("2026-11-04", cem.user_id, "remote")]
    await old_database(bot.config.data_dir / DB_FILE, november)

    # The new bot on the old database and the old config: nothing changes for anyone.
    await bot.start()
    room = await shared_room(bot, alias, anna, ben, cem)
    world = World(bot, room, anna, ben, cem)
    stats = await anna.ask(room, "!stats 2026-11")
    assert "Check-ins: 3 · members: 2 · On site 2, Remote 1" in stats.body
    assert f"- {nick(ben)}: 2 (On site 2)" in stats.body
    post = await world.post_today()
    await ben.react(room, post, ONSITE)
    body = await world.wait_for_post_text(post, has=[nick(ben)])
    assert line_of(body, ONSITE) == f"{ONSITE} On site (1): {nick(ben)}"
    assert "React with 🏢 if you are on site, with 🏠 if you work remotely." in body
    versions = await world.rows("SELECT version FROM schema_versions WHERE component = 'checkin'")
    assert versions == [(len(checkin_db.MIGRATIONS),)]
    assert await world.rows("SELECT day, user_id, mode FROM checkin_attendance ORDER BY day, "
                            "user_id") == [*sorted(november), ("2026-12-01", ben.user_id,
                                                              "onsite")]
    await bot.stop()

    # The organizers add locations: "on site" was Bielefeld, the first of them.
    checkin = CheckinConfig.model_validate({**old_config, "locations": LOCATIONS})
    upgraded = Bot(bot.config.model_copy(update={"checkin": checkin}), bot.clock)
    # The export, run before the upgraded bot ever started, already says Bielefeld.
    out = io.StringIO()
    assert await export_attendance(upgraded.config, date(2026, 11, 1), date(2026, 11, 30),
                                   "json", out) == 3
    assert [r["mode"] for r in json.loads(out.getvalue())] == ["bielefeld", "bielefeld",
                                                              "remote"]
    try:
        await upgraded.start()
        world = World(upgraded, room, anna, ben, cem)
        stats = await anna.ask(room, "!stats 2026-11")
        assert "Check-ins: 3 · members: 2 · Bielefeld 2, Remote 1" in stats.body
        who = await cem.ask(room, "!who")
        assert line_of(who.body, ONSITE) == f"{ONSITE} Bielefeld (1): {nick(ben)}"
        # `!checkin onsite` of the old habit means the first location, the old 🏢 too.
        done = await cem.ask(room, "!checkin onsite")
        assert done.body == "You are checked in for today: Bielefeld."
        assert await world.attendance() == {
            ("2026-11-03", ben.user_id): "bielefeld", ("2026-11-04", ben.user_id): "bielefeld",
            ("2026-11-04", cem.user_id): "remote", ("2026-12-01", ben.user_id): "bielefeld",
            ("2026-12-01", cem.user_id): "bielefeld",
        }
        await upgraded.stop()
        await upgraded.start()  # the renaming is done once: a restart changes nothing
        assert len(await world.attendance()) == 5
        assert feature(upgraded).reaction_places == {ONSITE: "bielefeld", DETMOLD: "detmold",
                                                     REMOTE: "remote"}
    finally:
        await upgraded.stop()
