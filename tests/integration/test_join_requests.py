"""Stories of asking to join: someone from the region knocks on the space with a reason, the
organizers answer in their room with one reaction, against the real Synapse."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from matrixcowork.core.clock import FakeClock
from matrixcowork.core.config import ConfigError, parse_config
from matrixcowork.ops.devserver import DevServer
from tests.helpers import Bot, Member

from .join_world import JoinWorld, invited, join_world, knock_community
from .space_world import fetch_state, join, provisioned
from .test_griefer_content import highlights, notifications


@pytest.fixture
async def world(synapse: DevServer, members: dict[str, Member], clock: FakeClock,
                tmp_path: Path) -> AsyncIterator[JoinWorld]:
    bots: list[Bot] = []
    made = await join_world(synapse, members, clock, tmp_path / "bot", bots)
    yield made
    await made.close()
    for bot in bots:
        await bot.stop()


async def test_space_asks_to_join_and_members_rooms_let_others_knock(world: JoinWorld) -> None:
    space = await fetch_state(world.anna.client, world.space_id)
    assert space.content("m.room.join_rules") == {"join_rule": "knock"}
    general = await fetch_state(world.anna.client, world.general)
    assert general.content("m.room.join_rules") == {"join_rule": "knock_restricted", "allow": [
        {"type": "m.room_membership", "room_id": world.space_id}]}
    orga = await fetch_state(world.anna.client, world.orga)
    assert orga.content("m.room.join_rules") == {"join_rule": "invite"}
    carla = await world.newcomer("carla")
    assert not await join(carla, world.space_id)  # knock, not join
    assert not await join(carla, world.orga)


async def test_organizers_tick_lets_the_newcomer_in_and_the_post_says_who(
    world: JoinWorld,
) -> None:
    anna = world.anna
    carla = await world.newcomer("carla")
    await carla.client.set_displayname("Carla")

    await world.knock(carla, "Ich bin Grafikerin in Detmold")
    post = await world.request(carla)
    assert post.body.startswith(
        f"🚪 Carla ({carla.user_id}) would like to join Coworking OWL: "
        "“Ich bin Grafikerin in Detmold”")
    assert "React ✅ to let them in, ❌ to decline." in post.body
    assert post.content["m.mentions"] == {}
    listing = await anna.ask(world.orga, "!requests")
    assert "Carla" in listing.body and "Ich bin Grafikerin in Detmold" in listing.body
    elsewhere = await anna.ask(world.general, "!requests")  # members read there
    assert elsewhere.body == "The requests are listed in Orga: type it there."

    await anna.react(world.orga, post.event.event_id, "✅")
    await world.edited(post, "✅ Let in by ")
    await invited(carla, world.space_id)
    assert await join(carla, world.space_id)  # one tap
    note = await anna.wait_for(lambda s: s.room_id == world.orga
                               and s.body.startswith("👋 Carla"))
    assert note.body == f"👋 Carla ({carla.user_id}) joined the space (let in by " \
        f"{world.bot.services.client.rooms[world.orga].user_name(anna.user_id)})."
    assert world.bot.services.permissions.is_member(carla.user_id)
    assert (await anna.ask(world.orga, "!requests")).body == "No open requests to join."
    assert await world.rows("SELECT status, decided_by FROM join_requests") == [
        ("accepted", anna.user_id)]


async def test_cross_declines_with_the_configured_kind_reason(
    synapse: DevServer, members: dict[str, Member], clock: FakeClock, tmp_path: Path,
) -> None:
    bots: list[Bot] = []
    reason = "Danke für dein Interesse! Melde dich gern bei orga@example.org."
    world = await join_world(synapse, members, clock, tmp_path / "bot", bots,
                             decline_reason=reason)
    try:
        dora = await world.newcomer("dora")
        await world.knock(dora, "Hallo")
        post = await world.request(dora)
        await world.cem.react(world.orga, post.event.event_id, "❌")
        await world.edited(post, "❌ Declined by ")
        membership = await world.membership(dora)
        assert membership["membership"] == "leave" and membership["reason"] == reason
        assert not world.bot.services.permissions.is_member(dora.user_id)
        assert await world.rows("SELECT status, decided_by FROM join_requests") == [
            ("declined", world.cem.user_id)]
    finally:
        await world.close()
        for bot in bots:
            await bot.stop()


@pytest.mark.parametrize("cems", ["✅", "❌"])
async def test_two_organizers_at_once_answer_the_request_once(world: JoinWorld, cems: str
                                                              ) -> None:
    erik = await world.newcomer("erik")
    await world.knock(erik, "Moin")
    post = await world.request(erik)

    await asyncio.gather(world.anna.react(world.orga, post.event.event_id, "✅"),
                         world.cem.react(world.orga, post.event.event_id, cems))
    await world.barrier()
    [(status, by)] = await world.rows("SELECT status, decided_by FROM join_requests")
    assert by in (world.anna.user_id, world.cem.user_id)
    assert status == ("accepted" if by == world.anna.user_id or cems == "✅" else "declined")
    expected = "invite" if status == "accepted" else "leave"
    assert (await world.membership(erik))["membership"] == expected
    await world.barrier()
    assert len(world.edits_of(post)) == 1  # decided once, told once
    assert len(await world.rows("SELECT * FROM tracked_reactions")) == 2


async def test_a_members_tick_does_nothing(world: JoinWorld) -> None:
    fynn = await world.newcomer("fynn")
    await world.knock(fynn, "Hi")
    post = await world.request(fynn)

    await world.ben.react(world.orga, post.event.event_id, "✅")  # Ben is a member, in the room
    await world.barrier()
    assert (await world.membership(fynn))["membership"] == "knock"
    assert world.edits_of(post) == []
    assert await world.rows("SELECT status FROM join_requests") == [("open",)]
    refused = await world.ben.ask(world.orga, "!requests")
    assert "organizers" in refused.body and "fynn" not in refused.body.lower()

    await world.anna.react(world.orga, post.event.event_id, "✅")
    await world.edited(post, "✅ Let in by ")
    assert (await world.membership(fynn))["membership"] == "invite"


async def test_a_request_answered_another_way_is_closed_too(world: JoinWorld) -> None:
    jana = await world.newcomer("jana")
    await world.knock(jana, "Hallo!")
    post = await world.request(jana)

    await world.anna.ask(world.general, f"!invite {jana.user_id}")  # not with the reaction
    await invited(jana, world.space_id)
    assert await join(jana, world.space_id)
    await world.edited(post, "✅ Joined the space.")
    assert await world.rows("SELECT status FROM join_requests") == [("joined",)]
    await world.anna.react(world.orga, post.event.event_id, "❌")  # too late: nothing happens
    await world.barrier()
    assert (await world.membership(jana))["membership"] == "join"


async def test_a_knock_while_the_bot_was_down_is_handled_once_when_it_is_back(
    world: JoinWorld,
) -> None:
    bot = world.bot
    await bot.stop()
    gina = await world.newcomer("gina")
    await world.knock(gina, "Ich war schon mal beim Coworking in Herford")
    await bot.start()

    await world.request(gina)
    await world.barrier()
    await bot.restart()
    await world.barrier()
    assert len(world.requests_seen(gina)) == 1
    assert await world.rows("SELECT user_id, status FROM join_requests") == [
        (gina.user_id, "open")]


async def test_a_knock_hidden_in_a_gap_of_the_sync_is_found_in_the_room_state(
    world: JoinWorld,
) -> None:
    bot = world.bot
    await bot.stop()
    ines = await world.newcomer("ines")
    await world.knock(ines, "Grüße aus Herford")
    for n in range(110):  # more than the sync's timeline holds: the knock is not in it
        await world.anna.say(world.space_id, f"Nachricht {n}")
    await bot.start()

    await world.request(ines)
    await world.barrier()
    assert len(world.requests_seen(ines)) == 1


async def test_a_knock_on_a_members_room_asks_for_the_space_and_that_room(
    world: JoinWorld,
) -> None:
    hans = await world.newcomer("hans")
    await world.knock(hans, "Ich suche Leute für Jobs", room_id=world.general)
    post = await world.request(hans)
    assert "(asked in Allgemein)" in post.body

    await world.anna.react(world.orga, post.event.event_id, "✅")
    await invited(hans, world.space_id)
    await invited(hans, world.general)
    assert await join(hans, world.space_id) and await join(hans, world.general)


async def test_a_griefers_reason_pings_nobody_and_shows_no_markup(world: JoinWorld) -> None:
    anna = world.anna
    griefer = await world.newcomer("griefer")
    await griefer.client.set_displayname("@room")
    name = world.bot.services.client.rooms[world.orga].user_name(anna.user_id)
    typed = f"@room {name} <b>fett</b> **laut** [klick](https://evil.example) " + "x" * 5000

    await world.knock(griefer, typed)
    post = await world.request(griefer)
    assert post.content["m.mentions"] == {}
    html = post.html
    assert "<b>" not in html and "<strong>" not in html and "evil.example\"" not in html
    assert "@room" in post.body and "**laut**" in post.body and "<b>fett</b>" in post.body
    assert len(post.body) < 1000  # the reason is shortened
    await world.barrier()
    from_bot = [n for n in await notifications(anna)
                if n["event"]["sender"] == world.bot.user_id]
    assert [n for n in from_bot if highlights(n)] == []


async def test_an_organizer_added_later_is_invited_to_the_organizers_room(
    world: JoinWorld,
) -> None:
    olga = await world.newcomer("olga")
    bot = world.bot
    await bot.stop()
    admins = [*bot.config.admins, olga.user_id]
    bot.config = type(bot.config).model_validate({**bot.config.model_dump(), "admins": admins})
    await bot.start()
    await provisioned(bot)
    await invited(olga, world.orga)
    assert await join(olga, world.orga)


BASE = {"homeserver": "http://127.0.0.1:1", "user_id": "@bot:localhost", "password": "x",
        "admins": ["@anna:localhost"]}


async def test_knocking_and_withdrawing_again_and_again_posts_three_requests_a_day(
    world: JoinWorld,
) -> None:
    griefer = await world.newcomer("griefer")
    for n in range(4):
        await world.knock(griefer, f"Runde {n}")
        if n < 3:
            post = await world.request_numbered(griefer, n)
            await griefer.client.room_leave(world.space_id)  # withdraws the knock
            await world.edited(post, "↩️ Withdrawn.")
    await world.barrier()
    assert len(world.requests_seen(griefer)) == 3
    assert [r[0] for r in await world.rows("SELECT status FROM join_requests")] == [
        "withdrawn"] * 3
    await world.bot.move_to(world.bot.clock.now() + timedelta(days=1, minutes=1))
    await griefer.client.room_leave(world.space_id)
    await world.knock(griefer, "Neuer Tag")
    await world.anna.wait_for(lambda s: world.request_of(griefer)(s) and "Neuer Tag" in s.body)


async def test_knock_without_an_organizer_room_is_a_config_error() -> None:
    config = knock_community(join="knock")
    del config["space"]["organizer_room"]
    raw = {**BASE, **config}
    with pytest.raises(ConfigError) as error:
        parse_config(raw, "test", environ={})
    assert "space.organizer_room" in str(error.value)
    config = knock_community()
    config["rooms"][3]["access"] = "members"
    with pytest.raises(ConfigError) as error:
        parse_config({**raw, **config}, "test", environ={})
    assert "access: organizers" in str(error.value)


async def test_without_an_organizer_room_the_space_stays_invite_only() -> None:
    config = knock_community()
    del config["space"]["organizer_room"]
    assert parse_config({**BASE, **config}, "test", environ={}).space.knocks is False
    config["space"]["join"] = "invite"
    config["space"]["organizer_room"] = "orga"
    assert parse_config({**BASE, **config}, "test", environ={}).space.knocks is False
