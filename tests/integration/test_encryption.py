"""Stories of encrypted rooms and direct chats, told by members whose apps encrypt like Element."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    DevicesResponse,
    ReactionEvent,
    RoomMessageNotice,
    RoomPreset,
)

from matrixcowork.core import crypto
from matrixcowork.core.session import CREDENTIALS_FILE
from matrixcowork.ops.devserver import DevServer
from tests.helpers import Bot, EncryptedMember, Member, Seen, make_member, unique

from .checkin_world import ONSITE, REMOTE, World, line_of, nick
from .space_world import provisioned, resolve

DM_PRESET = RoomPreset.trusted_private_chat


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    path = tmp_path / "member-keys"
    path.mkdir()
    return path


@pytest.fixture
async def dora(synapse: DevServer, keys_dir: Path) -> AsyncIterator[EncryptedMember]:
    """A member using an app that encrypts, like Element."""
    member = await make_member(synapse, "dora", encrypted=True, store_dir=keys_dir)
    assert isinstance(member, EncryptedMember)
    yield member
    await member.close()


def joined(room_id: str, user_id: str):
    return lambda s: (s.room_id == room_id and getattr(s.event, "state_key", None) == user_id
                      and getattr(s.event, "membership", None) == "join")


async def encrypted_dm(member: Member, bot: Bot) -> str:
    """A direct chat with the bot, created as Element creates one: encrypted from the start."""
    room = await member.create_room(invite=[bot.user_id], is_direct=True, preset=DM_PRESET,
                                    initial_state=[crypto.ENCRYPTION_STATE])
    await member.wait_for(joined(room, bot.user_id))
    return room


async def assert_readable_answer(member: Member, room: str) -> Seen:
    """`!help` goes out encrypted; the bot's answer comes back encrypted, and reads fine."""
    answer = await member.ask(room, "!help")
    assert isinstance(answer.event, RoomMessageNotice) and answer.event.decrypted
    assert "!help" in answer.body
    return answer


async def bot_devices(bot: Bot) -> list[str]:
    response = await bot.services.client.devices()
    assert isinstance(response, DevicesResponse)
    return [device.id for device in response.devices]


async def sign_out_stored_session(bot: Bot, synapse: DevServer) -> None:
    """What "sign out this session" in another app does: the device and its keys are gone."""
    stored = json.loads((bot.config.data_dir / CREDENTIALS_FILE).read_text())
    client = AsyncClient(synapse.url, config=AsyncClientConfig(encryption_enabled=False))
    client.restore_login(stored["user_id"], stored["device_id"], stored["access_token"])
    await client.logout()
    await client.close()


async def test_help_in_an_encrypted_direct_chat_across_restarts_lost_token_and_sign_out(
    make_bot, dora: EncryptedMember, synapse: DevServer
) -> None:
    bot = make_bot()
    await bot.start()
    device = bot.services.client.device_id
    others = set(await bot_devices(bot)) - {device}  # e.g. the one its account was made with
    assert (bot.config.data_dir / "crypto").stat().st_mode & 0o777 == 0o700
    dm = await encrypted_dm(dora, bot)
    await assert_readable_answer(dora, dm)

    await bot.restart()  # same device, same keys: nothing to verify again
    assert bot.services.client.device_id == device
    await assert_readable_answer(dora, dm)

    await bot.stop()
    path = bot.config.data_dir / CREDENTIALS_FILE
    path.write_text(path.read_text().replace(json.loads(path.read_text())["access_token"],
                                             "syt_revoked"))
    await bot.start()  # the token is refused: log in again into the same device
    assert bot.services.client.device_id == device
    await assert_readable_answer(dora, dm)
    assert set(await bot_devices(bot)) == {device, *others}

    await bot.stop()
    await sign_out_stored_session(bot, synapse)
    await bot.start()  # the device is gone with its keys: a new device with new keys
    new_device = bot.services.client.device_id
    assert new_device != device
    await dora.wait_until_knows(bot.user_id, new_device)
    await assert_readable_answer(dora, dm)
    assert set(await bot_devices(bot)) == {new_device, *others}


async def encrypted_coworking_world(make_bot, dora: EncryptedMember,
                                    members: dict[str, Member]) -> World:
    """The check-in stories' world, with the coworking room encrypted; Dora (encrypting app)
    made it, Ben's app does not encrypt."""
    alias = "cowork" + uuid.uuid4().hex[:8]
    bot = make_bot(rooms=[{"key": "coworking", "name": "Coworking", "alias": alias}],
                   checkin={"room": "coworking"})
    await bot.start()
    ben, cem = members["ben"], members["cem"]
    room = await dora.create_room(
        alias=alias, invite=[bot.user_id, ben.user_id], preset=RoomPreset.private_chat,
        initial_state=[crypto.ENCRYPTION_STATE], power_level_override={"users": {bot.user_id: 50}},
    )
    await ben.join(room)
    for who in (bot.user_id, ben.user_id):
        await dora.wait_for(joined(room, who))
    return World(bot, room, dora, ben, cem)


