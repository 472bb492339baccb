"""Stories told by Elke, whose app behaves like Element today: it gives room keys only to
devices their owner cross-signed and shows nothing from any other (MSC4153)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from matrixcowork.core.cross_signing import recover
from matrixcowork.core.session import bootstrap_identity, reset_identity
from matrixcowork.features.checkin import CheckinFeature
from matrixcowork.features.sync import SyncFeature
from matrixcowork.ops.devserver import DevServer
from tests.element_member import ElementMember, ElementSeen
from tests.helpers import Bot, Member, berlin, unique

from .checkin_world import ONSITE, line_of
from .sync_world import YES
from .test_cross_signing import (
    homeserver_wants_the_password,
    master_of,
    published,
    recovery_key_in,
    with_access_token,
)


@pytest.fixture
async def elke(synapse: DevServer, tmp_path: Path) -> AsyncIterator[ElementMember]:
    member = await ElementMember.start(synapse, "elke", tmp_path / "elke.log")
    yield member
    await member.close()


async def direct_chat(elke: ElementMember, bot: Bot) -> str:
    """A direct chat with the bot, as Element creates one: encrypted from the start."""
    room = await elke.create_room(invite=[bot.user_id], is_direct=True)
    await elke.wait_joined(room, bot.user_id)
    return room


async def assert_help_answered(elke: ElementMember, room: str) -> None:
    answer = await elke.ask(room, "!help")
    assert answer.encrypted and answer.decryption_failure is None
    assert answer.shield != 2, f"red shield (reason {answer.shield_reason})"
    assert "!help" in answer.body


async def test_help_in_an_encrypted_direct_chat_and_the_bot_still_trusted_after_a_restart(
    make_bot, elke: ElementMember
) -> None:
    bot: Bot = make_bot()
    await bot.start()
    device = bot.services.client.device_id
    dm = await direct_chat(elke, bot)

    await assert_help_answered(elke, dm)
    trust = await elke.trust(bot.user_id, device)
    assert trust["signed_by_owner"] and not trust["needs_user_approval"]

    await bot.restart()  # same device, same identity: nothing changes for Elke
    await assert_help_answered(elke, dm)
    trust = await elke.trust(bot.user_id, bot.services.client.device_id)
    assert trust["signed_by_owner"] and not trust["needs_user_approval"]


async def settled_from(elke: ElementMember, room: str, sender: str,
                       timeout: float = 30) -> ElementSeen:
    """The first encrypted event from `sender` in the room, once Elke's app has decided about
    it: decrypted, or refused for a reason other than a room key still on its way."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        seen = [e for e in await elke.events(room) if e.sender == sender and e.encrypted]
        if seen and seen[0].decryption_failure != "MEGOLM_UNKNOWN_INBOUND_SESSION_ID":
            return seen[0]
        assert asyncio.get_running_loop().time() < deadline, f"nothing settled: {seen}"
        await asyncio.sleep(0.2)


async def test_elke_shows_nothing_from_an_unsigned_bot_device_until_crypto_bootstrap(
    make_bot, elke: ElementMember, synapse: DevServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The negative control: if Elke's app stopped excluding unsigned devices, the other
    stories would still pass; here the bot's device is left unsigned (an access token, and a
    homeserver that wants the password) and Elke's app must refuse what it sends."""
    bot: Bot = make_bot()
    password = with_access_token(bot, synapse)
    homeserver_wants_the_password(monkeypatch)
    await bot.start()
    device = bot.services.client.device_id
    assert bot.services.client.olm is not None  # it encrypts; only the signature is missing
    dm = await direct_chat(elke, bot)
    await elke.say(dm, "!help")  # Elke's app gives the unsigned device no key for it…
    notice = await settled_from(elke, dm, bot.user_id)  # …so the bot says it cannot read it
    assert notice.decryption_failure == "UNSIGNED_SENDER_DEVICE"
    assert not (await elke.trust(bot.user_id, device))["signed_by_owner"]
    await bot.stop()

    await bootstrap_identity(bot.config, password)  # what `matrixcowork crypto bootstrap` runs
    await bot.start()
    assert bot.services.client.device_id == device
    await assert_help_answered(elke, dm)
    trust = await elke.trust(bot.user_id, device)
    assert trust["signed_by_owner"] and not trust["needs_user_approval"]


