"""The outbox: command replies leave the sync loop through a persistent queue per room.

`CommandContext.reply` does not wait for the homeserver: it puts the reply's content in the
`outbox` table under its transaction id (a row committed before the command's handled mark),
and the sync loop goes on to the next event. With Synapse's default rate limit (a message
every 5 s after a burst of 10) one member's ten commands no longer stall everyone else.

- One sender task per room with queued rows sends them strictly in order and deletes a row
  once the homeserver accepted it. Rooms do not wait for each other: a flood in one room
  delays an answer in another by the homeserver's rate limit only, not by the flood.
- The transaction id is derived from the command (`txn_for`): `INSERT OR IGNORE` queues a
  replayed command's reply once, and a row sent again after a crash (sent, not yet deleted)
  is de-duplicated by the homeserver.
- A refusal that will not change (forbidden, too large) is logged and the row dropped; a
  homeserver that keeps failing (5xx) is retried with backoff, the row kept.
- Rows left from before a stop are sent at the next start.
- Awaited sends to a room (posts, edits, reactions: `Chat.send_event`) first wait for what the
  room had queued before them, so a room's messages keep the order the bot produced them in.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)

Deliver = Callable[[str, str, dict[str, Any], str], Awaitable[str]]
_SENDER: ContextVar[bool] = ContextVar("outbox_sender", default=False)  # set in sender tasks
FIRST_BACKOFF, MAX_BACKOFF = 1.0, 60.0  # seconds between tries of a failing send
UNEXPECTED_ATTEMPTS = 5  # an error that is not the homeserver's answer: retried, then dropped


@dataclass
class _Room:
    pending: int = 0  # rows queued and not yet sent or dropped
    last: int = 0  # seq of the newest row queued
    done: int = 0  # seq of the newest row sent or dropped (rows go in seq order)
    task: asyncio.Task[None] | None = None


class Outbox:
    def __init__(self, store: Store, deliver: Deliver) -> None:
        self.store = store
        self._deliver = deliver
        self._rooms: dict[str, _Room] = {}
        self._waiting: dict[str, list[asyncio.Future[str]]] = {}
        self._changed = asyncio.Condition()
        self._running = False

    # --- queueing ---------------------------------------------------------------------------

    async def put(self, room_id: str, event_type: str, content: dict[str, Any], txn: str) -> None:
        """Queue an event; returns once the row is committed (not sent)."""
        seq = await self.store.insert(
            "INSERT OR IGNORE INTO outbox (txn, room_id, event_type, content) "
            "VALUES (?, ?, ?, ?)",
            (txn, room_id, event_type, json.dumps(content)),
        )
        if seq is not None:  # None: already queued (a replayed command)
            room = self._rooms.setdefault(room_id, _Room())
            room.pending += 1
            room.last = max(room.last, seq)
            self._serve(room_id, room)

    async def put_and_wait(
        self, room_id: str, event_type: str, content: dict[str, Any], txn: str
    ) -> str:
        """Queue an event and wait until it is sent: its event id (a refusal raises)."""
        if not self._running:
            raise RuntimeError("the outbox is not running")
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(txn, []).append(future)  # before the row exists: never missed
        try:
            await self.put(room_id, event_type, content, txn)
            return await future
        finally:
            waiting = self._waiting.get(txn, [])
            if future in waiting:
                waiting.remove(future)
                if not waiting:
                    del self._waiting[txn]

    async def caught_up(self, room_id: str) -> None:
        """Until what the room had queued so far is sent (a sender task never waits)."""
        room = self._rooms.get(room_id)
        if room is None or room.pending == 0 or not self._running or _SENDER.get():
            return
        target = room.last
        await self._until(lambda: room.done >= target or room.pending == 0
                          or not self._running)  # stopped: what waits goes on, unsent

    async def drained(self) -> None:
        """Until every queued row is sent or dropped, or the outbox stops (tests, harnesses,
        the loop's grace)."""
        await self._until(lambda: not self._running
                          or all(r.pending == 0 for r in self._rooms.values()))

    def queued(self, room_id: str | None = None) -> int:
        """Rows queued and not yet sent, in one room or in all."""
        rooms = self._rooms.values() if room_id is None else [self._rooms.get(room_id, _Room())]
        return sum(r.pending for r in rooms)

    async def _until(self, predicate: Callable[[], bool]) -> None:
        async with self._changed:
            await self._changed.wait_for(predicate)

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Send what was queued before the last stop, and from now on what is queued."""
        rows = await self.store.fetch_all(
            "SELECT room_id, count(*) AS n, max(seq) AS last FROM outbox GROUP BY room_id"
        )
        self._running = True
        for row in rows:
            room = self._rooms.setdefault(row["room_id"], _Room())
            room.pending, room.last = row["n"], max(room.last, row["last"])
            if row["n"]:
                log.info("sending %d queued events to %s", row["n"], row["room_id"])
        for room_id, room in self._rooms.items():
            self._serve(room_id, room)

    async def stop(self) -> None:
        """Cancel the sender tasks; what they did not send stays queued for the next start."""
        self._running = False
        tasks = [room.task for room in self._rooms.values() if room.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        async with self._changed:
            self._changed.notify_all()  # a send waiting for its room's queue must not wait forever
        for futures in self._waiting.values():
            for future in futures:
                future.cancel()

    # --- sending ----------------------------------------------------------------------------

    def _serve(self, room_id: str, room: _Room) -> None:
        if self._running and room.pending and (room.task is None or room.task.done()):
            room.task = asyncio.create_task(self._send_all(room_id, room),
                                            name=f"outbox {room_id}")

    async def _send_all(self, room_id: str, room: _Room) -> None:
        _SENDER.set(True)  # this task's own context: its sends do not wait for the queue
        while room.pending > 0:
            try:
                await self._send_next(room_id, room)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database, say: the row stays, tried again
                log.exception("the outbox of %s failed", room_id)
                await asyncio.sleep(MAX_BACKOFF / 10)
            async with self._changed:
                self._changed.notify_all()
        room.task = None  # no await since the count was read: a new row starts a new task

    async def _send_next(self, room_id: str, room: _Room) -> None:
        row = await self.store.fetch_one(
            "SELECT seq, txn, event_type, content FROM outbox WHERE room_id = ? "
            "ORDER BY seq LIMIT 1", (room_id,)
        )
        if row is None:  # cannot happen while the counts are right; never spin
            log.error("the outbox of %s counts %d rows but holds none", room_id, room.pending)
            room.pending = 0
            return
        event_id, error = await self._send_one(room_id, row)
        await self.store.execute("DELETE FROM outbox WHERE seq = ?", (row["seq"],))
        room.pending -= 1
        room.done = max(room.done, row["seq"])
        self._settle(row["txn"], event_id, error)

    async def _send_one(self, room_id: str, row: Any) -> tuple[str | None, Exception | None]:
        """The event id once the homeserver accepted the row, or the error it was dropped for."""
        from .chat import ChatError  # chat builds the outbox

        content = json.loads(row["content"])
        delay, unexpected = FIRST_BACKOFF, 0
        while True:
            try:
                return await self._deliver(room_id, row["event_type"], content, row["txn"]), None
            except asyncio.CancelledError:
                raise
            except ChatError as err:
                if not err.transient:
                    log.warning("dropped a queued %s to %s: %s", row["event_type"], room_id, err)
                    return None, err
                log.warning("queued %s to %s: %s; retrying in %.0f s",
                            row["event_type"], room_id, err, delay)
            except Exception as err:
                unexpected += 1
                if unexpected >= UNEXPECTED_ATTEMPTS:
                    log.exception("dropped a queued %s to %s", row["event_type"], room_id)
                    return None, err
                log.warning("queued %s to %s failed (%s); retrying in %.0f s",
                            row["event_type"], room_id, err.__class__.__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF)

    def _settle(self, txn: str, event_id: str | None, error: Exception | None) -> None:
        for future in self._waiting.pop(txn, []):
            if future.done():
                continue
            if event_id is not None:
                future.set_result(event_id)
            else:
                future.set_exception(error or RuntimeError("not sent"))
