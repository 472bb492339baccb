"""Stories told by Elke, whose app behaves like Element today: it gives room keys only to
devices their owner cross-signed and shows nothing from any other (MSC4153)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from matrixcowork.devserver import DevServer
from tests.element_member import ElementMember
from tests.helpers import Bot


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
