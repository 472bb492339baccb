"""What the bot keeps on disk between starts: written whole or not at all, bounded in memory."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from matrixcowork.core import cross_signing, session
from matrixcowork.core.cross_signing import Identity
from matrixcowork.core.postedits import SHOWN_KEPT, CoalescedEdits
from matrixcowork.core.session import Credentials

OLD = Credentials("http://hs", "@bot:hs", "OLDDEVICE", "old-token")
NEW = Credentials("http://hs", "@bot:hs", "NEWDEVICE", "new-token")


def test_credentials_are_replaced_whole_and_private(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    session._write(path, OLD)
    session._write(path, NEW)
    assert json.loads(path.read_text())["device_id"] == "NEWDEVICE"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["credentials.json"]


def test_a_crash_while_writing_leaves_the_old_credentials(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "credentials.json"
    session._write(path, OLD)

    def dies(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(session.json, "dump", dies)
    with pytest.raises(OSError):
        session._write(path, NEW)
    assert session._read(path) == OLD  # the next start keeps its device


def test_the_texts_of_old_posts_are_forgotten() -> None:
    edits = CoalescedEdits(chat=None)  # type: ignore[arg-type]
    for n in range(SHOWN_KEPT + 5):
        edits.shown(f"$post{n}", "text")
    edits.shown("$post3", "seen again")  # …which was forgotten, and is remembered anew
    assert len(edits._shown) == SHOWN_KEPT
    assert "$post0" not in edits._shown and edits._shown["$post3"] == "seen again"
    assert next(iter(edits._shown)) == "$post6"


def test_the_cross_signing_keys_are_written_whole_durably_and_private(
    tmp_path: Path, monkeypatch
) -> None:
    old, new = Identity.generate("@bot:hs"), Identity.generate("@bot:hs")
    cross_signing.save(tmp_path, old, False)
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    cross_signing.save(tmp_path, new, True)
    assert synced == ["file", "dir"]  # the data, then the rename
    path = cross_signing.identity_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cross_signing.load(tmp_path, "@bot:hs") == (new, True)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_crash_while_writing_the_cross_signing_keys_leaves_the_old_ones(
    tmp_path: Path, monkeypatch
) -> None:
    old = Identity.generate("@bot:hs")
    cross_signing.save(tmp_path, old, True)

    def dies(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(cross_signing.json, "dump", dies)
    with pytest.raises(OSError):
        cross_signing.save(tmp_path, Identity.generate("@bot:hs"), False)
    monkeypatch.undo()
    assert cross_signing.load(tmp_path, "@bot:hs") == (old, True)
    assert [p.name for p in tmp_path.iterdir()] == [cross_signing.IDENTITY_FILE]
