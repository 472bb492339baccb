"""The driver's side: members who react all at once, and an organizer who asks and listens."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from nio import AsyncClient, AsyncClientConfig, RoomSendResponse, SyncResponse

from .homeserver import Session

CONFIG = AsyncClientConfig(store_sync_tokens=False, encryption_enabled=False,
                           request_timeout=120)


def client_for(homeserver: str, session: Session) -> AsyncClient:
    client = AsyncClient(homeserver, session.user_id, config=CONFIG)
    client.restore_login(session.user_id, session.device_id, session.access_token)
    return client


async def send(client: AsyncClient, room_id: str, event_type: str,
               content: dict[str, Any]) -> dict[str, Any]:
    """Send one event; returns its id and when the homeserver answered."""
    started = time.time()
    response = await client.room_send(room_id, event_type, content)
    if not isinstance(response, RoomSendResponse):
        return {"user": client.user_id, "error": str(response), "sent": started}
    return {"user": client.user_id, "id": response.event_id, "sent": started,
            "accepted": time.time()}


def reaction(event_id: str, key: str) -> dict[str, Any]:
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}


class Listener:
    """A client that syncs all the time and notes when each reply to its messages arrived."""

    def __init__(self, homeserver: str, session: Session) -> None:
        self.client = client_for(homeserver, session)
        self.replies: dict[str, dict[str, float]] = {}  # asked event -> sender -> arrival
        self._arrived = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.client.sync(timeout=0, full_state=True,
                               sync_filter={"room": {"timeline": {"limit": 0}}})
        self._task = asyncio.create_task(self._sync_forever())

    async def _sync_forever(self) -> None:
        while True:
            response = await self.client.sync(timeout=30_000,
                                              sync_filter={"room": {"timeline": {"limit": 1000}}})
            arrived = time.time()
            if not isinstance(response, SyncResponse):
                await asyncio.sleep(0.5)
                continue
            async with self._arrived:
                for joined in response.rooms.join.values():
                    for event in joined.timeline.events:
                        self._note(event.source, arrived)
                self._arrived.notify_all()

    def _note(self, source: dict[str, Any], arrived: float) -> None:
        relates = source.get("content", {}).get("m.relates_to") or {}
        asked = (relates.get("m.in_reply_to") or {}).get("event_id")
        if asked:
            self.replies.setdefault(asked, {}).setdefault(source["sender"], arrived)

    async def ask(self, room_id: str, body: str, answerers: set[str],
                  timeout: float = 30) -> dict[str, float]:
        """Send `body`; the round trip (s) to each answerer's reply, missing ones left out."""
        sent = await send(self.client, room_id, "m.room.message",
                          {"msgtype": "m.text", "body": body})
        if "id" not in sent:
            return {}
        asked = sent["id"]

        def complete() -> bool:
            return answerers <= self.replies.get(asked, {}).keys()

        with contextlib.suppress(TimeoutError):
            async with self._arrived:
                await asyncio.wait_for(self._arrived.wait_for(complete), timeout)
        return {who: at - sent["sent"] for who, at in self.replies.get(asked, {}).items()}

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.client.close()
