"""`!botstatus` for organizers: is the bot well, and what will it do next?

Durations are real (wall-clock) seconds, not the community clock: they describe the process,
not the community's calendar. The last sync comes from the database, like `matrixcowork health`.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from .. import __version__
from ..core.commands import CommandContext, command
from ..core.i18n import _
from ..core.permissions import Access
from ..core.services import Services
from ..core.store import stored_sync_age
from . import Feature

MAX_JOBS_SHOWN = 5


class StatusFeature(Feature):
    name = "status"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.started = time.monotonic()

    @command("botstatus", help=_("How the bot is doing: version, uptime, last sync, next steps"),
             access=Access.ORGANIZER)
    async def status(self, ctx: CommandContext) -> None:
        uptime = time.monotonic() - self.started
        sync_age = await stored_sync_age(self.services.store)
        last_sync = self._ago(sync_age) if sync_age is not None else ctx.t(_("never"))
        lines = [
            ctx.t(_("**matrixcowork {version}**"), version=__version__),
            "- " + ctx.t(_("Uptime: {duration}"), duration=self._duration(uptime)),
            "- " + ctx.t(_("Last sync: {ago}"), ago=last_sync),
            "- " + ctx.t(_("Rooms I am in: {count}"), count=len(self.services.client.rooms)),
            *self._next_jobs(ctx),
        ]
        await ctx.reply("\n".join(lines))

    def _next_jobs(self, ctx: CommandContext) -> list[str]:
        upcoming = self.services.scheduler.upcoming()
        if not upcoming:
            return ["- " + ctx.t(_("No scheduled steps."))]
        lines = ["- " + ctx.t(_("Next scheduled steps:"))]
        for job in upcoming[:MAX_JOBS_SHOWN]:
            lines.append("  - " + ctx.t(_("{job}, {when}"), job=ctx.t(job.name),
                                        when=self._when(job.due)))
        return lines

    def _when(self, when: datetime) -> str:
        return self.services.i18n.datetime(when)

    def _duration(self, seconds: float) -> str:
        return format_timedelta(timedelta(seconds=seconds), locale=self.services.i18n.locale)

    def _ago(self, seconds: float) -> str:
        # at least a second: Babel calls a zero delta "in 0 seconds"
        return format_timedelta(
            -timedelta(seconds=max(seconds, 1.0)), add_direction=True,
            locale=self.services.i18n.locale,
        )
