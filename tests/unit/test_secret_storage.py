"""The recovery key and secret storage: what the organizer writes down opens what the bot stored."""

from __future__ import annotations

import os

import pytest

from matrixcowork.core import secret_storage as ssss


def test_a_recovery_key_reads_back_with_or_without_its_spaces() -> None:
    key = os.urandom(32)
    text = ssss.encode_recovery_key(key)
    assert text.startswith("Es") and all(len(group) == 4 for group in text.split()[:-1])
    assert ssss.decode_recovery_key(text) == key
    assert ssss.decode_recovery_key(text.replace(" ", "") + "\n") == key


@pytest.mark.parametrize("bad", ["", "EsT0 abcd", "hello world", "0OIl"])
def test_what_is_not_a_recovery_key_is_refused(bad: str) -> None:
    with pytest.raises(ssss.BadRecoveryKey):
        ssss.decode_recovery_key(bad)


def test_a_typo_in_the_recovery_key_is_caught_by_its_checksum() -> None:
    # A fixed key: with a random one, a typo keeps the one-byte parity in 1 of 256 runs.
    text = ssss.encode_recovery_key(bytes(range(32))).replace(" ", "")
    typo = text[:10] + ("2" if text[10] != "2" else "3") + text[11:]
    with pytest.raises(ssss.BadRecoveryKey):
        ssss.decode_recovery_key(typo)


def test_a_secret_opens_with_its_key_and_name_only() -> None:
    key = ssss.StorageKey.generate()
    stored = ssss.encrypt(key.key, "m.cross_signing.master", "seed-in-base64")
    assert ssss.decrypt(key.key, "m.cross_signing.master", stored) == "seed-in-base64"
    with pytest.raises(ssss.BadRecoveryKey):
        ssss.decrypt(os.urandom(32), "m.cross_signing.master", stored)
    with pytest.raises(ssss.BadRecoveryKey):
        ssss.decrypt(key.key, "m.cross_signing.self_signing", stored)


def test_the_key_description_recognises_its_own_key() -> None:
    key, other = ssss.StorageKey.generate(), ssss.StorageKey.generate()
    assert key.matches(key.description())
    assert not other.matches(key.description())
