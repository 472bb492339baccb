"""Daily check-in: who is coworking today, on site or remote, by reaction or by command.

Reactions reach this feature only through the tracked posts (`on_reactions_changed`); the
attendance row of a member and day follows their latest check-in reaction, and a command
sets it directly. The daily post shows the current list, edited in place with coalesced edits.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from ...core.arguments import month
from ...core.commands import Arg, ArgError, CommandContext, command
from ...core.formatting import command_text
from ...core.i18n import _
from ...core.offers import CHECKINS_BETWEEN, LAST_COWORKING_DAY
from ...core.permissions import Access
from ...core.postedits import CoalescedEdits
from ...core.rooms import display_name
from ...core.services import Services
from ...core.topics import CHECKIN
from ...core.tracked import Reaction, ReactionDeclaration, TrackedPost
from .. import Feature
from . import db, queries
from .config import CheckinConfig
from .daily import KIND, DailyPost
from .stats import month_range, month_stats
from .texts import STATUS_COMMAND, CheckinTexts

DEFAULT_MODE = "remote"
MAX_NOTE = 200


def note(raw: str, ctx: CommandContext) -> str:
    text = " ".join(raw.split())
    if len(text) > MAX_NOTE:
        raise ArgError(_("Please keep it under {max} characters."), max=MAX_NOTE)
    return text


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
        services.offers.provide(LAST_COWORKING_DAY, partial(queries.last_day, self.store))
        services.offers.provide(CHECKINS_BETWEEN, partial(queries.week, self.store))

    async def start(self) -> None:
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
            mode = self.config.reactions.get(reaction.key)
            if mode:
                latest = (mode, reaction.ts)
        if latest:
            mode, ts = latest
            await db.check_in(self.store, day, user_id, mode, ts // 1000, db.REACTION)
        else:
            await db.check_out(self.store, day, user_id, source=db.REACTION)
        self._refresh(post)

    # --- commands -------------------------------------------------------------------------

    @command("checkin", Arg(_("note"), note, optional=True, rest=True),
             help=_("Check in for today without the reaction, optionally with what you work on"),
             topic=CHECKIN, examples=(_("Writing the offer"),))
    async def checkin(self, ctx: CommandContext, text: str | None) -> None:
        await self._check_in(ctx, None, text)

    @command("checkin onsite", Arg(_("note"), note, optional=True, rest=True),
             help=_("Check in for today: on site"),
             topic=CHECKIN)
    async def checkin_onsite(self, ctx: CommandContext, text: str | None) -> None:
        await self._check_in(ctx, "onsite", text)

    @command("checkin remote", Arg(_("note"), note, optional=True, rest=True),
             help=_("Check in for today: remote"),
             topic=CHECKIN)
    async def checkin_remote(self, ctx: CommandContext, text: str | None) -> None:
        await self._check_in(ctx, "remote", text)

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

    @command("who", help=_("Who is coworking today"),
             topic=CHECKIN)
    async def who(self, ctx: CommandContext) -> None:
        day = self.services.clock.today()
        await ctx.reply(self.texts.who(day, await db.attendance_between(self.store, day, day)))

    @command("stats", Arg(_("month"), month, optional=True),
             help=_("Check-ins of a month (YYYY-MM, default this month)"),
             topic=CHECKIN, examples=("2026-03",))
    async def stats(self, ctx: CommandContext, first: date | None) -> None:
        start, end = month_range(first or self.services.clock.today())
        figures = month_stats(start, await db.attendance_between(self.store, start, end))
        see_all = ctx.access >= Access.ORGANIZER or self.config.members_see_all_stats
        await ctx.reply(self.texts.stats(figures, ctx.sender, see_all))

    # --- helpers --------------------------------------------------------------------------

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
        return self.texts.post(day, await db.attendance_between(self.store, day, day))

    def _name_of(self, user_id: str) -> str:
        return display_name(self.services.client, user_id)
