"""Logging in once and keeping the device: the token and device id live in the data dir."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from nio import AsyncClient, LoginResponse, WhoamiResponse

from .chat import CLIENT_CONFIG
from .config import Config

log = logging.getLogger(__name__)
CREDENTIALS_FILE = "credentials.json"


class LoginFailed(Exception):
    """The homeserver did not accept the configured credentials."""


@dataclass(frozen=True)
class Credentials:
    homeserver: str
    user_id: str
    device_id: str
    access_token: str

    def __repr__(self) -> str:  # never let the token reach a log line
        return f"Credentials(user_id={self.user_id!r}, device_id={self.device_id!r})"


def _read(path: Path) -> Credentials | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Credentials(**data)
    except (OSError, ValueError, TypeError):
        return None


def _write(path: Path, creds: Credentials) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(creds.__dict__, fh)
    os.chmod(path, 0o600)


async def _token_works(client: AsyncClient) -> str | None:
    """The device id the token belongs to, or None if the server no longer accepts it."""
    response = await client.whoami()
    if isinstance(response, WhoamiResponse) and response.user_id == client.user_id:
        return response.device_id
    return None


async def connect(config: Config) -> AsyncClient:
    """A logged-in client; reuses the stored device so restarts don't pile up devices."""
    data_dir = config.data_dir
    path = data_dir / CREDENTIALS_FILE
    client = AsyncClient(config.homeserver, config.user_id, config=CLIENT_CONFIG)
    stored = _read(path)
    previous_device = None
    if stored and stored.user_id == config.user_id and stored.homeserver == config.homeserver:
        client.restore_login(stored.user_id, stored.device_id, stored.access_token)
        if await _token_works(client):
            log.info("logged in as %s with stored device %s", stored.user_id, stored.device_id)
            return client
        log.warning("stored access token was rejected; logging in again")
        previous_device = stored.device_id
        client.access_token = ""

    if config.access_token is not None:
        client.access_token = config.access_token.get_secret_value()
        client.user_id = config.user_id
        device_id = await _token_works(client)
        if device_id is None:
            await client.close()
            raise LoginFailed(f"the access token is not valid for {config.user_id}")
        client.restore_login(config.user_id, device_id, client.access_token)
    elif config.password is not None:
        if previous_device:
            client.device_id = previous_device  # nio logs in to this device if set
        response = await client.login(
            config.password.get_secret_value(), device_name="matrixcowork"
        )
        if not isinstance(response, LoginResponse):
            await client.close()
            raise LoginFailed(f"password login for {config.user_id} failed: {response.message}")
    _write(path, Credentials(config.homeserver, config.user_id, client.device_id,
                             client.access_token))
    log.info("logged in as %s, device %s", config.user_id, client.device_id)
    return client
