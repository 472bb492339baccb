"""Many members at once: accounts registered in threads, clients that only send (no sync), and
what the homeserver holds, read back through the client API."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    ReactionEvent,
    RoomMessagesResponse,
)
from nio.api import RelationshipType

from matrixcowork.core.tracked import normalize_key
from matrixcowork.ops.devserver import Account, DevServer
from tests.helpers import Seen, unique

from .burst import Held


def register_many(server: DevServer, count: int, name: str = "crowd") -> list[Account]:
    """Registration is the slow part of making fifty people: do it in parallel."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(
            lambda _: server.register(unique(name), "pw-" + uuid.uuid4().hex), range(count)
        ))


async def crowd(server: DevServer, count: int) -> list[AsyncClient]:
    """`count` logged-in clients that only send; close them with `close_all`."""
    accounts = await asyncio.to_thread(register_many, server, count)
    clients = []
    for account in accounts:
        client = AsyncClient(server.url, account.user_id,
                             config=AsyncClientConfig(encryption_enabled=False))
        client.restore_login(account.user_id, account.device_id, account.access_token)
        clients.append(client)
    return clients


async def join_all(clients: list[AsyncClient], room_ids: list[str], parallel: int = 10) -> None:
    gate = asyncio.Semaphore(parallel)

    async def join(client: AsyncClient, room_id: str) -> None:
        async with gate:
            response = await client.join(room_id)
            assert isinstance(response, JoinResponse), response

    await asyncio.gather(*(join(c, r) for c in clients for r in room_ids))


def joined(room_id: str, user_id: str) -> Callable[[Seen], bool]:
    """For `Member.wait_for`: `user_id` joined `room_id`."""
    return lambda s: (s.room_id == room_id and getattr(s.event, "state_key", None) == user_id
                      and getattr(s.event, "membership", None) == "join")


async def close_all(clients: list[AsyncClient]) -> None:
    await asyncio.gather(*(c.close() for c in clients))


async def held_by_server(client: AsyncClient, room_id: str, post: str,
                         bot_id: str) -> list[Held]:
    """The reactions to `post` the homeserver still holds (redacted ones are gone), but the
    bot's own."""
    relations = client.room_get_event_relations(
        room_id, post, RelationshipType.annotation, "m.reaction"
    )
    return [
        Held(e.event_id, post, e.sender, normalize_key(e.key), e.server_timestamp)
        async for e in relations
        if isinstance(e, ReactionEvent) and e.sender != bot_id
    ]


async def history(client: AsyncClient, room_id: str) -> list[Any]:
    """Every event of the room the client may see, newest first (paged through /messages)."""
    events: list[Any] = []
    token = None
    while True:
        response = await client.room_messages(room_id, start=token, limit=100)
        assert isinstance(response, RoomMessagesResponse), response
        events += response.chunk
        if not response.chunk or not response.end or response.end == token:
            return events
        token = response.end


def read_db(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows straight from the bot's database file (WAL: safe while the bot runs)."""
    with closing(sqlite3.connect(path)) as db:
        return [tuple(row) for row in db.execute(sql, params)]


def held_in_store(path: Path) -> list[Held]:
    rows = read_db(path, "SELECT reaction_id, post_id, user_id, key, ts FROM tracked_reactions")
    return [Held(*row) for row in rows]
