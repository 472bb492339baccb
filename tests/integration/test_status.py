"""Stories for operating the bot: `!botstatus`, `/healthz` and `matrixcowork health`."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
from pathlib import Path

import aiohttp
import yaml

from matrixcowork import __version__
from matrixcowork.core.config import Config
from matrixcowork.core.store import Store
from matrixcowork.features.checkin.daily import JOB_ID
from matrixcowork.ops.devserver import free_port
from matrixcowork.ops.health import DB_FILE
from tests.helpers import Bot, Member, berlin, unique
from tests.integration.test_foundation import room_with_bot

REPO = Path(__file__).resolve().parents[2]


async def test_organizer_sees_version_uptime_last_sync_rooms_and_next_steps(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot(rooms=[{"key": "coworking", "name": "Coworking", "alias": unique("cowork")}],
                   checkin={"room": "coworking", "time": "09:30"})
    await bot.start()  # Tuesday 08:59: today's check-in post comes at 09:30
    anna = members["anna"]
    room = await room_with_bot(anna, bot)

    answer = await anna.ask(room, "!botstatus")

    assert f"matrixcowork {__version__}" in answer.body
    assert re.search(r"Uptime: \d+ seconds?\b", answer.body), answer.body
    assert re.search(r"Last sync: \d+ seconds? ago", answer.body), answer.body
    assert "Rooms I am in: 1" in answer.body
    when = bot.services.i18n.datetime(berlin(2026, 12, 1, 9, 30))
    assert f"- check-in post, {when}" in answer.body
    assert JOB_ID not in answer.body  # people read what it is, not the internal id
    assert answer.reply_to is not None


async def test_status_in_german_says_when_nothing_is_planned(
    make_bot, members: dict[str, Member]
) -> None:
    bot = make_bot(language="de")
    await bot.start()
    anna = members["anna"]
    room = await room_with_bot(anna, bot)

    answer = await anna.ask(room, "!botstatus")

    assert "Laufzeit:" in answer.body
    assert re.search(r"Letzte Synchronisierung: vor \d+ Sekunden?", answer.body), answer.body
    assert "Keine geplanten Schritte." in answer.body


async def test_member_is_refused_status(bot: Bot, members: dict[str, Member]) -> None:
    anna, ben = members["anna"], members["ben"]
    room = await room_with_bot(anna, bot, ben)

    answer = await ben.ask(room, "!botstatus")

    assert answer.body == "Only organizers can do that."


async def get_json(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def test_healthz_answers_200_while_the_bot_syncs(make_bot) -> None:
    port = free_port()
    bot = make_bot(web={"enabled": True, "port": port})
    await bot.start()

    status, body = await get_json(f"http://127.0.0.1:{port}/healthz")

    assert status == 200
    assert body["status"] == "ok"
    assert 0 <= body["last_sync_age_seconds"] < 120

    await bot.stop()
    try:
        await get_json(f"http://127.0.0.1:{port}/healthz")
    except aiohttp.ClientConnectionError:
        pass
    else:
        raise AssertionError("the web server still answers after the bot stopped")


def write_config(config: Config, path: Path) -> Path:
    """The config a monitoring job would read for this bot: no password in it."""
    raw = {
        "homeserver": config.homeserver,
        "user_id": config.user_id,
        "data_dir": str(config.data_dir),
        "admins": list(config.admins),
    }
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


async def run_health(config_file: Path, *args: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATRIXCOWORK_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "matrixcowork", "health", "-c", str(config_file), *args,
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert err == b"", err
    return process.returncode, out.decode()


async def set_last_sync(config: Config, value: int) -> None:
    store = await Store.open(config.data_dir / DB_FILE)
    try:
        await store.set_value("last_sync", str(value))
    finally:
        await store.close()


async def test_health_command_reads_the_last_sync_from_the_database(
    bot: Bot, tmp_path: Path
) -> None:
    config_file = write_config(bot.config, tmp_path / "config.yaml")

    code, out = await run_health(config_file)
    assert (code, out.count("\n")) == (0, 1), out
    assert out.startswith("ok: last sync ")

    await bot.stop()
    await set_last_sync(bot.config, int(time.time()) - 600)
    code, out = await run_health(config_file)
    assert code == 1
    assert re.fullmatch(r"unhealthy: last sync 60\d s ago \(limit 120 s\)\n", out), out

    code, out = await run_health(config_file, "--max-age", "900")
    assert code == 0, out


async def test_health_command_fails_without_a_recorded_sync(
    make_bot, tmp_path: Path
) -> None:
    bot = make_bot()
    config_file = write_config(bot.config, tmp_path / "config.yaml")

    code, out = await run_health(config_file)
    assert code == 1
    assert out.startswith("unhealthy: no database at ") and out.count("\n") == 1

    store = await Store.open(bot.config.data_dir / DB_FILE)
    await store.close()
    code, out = await run_health(config_file)
    assert (code, out) == (1, "unhealthy: no sync recorded yet\n")


async def test_health_command_exit_code_is_1_on_a_bad_config(tmp_path: Path) -> None:
    config_file = tmp_path / "config.yaml"
    config_file.write_text(json.dumps({"homeserver": "nope"}))

    code, out = await run_health(config_file)

    assert code == 1
    assert out.startswith("unhealthy: config error: ")
