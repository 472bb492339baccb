"""Posts kept up to date by editing them in place, with bursts of changes coalesced.

Fifty reactions within a second must not become fifty edits: a change only marks the post
dirty; one task per post waits a moment, renders the current state and edits once. Changes
that arrive while it edits cause one more edit after the next pause. An edit is skipped when
the text is what the post already shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from .chat import Chat

log = logging.getLogger(__name__)

Render = Callable[[], Awaitable[str]]
EDIT_DELAY = 1.0
SHOWN_KEPT = 1000  # posts whose text is remembered; an older one is re-rendered and edited once


class CoalescedEdits:
    def __init__(self, chat: Chat, delay: float = EDIT_DELAY) -> None:
        self.chat = chat
        self.delay = delay
        self._pending: dict[str, tuple[str, Render]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._shown: OrderedDict[str, str] = OrderedDict()

    def shown(self, event_id: str, text: str) -> None:
        """Remember what a post says now (right after sending it); the oldest are forgotten."""
        self._shown[event_id] = text
        self._shown.move_to_end(event_id)
        while len(self._shown) > SHOWN_KEPT:
            self._shown.popitem(last=False)

    def request(self, room_id: str, event_id: str, render: Render) -> None:
        """The post's content changed: edit it soon with what `render` then returns."""
        self._pending[event_id] = (room_id, render)
        if event_id not in self._tasks:
            self._tasks[event_id] = asyncio.create_task(
                self._run(event_id), name=f"edit {event_id}"
            )

    async def flush(self) -> None:
        """Send what is pending now (at stop), instead of after the pause."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for event_id in list(self._pending):
            with contextlib.suppress(Exception):
                await self._apply(event_id)

    async def _run(self, event_id: str) -> None:
        try:
            while event_id in self._pending:
                await asyncio.sleep(self.delay)
                try:
                    await self._apply(event_id)
                except Exception:
                    log.exception("editing %s failed", event_id)
        finally:
            self._tasks.pop(event_id, None)

    async def _apply(self, event_id: str) -> None:
        job = self._pending.pop(event_id)
        room_id, render = job
        try:
            text = await render()
            if self._shown.get(event_id) != text:
                await self.chat.edit(room_id, event_id, text)
                self.shown(event_id, text)
        except asyncio.CancelledError:
            self._pending.setdefault(event_id, job)  # stopping: flush sends it
            raise
