"""Stories for the community space: provisioning, access, adoption, invitations, welcomes."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest
import yaml

from matrixcowork.features.space.powers import CREATOR_LEVEL
from matrixcowork.ops.devserver import DevServer
from tests.helpers import Bot, Member, bot_config, unique

from .people_world import nick
from .space_world import (
    ROOMS,
    SERVER,
    barrier,
    community,
    fetch_state,
    invite_into_space,
    join,
    joined_rooms,
    joined_state,
    provisioned,
    provisioned_community,
    reconfigure,
    resolve,
    room_dicts,
    run_cli,
    welcome_of,
    welcomes_for,
)


async def test_fresh_provisioning_creates_space_and_rooms(
    make_bot, members: dict[str, Member]
) -> None:
    anna = members["anna"]
    world = await provisioned_community(make_bot, anna)
    bot = world.bot

    assert world.report.created == ["Coworking OWL", "Allgemein", "Coworking", "Webinare"]
    assert world.report.updated == {} and world.report.problems == []
    space = await joined_state(anna, world.space_id)
    assert space.is_space and space.version == "12"
    assert space.content("m.room.name") == {"name": "Coworking OWL"}
    assert space.content("m.room.topic")["topic"] == "Virtuell coworken"
    assert space.content("m.room.join_rules")["join_rule"] == "invite"
    assert space.creators == {bot.user_id}
    assert space.level_of(bot.user_id) == CREATOR_LEVEL
    assert space.level_of(anna.user_id) == 100
    assert bot.user_id not in space.content("m.room.power_levels")["users"]
    assert bot.services.permissions.space_room_id == world.space_id

    rooms = zip(world.config["rooms"], world.room_ids, strict=True)
    for order, (room, room_id) in enumerate(rooms):
        assert space.content("m.space.child", room_id) == {
            "via": [SERVER], "suggested": True, "order": f"{order:03d}"}
        state = await joined_state(anna, room_id)  # Anna was invited when it was created
        assert state.version == "12" and state.creators == {bot.user_id}
        assert state.content("m.room.name") == {"name": room["name"]}
        assert state.content("m.room.topic")["topic"] == room["topic"]
        assert state.content("m.space.parent", world.space_id) == {
            "via": [SERVER], "canonical": True}
        assert state.level_of(anna.user_id) == 100
        assert await bot.services.rooms.room_id(room["key"]) == room_id

    general = await fetch_state(anna.client, world.general)
    assert general.content("m.room.join_rules") == {"join_rule": "restricted", "allow": [
        {"type": "m.room_membership", "room_id": world.space_id}]}
    assert general.content("m.room.guest_access") == {"guest_access": "forbidden"}
    webinars = await fetch_state(anna.client, world.room_ids[2])
    assert webinars.content("m.room.join_rules") == {"join_rule": "public"}
    assert webinars.content("m.room.guest_access") == {"guest_access": "can_join"}
    assert webinars.content("m.room.history_visibility") == {
        "history_visibility": "world_readable"}


async def test_second_run_and_restart_change_nothing(make_bot, members: dict[str, Member]) -> None:
    anna = members["anna"]
    world = await provisioned_community(make_bot, anna)
    rooms_before = await joined_rooms(world.bot)

    answer = await anna.ask(world.general, "!space sync")
    await world.bot.restart()
    after_restart = await provisioned(world.bot)

    assert answer.body == "Everything matches the config; nothing changed."
    assert not after_restart.changed and after_restart.problems == []
    assert await joined_rooms(world.bot) == rooms_before
    assert len(rooms_before) == 1 + len(world.config["rooms"])
    aliases = [room["alias"] for room in world.config["rooms"]]
    assert [await resolve(anna, alias) for alias in aliases] == world.room_ids


async def test_config_change_is_applied_and_dropped_room_is_unlinked(
    make_bot, members: dict[str, Member]
) -> None:
    anna = members["anna"]
    world = await provisioned_community(make_bot, anna)
    bot, config = world.bot, world.config
    general, coworking, webinars = world.room_ids
    assert await join(anna, world.space_id) and await join(anna, webinars)

    rooms = room_dicts(bot)
    rooms[0]["access"] = "public"
    rooms[1].update(name="Coworking-Raum", topic="Check-in jeden Morgen")
    rooms[2] = {"key": "jobs", "alias": config["rooms"][0]["alias"] + "-jobs", **ROOMS["jobs"]}
    reconfigure(bot, rooms)
    await bot.restart()
    report = await provisioned(bot)

    assert report.created == ["Jobs & Aufträge"]
    assert report.updated == {"Allgemein": ["who may join"],
                              "Coworking-Raum": ["room name", "room topic"]}
    assert report.unlinked == ["Webinare"]
    space = await fetch_state(anna.client, world.space_id)
    assert space.content("m.space.child", webinars) == {}
    assert space.content("m.space.child", await resolve(anna, rooms[2]["alias"]))
    renamed = await fetch_state(bot.services.client, coworking)  # Anna has not joined it
    assert renamed.content("m.room.name") == {"name": "Coworking-Raum"}
    assert renamed.content("m.room.topic")["topic"] == "Check-in jeden Morgen"
    opened = await fetch_state(anna.client, general)
    assert opened.content("m.room.join_rules")["join_rule"] == "public"
    farewell = await anna.wait_for(lambda s: s.room_id == webinars and "no longer part" in s.body)
    assert farewell.content["m.mentions"] == {"user_ids": [anna.user_id]}
    assert await resolve(anna, config["rooms"][2]["alias"]) == webinars  # never deleted

    answer = await anna.ask(general, "!space sync")
    assert answer.body == "Everything matches the config; nothing changed."


async def test_members_only_rooms_open_to_space_members_public_rooms_to_anyone(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    world = await provisioned_community(make_bot, anna)
    general, coworking, webinars = world.room_ids

    assert not await join(ben, coworking)
    assert await join(cem, webinars)
    invited = await invite_into_space(world, anna, ben)
    assert await join(ben, coworking)
    assert await join(ben, general)

    assert invited.body.startswith(f"I invited {nick(ben)} to Coworking OWL.")
    for room in world.config["rooms"]:
        assert f"https://matrix.to/#/#{room['alias']}:{SERVER}" in invited.html
    refused = await ben.ask(general, "!invite " + cem.user_id)
    assert refused.body == "Only organizers and moderators can do that."
    bad = await anna.ask(general, "!invite ben")
    assert "'ben' is not a Matrix user" in bad.body and "Usage: !invite <user>" in bad.body
    again = await anna.ask(general, "!invite " + ben.user_id)
    assert again.body == f"{nick(ben)} is already in the space."


async def test_welcome_is_posted_once_per_person_ever(make_bot, members: dict[str, Member]):
    anna, ben = members["anna"], members["ben"]
    world = await provisioned_community(make_bot, anna)
    general = world.general

    await invite_into_space(world, anna, ben)
    welcome = await anna.wait_for(welcome_of(ben, general))
    await ben.client.room_leave(world.space_id)
    await invite_into_space(world, anna, ben)
    await barrier(anna, general)

    assert len(welcomes_for(ben, anna, general)) == 1
    assert welcome.content["m.mentions"] == {"user_ids": [ben.user_id]}
    assert ben.user_id in welcome.html
    assert "Check in each morning" in welcome.body and "!help" in welcome.body
    assert f"#{world.config['rooms'][1]['alias']}:{SERVER}" in welcome.html
    rows = (await world.bot.services.store.dump())["space_welcomes"]
    assert [row[0] for row in rows].count(ben.user_id) == 1


async def test_joins_while_the_bot_was_down_are_welcomed_unless_they_left_again(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben, cem = members["anna"], members["ben"], members["cem"]
    world = await provisioned_community(make_bot, anna)
    space_id, general = world.space_id, world.general
    assert await join(anna, space_id)
    await anna.wait_for(welcome_of(anna, general))

    await world.bot.stop()
    for member in (ben, cem):
        await anna.client.room_invite(space_id, member.user_id)
        assert await join(member, space_id)
    await ben.client.room_leave(space_id)
    await world.bot.start()
    await anna.wait_for(welcome_of(cem, general))
    await barrier(anna, general)
    assert welcomes_for(ben, anna, general) == []

    await invite_into_space(world, anna, ben)
    await anna.wait_for(welcome_of(ben, general))


async def test_member_is_refused_space_sync_and_nothing_changes(
    make_bot, members: dict[str, Member]
) -> None:
    anna, ben = members["anna"], members["ben"]
    world = await provisioned_community(make_bot, anna)
    await invite_into_space(world, anna, ben)
    assert await join(ben, world.general)
    await anna.wait_for(welcome_of(ben, world.general))
    await barrier(anna, world.general)  # the welcome's rows are written after it is sent
    before = await world.bot.services.store.dump()

    answer = await ben.ask(world.general, "!space sync")

    assert answer.body == "Only organizers can do that."
    assert await world.bot.services.store.dump() == before


async def test_adopts_rooms_an_organizer_made_and_says_where_it_lacks_power(
    make_bot, members: dict[str, Member]
) -> None:
    anna = members["anna"]
    config = community(("general", "coworking", "jobs"))
    bot = make_bot(**config)
    aliases = [room["alias"] for room in config["rooms"]]
    # Before the bot ever ran, Anna made the rooms herself: two of version 12 (she is their
    # all-powerful creator), one of version 11; she gave the bot power in two of them.
    powerless = await anna.create_room(alias=aliases[0], name="Annas Raum",
                                       invite=[bot.user_id])
    empowered = await anna.create_room(alias=aliases[1], name="Annas Raum",
                                       invite=[bot.user_id],
                                       power_level_override={"users": {bot.user_id: 100}})
    older = await anna.create_room(alias=aliases[2], name="Annas Raum", room_version="11",
                                   invite=[bot.user_id], power_level_override={
                                       "users": {anna.user_id: 100, bot.user_id: 100}})
    await bot.start()

    report = await provisioned(bot)

    assert report.created == ["Coworking OWL"]
    assert [p.values["room"] for p in report.problems] == ["Allgemein"]
    assert report.updated["Allgemein"] == ["space link"]  # linked from the space, nothing else
    assert set(report.updated) == {"Allgemein", "Coworking", "Jobs & Aufträge"}
    space = await fetch_state(bot.services.client, await resolve(anna, config["space"]["alias"]))
    for room_id in (powerless, empowered, older):
        assert space.content("m.space.child", room_id)["via"] == [SERVER]
    managed = await fetch_state(anna.client, empowered)
    assert managed.version == "12" and managed.creators == {anna.user_id}
    assert managed.content("m.room.name") == {"name": "Coworking"}
    assert managed.content("m.room.join_rules")["join_rule"] == "restricted"
    assert managed.level_of(bot.user_id) == 100
    assert anna.user_id not in managed.content("m.room.power_levels")["users"]
    old = await fetch_state(anna.client, older)
    assert old.version == "11" and old.creators == frozenset()
    assert old.content("m.room.name") == {"name": "Jobs & Aufträge"}
    assert old.level_of(anna.user_id) == 100 and old.level_of(bot.user_id) == 100
    untouched = await fetch_state(anna.client, powerless)
    assert untouched.content("m.room.name") == {"name": "Annas Raum"}

    answer = await anna.ask(empowered, "!space sync")
    assert answer.body == ("- Everything matches the config; nothing changed.\n"
                           "- ⚠️ I can't manage Allgemein: I need power level 50 there and have 0."
                           " An organizer can raise mine.")


@pytest.mark.slow
async def test_provisioning_completes_under_default_rate_limits(
    tmp_path: Path, clock, caplog: pytest.LogCaptureFixture
) -> None:
    server = DevServer(tmp_path / "strict", relaxed=False)
    await asyncio.to_thread(server.start)
    organizer = server.register(unique("anna"), "secret-" + unique("pw"))
    config = community()
    bot = Bot(bot_config(server, tmp_path / "bot", [organizer.user_id], **config), clock)
    caplog.set_level(logging.WARNING, logger="nio.client.async_client")
    started = time.monotonic()
    try:
        await bot.start()
        first = await provisioned(bot)
        rooms = room_dicts(bot)
        for room in rooms:
            room.update(name=room["name"] + " OWL", topic=room["topic"] + " – neu")
        reconfigure(bot, rooms)
        await bot.restart()
        second = await provisioned(bot)
        rooms_joined = await joined_rooms(bot)
    finally:
        await bot.stop()
        await asyncio.to_thread(server.stop)
    elapsed = time.monotonic() - started

    throttled = [r for r in caplog.records if "429" in r.getMessage()]
    logging.getLogger(__name__).warning("default limits: %.1f s, %d times throttled",
                                        elapsed, len(throttled))
    assert len(first.created) == 4 and first.problems == []
    assert set(second.updated) == {r["name"] for r in rooms} and second.problems == []
    assert all(aspects == ["room name", "room topic"] for aspects in second.updated.values())
    assert len(rooms_joined) == 4
    assert throttled, "the run should have been rate limited at least once"


async def test_provision_command_creates_once_and_then_changes_nothing(
    synapse: DevServer, members: dict[str, Member], tmp_path: Path
) -> None:
    anna = members["anna"]
    name, password = unique("bot"), "secret-" + unique("pw")
    synapse.register(name, password)
    config = community(("general", "coworking"))
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "homeserver": synapse.url, "user_id": synapse.user_id(name), "password": password,
        "data_dir": str(tmp_path / "data"), "language": "en", "log_level": "WARNING",
        "admins": [anna.user_id], **config,
    }))

    first = await run_cli("provision", "-c", str(path))
    second = await run_cli("provision", "-c", str(path))

    assert first == (0, "Created: Coworking OWL, Allgemein, Coworking\n"), first
    assert second == (0, "Everything matches the config; nothing changed.\n"), second
    assert await resolve(anna, config["rooms"][1]["alias"])
