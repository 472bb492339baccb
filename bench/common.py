"""The benchmark world: Synapse, a room of N members, the bot and the bare client as processes.

Accounts: `bench-orga` (organizer, asks the commands), `bench-bot`, `bench-bare` (the floor and
echo client) and `bench-m000`... (the members). All share one room per member count,
`#bench-room-<N>`, which the bot knows as its coworking room. The bot posts the check-in as
soon as it starts (check-in time 00:00 every day, late until 23:59: at any hour of a run), so
every fresh data dir gets a fresh post.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from matrixcowork.ops.health import DB_FILE

from .homeserver import PASSWORD, BenchServer, Session
from .processes import Proc

TIMEZONE = "Europe/Berlin"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass
class World:
    server: BenchServer
    orga: Session
    bot: Session
    bare: Session
    members: list[Session]
    room_id: str
    alias: str

    @property
    def runs(self) -> Path:
        path = self.server.workdir / "runs"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def fresh_dir(self, name: str) -> Path:
        """A new bot data dir: a new database, so a new check-in post to react to."""
        path = self.runs / name
        shutil.rmtree(path, ignore_errors=True)
        return path


@dataclass
class Scene:
    """The bot and the bare client running against the world's room."""

    world: World
    bot: Proc
    bare: Proc
    data_dir: Path
    post_id: str


@contextlib.asynccontextmanager
async def scene(world: World, name: str, echo: bool = True) -> AsyncIterator[Scene]:
    """Start the bare client, then the bot (fresh data dir); stop both afterwards."""
    bare = start_bare(world, f"{name}-bare", echo=echo)
    bot: Proc | None = None
    try:
        await bare.live()
        data_dir = world.fresh_dir(f"{name}-bot")
        bot = start_bot(world, data_dir)
        await bot.live()
        yield Scene(world, bot, bare, data_dir, await checkin_post(data_dir))
    finally:
        if bot:
            bot.stop()
        bare.stop()


async def make_world(workdir: Path, members: int) -> World:
    """Start Synapse and make sure the accounts and the room exist (slow only the first time)."""
    server = BenchServer(workdir)
    await asyncio.to_thread(server.start)
    names = ["bench-orga", "bench-bot", "bench-bare"] + [f"bench-m{i:03d}" for i in range(members)]
    sessions = await asyncio.to_thread(server.accounts, names)
    orga, bot, bare = (sessions[n] for n in names[:3])
    people = [sessions[n] for n in names[3:]]
    alias = f"bench-room-{members}"
    room_id = await asyncio.to_thread(
        server.room, alias, orga, [bot, bare, *people], {bot.user_id: 50}
    )
    return World(server, orga, bot, bare, people, room_id, alias)


def bot_config(world: World, data_dir: Path) -> Path:
    """The bot's config: one room, the check-in due all day, every day."""
    data_dir.mkdir(parents=True, exist_ok=True)
    config = {
        "homeserver": world.server.url,
        "user_id": world.bot.user_id,
        "password": PASSWORD,
        "data_dir": str(data_dir),
        "language": "en",
        "timezone": TIMEZONE,
        "admins": [world.orga.user_id],
        "log_level": "INFO",
        "rooms": [{"key": "coworking", "name": "Coworking", "alias": world.alias}],
        "checkin": {"room": "coworking", "time": "00:00", "late_until": "23:59",
                    "weekdays": WEEKDAYS},
    }
    path = data_dir.parent / f"{data_dir.name}.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    return path


def start_bot(world: World, data_dir: Path) -> Proc:
    config = bot_config(world, data_dir)
    return Proc("bot", ["bench.botproc", "--config", str(config)],
                data_dir.parent / f"{data_dir.name}.jsonl",
                data_dir.parent / f"{data_dir.name}.log")


def start_bare(world: World, name: str, echo: bool = True, resume: bool = False) -> Proc:
    """The bare client; `resume` continues from the sync token its last run under this name
    kept, as the bot does after a restart."""
    since_file = world.runs / f"{name}.since"
    if not resume:
        since_file.unlink(missing_ok=True)
    token_file = world.runs / "bare.token"
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(world.bare.access_token)
    args = ["bench.bare", "--homeserver", world.server.url, "--user-id", world.bare.user_id,
            "--device-id", world.bare.device_id, "--token-file", str(token_file),
            "--room", world.room_id, "--since-file", str(since_file)]
    if not echo:
        args.append("--no-echo")
    return Proc(name, args, world.runs / f"{name}.jsonl", world.runs / f"{name}.log")


def today() -> str:
    return datetime.now(ZoneInfo(TIMEZONE)).date().isoformat()


def db_rows(data_dir: Path, sql: str, *params: object) -> list[tuple]:
    """Read the bot's database from outside (WAL lets a reader in while the bot writes)."""
    connection = sqlite3.connect(f"file:{data_dir / DB_FILE}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


async def checkin_post(data_dir: Path, timeout: float = 60) -> str:
    """The event id of today's check-in post, once the bot has sent it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (data_dir / DB_FILE).exists():
            rows = db_rows(data_dir, "SELECT event_id FROM tracked_posts WHERE feature = "
                           "'checkin' AND subject = ?", today())
            if rows:
                return rows[0][0]
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no check-in post in {data_dir} within {timeout:.0f} s")


def machine_load() -> dict[str, object]:
    """What else the machine was doing: the figures are ratios because of this."""
    one, five, fifteen = os.getloadavg()
    return {"loadavg": [round(one, 2), round(five, 2), round(fifteen, 2)],
            "cpus": os.cpu_count()}