async def test_encrypted_reactions_to_the_check_in_are_recorded_also_after_a_restart(
    make_bot, dora: EncryptedMember, members: dict[str, Member]
) -> None:
    world = await encrypted_coworking_world(make_bot, dora, members)
    ben = world.ben
    post = await world.post_today()  # Dora can read it: it came encrypted
    bots_reaction = await dora.wait_for(lambda s: isinstance(s.event, ReactionEvent)
                                        and s.event.reacts_to == post)
    assert bots_reaction.event.decrypted  # the bot's own reactions are encrypted too

    mine = await dora.react(world.room, post, ONSITE)
    await ben.react(world.room, post, REMOTE)  # an app that sends reactions in clear
    body = await world.wait_for_post_text(post, has=[nick(dora), nick(ben)])
    assert nick(dora) in line_of(body, ONSITE) and nick(ben) in line_of(body, REMOTE)
    assert next(s for s in dora.seen if getattr(s.event, "event_id", None) == mine).event.decrypted

    await world.bot.stop()
    await dora.react(world.room, post, REMOTE)  # while the bot is down: the latest counts
    await world.bot.start()  # resumes, and re-reads the post's (encrypted) reactions
    await world.wait_for_post_text(post, has=[nick(dora)], lacks=[ONSITE + ": " + nick(dora)])
    assert await world.attendance() == {
        ("2026-12-01", dora.user_id): "remote",
        ("2026-12-01", ben.user_id): "remote",
    }


def bogus_encrypted(member: Member) -> dict[str, str]:
    """An encrypted message whose key nobody ever shared (as from an app that did not know
    the bot's device when it sent)."""
    return {"algorithm": crypto.MEGOLM, "sender_key": "A" * 43, "ciphertext": "AwgAEn" + "B" * 40,
            "session_id": uuid.uuid4().hex, "device_id": member.client.device_id}


async def test_an_undecryptable_message_gets_one_plain_notice_per_room_and_hour(
    make_bot, dora: EncryptedMember, members: dict[str, Member]
) -> None:
    bot = make_bot()
    await bot.start()
    ben = members["ben"]
    room = await dora.create_room(invite=[bot.user_id, ben.user_id], preset=RoomPreset.private_chat,
                                  initial_state=[crypto.ENCRYPTION_STATE])
    await ben.join(room)
    for who in (bot.user_id, ben.user_id):
        await dora.wait_for(joined(room, who))

    async def send_unreadable() -> str:
        response = await ben.client.room_send(room, "m.room.encrypted", bogus_encrypted(ben))
        return response.event_id

    first = await send_unreadable()
    notice = await dora.reply(first)
    assert notice.event.decrypted and "could not read an encrypted message" in notice.body

    second = await send_unreadable()
    await bot.restart()  # the time of the notice is kept: no second one within the hour
    await assert_readable_answer(dora, room)  # the bot has handled everything before
    assert dora.replies(second) == []
    notices = await bot.services.store.fetch_all("SELECT room_id FROM encryption_notices")
    assert [tuple(row) for row in notices] == [(room,)]

    bot.clock.advance(timedelta(hours=1))
    third = await send_unreadable()
    assert "could not read" in (await dora.reply(third)).body


async def test_without_encryption_support_the_bot_says_so_in_the_direct_chat(
    make_bot, dora: EncryptedMember, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "available", lambda: False)  # as if vodozemac were missing
    bot = make_bot()
    await bot.start()
    assert bot.services.client.olm is None
    dm = await encrypted_dm(dora, bot)

    asked = await dora.say(dm, "!help")

    notice = await dora.reply(asked)
    assert isinstance(notice.event, RoomMessageNotice) and not notice.event.decrypted
    assert "encryption support is not installed" in notice.body


async def test_a_room_configured_encrypted_is_created_encrypted_and_the_bot_posts_there(
    make_bot, dora: EncryptedMember, members: dict[str, Member]
) -> None:
    tag = unique("owl")
    bot = make_bot(
        space={"name": "Coworking OWL", "alias": f"{tag}-space"},
        rooms=[{"key": "coworking", "name": "Coworking", "alias": f"{tag}-cowork",
                "encrypted": True}],
        checkin={"room": "coworking"},
    )
    await bot.start()
    assert (await provisioned(bot)).problems == []
    anna, chat = members["anna"], bot.services.chat
    space, room = await resolve(anna, f"{tag}-space"), await resolve(anna, f"{tag}-cowork")
    assert await chat.get_state(room, "m.room.encryption") == {"algorithm": crypto.MEGOLM}
    await anna.join(space)
    await anna.client.room_invite(space, dora.user_id)
    await dora.join(space)
    await dora.join(room)  # members-only: open to the space's members
    await dora.wait_for(joined(room, dora.user_id))

    world = World(bot, room, dora, members["ben"], members["cem"])
    post = await world.post_today()
    seen = next(s for s in dora.seen if getattr(s.event, "event_id", None) == post)
    assert seen.event.decrypted and "check" in seen.body.lower()

    fresh = await chat.create_room(initial_state=[crypto.ENCRYPTION_STATE])
    sent = await chat.send(fresh, "Hallo")  # before any sync told nio of the room
    readback = await bot.services.client.room_get_event(fresh, sent)
    assert readback.event.decrypted  # it went out encrypted
