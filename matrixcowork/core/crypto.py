"""End-to-end encryption through matrix-nio and vodozemac: the parts nio leaves to its caller.

Trust policy (the README's "Encryption"): the bot shares its room keys with every device the
homeserver lists for the people in a room and reads what any of them sends (trust on first
use, no verification ceremony); it never blacklists. Sends pass `ignore_unverified_devices`,
which marks new devices "ignored" rather than verified: they still get the keys.

This module knows nio and nothing of the bot: chat.py, loop.py and session.py use it, and so
do the encrypting test members.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from uuid import uuid4

import nio.crypto
from nio import (
    AsyncClient,
    AsyncClientConfig,
    EncryptionError,
    KeysQueryResponse,
    MegolmEvent,
    RoomSendResponse,
)
from nio.api import Api

log = logging.getLogger(__name__)

STORE_DIR = "crypto"
MEGOLM = "m.megolm.v1.aes-sha2"
ENCRYPTION_STATE = {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": MEGOLM}}


def available() -> bool:
    """Whether nio could import vodozemac (the `matrix-nio[e2e]` extra is installed)."""
    return bool(nio.crypto.ENCRYPTION_ENABLED)


def store_dir(data_dir: Path) -> Path:
    """Where the bot's keys live: `data_dir/crypto`, readable by the bot's user only."""
    path = data_dir / STORE_DIR
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def client_config(base: AsyncClientConfig, encrypted: bool) -> AsyncClientConfig:
    """`base` with encryption on or off; the sync token stays ours (the database keeps it)."""
    return dataclasses.replace(base, encryption_enabled=encrypted, store_sync_tokens=False)


async def keep_keys(client: AsyncClient) -> None:
    """After every sync: what nio's `sync_forever` does and a hand-written loop must too.

    Upload our keys when nio says so (first start, one-time keys used up), query the devices
    of people whose device lists changed or who are new in an encrypted room (so the next
    send shares the room key with them), claim one-time keys for wedged sessions and key
    requests, and send the to-device messages nio queued (key shares, dummies, answers).
    Missing Olm sessions for sending are claimed by `share_group_session` itself.
    """
    if not client.olm:
        return
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
    await client.send_to_device_messages()


async def share_room_key(client: AsyncClient, room_id: str) -> None:
    """Make sure every current device in an encrypted room has our room key (as room_send
    does before it encrypts); only needed for what nio's room_send will not encrypt."""
    assert client.olm
    if not client.rooms[room_id].members_synced:
        await client.joined_members(room_id)
    if client.should_query_keys:
        await client.keys_query()
    if not client.olm.should_share_group_session(room_id):
        return
    pending = client.sharing_session.get(room_id)
    if pending is not None:
        await pending.wait()
    else:
        await client.share_group_session(room_id, ignore_unverified_devices=True)


async def send_encrypted(
    client: AsyncClient, room_id: str, event_type: str, content: dict[str, Any], txn: str | None
) -> Any:
    """Encrypt and send an event nio's room_send leaves in clear (`m.reaction`); the relation
    stays readable outside, as the spec asks."""
    await share_room_key(client, room_id)
    encrypted_type, encrypted = client.encrypt(room_id, event_type, content)
    method, path, data = Api.room_send(
        client.access_token, room_id, encrypted_type, encrypted, txn or uuid4()
    )
    # nio has no public call that sends without encrypting again; _send is its transport.
    return await client._send(RoomSendResponse, method, path, data, (room_id,))


def decrypted(client: AsyncClient, room_id: str, events: Iterable[Any]) -> list[Any]:
    """Events fetched outside the sync (relations), with what we can decrypt decrypted."""
    result = []
    for event in events:
        if isinstance(event, MegolmEvent) and client.olm:
            event.room_id = room_id
            with contextlib.suppress(EncryptionError):
                event = client.decrypt_event(event)
        result.append(event)
    return result


async def own_device_has_keys(client: AsyncClient) -> bool:
    """Whether the homeserver still holds our device's identity keys (a signed-out device
    loses them; logging in again under its id gives a device nobody can encrypt to)."""
    assert client.olm
    client.olm.users_for_key_query.add(client.user_id)
    response = await client.keys_query()
    if not isinstance(response, KeysQueryResponse):
        return True  # unknown: keep what we have rather than throw keys away
    payload = response.device_keys.get(client.user_id, {}).get(client.device_id) or {}
    ours = client.olm.account.identity_keys["ed25519"]
    return payload.get("keys", {}).get(f"ed25519:{client.device_id}") == ours

