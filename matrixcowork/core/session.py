"""Logging in once and keeping the device: the token and device id live in the data dir.

With encryption the device's keys live next to them (`crypto/`), so after a restart the same
device, with the same keys, goes on; members never have to trust a new one. Every device the
bot uses is cross-signed by the bot's one identity (`cross_signing`), or Element ignores it.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import AsyncClient, LoginResponse, WhoamiResponse

from . import cross_signing, crypto
from .chat import CLIENT_CONFIG
from .config import Config
from .files import write_private

log = logging.getLogger(__name__)
CREDENTIALS_FILE = "credentials.json"


class LoginFailed(Exception):
    """The homeserver did not accept the configured credentials."""


class BotClient(AsyncClient):
    """nio's client, plus why encryption is off although it is installed (a cross-signing
    identity whose keys the bot lacks), so the bot can tell members the real reason."""

    identity_problem: str | None = None


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
    """Atomically and durably: a crash while writing leaves the old file, never an empty one
    (which would make the next start log in as a new device)."""
    write_private(path, lambda fh: json.dump(creds.__dict__, fh))


async def _token_works(client: AsyncClient) -> str | None:
    """The device id the token belongs to, or None if the server no longer accepts it."""
    response = await client.whoami()
    if isinstance(response, WhoamiResponse) and response.user_id == client.user_id:
        return response.device_id
    return None


def _new_client(config: Config, encryption: bool) -> AsyncClient:
    """A client whose crypto store (if encryption is wanted and available) lives in the
    data dir."""
    encrypted = encryption and crypto.available()
    if encryption and not encrypted:
        log.warning("matrix-nio[e2e] is not installed: the bot cannot read encrypted rooms")
    store_path = str(crypto.store_dir(config.data_dir)) if encrypted else ""
    return BotClient(config.homeserver, config.user_id, store_path=store_path,
                     config=crypto.client_config(CLIENT_CONFIG, encrypted))


async def _resume(client: AsyncClient, stored: Credentials) -> bool:
    """Use the stored token if the server still accepts it; the crypto store of its device
    is loaded only then (restore_login loads it)."""
    client.user_id, client.access_token = stored.user_id, stored.access_token
    device_id = await _token_works(client)
    if device_id is None:
        client.access_token = ""
        return False
    client.restore_login(stored.user_id, device_id, stored.access_token)
    return True


async def _login(config: Config, client: AsyncClient, device_id: str | None) -> None:
    """Log in with the access token or the password (into `device_id` if given)."""
    if config.access_token is not None:
        client.access_token = config.access_token.get_secret_value()
        client.user_id = config.user_id
        token_device = await _token_works(client)
        if token_device is None:
            raise LoginFailed(f"the access token is not valid for {config.user_id}")
        client.restore_login(config.user_id, token_device, client.access_token)
        return
    assert config.password is not None
    client.device_id = device_id  # nio logs in to this device if set
    response = await client.login(config.password.get_secret_value(), device_name="matrixcowork")
    if not isinstance(response, LoginResponse):
        raise LoginFailed(f"password login for {config.user_id} failed: {response.message}")


async def _fresh_if_keys_lost(config: Config, client: AsyncClient) -> AsyncClient:
    """After logging in again to the old device: if it was signed out, its keys went with it,
    and members' apps treat it as gone. Then a new device with new keys is the clean way."""
    if client.olm is None or config.password is None or await crypto.own_device_has_keys(client):
        return client
    log.warning("device %s lost its keys (signed out?); starting a new device", client.device_id)
    await client.logout()
    await client.close()
    fresh = _new_client(config, encryption=True)
    try:
        await _login(config, fresh, None)
    except BaseException:
        await fresh.close()
        raise
    return fresh


