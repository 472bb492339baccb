"""The one owner of the SQLite connection: WAL, ordered migrations, serialized writes.

Each component (the core and every feature) owns an ordered list of migrations and its own
schema version, so features can grow their tables independently. A database written by a newer
matrixcowork is refused rather than misread. Feature modules put their SQL behind small verbs
that use `fetch_one`, `fetch_all` and `transaction` from here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)


DB_FILE = "matrixcowork.db"  # in the data dir
LAST_SYNC_KEY = "last_sync"  # unix seconds of the last handled sync, read by `health`
HANDLED_DAYS = 30  # how long a command's handled mark is kept
BOOKKEEPING_TABLES = frozenset({"kv", "handled_events", "command_pins", "schema_versions",
                                "outbox"})


class StoreError(Exception):
    """The database cannot be used (too new, unreadable)."""


@dataclass(frozen=True)
class Migration:
    description: str
    sql: str


CORE_MIGRATIONS: Sequence[Migration] = (
    Migration(
        "key-value state (sync token) and handled command events",
        """
        CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE handled_events (
            event_id TEXT PRIMARY KEY,
            handled_at INTEGER NOT NULL DEFAULT (unixepoch())
        );
        """,
    ),
    Migration(
        "what a command resolved its target to, so a replay acts on the same one",
        """
        CREATE TABLE command_pins (
            event_id TEXT NOT NULL,
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (event_id, name)
        );
        """,
    ),
    Migration(
        "command pins are forgotten with their command's handled mark",
        """
        ALTER TABLE command_pins ADD COLUMN pinned_at INTEGER NOT NULL DEFAULT 0;
        UPDATE command_pins SET pinned_at = unixepoch();
        """,
    ),
    Migration(
        "the outbox: replies queued per room, sent in order by the sender tasks (outbox.py)",
        """
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            txn TEXT NOT NULL UNIQUE,
            room_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            content TEXT NOT NULL
        );
        CREATE INDEX outbox_by_room ON outbox (room_id, seq);
        """,
    ),
)


class Store:
    """An open database. Reads run freely; writes go through `transaction()` one at a time."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                path.touch(mode=0o600)
        db = await aiosqlite.connect(path, isolation_level=None)
        db.row_factory = aiosqlite.Row
        for pragma in (
            "journal_mode = WAL",
            "synchronous = NORMAL",
            "foreign_keys = ON",
            "busy_timeout = 5000",
        ):
            await db.execute(f"PRAGMA {pragma}")
        await db.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions "
            "(component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )
        store = cls(db)
        await store.migrate("core", CORE_MIGRATIONS)
        return store

    async def close(self) -> None:
        await self._db.close()

    async def migrate(self, component: str, migrations: Sequence[Migration]) -> None:
        """Apply `component`'s migrations that have not run yet, each in its own transaction."""
        row = await self.fetch_one(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        )
        current = row["version"] if row else 0
        if current > len(migrations):
            raise StoreError(
                f"the database has {component} schema version {current}, newer than this "
                f"matrixcowork knows ({len(migrations)}); upgrade matrixcowork"
            )
        for version, step in enumerate(migrations[current:], start=current + 1):
            log.info("migrating %s to version %d: %s", component, version, step.description)
            async with self.transaction() as db:
                for statement in _statements(step.sql):
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_versions (component, version) VALUES (?, ?) "
                    "ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                    (component, version),
                )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One writer at a time, so awaits inside a transaction cannot interleave."""
        async with self._write_lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """A single write, atomic on its own (SQLite's autocommit): one trip to the database
        thread instead of three with BEGIN and COMMIT. The lock keeps it out of another
        coroutine's open transaction. Returns the number of changed rows."""
        async with self._write_lock:
            cursor = await self._db.execute(sql, tuple(params))
            return cursor.rowcount

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int | None:
        """A single INSERT, atomic on its own like `execute`: the new row's id, or None if it
        inserted nothing (`INSERT OR IGNORE` on a row that exists)."""
        async with self._write_lock:
            cursor = await self._db.execute(sql, tuple(params))
            return cursor.lastrowid if cursor.rowcount == 1 else None

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """One trip to the database thread (execute, fetch and close there)."""
        return list(await self._db.execute_fetchall(sql, tuple(params)))

    # --- core verbs -------------------------------------------------------------------

    async def get_value(self, key: str) -> str | None:
        row = await self.fetch_one("SELECT value FROM kv WHERE key = ?", (key,))
        return row["value"] if row else None

    async def set_value(self, key: str, value: str) -> None:
        await self.execute(
            "INSERT INTO kv (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def sync_token(self) -> str | None:
        return await self.get_value("sync_token")

    async def save_sync_token(self, token: str, synced_at: float) -> None:
        """The token to resume from and when it was saved (for health checks), in one write."""
        await self.execute(
            "INSERT INTO kv (key, value) VALUES ('sync_token', ?), (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (token, LAST_SYNC_KEY, str(int(synced_at))),
        )

    async def was_handled(self, event_id: str) -> bool:
        row = await self.fetch_one("SELECT 1 FROM handled_events WHERE event_id = ?", (event_id,))
        return row is not None

    async def mark_handled(self, event_id: str) -> None:
        await self.execute(
            "INSERT OR IGNORE INTO handled_events (event_id) VALUES (?)", (event_id,)
        )

    async def prune_handled(self, days: int = HANDLED_DAYS) -> None:
        """Forget handled marks and command pins older than `days`: a replay reaches back one
        sync batch, not a month, so the tables stay bounded."""
        async with self.transaction() as db:
            await db.execute(
                "DELETE FROM handled_events WHERE handled_at < unixepoch() - ?", (days * 86400,)
            )
            await db.execute(
                "DELETE FROM command_pins WHERE pinned_at < unixepoch() - ?", (days * 86400,)
            )

    async def pinned(self, cause: str, name: str, resolve: Callable[[], Awaitable[Any]]) -> Any:
        """What `resolve()` gave the first time the command `cause` (its event id) asked for
        `name` (JSON), so a command replayed after a crash acts on the same target ("item 2"
        stays the item it was, "the next sync" the one it skipped). Pin before the effects;
        the effects on a pinned target must be idempotent."""
        row = await self.fetch_one(
            "SELECT value FROM command_pins WHERE event_id = ? AND name = ?", (cause, name)
        )
        if row is not None:
            return json.loads(row["value"])
        value = await resolve()
        await self.execute(
            "INSERT OR IGNORE INTO command_pins (event_id, name, value, pinned_at) "
            "VALUES (?, ?, ?, unixepoch())",
            (cause, name, json.dumps(value)),
        )
        return value

    async def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every domain table's rows (bookkeeping such as the sync token left out), for tests
        that prove a refused command wrote nothing."""
        tables = await self.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        names = [row["name"] for row in tables if row["name"] not in BOOKKEEPING_TABLES]
        return {
            name: [tuple(r) for r in await self.fetch_all(f'SELECT * FROM "{name}"')]
            for name in names
        }


def _statements(sql: str) -> list[str]:
    """The statements of a migration; a trigger's body (`BEGIN ...; ...; END`) stays whole."""
    statements, current = [], ""
    for part in sql.split(";"):
        current += part + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \t\n;"):
                statements.append(current.strip())
            current = ""
    return statements


class DataDirError(Exception):
    """The data dir cannot be used by the bot's user; the message says how to fix it."""


def secure_dir(path: Path) -> None:
    """The data dir holds tokens and keys: readable by the bot's user only. A dir the bot
    cannot write is refused here, at start, with the fix in one line: later it would be a
    traceback, and a restart loop under `--restart`."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)  # EPERM when another user owns it
        fd, probe = tempfile.mkstemp(dir=path, prefix=".write-test-")
        os.close(fd)
        os.unlink(probe)
        foreign = _foreign_entry(path)
    except OSError as err:
        raise DataDirError(_unusable(path, err.strerror or str(err))) from None
    if foreign is not None:
        raise DataDirError(_unusable(path, f"{foreign} is not writable by it"))


def _foreign_entry(path: Path) -> Path | None:
    """A file at the top of the data dir the bot may not change (say, left by a run as root)."""
    return next(
        (entry for entry in path.iterdir() if not os.access(entry, os.W_OK, follow_symlinks=False)),
        None,
    )


def _unusable(path: Path, reason: str) -> str:
    """One line: the dir, why, the uid it must belong to, and the command that fixes it."""
    uid, gid = os.geteuid(), os.getegid()
    try:
        info = path.stat()
    except OSError:
        return (f"data dir {path} cannot be created by uid {uid} ({reason}); fix: "
                f"install -d -m 0700 -o {uid} -g {gid} {path} (as root), or set "
                f"MATRIXCOWORK_DATA_DIR to a directory uid {uid} owns")
    if not stat.S_ISDIR(info.st_mode):
        return (f"data dir {path} is not a directory; fix: move that file away, or set "
                f"MATRIXCOWORK_DATA_DIR to a directory uid {uid} owns")
    return (f"data dir {path} is not writable by uid {uid} ({reason}; it belongs to uid "
            f"{info.st_uid}, mode {stat.S_IMODE(info.st_mode):04o}); fix: "
            f"chown -R {uid}:{gid} {path} (as root; for a Docker bind mount, on the host's "
            f"directory)")


def age_since(mark: float | None, now: float) -> float | None:
    """Seconds from `mark` to `now`; None when there is no mark."""
    return None if mark is None else max(0.0, now - mark)


def parse_stamp(value: str | None) -> float | None:
    """The stored unix seconds, or None if missing or unreadable."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


async def stored_sync_age(store: Store, now: float | None = None) -> float | None:
    """Age of the last sync the loop recorded, in real seconds."""
    stamp = parse_stamp(await store.get_value(LAST_SYNC_KEY))
    return age_since(stamp, time.time() if now is None else now)
