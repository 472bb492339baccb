"""Coffee roulette: `!coffee join|leave|pause|status|stats` and the daily job that runs rounds.

The job runs every day at the round's time and once at start (to catch up after downtime);
`Rounds.tick(now)` decides what is due. Skips (💤 on the
heads-up) and meetings (✅ on the follow-up) are read from the tracked posts when needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from ...core.arguments import integer
from ...core.commands import Arg, CommandContext, command
from ...core.i18n import _
from ...core.offers import COFFEE_RESULT, JOIN_COFFEE, KNOW_MEMBER, LAST_COFFEE_DAY
from ...core.rooms import display_name
from ...core.services import Services
from ...core.topics import COWORKING
from .. import Feature
from . import db, offered
from .config import CoffeeConfig
from .rounds import Rounds
from .texts import CoffeeTexts, RoundFigures, met_rate

JOB_ID = "coffee:daily"
MAX_PAUSE_WEEKS = 52
STATS_DAYS = 366


class CoffeeFeature(Feature):
    name = "coffee"
    section = ("coffee", CoffeeConfig)
    migrations = db.MIGRATIONS


    def __init__(self, services: Services) -> None:
        super().__init__(services)
        assert services.config.coffee is not None
        self.config = services.config.coffee
        self.store = services.store
        self.text = CoffeeTexts(services.i18n, lambda u: display_name(services.client, u),
                                services.config.command_prefix)
        self.rounds = Rounds(services, self.config, self.text)
        services.offers.provide(COFFEE_RESULT, partial(offered.result, self.rounds))
        services.offers.provide(LAST_COFFEE_DAY, partial(offered.last_round_day, self.store))
        services.offers.provide(JOIN_COFFEE, self.join_for)

    async def join_for(self, user: str) -> bool:
        """For the welcome conversation: take part from now on (also when in already)."""
        today = self.services.clock.today()
        if await db.join(self.store, user, today):
            await self.services.offers.get(KNOW_MEMBER)(user, today, "coffee")
        return True

    async def start(self) -> None:
        self.services.scheduler.daily(JOB_ID, self.config.time, self.tick,
                                      name=_("coffee roulette"))

    async def tick(self, now: datetime) -> None:
        """Heads-up, pairing, rooms and follow-ups: whatever is due at `now`."""
        await self.rounds.tick(now)

    async def figures(self) -> list[RoundFigures]:
        """The last year's rounds that paired anyone, newest first, with who met."""
        today = self.services.clock.today()
        groups = await db.groups(self.store, today - timedelta(days=STATS_DAYS), today)
        days = sorted({g.round_date for g in groups}, reverse=True)
        figures = []
        for day in days:
            of_day = [g for g in groups if g.round_date == day]
            met = [await self.rounds.met(g) for g in of_day]
            asked = sum(g.followup_event_id is not None for g in of_day)
            figures.append(RoundFigures(day, len(of_day), asked, sum(met)))
        return figures

    # --- commands -------------------------------------------------------------------------

    @command("coffee join", help=_("Take part in the coffee roulette"),
             topic=COWORKING)
    async def join(self, ctx: CommandContext) -> None:
        today = self.services.clock.today()
        if await db.join(self.store, ctx.sender, today):
            await self.services.offers.get(KNOW_MEMBER)(ctx.sender, today, "coffee")
            await ctx.reply(ctx.t(
                _("You are in! Next coffee round: {when}."),
                when=self.services.i18n.datetime(self._next_start())))
        else:
            await ctx.reply(ctx.t(_("You are already in the coffee roulette.")))

    @command("coffee leave", help=_("Stop taking part in the coffee roulette"),
             topic=COWORKING)
    async def leave(self, ctx: CommandContext) -> None:
        if await db.leave(self.store, ctx.sender):
            await ctx.reply(ctx.t(_("You left the coffee roulette. Come back any time with "
                                    "{join}."), join=self.text.command("coffee join")))
        else:
            await ctx.reply(ctx.t(_("You were not in the coffee roulette.")))

    @command("coffee pause", Arg(_("weeks"), integer(1, MAX_PAUSE_WEEKS)),
             help=_("Skip the coffee roulette for some weeks"),
             topic=COWORKING, examples=("2",))
    async def pause(self, ctx: CommandContext, weeks: int) -> None:
        until = self.services.clock.today() + timedelta(weeks=weeks)
        if await db.pause(self.store, ctx.sender, until):
            await ctx.reply(ctx.t(_("Paused: no coffee rounds for you before {date}."),
                                  date=self.services.i18n.date(until)))
        else:
            await ctx.reply(ctx.t(_("You are not in the coffee roulette. Type {join} to take "
                                    "part."), join=self.text.command("coffee join")))

    @command("coffee status", help=_("Your coffee roulette: next round, who takes part, "
                                     "how many met"),
             topic=COWORKING)
    async def status(self, ctx: CommandContext) -> None:
        day = self.rounds.schedule.next_round(self.services.clock.now())
        you = await db.participant(self.store, ctx.sender)
        await ctx.reply(self.text.status(
            you, self.rounds.schedule.start(day), len(await self.rounds.taking_part(day)),
            ctx.sender in await self.rounds.skipping(day), met_rate(await self.figures()),
        ))

    @command("coffee stats", help=_("Coffee rounds and how many groups met"),
             topic=COWORKING)
    async def stats(self, ctx: CommandContext) -> None:
        await ctx.reply(self.text.stats(await self.figures()))

    def _next_start(self) -> datetime:
        schedule = self.rounds.schedule
        return schedule.start(schedule.next_round(self.services.clock.now()))
