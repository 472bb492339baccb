"""Webinars from the members' own ranks: propose, vote with 👍, find a date with a native poll,
schedule, announce to the region; a public page and an iCalendar feed for people without
Matrix.

A scheduled webinar is an occurrence of kind "webinar" in the meeting engine, which announces
it (at once: its announcement lead is longer than any webinar may be planned ahead), reminds,
starts the call and sums up, exactly like the sync. The scheduler only wakes `tick`; when the
engine reports a webinar's end, it counts as held.

The parts, each given what it needs: `texts`; the `engine` (names, dates, links); `proposals`
(the proposal posts and their votes); `polls` (date polls); `scheduling` (the engine's
occurrence, the public posts, the webinar's state; it closes polls and asks for the proposal
post to be refreshed); `views` (listings, feed, page; it asks for the votes).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from nio import RedactedEvent, RedactionEvent, UnknownEvent

from ...core.commands import Arg, CommandContext, command
from ...core.help import usage
from ...core.i18n import _
from ...core.offers import WEBINAR_NEWS, WEBINARS_GIVEN
from ...core.permissions import Access
from ...core.services import Services
from ...core.topics import MEETINGS, WEBINARS
from ...core.tracked import ReactionDeclaration, ReactionKind
from ...meetings import db as meetings_db
from ...meetings.db import Occurrence
from ...meetings.engine import MeetingEngine
from ...meetings.steps import END, Timing
from .. import Feature
from . import args, db, poll, queries
from .config import WebinarsConfig
from .dates import DatePolls
from .db import Webinar
from .events import EventViews
from .proposals import FEATURE, PROPOSAL, VOTERS, Proposals
from .schedule import KIND, Scheduling
from .texts import WebinarTexts

if TYPE_CHECKING:
    from aiohttp import web

HORIZON = timedelta(days=365)  # how far ahead a webinar may be planned
ANNOUNCE_AT_ONCE = HORIZON + timedelta(days=35)
MAX_OPEN_PROPOSALS = 3  # per member; organizers may have more


class WebinarsFeature(Feature):
    name = FEATURE
    section = ("webinars", WebinarsConfig)
    migrations = db.MIGRATIONS
    shared_tables = (meetings_db.TABLES,)


    def __init__(self, services: Services) -> None:
        super().__init__(services)
        assert services.config.webinars is not None
        self.config = services.config.webinars
        self.store = services.store
        self.texts = WebinarTexts(services.i18n, services.config.command_prefix,
                                  self.config.vote_threshold)
        timing = Timing(ANNOUNCE_AT_ONCE, tuple(self.config.reminders))
        self.engine = MeetingEngine(services, KIND, timing, feature=FEATURE,
                                    label=_("webinars"), details=self._details,
                                    on_step=self._on_step, speaker=self._speaker,
                                    taking_part=True)
        self.proposals = Proposals(services, self.texts, self.engine)
        self.polls = DatePolls(services, self.texts)
        self.scheduling = Scheduling(services, self.engine, self.texts, self.polls,
                                     self.proposals.refresh)
        self.views = EventViews(services, self.engine, self.texts, self.proposals.votes)
        services.offers.provide(WEBINARS_GIVEN, partial(queries.given_by, self.store))
        services.offers.provide(WEBINAR_NEWS, partial(queries.news, self.store,
                                                      self.proposals.votes,
                                                      self.config.vote_threshold))

    def reactions(self) -> dict[str, ReactionDeclaration]:
        # 👍 is a community decision: members only. Webinars are for interested people of
        # the region, so anyone in the (public) webinar room may RSVP for themselves.
        return {PROPOSAL: ReactionKind(self.proposals.on_votes, VOTERS),
                **self.engine.reactions(rsvps=Access.EVERYONE)}

    async def start(self) -> None:
        await self.engine.start(self.tick)

    async def stop(self) -> None:
        await self.engine.stop()
        await self.proposals.stop()
        await self.scheduling.stop()

    async def tick(self, now: datetime) -> None:
        """Run whatever step of a webinar is due."""
        await self.engine.run_due(now)

    async def _on_step(self, occ: Occurrence, step: str) -> None:
        if step == END:
            await self.scheduling.held(occ)

    async def _speaker(self, occ: Occurrence) -> str | None:
        webinar = await db.by_occurrence(self.store, occ.id)
        return webinar.speaker_id if webinar else None

    async def _details(self, occ: Occurrence) -> str:
        webinar = await db.by_occurrence(self.store, occ.id)
        if webinar is None:
            return ""
        return self.texts.details(webinar, self.engine.name_of(occ.room_id, webinar.speaker_id))

    # --- events: poll responses and their redactions ------------------------------------------

    def subscriptions(self) -> dict[type, Any]:
        return {UnknownEvent: self.polls.on_event, RedactionEvent: self._on_redaction,
                RedactedEvent: self._on_redacted}

    async def _on_redaction(self, room_id: str, event: RedactionEvent) -> None:
        if event.redacts:
            await self.polls.on_redacted(event.redacts)

    async def _on_redacted(self, room_id: str, event: RedactedEvent) -> None:
        if event.type in poll.RESPONSE_TYPES:
            await self.polls.on_redacted(event.event_id)

    async def on_gap(self, room_id: str) -> None:
        await self.polls.reconcile(room_id)

    def web_routes(self) -> list[web.AbstractRouteDef]:
        from aiohttp import web  # when serving: a start without it is quicker

        return [web.get("/calendar.ics", self.views.calendar_feed),
                web.get("/", self.views.public_page)]

    # --- commands -------------------------------------------------------------------------------

    @command("webinar propose", Arg(_("title | description"), args.proposal, rest=True),
             help=_("Propose a webinar you would give; members vote with 👍"),
             topic=WEBINARS, examples=(_("Matrix for beginners | What it is and how to start"),))
    async def propose(self, ctx: CommandContext, proposal: args.Proposal) -> None:
        room_id = await self.services.rooms.room_id(self.config.room)
        if room_id is None:
            await ctx.reply(ctx.t(_("The webinar room does not exist yet. An organizer can "
                                    "create it with {command}."),
                                  command=self.texts.code("space sync")))
            return
        if (ctx.access < Access.ORGANIZER
                and not await db.proposed_by_command(self.store, ctx.event_id)
                and await db.open_proposals_of(self.store, ctx.sender) >= MAX_OPEN_PROPOSALS):
            await ctx.reply(ctx.t(_("You have {count} open proposals already, as many as one "
                                    "member can have. Once one is scheduled or withdrawn "
                                    "({command}), propose the next."), count=MAX_OPEN_PROPOSALS,
                                  command=usage("webinar cancel", self.texts.prefix, ctx.t)))
            return
        webinar = await db.propose(self.store, ctx.event_id, proposal.title,
                                   proposal.description, ctx.sender,
                                   int(self.services.clock.now().timestamp()))
        if webinar.proposal_event_id is None:
            await self.proposals.post(webinar, room_id)
        await ctx.reply(ctx.t(_("Proposal #{id} is up in the webinar room: members vote with "
                                "👍. With {needed} 👍 you can find a date with {poll}."),
                              id=webinar.id, needed=self.config.vote_threshold,
                              poll=self.texts.code(f"webinar poll {webinar.id} …")))

    @command("webinar list", help=_("Open webinar proposals by votes, then scheduled webinars"),
             topic=WEBINARS)
    async def list_webinars(self, ctx: CommandContext) -> None:
        await ctx.reply(await self.views.listing())

    @command("webinar poll", Arg(_("id"), args.webinar_id),
             Arg(_("YYYY-MM-DD HH:MM | YYYY-MM-DD HH:MM | …"), args.dates, rest=True),
             help=_("Find a webinar's date with a poll (proposer or organizers)"),
             topic=WEBINARS, examples=("3 2026-12-01 18:00 | 2026-12-03 18:00",))
    async def start_poll(self, ctx: CommandContext, webinar_id: int,
                         starts: list[datetime]) -> None:
        webinar = await self._managed(ctx, webinar_id, needs_votes=True)
        if webinar is None or not await self._future(ctx, starts):
            return
        if webinar.status != db.PROPOSED:
            await ctx.reply(self._state_problem(webinar))
            return
        room_id = webinar.proposal_room_id or await self.services.rooms.room_id(self.config.room)
        assert room_id is not None
        await self.polls.start(webinar, room_id, starts, self.config.default_minutes,
                               cause=ctx.event_id)
        await ctx.reply(ctx.t(_("The poll for #{id} is up in the webinar room. Then {command} "
                                "takes the date with most votes."), id=webinar.id,
                              command=self.texts.code(f"webinar schedule {webinar.id} poll")))

    @command("webinar schedule", Arg(_("id"), args.webinar_id),
             Arg(_("YYYY-MM-DD HH:MM [minutes] | poll"), args.when, rest=True),
             help=_("Schedule a webinar, or take the poll's date (proposer or organizers)"),
             topic=WEBINARS, examples=("3 2026-12-01 18:00 90", "3 poll"))
    async def schedule(self, ctx: CommandContext, webinar_id: int, when: args.When) -> None:
        webinar = await self._managed(ctx, webinar_id, needs_votes=True)
        if webinar is None:
            return

        async def status_seen() -> str:
            return webinar.status

        # Decided by the status the command first saw: replayed after a crash, a schedule
        # would otherwise find its own work done and take the move path.
        status = await ctx.pin("status", status_seen)
        if status == db.SCHEDULED and when.start is not None:
            await self._move(ctx, webinar, when.start)
            return
        if status != db.PROPOSED or webinar.status not in (db.PROPOSED, db.SCHEDULED):
            await ctx.reply(self._state_problem(webinar))
            return
        start = when.start or await self._poll_winner(ctx, webinar)
        if start is None or not await self._future(ctx, [start]):
            return
        now = self.services.clock.now()
        occ = await self.scheduling.schedule(webinar, start,
                                             when.minutes or self.config.default_minutes, now)
        await ctx.reply(ctx.t(_("Scheduled: “{title}” on {when}. It is announced now, with "
                                "RSVP and reminders."), title=webinar.title,
                              when=self.engine.when(occ)))

    @command("webinar cancel", Arg(_("id"), args.webinar_id),
             help=_("Cancel a webinar or withdraw a proposal (proposer or organizers)"),
             topic=WEBINARS, examples=("3",))
    async def cancel(self, ctx: CommandContext, webinar_id: int) -> None:
        webinar = await self._managed(ctx, webinar_id, needs_votes=False)
        if webinar is None:
            return
        now = self.services.clock.now()
        occ = await self.scheduling.occurrence(webinar)
        if webinar.status not in (db.PROPOSED, db.SCHEDULED) or (occ and now >= occ.start):
            await ctx.reply(self._state_problem(webinar, running=True))
            return
        note = ctx.t(_("Cancelled by {name}."),
                     name=self.engine.name_of(ctx.room_id, ctx.sender))
        await self.scheduling.cancel(webinar, now, note, cause=ctx.event_id)
        told = ctx.t(_("Everyone who answered was told.")) if occ else ""
        await ctx.reply(" ".join(filter(None, [
            ctx.t(_("Cancelled: “{title}”."), title=webinar.title), told])))

    @command("events", help=_("Upcoming syncs, webinars and member events"),
             topic=MEETINGS)
    async def events(self, ctx: CommandContext) -> None:
        await ctx.reply(await self.views.upcoming(self.services.clock.now()))

    @command("calendar", help=_("The address of the public calendar feed and page"),
             access=Access.EVERYONE,
             topic=WEBINARS)
    async def calendar(self, ctx: CommandContext) -> None:
        await ctx.reply(self.views.addresses())

    # --- helpers ----------------------------------------------------------------------------------

    async def _managed(self, ctx: CommandContext, webinar_id: int,
                       needs_votes: bool) -> Webinar | None:
        """The webinar if the sender may change it; otherwise they are told why, and None."""
        webinar = await db.get(self.store, webinar_id)
        if webinar is None:
            await ctx.reply(ctx.t(_("There is no webinar #{id}."), id=webinar_id))
            return None
        organizer = ctx.access >= Access.ORGANIZER
        if ctx.sender != webinar.speaker_id and not organizer:
            await ctx.reply(ctx.t(_("Only {speaker}, who proposed #{id}, or an organizer can "
                                    "do that."), id=webinar.id,
                                  speaker=self.proposals.speaker_pill(webinar)))
            return None
        if needs_votes and not organizer and webinar.status == db.PROPOSED:
            votes = await self.proposals.votes(webinar)
            if votes < self.config.vote_threshold:
                await ctx.reply(ctx.t(_("Proposal #{id} has {votes} of {needed} 👍 so far. "
                                        "An organizer can schedule it anyway."), id=webinar.id,
                                      votes=votes, needed=self.config.vote_threshold))
                return None
        return webinar

    async def _future(self, ctx: CommandContext, starts: list[datetime]) -> bool:
        now = self.services.clock.now()
        for start in starts:
            if start <= now:
                await ctx.reply(ctx.t(_("{when} has passed already."),
                                      when=self.services.i18n.datetime(start)))
                return False
            if start > now + HORIZON:
                await ctx.reply(ctx.t(_("Please pick a date within a year.")))
                return False
        return True

    async def _poll_winner(self, ctx: CommandContext, webinar: Webinar) -> datetime | None:
        found = await db.latest_poll(self.store, webinar.id)
        if found is None:
            await ctx.reply(ctx.t(_("There is no poll for #{id} yet. Start one with {command}."),
                                  id=webinar.id,
                                  command=self.texts.code(f"webinar poll {webinar.id} …")))
            return None
        best = await self.polls.winner(found)
        if best is None:
            await ctx.reply(ctx.t(_("Nobody has voted in the poll for #{id} yet."),
                                  id=webinar.id))
            return None
        return best.start

    async def _move(self, ctx: CommandContext, webinar: Webinar, start: datetime) -> None:
        now = self.services.clock.now()
        occ = await self.scheduling.occurrence(webinar)
        assert occ is not None
        if now >= occ.start:
            await ctx.reply(self._state_problem(webinar, running=True))
            return
        if not await self._future(ctx, [start]):
            return
        moved = await self.scheduling.move(webinar, occ, start, now, cause=ctx.event_id)
        await ctx.reply(ctx.t(_("Moved: “{title}” is now on {when}. Everyone who answered "
                                "was told."), title=webinar.title,
                              when=self.engine.when(moved)))

    def _state_problem(self, webinar: Webinar, running: bool = False) -> str:
        t = self.services.i18n.t
        if webinar.status == db.CANCELLED:
            return t(_("Webinar #{id} was cancelled."), id=webinar.id)
        if webinar.status == db.HELD:
            return t(_("Webinar #{id} has taken place already."), id=webinar.id)
        if running:
            return t(_("Webinar #{id} is running already."), id=webinar.id)
        return t(_("Webinar #{id} is scheduled already. To move it, give a new date: "
                   "{command}"), id=webinar.id,
                 command=self.texts.code(f"webinar schedule {webinar.id} YYYY-MM-DD HH:MM"))
