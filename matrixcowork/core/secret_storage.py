"""Secret storage (SSSS, spec "Secret storage"): the bot's cross-signing keys, encrypted on the
homeserver with a recovery key only the organizer keeps.

Pure functions, no I/O: the recovery key's text form (base58 with prefix and parity, as
Element shows it, so the same key also works in Element), the key description clients check a
recovery key against, and `m.secret_storage.v1.aes-hmac-sha2` encryption of one secret.
"""

from __future__ import annotations

import base64
import hmac
import os
import secrets
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from Crypto.Cipher import AES
from Crypto.Hash import SHA256
from Crypto.Protocol.KDF import HKDF

ALGORITHM = "m.secret_storage.v1.aes-hmac-sha2"
DEFAULT_KEY = "m.secret_storage.default_key"
KEY_PREFIX = "m.secret_storage.key."
_RECOVERY_PREFIX = bytes([0x8B, 0x01])
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class BadRecoveryKey(ValueError):
    """The text is not a recovery key, or not the one the secrets were stored with."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, rest = divmod(number, 58)
        digits = _BASE58[rest] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def _base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _BASE58:
            raise BadRecoveryKey("a recovery key has only letters and digits (base58)")
        number = number * 58 + _BASE58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def _parity(data: bytes) -> int:
    result = 0
    for byte in data:
        result ^= byte
    return result


def encode_recovery_key(key: bytes) -> str:
    """The 32-byte key as people write it down: `EsT1 abcd ...` (groups of four)."""
    raw = _RECOVERY_PREFIX + key
    text = _base58_encode(raw + bytes([_parity(raw)]))
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def decode_recovery_key(text: str) -> bytes:
    """The 32-byte key from its written form; spaces and line breaks don't matter."""
    raw = _base58_decode("".join(text.split()))
    if len(raw) != 35 or raw[:2] != _RECOVERY_PREFIX or _parity(raw) != 0:
        raise BadRecoveryKey("this is not a recovery key (wrong length or checksum)")
    return raw[2:34]


def _keys(key: bytes, name: str) -> tuple[bytes, bytes]:
    aes_key, mac_key = HKDF(key, 32, b"\0" * 32, SHA256, num_keys=2, context=name.encode())
    return aes_key, mac_key


def encrypt(key: bytes, name: str, secret: str) -> dict[str, str]:
    """One secret, encrypted for the account data `name` (the name is bound into the keys)."""
    aes_key, mac_key = _keys(key, name)
    iv = bytearray(os.urandom(16))
    iv[8] &= 0x7F  # the spec clears bit 63, so the counter never wraps
    cipher = AES.new(aes_key, AES.MODE_CTR, nonce=b"", initial_value=bytes(iv))
    ciphertext = cipher.encrypt(secret.encode())
    mac = hmac.new(mac_key, ciphertext, sha256).digest()
    return {"iv": _b64(bytes(iv)), "ciphertext": _b64(ciphertext), "mac": _b64(mac)}


def decrypt(key: bytes, name: str, encrypted: dict[str, Any]) -> str:
    """The secret, or BadRecoveryKey if the MAC shows it was stored with another key."""
    aes_key, mac_key = _keys(key, name)
    try:
        ciphertext = _unb64(encrypted["ciphertext"])
        iv, mac = _unb64(encrypted["iv"]), _unb64(encrypted["mac"])
    except (KeyError, TypeError, ValueError):
        raise BadRecoveryKey(f"{name} in secret storage is damaged") from None
    if not hmac.compare_digest(hmac.new(mac_key, ciphertext, sha256).digest(), mac):
        raise BadRecoveryKey("this recovery key does not open the bot's secret storage")
    cipher = AES.new(aes_key, AES.MODE_CTR, nonce=b"", initial_value=iv)
    return cipher.decrypt(ciphertext).decode()


@dataclass(frozen=True)
class StorageKey:
    """A secret-storage key: its id (the account data names it) and its 32 bytes."""

    key_id: str
    key: bytes

    @classmethod
    def generate(cls) -> StorageKey:
        return cls(secrets.token_urlsafe(24), os.urandom(32))

    @property
    def recovery_key(self) -> str:
        return encode_recovery_key(self.key)

    def description(self) -> dict[str, Any]:
        """Account data `m.secret_storage.key.<id>`: lets a client check a typed recovery key
        (the encryption of 32 zero bytes under the empty name)."""
        check = encrypt(self.key, "", "\0" * 32)
        return {"algorithm": ALGORITHM, "name": "matrixcowork", "iv": check["iv"],
                "mac": check["mac"]}

    def matches(self, description: dict[str, Any]) -> bool:
        """Whether this key is the one `description` was made for."""
        if description.get("algorithm") != ALGORITHM or "iv" not in description:
            return False
        aes_key, mac_key = _keys(self.key, "")
        cipher = AES.new(aes_key, AES.MODE_CTR, nonce=b"", initial_value=_unb64(description["iv"]))
        ciphertext = cipher.encrypt(b"\0" * 32)
        mac = hmac.new(mac_key, ciphertext, sha256).digest()
        expected = str(description.get("mac", "")).rstrip("=")
        return hmac.compare_digest(_b64(mac).rstrip("="), expected)
