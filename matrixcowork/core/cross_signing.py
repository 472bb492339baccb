"""The bot cross-signs its own device, because Element shows nothing from a device its owner
has not signed (MSC4153, since April 2026), and keeps that identity for good.

The identity is a master key and the self- and user-signing keys it signs (Ed25519). Their
private seeds live in `crypto/cross_signing.json` in the data dir (0600) and, encrypted with a
recovery key, in the account's secret storage, so a bot whose data dir is lost gets the same
identity back instead of a new one (which would show every member an identity-change warning).
A new identity is made only when the account has none, or on purpose (`reset`).

matrix-nio 0.26 has no cross-signing; the few requests are made here by hand. Why not the
fork mindroom-nio (no secret storage, no recovery key, a new identity when its file is
lost): see the README, "Encryption".
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa
from nio import AsyncClient
from nio.api import Api

from . import secret_storage as ssss
from .files import write_private

log = logging.getLogger(__name__)

IDENTITY_FILE = "cross_signing.json"
SECRETS = {"master": "m.cross_signing.master", "self_signing": "m.cross_signing.self_signing",
           "user_signing": "m.cross_signing.user_signing"}


class CrossSigningError(Exception):
    """The homeserver refused or failed a cross-signing request."""


class IdentityLocked(Exception):
    """The account has a cross-signing identity whose private keys the bot does not have."""


class PasswordNeeded(Exception):
    """The homeserver wants the password (user-interactive auth) and none is configured."""


def _unpadded(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _public(seed: bytes) -> str:
    return _unpadded(ECC.construct(curve="Ed25519", seed=seed).public_key()
                     .export_key(format="raw"))


def sign(seed: bytes, obj: dict[str, Any]) -> str:
    """Ed25519 over canonical JSON without `signatures` and `unsigned` (spec "Signing JSON")."""
    bare = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    message = Api.to_canonical_json(bare).encode("utf-8")
    key = ECC.construct(curve="Ed25519", seed=seed)
    return _unpadded(eddsa.new(key, "rfc8032").sign(message))


@dataclass(frozen=True)
class Identity:
    """The three private seeds of one account's cross-signing identity."""

    user_id: str
    master: bytes
    self_signing: bytes
    user_signing: bytes

    @classmethod
    def generate(cls, user_id: str) -> Identity:
        return cls(user_id, os.urandom(32), os.urandom(32), os.urandom(32))

    @property
    def master_public(self) -> str:
        return _public(self.master)

    @property
    def self_signing_public(self) -> str:
        return _public(self.self_signing)

    def _key(self, usage: str, seed: bytes) -> dict[str, Any]:
        public = _public(seed)
        key: dict[str, Any] = {"user_id": self.user_id, "usage": [usage],
                               "keys": {f"ed25519:{public}": public}}
        if usage != "master":
            key["signatures"] = {self.user_id: {f"ed25519:{self.master_public}":
                                                sign(self.master, key)}}
        return key

    def upload_body(self) -> dict[str, Any]:
        """The body of `/keys/device_signing/upload` (without auth)."""
        return {"master_key": self._key("master", self.master),
                "self_signing_key": self._key("self_signing", self.self_signing),
                "user_signing_key": self._key("user_signing", self.user_signing)}

    def signed_device(self, device_keys: dict[str, Any]) -> dict[str, Any]:
        """The device's keys with our self-signing signature, for `/keys/signatures/upload`."""
        bare = {k: v for k, v in device_keys.items() if k not in ("signatures", "unsigned")}
        bare["signatures"] = {self.user_id: {f"ed25519:{self.self_signing_public}":
                                             sign(self.self_signing, device_keys)}}
        return bare

    def seeds(self) -> dict[str, str]:
        return {"master": _unpadded(self.master), "self_signing": _unpadded(self.self_signing),
                "user_signing": _unpadded(self.user_signing)}

    @classmethod
    def from_seeds(cls, user_id: str, seeds: dict[str, str]) -> Identity:
        return cls(user_id, _unb64(seeds["master"]), _unb64(seeds["self_signing"]),
                   _unb64(seeds["user_signing"]))


def identity_path(crypto_dir: Path) -> Path:
    return crypto_dir / IDENTITY_FILE


