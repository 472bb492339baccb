"""Daily check-in: who is coworking today and where (a location of the region or remote), by
reaction or by command, and who plans to come on which day.

Reactions reach this feature only through the tracked posts (`on_reactions_changed`); the
attendance row of a member and day follows their latest check-in reaction, and a command
sets it directly. The daily post shows the current list by place, with the people who planned
the day and have not checked in yet, edited in place with coalesced edits.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from ...core.arguments import month
from ...core.commands import Arg, ArgError, CommandContext, command
from ...core.formatting import command_text
from ...core.i18n import _
from ...core.offers import CHECKINS_BETWEEN, LAST_COWORKING_DAY, PLANS_BETWEEN
from ...core.permissions import Access
from ...core.postedits import CoalescedEdits
from ...core.rooms import display_name
from ...core.services import Services
from ...core.topics import CHECKIN
from ...core.tracked import Reaction, ReactionDeclaration, TrackedPost
from .. import Feature
from . import db, plans, queries
from .config import ONSITE, REMOTE, CheckinConfig
from .daily import KIND, DailyPost
from .stats import month_range, month_stats
from .texts import STATUS_COMMAND, CheckinTexts

DEFAULT_MODE = REMOTE
MAX_NOTE = 200


def note(raw: str, ctx: CommandContext) -> str:
    text = " ".join(raw.split())
    if len(text) > MAX_NOTE:
        raise ArgError(_("Please keep it under {max} characters."), max=MAX_NOTE)
    return text


def plan_day(raw: str, ctx: CommandContext) -> date:
    today = ctx.services.clock.today()
    try:
        return plans.day_of(raw, today)
    except plans.NotADay:
        raise ArgError(_("'{value}' is not a day: use a weekday (mon … sun), today, tomorrow "
                         "or a date like 2026-12-03."), value=raw[:40]) from None
    except plans.TooFar:
        raise ArgError(_("Please plan from today up to {days} days ahead."),
                       days=plans.HORIZON_DAYS) from None


class CheckinFeature(Feature):
    name = "checkin"
    section = ("checkin", CheckinConfig)
    migrations = db.MIGRATIONS


    def __init__(self, services: Services) -> None:
        super().__init__(services)
        assert services.config.checkin is not None
        self.config = services.config.checkin
        self.store = services.store
        self.texts = CheckinTexts(
            services.i18n, self.config, services.config.command_prefix, self._name_of
        )
        self.edits = CoalescedEdits(services.chat)
        self.daily = DailyPost(services, self.config, self.edits, self._post_text)
        self.reaction_places = self.config.reaction_places()
        services.offers.provide(LAST_COWORKING_DAY, partial(queries.last_day, self.store))
        services.offers.provide(CHECKINS_BETWEEN, partial(queries.week, self.store))
        services.offers.provide(PLANS_BETWEEN, self.plans_between)

    async def start(self) -> None:
        first = self.config.place_key(ONSITE)
        if first != ONSITE:  # a config that gained locations: old "on site" is the first one
            await db.rename_place(self.store, ONSITE, first)
        self.daily.schedule(self.tick)

    async def stop(self) -> None:
        await self.edits.flush()

    async def post_today(self, now: datetime) -> TrackedPost | None:
        """The scheduled job: today's post, sent if it is not there yet (idempotent per day)."""
        post, _sent = await self.daily.post(now)
        return post

    async def tick(self, now: datetime) -> None:
        """At posting time, and at start: late, once, if the bot was down at posting time."""
        if self.daily.is_due(now):
            await self.post_today(now)

    def reactions(self) -> dict[str, ReactionDeclaration]:
        return {KIND: self.on_reactions_changed}

    async def on_reactions_changed(self, post: TrackedPost, user_id: str,
                                   reactions: list[Reaction]) -> None:
        """The member's latest check-in reaction is their mode; none left takes it back."""
        day = date.fromisoformat(post.subject)
        latest = None  # only members' reactions reach us (the tracked posts' door)
        for reaction in reactions:
            mode = self.reaction_places.get(reaction.key)
            if mode:
                latest = (mode, reaction.ts)
        if latest:
            mode, ts = latest
            await db.check_in(self.store, day, user_id, mode, ts // 1000, db.REACTION)
        else:
            await db.check_out(self.store, day, user_id, source=db.REACTION)
        self._refresh(post)

    # --- commands -------------------------------------------------------------------------

    @command("checkin", Arg(_("place and note"), note, optional=True, rest=True),
             help=_("Check in for today without the reaction: where you are (a location or "
                    "remote), optionally what you work on"),
             topic=CHECKIN, examples=(_("remote Writing the offer"),))
    async def checkin(self, ctx: CommandContext, text: str | None) -> None:
        place, rest = self._leading_place(text or "")
        await self._check_in(ctx, place, rest or None)

    @command("checkin post", help=_("Post today's check-in now if it is missing"),
             access=Access.ORGANIZER)
    async def checkin_post(self, ctx: CommandContext) -> None:
        post, sent = await self.daily.post(self.services.clock.now())
        if post is None:
            await ctx.reply(ctx.t(_("I could not post the check-in: is the room {room} there and "
                                  "am I in it?"), room=self.config.room))
        else:
            await ctx.reply(ctx.t(_("Today's check-in is posted.")) if sent
                            else ctx.t(_("Today's check-in is already there.")))

    @command("checkout", help=_("Take back today's check-in"),
             topic=CHECKIN)
    async def checkout(self, ctx: CommandContext) -> None:
        day = self.services.clock.today()
        if await db.check_out(self.store, day, ctx.sender):
            await ctx.reply(ctx.t(_("You are checked out for today. See you soon!")))
            await self._refresh_day(day)
        else:
            await ctx.reply(ctx.t(_("You were not checked in today.")))

    @command(STATUS_COMMAND, Arg(_("text"), note, rest=True),
             help=_("Tell the others what you work on today"),
             topic=CHECKIN, examples=(_("Writing the offer"),))
    async def status(self, ctx: CommandContext, text: str) -> None:
        day = self.services.clock.today()
        if await db.set_note(self.store, day, ctx.sender, text):
            await ctx.reply(ctx.t(_("Your status for today: {note}"), note=text))
            await self._refresh_day(day)
        else:
            checkin = command_text(self.services.config.command_prefix, "checkin")
            await ctx.reply(ctx.t(_("Check in first: react to today's check-in or type {command}."),
                                  command=checkin))

    @command("who", help=_("Who is coworking today, and where"),
             topic=CHECKIN)
    async def who(self, ctx: CommandContext) -> None:
        day = self.services.clock.today()
        await ctx.reply(self.texts.who(day, await db.attendance_between(self.store, day, day),
                                       await db.plans_between(self.store, day, day)))

    # --- plans ----------------------------------------------------------------------------

    @command("plan", Arg(_("day"), plan_day, optional=True), Arg(_("place"), optional=True),
             help=_("Say where you will be on a coming day (a weekday or a date); without "
                    "arguments: your plans"),
             topic=CHECKIN, examples=(_("thu remote"), "2026-12-10 remote"))
    async def plan(self, ctx: CommandContext, day: date | None, word: str | None) -> None:
        today = self.services.clock.today()
        if day is None:
            await ctx.reply(self.texts.plans(await db.plans_of(self.store, ctx.sender, today)))
            return
        place = self._place_of(word) if word else None
        if place is None:
            await ctx.reply(self._place_hint(ctx, word))
            return
        if (await db.count_plans(self.store, ctx.sender, today) >= plans.MAX_PLANS
                and not any(p.day == day for p in await db.plans_of(
                    self.store, ctx.sender, today))):
            await ctx.reply(ctx.t(_("You have {count} plans already. Take some back first: "
                                    "{command}"), count=plans.MAX_PLANS,
                                  command=self._code("plan clear")))
            return
        await db.plan(self.store, ctx.sender, day, place,
                      int(self.services.clock.now().timestamp()))
        await ctx.reply(ctx.t(_("Planned: {date}, {place}. The check-in post of that day "
                                "shows it until you check in."),
                              date=self.services.i18n.date(day),
                              place=self.texts.place_label(place)))
        if day == today:
            await self._refresh_day(day)

    @command("plan clear", Arg(_("day"), plan_day, optional=True),
             help=_("Take back your plans (all, or the one of a day)"),
             topic=CHECKIN, examples=(_("thu"),))
    async def plan_clear(self, ctx: CommandContext, day: date | None) -> None:
        today = self.services.clock.today()
        removed = await db.clear_plans(self.store, ctx.sender, today, day)
        if not removed:
            await ctx.reply(ctx.t(_("You had no plans to take back.")))
            return
        await ctx.reply(ctx.t(_("Taken back: {count} plan(s)."), count=removed))
        await self._refresh_day(today)

    @command("stats", Arg(_("month"), month, optional=True),
             help=_("Check-ins of a month (YYYY-MM, default this month)"),
             topic=CHECKIN, examples=("2026-03",))
    async def stats(self, ctx: CommandContext, first: date | None) -> None:
        start, end = month_range(first or self.services.clock.today())
        figures = month_stats(start, await db.attendance_between(self.store, start, end))
        see_all = ctx.access >= Access.ORGANIZER or self.config.members_see_all_stats
        await ctx.reply(self.texts.stats(figures, ctx.sender, see_all))

    async def plans_between(self, first: date, last: date) -> list[tuple[date, str, str]]:
        """For the weekly digest (an offer): who plans to be where on those days."""
        return [(p.day, p.user_id, self.texts.mode(p.place))
                for p in await db.plans_between(self.store, first, last)]

    # --- helpers --------------------------------------------------------------------------

    def _place_of(self, word: str) -> str | None:
        """The place a member names: a location's key or name, `onsite` (the first location)
        or `remote`, in any case."""
        text = word.lower()
        for place in self.texts.places:
            if text in (place.key, self.texts.place_name(place).lower()):
                return place.key
        if text == ONSITE and self.texts.places[0].key != REMOTE:
            return self.texts.places[0].key
        return None

    def _leading_place(self, text: str) -> tuple[str | None, str]:
        """`detmold writing the offer` -> ("detmold", "writing the offer"); no place named:
        (None, the whole text)."""
        first, _space, rest = text.partition(" ")
        place = self._place_of(first) if first else None
        return (place, rest.strip()) if place else (None, text)

    def _place_hint(self, ctx: CommandContext, word: str | None) -> str:
        if word:
            head = ctx.t(_("'{value}' is not a place I know."), value=word[:40])
        else:
            head = ctx.t(_("Where will you be?"))
        return head + " " + ctx.t(_("Places: {places}. For example: {command}"),
                                  places=self.texts.place_keys(),
                                  command=self._code(f"plan thu {self.texts.places[0].key}"))

    def _code(self, text: str) -> str:
        return command_text(self.services.config.command_prefix, text)

    async def _check_in(self, ctx: CommandContext, mode: str | None, text: str | None) -> None:
        now = self.services.clock.now()
        day = now.date()
        current = await db.attendance_of(self.store, day, ctx.sender)
        mode = mode or (current.mode if current else DEFAULT_MODE)
        await db.check_in(self.store, day, ctx.sender, mode, int(now.timestamp()), db.COMMAND,
                          text)
        await ctx.reply(ctx.t(_("You are checked in for today: {mode}."),
                              mode=self.texts.mode(mode)))
        await self._refresh_day(day)

    async def _refresh_day(self, day: date) -> None:
        post = await self.daily.of(day)
        if post:
            self._refresh(post)

    def _refresh(self, post: TrackedPost) -> None:
        day = date.fromisoformat(post.subject)
        self.edits.request(post.room_id, post.event_id, lambda: self._post_text(day))

    async def _post_text(self, day: date) -> str:
        return self.texts.post(day, await db.attendance_between(self.store, day, day),
                               await db.plans_between(self.store, day, day))

    def _name_of(self, user_id: str) -> str:
        return display_name(self.services.client, user_id)
