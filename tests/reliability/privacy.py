"""What must stay private: secrets out of every log line, the data dir out of others' reach."""

from __future__ import annotations

import stat
from pathlib import Path


def assert_no_secrets(log: str, secrets: dict[str, str]) -> None:
    """No secret, nor a long piece of it (a cut-off token is still a token), in any line."""
    for name, secret in secrets.items():
        assert len(secret) >= 16, f"the {name} is too short to search for"
        pieces = {secret[i:i + 16] for i in range(0, len(secret) - 15, 4)}
        leaked = [line for line in log.splitlines() if any(p in line for p in pieces)]
        assert leaked == [], f"the {name} is in the log: {leaked[0][:200]}"


def open_to_others(data_dir: Path) -> list[str]:
    """Paths in the data dir (itself included) that its group or others may read, write or
    enter, with their modes."""
    paths = [data_dir, *sorted(data_dir.rglob("*"))]
    return [
        f"{path.relative_to(data_dir.parent)} {stat.filemode(path.stat().st_mode)}"
        for path in paths
        if path.stat().st_mode & 0o077
    ]
