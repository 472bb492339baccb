"""The weekly digest: one short post a week, last week in numbers and what comes next.

Everything it shows comes from the other features through `services.offers` (check-ins, the
next sync, webinars and proposals, new members, the coffee round); a feature that is off
leaves its section out, and a week with nothing to say posts nothing. The job runs at the
configured day and time and once at start; a day's digest is decided once (`digest_runs`),
so a restart or an organizer's `!digest` that day never posts it twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ...core.chat import txn_for
from ...core.commands import CommandContext, command
from ...core.i18n import _
from ...core.offers import (
    CHECKINS_BETWEEN,
    COFFEE_RESULT,
    NEW_MEMBERS,
    NEXT_SYNC,
    OPEN_ACTIONS,
    PLANS_BETWEEN,
    WEBINAR_NEWS,
    WebinarNews,
)
from ...core.permissions import Access
from ...core.rooms import display_name
from ...core.scheduling import due_on
from ...core.services import Services
from .. import Feature
from . import db
from .config import DigestConfig
from .texts import DigestTexts, Week

JOB_ID = "digest:weekly"


class DigestFeature(Feature):
    name = "digest"
    section = ("digest", DigestConfig)
    migrations = db.MIGRATIONS

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        assert services.config.digest is not None
        self.config: DigestConfig = services.config.digest
        self.store = services.store
        self.texts = DigestTexts(services.i18n, lambda u: display_name(services.client, u))

    async def start(self) -> None:
        self.services.scheduler.daily(JOB_ID, self.config.time, self.tick,
                                      weekdays=(self.config.weekday,), name=_("weekly digest"))

    async def tick(self, now: datetime) -> None:
        """On the digest's day from its time on, once: post it, or note there is nothing."""
        local = now.astimezone(self.services.clock.tz)
        if not due_on(local, (self.config.weekday,), self.config.time):
            return
        if await db.outcome_of(self.store, local.date()) is None:
            await self.post(now)

    async def week(self, now: datetime) -> Week:
        """What the digest of `now`'s day shows: the 7 days before it, and what comes next."""
        offers = self.services.offers
        today = now.astimezone(self.services.clock.tz).date()
        first, last = today - timedelta(days=7), today - timedelta(days=1)
        ahead = now + timedelta(days=self.config.ahead_days)
        sync = await offers.get(NEXT_SYNC)(now)
        news = await offers.get(WEBINAR_NEWS)(now, now - timedelta(days=self.config.ahead_days))
        if news is not None:
            news = WebinarNews(tuple(w for w in news.scheduled if w[1] <= ahead),
                               news.proposals, news.threshold)
        return Week(
            day=today,
            checkins=await offers.get(CHECKINS_BETWEEN)(first, last),
            sync=sync if sync and sync.start <= ahead else None,
            webinars=news,
            newcomers=await offers.get(NEW_MEMBERS)(first, last),
            coffee=await offers.get(COFFEE_RESULT)(first, last),
            actions=await offers.get(OPEN_ACTIONS)(),
            plans=await offers.get(PLANS_BETWEEN)(today, today + timedelta(days=6)),
        )

    async def post(self, now: datetime) -> str | None:
        """Post the digest of `now`'s day in the digest room (once per day: the transaction
        id is the day's); None when there is nothing to say or no room."""
        week = await self.week(now)
        text = self.texts.digest(week)
        if text is None:
            await db.record(self.store, week.day, db.EMPTY)
            return None
        room_id = await self.services.rooms.room_id(self.config.room)
        if room_id is None:
            return None
        event_id = await self.services.chat.send(
            room_id, text, txn=txn_for(self.name, week.day.isoformat()))
        await db.record(self.store, week.day, db.POSTED, event_id)
        return event_id

    # --- commands -------------------------------------------------------------------------

    @command("digest", help=_("Post the weekly digest now"), access=Access.ORGANIZER)
    async def digest_now(self, ctx: CommandContext) -> None:
        now = self.services.clock.now()
        if await db.outcome_of(self.store, now.astimezone(self.services.clock.tz).date()) \
                == db.POSTED:
            await ctx.reply(ctx.t(_("Today's digest is posted already.")))
        elif await self.post(now):
            await ctx.reply(ctx.t(_("The digest is posted.")))
        elif self.texts.digest(await self.week(now)) is None:
            await ctx.reply(ctx.t(_("Nothing to tell this week, so I posted no digest.")))
        else:
            await ctx.reply(ctx.t(_("I could not post the digest: is the room {room} there "
                                    "and am I in it?"), room=self.config.room))

    @command("digest preview", help=_("Show the weekly digest only to you, without posting it"),
             access=Access.ORGANIZER)
    async def digest_preview(self, ctx: CommandContext) -> None:
        text = self.texts.digest(await self.week(self.services.clock.now()))
        if text is None:
            await ctx.reply(ctx.t(_("Nothing to tell this week: the digest would not be "
                                    "posted.")))
            return
        await self.services.direct.send(ctx.sender, text,
                                        txn=txn_for(self.name, "preview", ctx.event_id))
        await ctx.reply(ctx.t(_("I sent you the preview in our direct chat.")))
