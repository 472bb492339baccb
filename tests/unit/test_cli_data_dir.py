"""The operator's first start: a data dir the bot cannot use is one line and exit 2.

Run as the operator would, `matrixcowork run` in a process of its own, so what is checked is
what they see: the line on stderr, no traceback, the exit code that keeps systemd's
`RestartPreventExitStatus=2` from restarting. The tests run as root here, and root can write
anywhere, so the cases are ones that fail for root too (a file where the dir should be, a
dir below a file), plus real permission errors: as root, the bot runs without the
capabilities that let root write and chmod what others own, against a dir another user owns,
like the image's uid 10001 against a root-owned bind mount on /data. (Not as `nobody`: the
interpreter may live where only root can read, as pyenv's in /root does.)
"""

from __future__ import annotations

import ctypes
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from matrixcowork.cli import EXIT_CONFIG
from matrixcowork.core.store import secure_dir

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3
PR_CAPBSET_DROP = 24


def without_root_overrides() -> None:
    """In the child before exec: root keeps uid 0 but must obey file modes and owners."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder with the example config (the data dir comes from the environment)."""
    (tmp_path / "config.yaml").write_text((REPO / "config.example.yaml").read_text())
    return tmp_path


def can_drop_capabilities() -> bool:
    """False where root runs without CAP_SETPCAP (some containers): then the case is skipped."""
    try:
        subprocess.run(["true"], preexec_fn=without_root_overrides, check=True)
    except (subprocess.SubprocessError, OSError):
        return False
    return True


def matrixcowork(args: list[str], data_dir: Path, confined: bool = False,
                 ) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, started as `docker exec` starts one (umask 022)."""
    before: Callable[[], None] | None = without_root_overrides if confined else None
    if confined and os.geteuid() == 0 and not can_drop_capabilities():
        pytest.skip("this root may not drop capabilities (no CAP_SETPCAP)")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "MATRIXCOWORK_DATA_DIR": str(data_dir),
        "MATRIXCOWORK_PASSWORD": "not-used-the-bot-stops-before-login",
        "MATRIXCOWORK_HOMESERVER": "http://127.0.0.1:9",
    }
    return subprocess.run(
        [sys.executable, "-m", "matrixcowork", *args], env=env, capture_output=True, text=True,
        timeout=60, cwd="/", umask=0o022, preexec_fn=before,
    )


def assert_one_line_with_the_fix(result: subprocess.CompletedProcess[str], data_dir: Path,
                                 uid: int) -> str:
    assert result.returncode == EXIT_CONFIG, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert str(data_dir) in line
    assert f"uid {uid}" in line
    assert "fix:" in line
    return line


def test_a_file_where_the_data_dir_should_be(workdir: Path) -> None:
    data_dir = workdir / "data"
    data_dir.write_text("not a directory")
    result = matrixcowork(["run", "-c", str(workdir / "config.yaml")], data_dir)
    line = assert_one_line_with_the_fix(result, data_dir, os.geteuid())
    assert "not a directory" in line


def test_a_data_dir_below_a_file(workdir: Path) -> None:
    (workdir / "file").write_text("")
    data_dir = workdir / "file" / "data"
    result = matrixcowork(["run", "-c", str(workdir / "config.yaml")], data_dir)
    line = assert_one_line_with_the_fix(result, data_dir, os.geteuid())
    assert "install -d" in line


def test_a_data_dir_owned_by_another_user(workdir: Path) -> None:
    """The root-owned bind mount on /data: the bot's user may neither write nor chmod it."""
    if os.geteuid() == 0:
        data_dir, owner = workdir / "data", NOBODY
        data_dir.mkdir(mode=0o755)
        os.chown(data_dir, NOBODY, NOBODY)
    else:
        data_dir, owner = Path("/"), 0  # root's, and never changed
    result = matrixcowork(["run", "-c", str(workdir / "config.yaml")], data_dir,
                          confined=True)
    uid = os.geteuid()
    line = assert_one_line_with_the_fix(result, data_dir, uid)
    assert f"belongs to uid {owner}, mode 0755" in line
    assert f"chown -R {uid}:{os.getegid()} {data_dir}" in line
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o755  # nothing changed
    assert not any(data_dir.glob(".write-test-*"))


def test_a_file_in_the_data_dir_left_by_another_user(workdir: Path) -> None:
    """A data dir that the bot owns, with a database from a run as another user in it."""
    if os.geteuid() != 0:
        pytest.skip("needs root to make a file of another user")
    data_dir = workdir / "data"
    data_dir.mkdir(mode=0o700)
    (data_dir / "matrixcowork.db").write_text("")
    os.chown(data_dir / "matrixcowork.db", NOBODY, NOBODY)
    (data_dir / "matrixcowork.db").chmod(0o644)
    result = matrixcowork(["run", "-c", str(workdir / "config.yaml")], data_dir,
                          confined=True)
    line = assert_one_line_with_the_fix(result, data_dir, 0)
    assert f"{data_dir / 'matrixcowork.db'} is not writable by it" in line


def test_a_usable_data_dir_is_made_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "data"
    secure_dir(data_dir)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    data_dir.chmod(0o755)
    secure_dir(data_dir)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert list(data_dir.iterdir()) == []  # the write test leaves nothing behind


def test_backup_is_a_private_copy_of_the_database(workdir: Path) -> None:
    """`docker exec` starts with umask 022; the backup is still the bot's user's alone."""
    data_dir = workdir / "data"
    data_dir.mkdir(mode=0o700)
    with sqlite3.connect(data_dir / "matrixcowork.db") as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO kv VALUES ('sync_token', 's42')")
    db.close()
    dest = data_dir / "backup.db"
    result = matrixcowork(["backup", "-c", str(workdir / "config.yaml"), str(dest)], data_dir)
    assert result.returncode == 0, result.stderr
    assert str(dest) in result.stdout
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT value FROM kv").fetchall() == [("s42",)]
    copy.close()


def test_backup_without_a_database_is_one_line(workdir: Path) -> None:
    result = matrixcowork(["backup", "-c", str(workdir / "config.yaml"),
                           str(workdir / "backup.db")], workdir / "data")
    assert result.returncode == 1
    assert result.stderr.startswith("backup failed: no database at")
    assert "Traceback" not in result.stderr
    assert not (workdir / "backup.db").exists()
