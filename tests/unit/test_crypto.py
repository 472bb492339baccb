"""Encryption plumbing without a homeserver: key store, client config, notice throttling."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from nio import AsyncClient

from matrixcowork.core import crypto
from matrixcowork.core.chat import CLIENT_CONFIG
from matrixcowork.core.store import Store
from matrixcowork.features.encryption import (
    MIGRATIONS,
    last_notice,
    notice_due,
    record_notice,
)

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_a_notice_at_most_once_an_hour() -> None:
    assert notice_due(None, NOON)
    assert not notice_due(NOON, NOON + timedelta(minutes=59, seconds=59))
    assert notice_due(NOON, NOON + timedelta(hours=1))
    assert not notice_due(NOON, NOON - timedelta(minutes=5))  # a clock set back: stay quiet


async def test_the_last_notice_per_room_is_kept_in_the_store(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        await store.migrate("encryption", MIGRATIONS)
        assert await last_notice(store, "!a:x") is None
        await record_notice(store, "!a:x", NOON)
        await record_notice(store, "!a:x", NOON + timedelta(hours=2))
        assert await last_notice(store, "!a:x") == NOON + timedelta(hours=2)
        assert await last_notice(store, "!b:x") is None
    finally:
        await store.close()


def test_the_key_store_is_private_even_if_it_existed(tmp_path: Path) -> None:
    (tmp_path / crypto.STORE_DIR).mkdir(mode=0o755)
    path = crypto.store_dir(tmp_path)
    assert path == tmp_path / "crypto"
    assert os.stat(path).st_mode & 0o777 == 0o700


def test_client_config_switches_encryption_and_keeps_the_retry_policy() -> None:
    on = crypto.client_config(CLIENT_CONFIG, True)
    off = crypto.client_config(CLIENT_CONFIG, False)
    assert on.encryption_enabled and not off.encryption_enabled
    assert not on.store_sync_tokens  # the database keeps the sync token, after the batch
    assert on.max_limit_exceeded is None and on.request_timeout == CLIENT_CONFIG.request_timeout


def test_encryption_is_available_from_the_wheels() -> None:
    """`matrix-nio[e2e]` brings vodozemac as a wheel: no libolm needed."""
    import vodozemac  # noqa: F401

    assert crypto.available()


async def test_a_restored_client_loads_its_keys_from_the_data_dir(tmp_path: Path) -> None:
    """Same store, same device: the same identity keys after a restart."""
    def client() -> AsyncClient:
        made = AsyncClient("http://localhost:1", "@bot:example.org",
                           store_path=str(crypto.store_dir(tmp_path)),
                           config=crypto.client_config(CLIENT_CONFIG, True))
        made.restore_login("@bot:example.org", "DEVICE", "token")
        return made

    first = client()
    keys = first.olm.account.identity_keys
    await first.close()
    second = client()
    assert second.olm.account.identity_keys == keys
    await second.close()
