"""The bot's encryption identity, as any member's app sees it on the homeserver: one master
key for good, every device the bot uses signed by it, and a lost data dir recovered."""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from Crypto.Signature import eddsa
from nio.api import Api
from pydantic import SecretStr

from matrixcowork.core import cross_signing
from matrixcowork.core.session import CREDENTIALS_FILE, bootstrap_identity
from matrixcowork.ops.devserver import DevServer
from tests.helpers import Bot, Member


def _verify(public: str, signature: str, obj: dict[str, Any]) -> bool:
    bare = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    key = eddsa.import_public_key(base64.b64decode(public + "=" * (-len(public) % 4)))
    try:
        eddsa.new(key, "rfc8032").verify(Api.to_canonical_json(bare).encode(),
                                         base64.b64decode(signature + "=" * (-len(signature) % 4)))
    except ValueError:
        return False
    return True


async def published(member: Member, user_id: str) -> dict[str, Any]:
    """What `/keys/query` tells any member's app about the bot."""
    client = member.client
    response = await client.send(
        "POST", "/_matrix/client/v3/keys/query",
        json.dumps({"device_keys": {user_id: []}}),
        {"Authorization": f"Bearer {client.access_token}"})
    return await response.json()


def master_of(keys: dict[str, Any], user_id: str) -> str:
    return next(iter(keys["master_keys"][user_id]["keys"].values()))


def cross_signed(keys: dict[str, Any], user_id: str, device_id: str) -> bool:
    """Whether the device is signed by a self-signing key that the master key signed (what
    Element calls "signed by its owner")."""
    master = master_of(keys, user_id)
    ssk = keys["self_signing_keys"][user_id]
    ssk_public = next(iter(ssk["keys"].values()))
    device = keys["device_keys"][user_id][device_id]
    return (_verify(master, ssk["signatures"][user_id][f"ed25519:{master}"], ssk)
            and _verify(ssk_public, device["signatures"][user_id][f"ed25519:{ssk_public}"],
                        device))


def recovery_key_in(output: str) -> str:
    lines = output.splitlines()
    at = next(i for i, line in enumerate(lines) if "RECOVERY KEY" in line)
    return next(line.strip() for line in lines[at:] if line.startswith("    "))


def with_access_token(bot: Bot, synapse: DevServer) -> str:
    """The bot runs with an access token of a fresh login instead of its password; returns the
    password (which the organizer would type) and leaves the login's device to the bot."""
    assert bot.config.password
    password = bot.config.password.get_secret_value()
    account = synapse.register(bot.user_id[1:].split(":")[0], password)  # a login
    bot.config = bot.config.model_copy(
        update={"password": None, "access_token": SecretStr(account.access_token)})
    return password


