"""The monthly sync: a recurring meeting on Jitsi with an agenda, built on the meeting engine.

The next sync always exists in the store (the series creates it ahead of time); the engine
announces it, reminds, starts and ends it. The scheduler only wakes `tick`, which decides from
the store and the clock what is due, so tests drive a whole month by setting the clock.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from ...core.arguments import integer, local_datetime, one_line
from ...core.commands import Arg, CommandContext, command
from ...core.formatting import command_text
from ...core.help import usage
from ...core.i18n import Markup, _, escape
from ...core.limits import Listing, pages
from ...core.offers import NEXT_SYNC
from ...core.permissions import Access
from ...core.services import Services
from ...core.topics import MEETINGS
from ...core.tracked import ReactionDeclaration
from ...meetings import db as meetings_db
from ...meetings.db import Occurrence
from ...meetings.engine import MeetingEngine
from ...meetings.recurrence import parse_recurrence
from ...meetings.series import Series
from ...meetings.steps import Timing
from .. import Feature
from . import agenda, offered
from .config import SyncConfig

KIND = "sync"
MAX_ITEM = 300
MAX_ITEMS_PER_MEMBER = 5  # per sync; organizers may add more


class SyncFeature(Feature):
    name = "sync"
    section = ("sync", SyncConfig)
    migrations = agenda.MIGRATIONS
    shared_tables = (meetings_db.TABLES,)


    def __init__(self, services: Services) -> None:
        super().__init__(services)
        assert services.config.sync is not None
        config = services.config.sync
        self.store = services.store
        timing = Timing(config.announce_before, tuple(config.remind_before))
        self.engine = MeetingEngine(services, KIND, timing, feature=self.name,
                                    label=_("monthly sync"), details=self.agenda_text,
                                    taking_part=True)
        self.series = Series(
            self.engine, parse_recurrence(config.recurrence), services.clock.tz,
            config.title or services.i18n.t(_("Monthly sync")), config.duration, config.room,
            extra={"public": config.public},
        )
        services.offers.provide(NEXT_SYNC, partial(offered.next_sync, self.engine))

    def reactions(self) -> dict[str, ReactionDeclaration]:
        return self.engine.reactions()

    async def start(self) -> None:
        await self.engine.start(self.tick)

    async def stop(self) -> None:
        await self.engine.stop()

    async def tick(self, now: datetime) -> None:
        """Make sure the next sync exists, then run whatever step is due."""
        await self.series.next(now)
        await self.engine.run_due(now)

    # --- the agenda -------------------------------------------------------------------------

    async def agenda_text(self, occ: Occurrence) -> str | Listing:
        """The agenda as the meeting's posts show it: cut to fit, with how many more."""
        t = self.services.i18n.t
        lines = await self._agenda_lines(occ)
        if not lines:
            return t(_("Nothing on the agenda yet. Add a topic: {command}"),
                     command=self._code("agenda add …"))
        return Listing(t(_("**Agenda**")), lines, lambda left: t(
            _("… and {count} more: {command}"), count=left, command=self._code("agenda")))

    async def _agenda_lines(self, occ: Occurrence) -> list[str]:
        # numbered lines, not a Markdown list: the plain body keeps the numbers for `remove`
        return [f"{item.number}\\. {escape(item.text)} – "
                f"{escape(self.engine.name_of(occ.room_id, item.author))}"
                for item in await agenda.items(self.store, occ.id)]

    @command("agenda", help=_("The agenda of the next sync"),
             topic=MEETINGS)
    async def agenda_show(self, ctx: CommandContext) -> None:
        """All of it, in as many messages as it takes."""
        occ = await self._next()
        head = ctx.t(_("Agenda of the sync on {when}:"), when=self.engine.when(occ))
        listing = await self.agenda_text(occ)
        if not isinstance(listing, Listing):
            await ctx.reply(head + "\n\n" + listing)
            return
        for page in pages(lambda part: head + "\n\n" + Listing(listing.head, part, str).render(),
                          listing.lines):
            await ctx.reply(page)

    @command("agenda add", Arg(_("text"), one_line(MAX_ITEM), rest=True),
             help=_("Put a topic on the agenda of the next sync"),
             topic=MEETINGS, examples=(_("New rooms for the workshop"),))
    async def agenda_add(self, ctx: CommandContext, text: str) -> None:
        occ = await self._next()
        number = await agenda.number_added_by(self.store, occ.id, ctx.event_id)  # a replay
        if number is None:
            if (ctx.access < Access.ORGANIZER and await agenda.count_by(
                    self.store, occ.id, ctx.sender) >= MAX_ITEMS_PER_MEMBER):
                await ctx.reply(ctx.t(_("You have {count} topics on the agenda of the sync on "
                                        "{when} already, as many as one member can add. "
                                        "Remove one first: {command}"),
                                      count=MAX_ITEMS_PER_MEMBER, when=self.engine.when(occ),
                                      command=usage("agenda remove", self._prefix, ctx.t)))
                return
            number = await agenda.add(self.store, occ.id, ctx.sender, text,
                                      int(self.services.clock.now().timestamp()), ctx.event_id)
        await self.engine.refresh(occ)
        await ctx.reply(ctx.t(_("Added as item {number} for the sync on {when}."),
                              number=number, when=self.engine.when(occ)))

    @command("agenda remove", Arg(_("n"), integer(1, 999)),
             help=_("Take item n off the agenda (your own; organizers any)"),
             topic=MEETINGS, examples=("2",))
    async def agenda_remove(self, ctx: CommandContext, number: int) -> None:
        occ = await self._pinned_next(ctx)

        async def item_at() -> dict[str, object] | None:
            found = next((i for i in await agenda.items(self.store, occ.id)
                          if i.number == number), None)
            return found and {"id": found.id, "author": found.author, "text": found.text}

        item = await ctx.pin("agenda item", item_at)  # a replay removes the same item
        if item is None:
            await ctx.reply(ctx.t(_("There is no item {number} on the agenda."), number=number))
        elif item["author"] != ctx.sender and ctx.access < Access.ORGANIZER:
            await ctx.reply(ctx.t(_("Item {number} is someone else's: only they or an "
                                    "organizer can remove it."), number=number))
        else:
            await agenda.remove(self.store, item["id"])
            await self.engine.refresh(occ)
            await ctx.reply(ctx.t(_("Removed from the agenda: {text}"), text=item["text"]))

    # --- the sync ---------------------------------------------------------------------------

    @command("sync", help=_("The next sync: when, link, answers and agenda"),
             topic=MEETINGS)
    async def sync_show(self, ctx: CommandContext) -> None:
        occ = await self._next()
        await ctx.reply(await self.engine.overview(occ))

    @command("sync announce", help=_("Announce the next sync now"), access=Access.ORGANIZER)
    async def sync_announce(self, ctx: CommandContext) -> None:
        now = self.services.clock.now()
        occ = await self._next()
        if await self.engine.announce(occ, now):
            await ctx.reply(ctx.t(_("Announced: the sync on {when}."), when=self.engine.when(occ)))
        else:
            await ctx.reply(ctx.t(_("The sync on {when} was announced already."),
                                  when=self.engine.when(occ)))

    @command("sync skip", help=_("Cancel the next sync and tell everyone who answered"),
             access=Access.ORGANIZER)
    async def sync_skip(self, ctx: CommandContext) -> None:
        now = self.services.clock.now()
        occ = await self._pinned_next(ctx)  # a replay skips this one, not the following
        if now >= occ.start:
            await ctx.reply(ctx.t(_("The sync on {when} is already running."),
                                  when=self.engine.when(occ)))
            return
        following = await self.series.following(occ)
        note = ctx.t(_("The next one: {when}."), when=self.services.i18n.datetime(following))
        await self.engine.cancel(occ, now, note, cause=ctx.event_id)
        nxt = await self.series.next(now)
        moved = await agenda.carry_over(self.store, occ.id, nxt.id)
        await self.engine.refresh(nxt)
        await self.tick(now)
        answer = [ctx.t(_("Cancelled: the sync on {when}."), when=self.engine.when(occ)), note]
        if moved:
            answer.append(ctx.t(_("Its agenda moves there too.")))
        await ctx.reply(" ".join(answer))

    @command("sync move", Arg(_("YYYY-MM-DD HH:MM"), local_datetime, rest=True),
             help=_("Move the next sync to another time (YYYY-MM-DD HH:MM)"),
             access=Access.ORGANIZER,
             examples=("2026-12-03 18:00",))
    async def sync_move(self, ctx: CommandContext, when: datetime) -> None:
        now = self.services.clock.now()
        occ = await self._pinned_next(ctx)
        problem = await self._move_problem(occ, when, now)
        if problem:
            await ctx.reply(problem)
            return
        await self.engine.move(occ, when, now, cause=ctx.event_id)
        await self.tick(now)
        moved = await self._next()
        await ctx.reply(ctx.t(_("Moved: the sync is now on {when}. Everyone who answered "
                                "was told."), when=self.engine.when(moved)))

    async def _move_problem(self, occ: Occurrence, when: datetime, now: datetime) -> str | None:
        t = self.services.i18n.t
        if now >= occ.start:
            return t(_("The sync on {when} is already running."), when=self.engine.when(occ))
        if when <= now:
            return t(_("{when} has passed already."), when=self.services.i18n.datetime(when))
        following = await self.series.following(occ)
        if when >= following:
            return t(_("That is not before the following sync ({following}). Skip this one "
                       "instead: {command}"), following=self.services.i18n.datetime(following),
                     command=self._code("sync skip"))
        return None

    # --- helpers ----------------------------------------------------------------------------

    async def _next(self) -> Occurrence:
        return await self.series.next(self.services.clock.now())

    async def _pinned_next(self, ctx: CommandContext) -> Occurrence:
        """The next sync as it was when the command first ran (a replay after a crash acts
        on the same one, even if it was cancelled meanwhile)."""
        async def next_id() -> int:
            return (await self._next()).id

        occ = await meetings_db.get(self.store, await ctx.pin("sync", next_id))
        assert occ is not None
        return occ

    def _code(self, text: str) -> Markup:
        return command_text(self._prefix, text)

    @property
    def _prefix(self) -> str:
        return self.services.config.command_prefix
