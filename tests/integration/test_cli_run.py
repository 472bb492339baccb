"""`matrixcowork run` as an organizer starts it: real process, real signals, no secrets in logs."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path

import yaml

from matrixcowork.ops.devserver import DevServer
from tests.helpers import Member, unique


async def test_run_answers_commands_and_stops_cleanly_on_sigterm(
    synapse: DevServer, members: dict[str, Member], tmp_path: Path
) -> None:
    anna = members["anna"]
    name, password = unique("procbot"), "pw-" + uuid.uuid4().hex
    synapse.register(name, password)
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "homeserver": synapse.url, "user_id": synapse.user_id(name),
        "data_dir": str(tmp_path / "data"), "admins": [anna.user_id], "language": "en",
        "log_level": "DEBUG",
    }))
    env = {**os.environ, "MATRIXCOWORK_PASSWORD": password}
    log_path = tmp_path / "bot.log"  # a file, not a pipe: a chatty DEBUG log must never block
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "matrixcowork", "run", "-c", str(config),
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=log_file,
        )
    try:
        bot_id = synapse.user_id(name)
        room = await anna.create_room(invite=[bot_id])
        await anna.wait_for(lambda s: getattr(s.event, "state_key", None) == bot_id
                            and getattr(s.event, "membership", None) == "join", timeout=60)
        answer = await anna.ask(room, "!help", timeout=60)
        assert "!help" in answer.body
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
    stderr = log_path.read_text()
    assert process.returncode == 0, stderr[-2000:]
    assert "matrixcowork stopped" in stderr
    assert password not in stderr
    credentials = tmp_path / "data" / "credentials.json"
    token = yaml.safe_load(credentials.read_text())["access_token"]
    assert token not in stderr
    assert credentials.stat().st_mode & 0o077 == 0
    assert (tmp_path / "data").stat().st_mode & 0o077 == 0
