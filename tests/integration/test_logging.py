"""A real bot at DEBUG: its password and session token never reach the log."""

from __future__ import annotations

import io
import json
import logging

from matrixcowork.core.logs import setup_logging
from matrixcowork.core.session import CREDENTIALS_FILE
from tests.helpers import Member
from tests.integration.test_foundation import room_with_bot


async def test_debug_log_of_login_and_commands_holds_no_secret(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot(log_level="DEBUG")
    password = bot.config.password.get_secret_value()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    try:
        setup_logging("DEBUG", [password])
        root.handlers[0].setStream(buffer)
        await bot.start()
        anna = members["anna"]
        room = await room_with_bot(anna, bot)
        await anna.ask(room, "!botstatus")
        await bot.stop()
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)

    output = buffer.getvalue()
    token = json.loads((bot.config.data_dir / CREDENTIALS_FILE).read_text())["access_token"]
    assert f"logged in as {bot.user_id}" in output
    assert "command from" in output and "!botstatus" in output
    assert password not in output
    assert token not in output