def homeserver_wants_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a homeserver without MSC3967 does: even the account's first identity upload needs the
    password. (Synapse 1.163 lets the first upload pass without; the rest of the exchange, and
    the upload with the password, are Synapse's own.)"""
    real = cross_signing.upload_identity

    async def upload(client, identity, password):
        if password is None:
            raise cross_signing.PasswordNeeded("the homeserver asks for the bot's password")
        await real(client, identity, password)

    monkeypatch.setattr(cross_signing, "upload_identity", upload)


async def test_the_bot_cross_signs_its_device_and_keeps_its_identity_for_good(
    make_bot, members: dict[str, Member], capsys: pytest.CaptureFixture[str]
) -> None:
    anna = members["anna"]
    bot: Bot = make_bot()
    await bot.start()
    first_device = bot.services.client.device_id
    keys = await published(anna, bot.user_id)
    master = master_of(keys, bot.user_id)
    assert cross_signed(keys, bot.user_id, first_device)
    stored = bot.config.data_dir / "crypto" / "cross_signing.json"
    assert stored.stat().st_mode & 0o777 == 0o600
    assert "RECOVERY KEY" in capsys.readouterr().err  # shown once, at the first start

    await bot.restart()
    assert master_of(await published(anna, bot.user_id), bot.user_id) == master
    assert "RECOVERY KEY" not in capsys.readouterr().err

    await bot.stop()
    (bot.config.data_dir / CREDENTIALS_FILE).unlink()  # a new login: a new device
    await bot.start()
    second_device = bot.services.client.device_id
    assert second_device != first_device
    keys = await published(anna, bot.user_id)
    assert master_of(keys, bot.user_id) == master
    assert cross_signed(keys, bot.user_id, second_device)
    assert "RECOVERY KEY" not in capsys.readouterr().err


async def test_a_lost_data_dir_keeps_the_identity_only_with_the_recovery_key(
    make_bot, members: dict[str, Member], capsys: pytest.CaptureFixture[str]
) -> None:
    anna = members["anna"]
    bot: Bot = make_bot()
    await bot.start()
    master = master_of(await published(anna, bot.user_id), bot.user_id)
    recovery_key = recovery_key_in(capsys.readouterr().err)
    await bot.stop()

    shutil.rmtree(bot.config.data_dir)  # the disk died; no backup
    await bot.start()
    client = bot.services.client
    assert client.olm is None  # no new identity behind the organizer's back
    assert "MATRIXCOWORK_RECOVERY_KEY" in (client.identity_problem or "")
    assert master_of(await published(anna, bot.user_id), bot.user_id) == master
    await bot.stop()

    bot.config = bot.config.model_copy(update={"recovery_key": SecretStr("EsTx nope")})
    await bot.start()  # a wrong key changes nothing
    assert bot.services.client.olm is None
    assert "recovery key" in (bot.services.client.identity_problem or "")
    await bot.stop()

    bot.config = bot.config.model_copy(update={"recovery_key": SecretStr(recovery_key)})
    await bot.start()
    client = bot.services.client
    assert client.olm is not None and client.identity_problem is None
    keys = await published(anna, bot.user_id)
    assert master_of(keys, bot.user_id) == master
    assert cross_signed(keys, bot.user_id, client.device_id)
    assert "RECOVERY KEY" not in capsys.readouterr().err  # the same key stays valid


def test_reset_identity_without_a_terminal_asks_for_yes_and_changes_nothing(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("homeserver: http://127.0.0.1:9\nuser_id: '@bot:localhost'\n"
                      "password: x\nadmins: ['@anna:localhost']\n")
    result = subprocess.run(
        [sys.executable, "-m", "matrixcowork", "crypto", "reset-identity", "-c", str(config)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--yes" in result.stderr and "Traceback" not in result.stderr


async def test_with_an_access_token_only_the_bot_cross_signs_itself_at_first_start(
    make_bot, members: dict[str, Member], synapse: DevServer
) -> None:
    bot: Bot = make_bot()
    assert bot.config.password
    localpart = bot.user_id[1:].split(":")[0]
    account = synapse.register(localpart, bot.config.password.get_secret_value())  # a login
    bot.config = bot.config.model_copy(
        update={"password": None, "access_token": SecretStr(account.access_token)})
    await bot.start()
    assert bot.services.client.device_id == account.device_id
    keys = await published(members["anna"], bot.user_id)
    assert cross_signed(keys, bot.user_id, account.device_id)


async def test_a_damaged_identity_file_is_never_replaced_by_a_new_identity(
    make_bot, members: dict[str, Member], caplog: pytest.LogCaptureFixture
) -> None:
    anna = members["anna"]
    bot: Bot = make_bot()
    await bot.start()
    master = master_of(await published(anna, bot.user_id), bot.user_id)
    await bot.stop()
    stored = bot.config.data_dir / "crypto" / "cross_signing.json"
    stored.write_text("{not json")
    caplog.set_level(logging.ERROR, logger="matrixcowork.core.session")
    await bot.start()
    client = bot.services.client
    # An error, not "no identity" (which would lock encryption and blame a missing recovery
    # key): the device keeps its keys, the log names the file to repair.
    assert client.olm is not None and client.identity_problem is None
    damaged = [r for r in caplog.records if r.levelno == logging.ERROR
               and "could not cross-sign" in r.getMessage() and str(stored) in r.getMessage()]
    assert damaged and "is damaged" in damaged[0].getMessage()
    assert master_of(await published(anna, bot.user_id), bot.user_id) == master
    assert stored.read_text() == "{not json"  # kept for a repair
    dm = await anna.create_room(invite=[bot.user_id], is_direct=True)
    await anna.wait_for(lambda s: s.room_id == dm
                        and getattr(s.event, "state_key", None) == bot.user_id
                        and getattr(s.event, "membership", None) == "join")
    assert "!help" in (await anna.ask(dm, "!help")).body  # and it runs on


def test_crypto_bootstrap_without_a_terminal_says_so_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("homeserver: http://127.0.0.1:9\nuser_id: '@bot:localhost'\n"
                      "access_token: t\nadmins: ['@anna:localhost']\n"
                      f"data_dir: {tmp_path / 'data'}\n")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MATRIXCOWORK_")}
    result = subprocess.run(
        [sys.executable, "-m", "matrixcowork", "crypto", "bootstrap", "-c", str(config)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, env=environ)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "password" in result.stderr and "terminal" in result.stderr
    assert not (tmp_path / "data").exists()  # nothing done, not even a login


async def test_with_an_access_token_a_homeserver_wanting_the_password_gets_it_from_bootstrap(
    make_bot, members: dict[str, Member], synapse: DevServer, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    anna = members["anna"]
    bot: Bot = make_bot()
    password = with_access_token(bot, synapse)
    homeserver_wants_the_password(monkeypatch)
    caplog.set_level(logging.ERROR, logger="matrixcowork.core.session")
    await bot.start()
    device = bot.services.client.device_id
    assert bot.services.client.olm is not None  # encrypted, but not signed: Element ignores it
    assert "matrixcowork crypto bootstrap" in caplog.text
    assert bot.user_id not in (await published(anna, bot.user_id)).get("master_keys", {})
    await bot.stop()

    outcome = await bootstrap_identity(bot.config, password)  # what the command runs
    assert outcome.signed_device and outcome.recovery_key
    assert outcome.recovery_key == recovery_key_in(capsys.readouterr().err)  # shown once
    keys = await published(anna, bot.user_id)
    assert master_of(keys, bot.user_id) == outcome.identity.master_public
    assert cross_signed(keys, bot.user_id, device)

    await bot.start()  # the same device goes on, signed, and nothing new is made
    assert bot.services.client.device_id == device
    keys = await published(anna, bot.user_id)
    assert master_of(keys, bot.user_id) == outcome.identity.master_public
    assert cross_signed(keys, bot.user_id, device)
    assert "RECOVERY KEY" not in capsys.readouterr().err
