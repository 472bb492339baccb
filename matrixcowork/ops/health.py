"""Is the bot alive? One answer for `matrixcowork health`, `/healthz` and `!botstatus`; and
`matrixcowork backup`, which reads the same database the same way.

"Alive" means: the sync loop finished a sync recently. The loop long-polls for at most 30 s,
so a healthy bot syncs at least twice a minute; `DEFAULT_MAX_AGE` leaves room for a slow
homeserver. The loop stores the time of its last sync in the database (kv `last_sync`, unix
seconds), so a separate process (the container's health check) can answer without the
homeserver and without talking to the running bot.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..core.config import ENV_PREFIX, Config, ConfigError, CoreOnly, load_config
from ..core.store import DB_FILE, Store, StoreError, stored_sync_age

DEFAULT_MAX_AGE = 120.0
NO_SECRET = "not-needed-to-check-health"


@dataclass(frozen=True)
class Health:
    """The verdict on one sync age."""

    age: float | None
    max_age: float = DEFAULT_MAX_AGE

    @property
    def ok(self) -> bool:
        return self.age is not None and self.age <= self.max_age

    def as_json(self) -> dict[str, object]:
        age = None if self.age is None else round(self.age, 1)
        return {"status": "ok" if self.ok else "stale", "last_sync_age_seconds": age}

    def line(self) -> str:
        """One line for the operator (and for `docker inspect`'s health log)."""
        if self.age is None:
            return "unhealthy: no sync recorded yet"
        verdict = "ok" if self.ok else "unhealthy"
        return f"{verdict}: last sync {self.age:.0f} s ago (limit {self.max_age:.0f} s)"


async def _read_age(db: Path) -> float | None:
    store = await Store.open(db)
    try:
        return await stored_sync_age(store)
    finally:
        await store.close()


def config_for_health(path: str | Path) -> Config:
    """The config, without requiring the bot's secrets: `health` never logs in, it only needs
    `data_dir`, so monitoring can run it without access to the password."""
    environ = dict(os.environ)
    if not environ.get(ENV_PREFIX + "PASSWORD"):
        environ.setdefault(ENV_PREFIX + "ACCESS_TOKEN", NO_SECRET)
    return load_config(path, environ, model=CoreOnly)


def _database(config_path: str | Path) -> tuple[Path | None, str]:
    """The bot's database as the config names it, or what is wrong with that."""
    try:
        db = config_for_health(config_path).data_dir / DB_FILE
    except ConfigError as err:
        return None, f"config error: {err}"
    if not db.is_file():
        return None, f"no database at {db} (has the bot run with this data_dir?)"
    return db, ""


def check(config_path: str | Path, max_age: float = DEFAULT_MAX_AGE) -> tuple[bool, str]:
    """For `matrixcowork health`: reads the database only, never the homeserver."""
    db, problem = _database(config_path)
    if db is None:
        return False, f"unhealthy: {problem}"
    try:
        age = asyncio.run(_read_age(db))
    except (StoreError, sqlite3.Error, OSError) as err:
        return False, f"unhealthy: cannot read {db} ({err})"
    health = Health(age, max_age)
    return health.ok, health.line()


def backup(config_path: str | Path, dest: str | Path) -> tuple[bool, str]:
    """For `matrixcowork backup`: SQLite's online backup of the bot's database into `dest`,
    safe while the bot runs; like `health`, it needs the config but not the password."""
    db, problem = _database(config_path)
    if db is None:
        return False, f"backup failed: {problem}"
    target = Path(dest)
    part = target.with_name(target.name + ".part")
    try:
        source = sqlite3.connect(db)
        try:
            copy = sqlite3.connect(part)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        os.replace(part, target)
    except (sqlite3.Error, OSError) as err:
        part.unlink(missing_ok=True)
        return False, f"backup failed: {db} -> {target}: {err}"
    return True, f"backup of {db} written to {target} ({target.stat().st_size} bytes)"