async def test_check_in_by_reaction_in_an_encrypted_room_and_the_post_stays_readable(
    make_bot, elke: ElementMember
) -> None:
    alias = unique("cowork")
    bot: Bot = make_bot(rooms=[{"key": "coworking", "name": "Coworking", "alias": alias}],
                        checkin={"room": "coworking"})
    await bot.start()
    room = await elke.create_room(invite=[bot.user_id], alias=alias,
                                  power_users={bot.user_id: 50})
    await elke.wait_joined(room, bot.user_id)
    checkin = next(f for f in bot.app.features if isinstance(f, CheckinFeature))

    post = await checkin.post_today(bot.clock.now())
    assert post is not None
    seen = await elke.wait_event(event_id=post.event_id)
    assert seen.encrypted and seen.readable and "check" in seen.body.lower()

    await elke.react(room, post.event_id, ONSITE)
    me = elke.user_id[1:].split(":")[0]
    edit = await elke.wait_event(relates_to=post.event_id, rel_type="m.replace", contains=me)
    assert edit.encrypted and edit.readable
    assert me in line_of(edit.content["m.new_content"]["body"], ONSITE)
    rows = await bot.services.store.fetch_all("SELECT user_id, mode FROM checkin_attendance")
    assert [tuple(r) for r in rows] == [(elke.user_id, "onsite")]


async def test_a_lost_data_dir_and_the_recovery_key_keep_elke_trusting_the_bot(
    make_bot, elke: ElementMember, capsys: pytest.CaptureFixture[str]
) -> None:
    bot: Bot = make_bot()
    await bot.start()
    recovery_key = recovery_key_in(capsys.readouterr().err)
    dm = await direct_chat(elke, bot)
    await assert_help_answered(elke, dm)
    await bot.stop()

    shutil.rmtree(bot.config.data_dir)  # the disk died, no backup
    await bot.start()  # no recovery key: no new identity, no encryption, and it says why
    asked = await elke.say(dm, "!help")
    notice = await elke.reply(asked)
    assert not notice.encrypted and "recovery key" in notice.body
    await bot.stop()

    bot.config = bot.config.model_copy(update={"recovery_key": SecretStr(recovery_key)})
    await bot.start()  # a new device, signed by the same identity
    device = bot.services.client.device_id
    await assert_help_answered(elke, dm)
    trust = await elke.trust(bot.user_id, device)
    assert trust["signed_by_owner"] and not trust["needs_user_approval"]


async def test_a_reset_identity_on_purpose_is_shown_to_elke_as_an_identity_change(
    make_bot, elke: ElementMember, members: dict[str, Member]
) -> None:
    bot: Bot = make_bot()
    await bot.start()
    dm = await direct_chat(elke, bot)
    await assert_help_answered(elke, dm)
    old_master = master_of(await published(members["anna"], bot.user_id), bot.user_id)
    await bot.stop()

    assert bot.config.password
    new_key = await reset_identity(bot.config, bot.config.password.get_secret_value())
    await bot.start()
    new_master = master_of(await published(members["anna"], bot.user_id), bot.user_id)
    assert new_master != old_master
    # The key shown for the new identity opens it (and not the old one) in secret storage.
    assert (await recover(bot.services.client, new_key)).master_public == new_master
    trust = await elke.trust(bot.user_id, bot.services.client.device_id)
    assert trust["signed_by_owner"] and trust["needs_user_approval"]  # never silent


async def test_an_rsvp_in_an_encrypted_room_is_counted_and_shown(
    make_bot, elke: ElementMember
) -> None:
    alias = unique("sync")
    bot: Bot = make_bot(rooms=[{"key": "sync", "name": "Sync", "alias": alias}],
                        sync={"room": "sync"}, jitsi={"conference_prefix": "owl-sync"})
    bot.clock.set(berlin(2026, 12, 28, 12, 0))
    await bot.start()
    room = await elke.create_room(invite=[bot.user_id], alias=alias,
                                  power_users={bot.user_id: 50})
    await elke.wait_joined(room, bot.user_id)
    sync = next(f for f in bot.app.features if isinstance(f, SyncFeature))

    bot.clock.set(berlin(2026, 12, 29, 18, 0))  # a week ahead: the announcement
    await sync.tick(bot.clock.now())
    announcement = await elke.wait_event(sender=bot.user_id, contains="Monthly sync")
    assert announcement.encrypted and announcement.readable

    await elke.react(room, announcement.event_id, YES)
    me = elke.user_id[1:].split(":")[0]
    edit = await elke.wait_event(relates_to=announcement.event_id, rel_type="m.replace",
                                 contains=f"Coming (1): {me}")
    assert edit.encrypted and edit.readable
