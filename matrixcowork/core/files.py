"""Private files the bot must never lose half-written: the login (`credentials.json`) and the
cross-signing private keys (`crypto/cross_signing.json`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def write_private(path: Path, write: Callable[[TextIO], None]) -> None:
    """Replace `path` atomically and durably, readable by the bot's user only (0600).

    `write` fills a temporary file next to it, which is flushed to disk and renamed over
    `path`; the directory is synced too, so after a crash or power loss the file is either the
    old one or the new one, never empty or missing."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(partial, 0o600)  # O_CREAT's mode is ignored for a file that already existed
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    _sync_dir(path.parent)


def _sync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX: the directory entry is data of the directory)."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