async def connect(config: Config, encryption: bool = True) -> AsyncClient:
    """A logged-in client whose device is cross-signed by the bot's identity (see `_login_to`).

    If the account's identity exists but its keys are neither here nor recoverable, the bot
    goes on without encryption and says what to do: a device with a new identity would show
    every member a warning, and an unsigned one is ignored by Element anyway."""
    client = await _login_to(config, encryption)
    if client.olm is None:
        return client
    try:
        outcome = await cross_signing.ensure(
            client, crypto.store_dir(config.data_dir), _secret(config.password),
            _secret(config.recovery_key))
    except cross_signing.IdentityLocked as locked:
        log.error("encryption is off: %s", locked)
        await client.close()
        client = await _login_to(config, encryption=False)
        assert isinstance(client, BotClient)
        client.identity_problem = str(locked)
        return client
    except cross_signing.PasswordNeeded:
        log.error("could not cross-sign device %s: the homeserver asks for the bot's password, "
                  "and the bot has only an access token. Stop the bot, run `matrixcowork crypto "
                  "bootstrap -c CONFIG` once (it asks for the password) and start it again; "
                  "until then Element ignores this device", client.device_id)
        return client
    except (cross_signing.CrossSigningError, OSError) as err:
        log.error("could not cross-sign device %s (%s); Element will ignore it until the "
                  "next start succeeds", client.device_id, err)
        return client
    _report(outcome, client)
    return client


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _report(outcome: cross_signing.Outcome, client: AsyncClient) -> None:
    """Log what happened to the identity; a new recovery key is shown once, on stderr only
    (never in the log), for the organizer to keep."""
    identity = outcome.identity.master_public
    if outcome.created:
        log.info("made the cross-signing identity %s for %s", identity, client.user_id)
    if outcome.recovered:
        log.info("recovered the cross-signing identity %s from secret storage", identity)
    if outcome.signed_device:
        log.info("cross-signed device %s", client.device_id)
    if outcome.recovery_key:
        show_recovery_key(outcome.recovery_key)


def show_recovery_key(recovery_key: str) -> None:
    print("\n".join((
        "", "=" * 72,
        "matrixcowork: the bot's RECOVERY KEY (shown only now; keep it safe, e.g. in the",
        "organizers' password manager). If the data dir is ever lost, start the bot with",
        "MATRIXCOWORK_RECOVERY_KEY set to it, so members keep trusting the bot:",
        "", "    " + recovery_key, "", "=" * 72, "")), file=sys.stderr, flush=True)


async def _login_to(config: Config, encryption: bool) -> AsyncClient:
    """A logged-in client; reuses the stored device (and its keys) so restarts don't pile up
    devices and members need not trust a new one. Without `encryption` the keys are left
    alone: for one-shot commands that may run beside the bot (one device's keys must never be
    used by two processes at once)."""
    path = config.data_dir / CREDENTIALS_FILE
    client = _new_client(config, encryption)
    stored = _read(path)
    try:
        if stored and stored.user_id == config.user_id and stored.homeserver == config.homeserver:
            if not await _resume(client, stored):
                log.warning("stored access token was rejected; logging in again")
                await _login(config, client, stored.device_id)
                client = await _fresh_if_keys_lost(config, client)
        else:
            await _login(config, client, None)
    except BaseException:
        await client.close()
        raise
    _write(path, Credentials(config.homeserver, config.user_id, client.device_id,
                             client.access_token))
    log.info("logged in as %s, device %s", config.user_id, client.device_id)
    return client


async def reset_identity(config: Config, password: str | None) -> str:
    """A new cross-signing identity for the bot's account, on purpose; returns the new
    recovery key. Run it while the bot is stopped: it uses the bot's device and keys."""
    client = await _login_to(config, encryption=True)
    try:
        if client.olm is None:
            raise cross_signing.CrossSigningError("encryption support is not installed")
        outcome = await cross_signing.reset(client, crypto.store_dir(config.data_dir), password)
    finally:
        await client.close()
    log.info("made a new cross-signing identity %s", outcome.identity.master_public)
    assert outcome.recovery_key
    return outcome.recovery_key


async def bootstrap_identity(config: Config, password: str | None) -> cross_signing.Outcome:
    """Cross-sign the bot's device once, by hand, with a password typed in: for a bot that runs
    with an access token on a homeserver that wants the password to publish an identity. Uses
    the identity the bot holds (or recovers with the recovery key), makes one only if the
    account has none; run it while the bot is stopped (it uses the bot's device and keys)."""
    client = await _login_to(config, encryption=True)
    try:
        if client.olm is None:
            raise cross_signing.CrossSigningError("encryption support is not installed")
        outcome = await cross_signing.ensure(client, crypto.store_dir(config.data_dir), password,
                                             _secret(config.recovery_key))
    finally:
        await client.close()
    _report(outcome, client)
    return outcome
