"""Events that members make themselves: a lunch, a regulars' evening, a walk, once or weekly or
monthly, in person or on video.

Each event is a series of occurrences of the meeting engine (kind "event"), which announces
them at once, with ✅❔❌, reminds, starts (the call at the top of the room when it is online),
and sums up, exactly like the sync; `series` keeps the next occurrence of each event planned by
the sync's recurrence rules. The creator and the organizers may move and cancel an event;
others are told who can. `!calendar mine` gives a member a private feed (`feed`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ...core.arguments import integer, local_datetime
from ...core.chat import txn_for
from ...core.commands import Arg, CommandContext, command
from ...core.formatting import command_text, link
from ...core.i18n import Markup, _
from ...core.permissions import Access
from ...core.services import Services
from ...core.topics import MEETINGS
from ...core.tracked import ReactionDeclaration
from ...meetings import db as meetings_db
from ...meetings.db import Occurrence
from ...meetings.engine import MeetingEngine
from ...meetings.steps import Timing
from .. import Feature
from . import args, db
from .args import Draft
from .config import EventsConfig
from .db import MemberEvent, NewEvent
from .feed import PersonalFeeds
from .series import EventSeries
from .texts import EventTexts

if TYPE_CHECKING:
    from aiohttp import web

FEATURE, KIND = "events", "event"
ANNOUNCE_AT_ONCE = args.HORIZON + timedelta(days=35)  # announced as soon as it is planned


class EventsFeature(Feature):
    name = FEATURE
    section = ("events", EventsConfig)
    migrations = db.MIGRATIONS
    shared_tables = (meetings_db.TABLES,)

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        assert services.config.events is not None
        self.config: EventsConfig = services.config.events
        self.store = services.store
        timing = Timing(ANNOUNCE_AT_ONCE, tuple(self.config.remind_before))
        self.texts = EventTexts(services.i18n)
        self.engine = MeetingEngine(services, KIND, timing, feature=FEATURE,
                                    label=_("member events"), details=self._details,
                                    texts=self.texts)
        self.series = EventSeries(services, self.engine, self.config.room)
        self.feeds = PersonalFeeds(services, self.engine.link)

    def reactions(self) -> dict[str, ReactionDeclaration]:
        return self.engine.reactions()

    def web_routes(self) -> list[web.AbstractRouteDef]:
        from aiohttp import web  # when serving: a start without it is quicker

        return [web.get("/my/{token}.ics", self.feeds.serve)]

    async def start(self) -> None:
        await self.engine.start(self.tick)

    async def stop(self) -> None:
        await self.engine.stop()

    async def tick(self, now: datetime) -> None:
        """Every event's next occurrence planned, then whatever step is due."""
        for event in await db.active(self.store):
            await self.series.next(event, now)
        await self.engine.run_due(now)

    async def _details(self, occ: Occurrence) -> str:
        event = await db.event_of(self.store, occ.id)
        if event is None:
            return ""
        t = self.services.i18n.t
        lines = [t(_("Organized by {name} · event #{number}"),
                   name=self.engine.name_of(occ.room_id, event.creator), number=event.id)]
        if event.recurrence:
            lines.append(t(_("Every week.")) if event.recurrence.startswith("every")
                         else t(_("Every month.")))
        if event.public:
            lines.append(t(_("Public: also on the web page and in the calendar feed.")))
        return "\n".join(lines)

    # --- commands -------------------------------------------------------------------------

    @command("event create", Arg(_("title | YYYY-MM-DD HH:MM [minutes] | place or video | "
                                   "weekly or monthly"), args.draft, rest=True),
             help=_("Make an event for the community: a lunch, an evening, a walk"),
             topic=MEETINGS,
             examples=(_("Lunch at the Markt | 2026-12-10 12:30 60 | Café Florian, Detmold"),
                       _("Regulars' evening | 2026-12-10 19:00 | video | monthly")))
    async def event_create(self, ctx: CommandContext, draft: Draft) -> None:
        now = self.services.clock.now()
        problem = await self._create_problem(ctx, draft, now)
        if problem:
            await ctx.reply(problem)
            return
        minutes = draft.minutes or int(self.config.default_duration.total_seconds() // 60)
        event = await db.create(self.store, NewEvent(
            ctx.sender, draft.title, draft.place, minutes, args.rule_for(draft.start,
                                                                          draft.repeat),
            draft.public, ctx.event_id, int(now.timestamp())))
        occ = await self.series.first(event, draft.start)
        await self.tick(now)
        await ctx.reply(ctx.t(_("Event #{number} is planned: “{title}” on {when}. Change it "
                                "with {move}, cancel it with {cancel}."),
                              number=event.id, title=event.title, when=self.engine.when(occ),
                              move=self._code(f"event move {event.id} …"),
                              cancel=self._code(f"event cancel {event.id}")))

    @command("event", Arg(_("n"), integer(1, 10**9)),
             help=_("An event: when, where, who is coming"),
             topic=MEETINGS, examples=("1",))
    async def event_show(self, ctx: CommandContext, number: int) -> None:
        event = await db.get(self.store, number)
        occ = event and await self.series.upcoming(event, self.services.clock.now())
        if event is None or occ is None:
            await ctx.reply(ctx.t(_("There is no coming event #{number}."), number=number))
            return
        await ctx.reply(await self.engine.overview(occ))

    @command("event move", Arg(_("n"), integer(1, 10**9)),
             Arg(_("YYYY-MM-DD HH:MM"), local_datetime, rest=True),
             help=_("Move your event's next date (the creator or an organizer)"),
             topic=MEETINGS, examples=("1 2026-12-11 12:30",))
    async def event_move(self, ctx: CommandContext, number: int, when: datetime) -> None:
        now = self.services.clock.now()
        found = await self._managed(ctx, number)
        if found is None:
            return
        event, occ = found
        problem = await self._move_problem(event, occ, when, now)
        if problem:
            await ctx.reply(problem)
            return
        await self.engine.move(occ, when, now, cause=ctx.event_id)
        await self.tick(now)
        moved = await meetings_db.get(self.store, occ.id)
        assert moved is not None
        await ctx.reply(ctx.t(_("Moved: “{title}” is now on {when}. Everyone who answered "
                                "was told."), title=event.title, when=self.engine.when(moved)))

    @command("event cancel", Arg(_("n"), integer(1, 10**9)),
             Arg(_("all"), args.everything, optional=True),
             help=_("Cancel your event's next date, or with `all` the whole series "
                    "(the creator or an organizer)"),
             topic=MEETINGS, examples=("1", "1 all"))
    async def event_cancel(self, ctx: CommandContext, number: int, everything: bool | None
                           ) -> None:
        now = self.services.clock.now()
        found = await self._managed(ctx, number)
        if found is None:
            return
        event, occ = found
        if now >= occ.start:
            await ctx.reply(ctx.t(_("“{title}” on {when} is already running."),
                                  title=event.title, when=self.engine.when(occ)))
            return
        ends = everything or event.recurrence is None
        following = None if ends else await self.series.following(event, occ)
        if ends:
            await db.end(self.store, event.id)
            note = ctx.t(_("Cancelled by {name}."),
                         name=self.engine.name_of(ctx.room_id, ctx.sender))
        else:
            note = ctx.t(_("The next one: {when}."),
                         when=self.services.i18n.datetime(following)) if following else ""
        await self.engine.cancel(occ, now, note, cause=ctx.event_id)
        await self.tick(now)
        answer = [ctx.t(_("Cancelled: “{title}” on {when}."), title=event.title,
                        when=self.engine.when(occ))]
        if following:
            answer.append(note)
        elif event.recurrence:
            answer.append(ctx.t(_("The series ends.")))
        await ctx.reply(" ".join(answer))

    # --- the personal calendar ---------------------------------------------------------------

    @command("calendar mine", help=_("Your private calendar feed: what you said yes or maybe "
                                     "to, for your phone"),
             topic=MEETINGS)
    async def calendar_mine(self, ctx: CommandContext) -> None:
        await self._tell_feed(ctx, await self.feeds.token(ctx.sender))

    @command("calendar mine reset", help=_("A new address for your calendar feed; the old one "
                                           "stops working"),
             topic=MEETINGS)
    async def calendar_mine_reset(self, ctx: CommandContext) -> None:
        async def fresh() -> str:
            return await self.feeds.token(ctx.sender, reset=True)

        token = await ctx.pin("calendar token", fresh)  # a replay does not reset it twice
        await self._tell_feed(ctx, token, reset=True)

    async def _tell_feed(self, ctx: CommandContext, token: str, reset: bool = False) -> None:
        """The address goes only where nobody else reads it: as the answer in the member's
        direct chat, or, asked elsewhere, into that direct chat (made if need be)."""
        url = self.feeds.url(token)
        if url is None:
            await ctx.reply(ctx.t(_("There is no calendar feed: the organizers have not set up "
                                    "the web server (web.enabled and web.public_url).")))
            return
        head = ctx.t(_("Your new calendar address; the old one no longer works:")) if reset \
            else ctx.t(_("Your private calendar, with everything you said yes or maybe to:"))
        text = "\n\n".join([head, link(url), ctx.t(
            _("Subscribe to it in your calendar app. Keep it to yourself; {command} makes a "
              "new one."), command=self._code("calendar mine reset"))])
        if self._is_direct(ctx):
            await ctx.reply(text)
            return
        await self.services.direct.send(ctx.sender, text,
                                        txn=txn_for(FEATURE, "calendar", ctx.event_id))
        await ctx.reply(ctx.t(_("Your calendar address is private: I sent it to you in our "
                                "direct chat.")))

    # --- helpers ----------------------------------------------------------------------------

    async def _create_problem(self, ctx: CommandContext, draft: Draft, now: datetime
                              ) -> str | None:
        t = ctx.t
        if await db.get_by_cause(self.store, ctx.event_id):
            return None  # a replay: made already
        if draft.start <= now:
            return t(_("{when} has passed already."),
                     when=self.services.i18n.datetime(draft.start))
        if draft.start > now + args.HORIZON:
            return t(_("Please plan at most a year ahead."))
        if (draft.public and self.config.public_by == "organizers"
                and ctx.access < Access.ORGANIZER):
            return t(_("Only organizers can put an event on the public page. Leave out "
                       "“public”, or ask an organizer."))
        if (ctx.access < Access.ORGANIZER and await db.count_active_by(
                self.store, ctx.sender) >= self.config.max_per_member):
            return t(_("You have {count} events planned already, as many as one member can "
                       "have. Cancel one first."), count=self.config.max_per_member)
        return None

    async def _managed(self, ctx: CommandContext, number: int
                       ) -> tuple[MemberEvent, Occurrence] | None:
        """The event and its next occurrence if the sender may change it; else they are told
        why, and None. The occurrence is pinned: a replay acts on the same one."""
        event = await db.get(self.store, number)

        async def next_id() -> int | None:
            found = event and await self.series.upcoming(event, self.services.clock.now())
            return found.id if found else None

        occ_id = await ctx.pin(f"event {number}", next_id) if event else None
        occ = await meetings_db.get(self.store, occ_id) if occ_id else None
        if event is None or occ is None:
            await ctx.reply(ctx.t(_("There is no coming event #{number}."), number=number))
            return None
        if event.creator != ctx.sender and ctx.access < Access.ORGANIZER:
            await ctx.reply(ctx.t(_("Only {name}, who created #{number}, or an organizer can "
                                    "do that."), name=self.engine.name_of(None, event.creator),
                                  number=number))
            return None
        return event, occ

    async def _move_problem(self, event: MemberEvent, occ: Occurrence, when: datetime,
                            now: datetime) -> str | None:
        t = self.services.i18n.t
        if now >= occ.start:
            return t(_("“{title}” on {when} is already running."), title=event.title,
                     when=self.engine.when(occ))
        if when <= now:
            return t(_("{when} has passed already."), when=self.services.i18n.datetime(when))
        if when > now + args.HORIZON:
            return t(_("Please plan at most a year ahead."))
        following = await self.series.following(event, occ)
        if following and when >= following:
            return t(_("That is not before the series' next date ({following}). Cancel this "
                       "one instead: {command}"),
                     following=self.services.i18n.datetime(following),
                     command=self._code(f"event cancel {event.id}"))
        return None

    def _is_direct(self, ctx: CommandContext) -> bool:
        """A room of the member and the bot alone: nobody else reads the answer."""
        room = self.services.client.rooms.get(ctx.room_id)
        return bool(room) and set(room.users) <= {ctx.sender, self.services.client.user_id}

    def _code(self, text: str) -> Markup:
        return command_text(self.services.config.command_prefix, text)

