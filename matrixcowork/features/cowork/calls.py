"""Calls on demand: `!call [topic]` puts a fresh Jitsi call into the room where it was asked.

Every call gets its own conference name (96 random bits, stored, unique), its link in the
answer and Element's widget at the top of the room. `!call end` ends the room's open calls;
a call nobody ended goes by itself after `coworking.call_timeout` (`tick(now)`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from ...core.chat import ChatError, txn_for
from ...core.clock import later
from ...core.commands import CommandContext
from ...core.i18n import _
from ...core.jitsi import Jitsi
from ...core.services import Services
from ...meetings import widget
from . import db
from .config import CoworkingConfig
from .db import Call
from .texts import CoworkTexts

log = logging.getLogger(__name__)

JOB_ID = "cowork:calls"
LABEL = _("end of a call")


class Calls:
    def __init__(self, services: Services, config: CoworkingConfig, texts: CoworkTexts
                 ) -> None:
        self.services = services
        self.store = services.store
        self.chat = services.chat
        self.config = config
        self.texts = texts
        self.jitsi = Jitsi(services.config.jitsi)
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Calls that timed out while the bot was down end now."""
        self.services.scheduler.at(JOB_ID, self.services.clock.now(), self.tick, name=LABEL)

    async def begin(self, ctx: CommandContext, topic: str | None) -> None:
        now = self.services.clock.now()
        call = await db.create_call(self.store, ctx.event_id, ctx.room_id,
                                    self.jitsi.new_conference(), topic, ctx.sender, now,
                                    later(now, self.config.call_timeout))
        shown = await self._show(call)
        await ctx.reply(self.texts.call(call.topic, self.jitsi.link(call.conference), shown,
                                        call.timeout - call.start))
        await self.reschedule(now)

    async def end_here(self, ctx: CommandContext) -> None:
        now = self.services.clock.now()
        async with self._lock:
            calls = await db.open_calls(self.store, ctx.room_id)
            for call in calls:
                await self._hide(call)
                await db.end_call(self.store, call.id, now)
        await ctx.reply(self.texts.calls_ended([call.topic for call in calls]))
        await self.reschedule(now)

    async def tick(self, now: datetime) -> None:
        """Calls past their timeout: the widget goes and the room is told."""
        failed = False
        async with self._lock:
            for call in await db.open_calls(self.store):
                if call.timeout > now:
                    continue
                await self._hide(call)
                try:
                    await self.chat.send(
                        call.room_id, self.texts.call_timed_out(call.topic,
                                                                call.timeout - call.start),
                        txn=txn_for("call timeout", str(call.id)))
                except ChatError as err:
                    log.warning("call %d: cannot say it ended, trying again later: %s",
                                call.id, err)
                    failed = True
                    continue
                await db.end_call(self.store, call.id, now)
        await self.reschedule(now, failed)

    async def reschedule(self, now: datetime, failed: bool = False) -> None:
        timeouts = [call.timeout for call in await db.open_calls(self.store)]
        self.services.scheduler.wake(JOB_ID, timeouts, self.tick, name=LABEL, failed=failed)

    async def _show(self, call: Call) -> bool:
        """The widget needs the power to send state events; without it, the link does."""
        title = call.topic or self.services.i18n.t(_("Video call"))
        try:
            await widget.show(self.chat, self.jitsi, call.room_id, call.conference, title)
        except ChatError as err:
            log.warning("no Jitsi widget for call %d (the link is posted): %s", call.id, err)
            return False
        return True

    async def _hide(self, call: Call) -> None:
        try:
            await widget.hide(self.chat, self.jitsi, call.room_id, call.conference)
        except ChatError as err:
            log.warning("cannot remove the widget of call %d: %s", call.id, err)
