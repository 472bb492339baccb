"""The README's deployment steps against a Synapse started from docker/homeserver.example.yaml.

Docker cannot run here, so Synapse from the test extras stands in for the container: the
shipped config is used as it is, except that `/data/` points to a temporary folder and the
listener to 127.0.0.1 and a free port. Then the operator's steps from the README: register an
admin and the bot with `register_new_matrix_user -c <config>`, lift the bot's rate limit with
the admin API, start the bot from config.example.yaml with the compose file's environment.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from matrixcowork.app import App
from matrixcowork.core.config import load_config
from matrixcowork.ops.devserver import DevServer, free_port
from matrixcowork.ops.health import Health, stored_sync_age

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docker" / "homeserver.example.yaml"
REGISTER = Path(sys.executable).with_name("register_new_matrix_user")
BOT, ADMIN = "cowork-bot", "anna.orga"  # the accounts config.example.yaml names


class ShippedSynapse(DevServer):
    """A Synapse run from the compose file's homeserver config."""

    def prepare(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        text = EXAMPLE.read_text().replace("/data/", f"{self.directory}/")
        config = yaml.safe_load(text)
        config["listeners"][0].update(port=self.port, bind_addresses=["127.0.0.1"])
        self.config_path.write_text(yaml.safe_dump(config))


def call(url: str, method: str = "GET", body: Any = None, token: str | None = None) -> Any:
    request = urllib.request.Request(url, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def register(server: ShippedSynapse, user: str, password: str, admin: bool) -> None:
    subprocess.run(
        [str(REGISTER), "-c", str(server.config_path), "-u", user, "-p", password,
         "--admin" if admin else "--no-admin", server.url],
        check=True, capture_output=True, timeout=60,
    )


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory):
    server = ShippedSynapse(tmp_path_factory.mktemp("shipped-synapse"), port=free_port())
    server.start()
    yield server
    server.stop()


def test_synapse_generates_its_secrets_into_the_data_dir(shipped: ShippedSynapse) -> None:
    for name in ("signing.key", "registration_shared_secret", "homeserver.db"):
        assert (shipped.directory / name).is_file(), name
    assert "registration_shared_secret:" not in EXAMPLE.read_text()


async def test_admin_steps_then_the_bot_runs_without_rate_limits(
    shipped: ShippedSynapse, tmp_path: Path
) -> None:
    register(shipped, ADMIN, "admin-secret-1", admin=True)
    register(shipped, BOT, "bot-secret-1", admin=False)
    server_name = yaml.safe_load(EXAMPLE.read_text())["server_name"]
    bot_id = f"@{BOT}:{server_name}"
    login = call(f"{shipped.url}/_matrix/client/v3/login", "POST", {
        "type": "m.login.password", "identifier": {"type": "m.id.user", "user": ADMIN},
        "password": "admin-secret-1"})
    limit = f"{shipped.url}/_synapse/admin/v1/users/{bot_id}/override_ratelimit"
    call(limit, "POST", {"messages_per_second": 0, "burst_count": 0}, login["access_token"])
    assert call(limit, token=login["access_token"]) == {
        "messages_per_second": 0, "burst_count": 0}

    env = {"MATRIXCOWORK_HOMESERVER": shipped.url, "MATRIXCOWORK_PASSWORD": "bot-secret-1",
           "MATRIXCOWORK_DATA_DIR": str(tmp_path / "data")}
    config = load_config(REPO / "config.example.yaml", environ=env)
    assert config.user_id == bot_id
    app = App(config, features=[])
    await app.start()
    try:
        assert Health(await stored_sync_age(app.services.store)).ok
        chat = app.services.chat
        room = await chat.create_room(name="Rate limit check")
        started = time.monotonic()
        # Synapse's default allows a burst of 10, then one message per 5 s
        await asyncio.gather(*(chat.send(room, f"message {n}") for n in range(15)))
        assert time.monotonic() - started < 5
    finally:
        await app.stop()