def load(crypto_dir: Path, user_id: str) -> tuple[Identity, bool] | None:
    """The stored identity and whether it is already in secret storage; None if there is none.
    A damaged file is an error, not "none": guessing would make a new identity."""
    path = identity_path(crypto_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("user_id") != user_id:
            return None
        return Identity.from_seeds(user_id, data["seeds"]), bool(data.get("in_secret_storage"))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise CrossSigningError(f"{path} is damaged: restore it from a backup, or move it away "
                                "and start with MATRIXCOWORK_RECOVERY_KEY") from None


def save(crypto_dir: Path, identity: Identity, in_secret_storage: bool) -> None:
    """Atomically and durably (0600, fsync, rename, fsync of the dir), like the credentials:
    these are the only copy of the private keys until secret storage has them."""
    data = {"user_id": identity.user_id, "seeds": identity.seeds(),
            "in_secret_storage": in_secret_storage}
    write_private(identity_path(crypto_dir), lambda fh: json.dump(data, fh))


async def _call(client: AsyncClient, method: str, path: str,
                body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {client.access_token}"}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body)
    response = await client.send(method, path, data, headers)
    try:
        parsed = await response.json(content_type=None)
    except ValueError:
        parsed = {}
    return response.status, parsed if isinstance(parsed, dict) else {}


def _account_data_path(user_id: str, kind: str) -> str:
    return f"/_matrix/client/v3/user/{quote(user_id, safe='')}/account_data/{quote(kind)}"


async def get_account_data(client: AsyncClient, kind: str) -> dict[str, Any] | None:
    status, data = await _call(client, "GET", _account_data_path(client.user_id, kind))
    if status == 404:
        return None
    if status != 200:
        raise CrossSigningError(f"reading account data {kind}: HTTP {status} {data.get('errcode')}")
    return data


async def put_account_data(client: AsyncClient, kind: str, content: dict[str, Any]) -> None:
    status, data = await _call(client, "PUT", _account_data_path(client.user_id, kind), content)
    if status != 200:
        raise CrossSigningError(f"writing account data {kind}: HTTP {status} {data.get('errcode')}")


@dataclass(frozen=True)
class ServerView:
    """What the homeserver publishes about our identity and this device."""

    master_public: str | None
    device_keys: dict[str, Any] | None


async def server_view(client: AsyncClient) -> ServerView:
    status, data = await _call(client, "POST", "/_matrix/client/v3/keys/query",
                               {"device_keys": {client.user_id: [client.device_id]}})
    if status != 200:
        raise CrossSigningError(f"keys/query: HTTP {status} {data.get('errcode')}")
    master = data.get("master_keys", {}).get(client.user_id)
    public = next(iter(master["keys"].values())) if master else None
    device = data.get("device_keys", {}).get(client.user_id, {}).get(client.device_id)
    return ServerView(public, device)


async def upload_identity(client: AsyncClient, identity: Identity, password: str | None) -> None:
    """Publish the public keys. The first upload of an account needs no password (spec); a
    replacement needs user-interactive auth with it."""
    path = "/_matrix/client/v3/keys/device_signing/upload"
    body = identity.upload_body()
    status, data = await _call(client, "POST", path, body)
    if status == 401 and "flows" in data:
        if password is None:
            raise PasswordNeeded("the homeserver asks for the bot's password")
        body["auth"] = {"type": "m.login.password", "session": data.get("session"),
                        "identifier": {"type": "m.id.user", "user": client.user_id},
                        "password": password}
        status, data = await _call(client, "POST", path, body)
    if status == 401:
        raise CrossSigningError("the homeserver did not accept the password for cross-signing")
    if status != 200:
        raise CrossSigningError(f"keys/device_signing/upload: HTTP {status} {data.get('errcode')}")


def own_device_keys(client: AsyncClient) -> dict[str, Any]:
    """This device's key object exactly as nio uploads it (`Olm.share_keys`)."""
    assert client.olm
    keys = client.olm.account.identity_keys
    return {"algorithms": list(client.olm._algorithms), "device_id": client.device_id,
            "user_id": client.user_id,
            "keys": {f"curve25519:{client.device_id}": keys["curve25519"],
                     f"ed25519:{client.device_id}": keys["ed25519"]}}


def _signed_by(device_keys: dict[str, Any] | None, identity: Identity) -> bool:
    signatures = (device_keys or {}).get("signatures", {}).get(identity.user_id, {})
    return f"ed25519:{identity.self_signing_public}" in signatures


async def sign_device(client: AsyncClient, identity: Identity) -> None:
    """Sign this device with the self-signing key (its keys must be on the server first)."""
    if client.should_upload_keys:
        await client.keys_upload()
    body = {client.user_id: {client.device_id: identity.signed_device(own_device_keys(client))}}
    status, data = await _call(client, "POST", "/_matrix/client/v3/keys/signatures/upload", body)
    if status != 200 or data.get("failures"):
        raise CrossSigningError(f"keys/signatures/upload: HTTP {status} {data.get('failures')}")


async def store_in_secret_storage(client: AsyncClient, identity: Identity) -> str:
    """A new secret-storage key made the default, the seeds stored under it; the recovery key
    (its written form) is returned, to be shown once and kept by the organizer."""
    key = ssss.StorageKey.generate()
    await put_account_data(client, ssss.KEY_PREFIX + key.key_id, key.description())
    for field, name in SECRETS.items():
        encrypted = ssss.encrypt(key.key, name, identity.seeds()[field])
        await put_account_data(client, name, {"encrypted": {key.key_id: encrypted}})
    await put_account_data(client, ssss.DEFAULT_KEY, {"key": key.key_id})
    return key.recovery_key


async def recover(client: AsyncClient, recovery_key: str) -> Identity:
    """The identity from secret storage, opened with the recovery key."""
    key_bytes = ssss.decode_recovery_key(recovery_key)
    default = await get_account_data(client, ssss.DEFAULT_KEY)
    if not default or "key" not in default:
        raise ssss.BadRecoveryKey("the account has no secret storage to recover from")
    key = ssss.StorageKey(default["key"], key_bytes)
    description = await get_account_data(client, ssss.KEY_PREFIX + key.key_id) or {}
    if not key.matches(description):
        raise ssss.BadRecoveryKey("this recovery key does not open the bot's secret storage")
    seeds = {}
    for field, name in SECRETS.items():
        stored = await get_account_data(client, name) or {}
        encrypted = stored.get("encrypted", {}).get(key.key_id)
        if encrypted is None:
            raise ssss.BadRecoveryKey(f"{name} is not in the bot's secret storage")
        seeds[field] = ssss.decrypt(key.key, name, encrypted)
    return Identity.from_seeds(client.user_id, seeds)


@dataclass(frozen=True)
class Outcome:
    """What `ensure` did; `recovery_key` is set only when a new one was made now."""

    identity: Identity
    created: bool = False
    recovered: bool = False
    signed_device: bool = False
    recovery_key: str | None = None


LOCKED_HELP = (
    "the account {user} already has a cross-signing identity, but its private keys are not in "
    "{path}. Set MATRIXCOWORK_RECOVERY_KEY to the recovery key shown when the identity was made "
    "and start the bot again; or, if that key is lost, run `matrixcowork crypto reset-identity` "
    "(members will see that the bot's identity changed). Until then the bot runs without "
    "encryption."
)


async def ensure(client: AsyncClient, crypto_dir: Path, password: str | None,
                 recovery_key: str | None) -> Outcome:
    """Make sure this device is signed by the account's identity, whose keys we hold.

    Uses the stored identity if the server publishes the same master key; recovers it with
    the recovery key if the data dir lost it; makes one only if the account has none. Raises
    IdentityLocked when the keys are on the server but not here and no recovery key works.
    """
    view = await server_view(client)
    stored = load(crypto_dir, client.user_id)
    identity, in_storage = stored if stored else (None, False)
    created = recovered = False
    if identity is not None and view.master_public not in (None, identity.master_public):
        log.warning("the homeserver publishes another master key than %s holds: the identity "
                    "was reset elsewhere", identity_path(crypto_dir))
        identity = None
    if identity is None and view.master_public is None:
        identity, in_storage, created = Identity.generate(client.user_id), False, True
        save(crypto_dir, identity, in_storage)  # before the upload: never a key we lost
    if identity is None:
        if not recovery_key:
            raise IdentityLocked(LOCKED_HELP.format(user=client.user_id,
                                                    path=identity_path(crypto_dir)))
        try:
            identity = await recover(client, recovery_key)
        except ssss.BadRecoveryKey as err:
            raise IdentityLocked(f"MATRIXCOWORK_RECOVERY_KEY: {err}. " + LOCKED_HELP.format(
                user=client.user_id, path=identity_path(crypto_dir))) from None
        if identity.master_public != view.master_public:
            raise IdentityLocked("the identity in secret storage is not the one the homeserver "
                                 "publishes. " + LOCKED_HELP.format(
                                     user=client.user_id, path=identity_path(crypto_dir)))
        in_storage, recovered = True, True
        save(crypto_dir, identity, in_storage)
    if view.master_public is None:
        await upload_identity(client, identity, password)
    new_recovery_key = None
    if not in_storage:
        new_recovery_key = await store_in_secret_storage(client, identity)
        save(crypto_dir, identity, True)
    signed = False
    if created or recovered or not _signed_by(view.device_keys, identity):
        await sign_device(client, identity)
        signed = True
    return Outcome(identity, created, recovered, signed, new_recovery_key)


async def reset(client: AsyncClient, crypto_dir: Path, password: str | None) -> Outcome:
    """A new identity on purpose (the old keys and recovery key are lost): members' apps will
    show that the bot's identity changed."""
    identity = Identity.generate(client.user_id)
    await upload_identity(client, identity, password)
    save(crypto_dir, identity, False)
    await sign_device(client, identity)
    recovery_key = await store_in_secret_storage(client, identity)
    save(crypto_dir, identity, True)
    return Outcome(identity, created=True, signed_device=True, recovery_key=recovery_key)
