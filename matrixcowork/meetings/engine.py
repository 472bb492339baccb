"""The meeting engine: decides from the store and the clock what is due, and does it once.

The scheduling service only wakes the owning feature (one job per kind of meeting, at the
next step's time, and once at start to catch up); `run_due(now)` then reads the occurrences and
their recorded steps and runs what the rules in `steps` say, recording each step as done or
skipped. A step that fails (no room, the homeserver refuses) is not recorded and is tried again
after the service's retry pause.

What features ask of it they ask the engine itself: `when(occ)` and `name_of(room, user)` for
their texts, `link(occ)` for the call, `overview(occ)` for a command's answer. The constructor
takes `texts` (wording of their own, a `MeetingTexts` subclass) and `on_step(occ, step)`, called
after each step has run (e.g. `END`: the meeting is over) and before it is recorded, so a crash
in between runs both again: the hook must be idempotent. It runs under the engine's lock, so it
must not call `run_due`, `announce`, `cancel` or `move`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any

from ..core.chat import ChatError
from ..core.jitsi import Jitsi
from ..core.permissions import Access
from ..core.scheduling import Action
from ..core.services import Services
from ..core.tracked import ReactionDeclaration, ReactionKind, TrackedPost
from . import db, rsvp, steps
from .db import CANCELLED, DONE, RAN, SKIPPED, NewOccurrence, Occurrence
from .directory import meetings_of
from .posts import (
    ANNOUNCEMENT,
    START_POST,
    SUMMARY,
    Details,
    MeetingPosts,
    RoomMissing,
    Speaker,
    no_speaker,
)
from .render import MeetingTexts
from .steps import ANNOUNCE, END, START, Timing

log = logging.getLogger(__name__)

StepDone = Callable[[Occurrence, str], Awaitable[None]]


async def no_details(occ: Occurrence) -> str:
    return ""


async def nothing_more(occ: Occurrence, step: str) -> None:
    return None


class MeetingEngine:
    """One kind of meeting (e.g. "sync"): its occurrences, steps, posts and wake-up job."""

    def __init__(self, services: Services, kind: str, timing: Timing, *, feature: str,
                 label: str, details: Details = no_details,
                 on_step: StepDone = nothing_more, texts: MeetingTexts | None = None,
                 speaker: Speaker = no_speaker, taking_part: bool = False) -> None:
        """`feature` owns its posts and its job; `label` names the job in `!botstatus`;
        `details` adds the feature's lines to the posts; `texts` replaces the wording of the
        posts (a subclass); `on_step` see above; `speaker(occ)` names who gives it (a
        webinar's speaker: asked questions reach them, they may mark them answered);
        `taking_part`: its meetings take minutes, questions, feedback and what else features
        add through the meeting layer's directory (`directory.py`)."""
        self.services = services
        self.kind = kind
        self.timing = timing
        self.store = services.store
        self.job_id = f"{feature}:meetings"
        self.label = label
        self.feature = feature
        self.speaker = speaker
        self.posts = MeetingPosts(services, f"meetings.{kind}", feature, details, texts, speaker,
                                  taking_part)
        self.jitsi: Jitsi = self.posts.jitsi
        self.on_step = on_step
        self._lock = asyncio.Lock()
        self._wake: Action | None = None
        self._failed = False
        if taking_part:
            meetings_of(services).add_engine(self)

    async def start(self, wake: Action) -> None:
        """`wake(now)` runs when a step is due (the owning feature's tick), and right away, for
        what was due while the bot was down."""
        self._wake = wake
        self.services.scheduler.at(self.job_id, self.services.clock.now(), wake, name=self.label)

    async def stop(self) -> None:
        await self.posts.edits.flush()

    def reactions(self, rsvps: Access = Access.MEMBER) -> dict[str, ReactionDeclaration]:
        """For the owning feature's declaration: RSVPs on the announcement (from members,
        unless the feature lets `rsvps` answer), ✋ on the start (members: attendance is the
        community's figure)."""
        return {ANNOUNCEMENT: ReactionKind(self.posts.on_rsvp, rsvps),
                START_POST: ReactionKind(self.posts.on_here, Access.MEMBER)}

    # --- occurrences -------------------------------------------------------------------------

    async def create(self, title: str, start: datetime, duration: timedelta, *,
                     room_key: str | None = None, room_id: str | None = None,
                     slot: datetime | None = None, extra: dict[str, Any] | None = None,
                     ) -> Occurrence | None:
        """A new occurrence with its own conference; None if its slot exists already."""
        new = NewOccurrence(self.kind, title, start, duration, self.jitsi.new_conference(),
                            room_key, room_id, slot, extra)
        occ = await db.create(self.store, new)
        if occ:
            log.info("%s %d planned for %s", self.kind, occ.id, occ.start.isoformat())
        return occ

    async def upcoming(self, now: datetime) -> Occurrence | None:
        """The first occurrence that is neither over, cancelled nor done."""
        return next((o for o in await db.scheduled(self.store, self.kind) if o.end > now), None)

    async def recorded(self, occ: Occurrence) -> dict[str, str]:
        return await db.steps_of(self.store, occ.id)

    async def refresh(self, occ: Occurrence) -> None:
        """Something the announcement shows changed (e.g. the agenda): edit it soon."""
        post = await self.posts.post(occ, ANNOUNCEMENT)
        if post:
            self.posts.refresh(post)

    async def refresh_summary(self, occ: Occurrence) -> None:
        """Something the summary shows changed after the end: edit it soon."""
        post = await self.posts.post(occ, SUMMARY)
        if post:
            self.posts.refresh_summary(post)

    async def announcement(self, occ: Occurrence) -> TrackedPost | None:
        """Its announcement, once it is posted."""
        return await self.posts.post(occ, ANNOUNCEMENT)

    def last_day(self, occ: Occurrence) -> date:
        """The last day reactions to its posts count."""
        return self.posts.last_day(occ)

    async def participants(self, occ: Occurrence) -> set[str]:
        """Who took part: ✋ on the start post, or ✅ coming on the announcement."""
        answers = await self.posts.answers(occ)
        return set(await db.attendees(self.store, occ.id)) | {
            user for user, answer in answers.items() if answer == rsvp.YES}

    def link(self, occ: Occurrence) -> str:
        return self.jitsi.link(occ.conference)

    async def room_of(self, occ: Occurrence) -> str:
        """Its room's id (`RoomMissing` while that room does not exist)."""
        return await self.posts.room_of(occ)

    def when(self, occ: Occurrence) -> str:
        """Its date and time as the meeting's posts show it."""
        return self.posts.texts.when(occ)

    def name_of(self, room_id: str | None, user_id: str) -> str:
        """A member's display name in that room, else in any room shared with the bot."""
        return self.posts.name_of(room_id, user_id)

    async def overview(self, occ: Occurrence) -> str:
        """What the announcement says, with the answers so far, as a command's answer."""
        return await self.posts.overview(occ)

    # --- running the steps ---------------------------------------------------------------------

    async def run_due(self, now: datetime) -> None:
        try:
            async with self._lock:
                self._failed = False
                for occ in await db.scheduled(self.store, self.kind):
                    await self._run_steps(occ, now)
        finally:
            await self.reschedule(now)  # even after a bug: the next wake-up must come

    async def _run_steps(self, occ: Occurrence, now: datetime) -> None:
        recorded = await self.recorded(occ)
        for step, run in steps.decide(steps.plan(occ.start, occ.duration, self.timing),
                                      recorded, now):
            if run:
                try:
                    await self._perform(occ, step.name, recorded, now)
                except (ChatError, RoomMissing) as err:
                    log.warning("%s %d: %s failed, trying again later: %s",
                                self.kind, occ.id, step.name, err)
                    self._failed = True
                    return  # later steps wait: they must not overtake this one
            else:
                log.info("%s %d: skipping %s, its time has passed", self.kind, occ.id, step.name)
            await db.record_step(self.store, occ.id, step.name, RAN if run else SKIPPED, now)

    async def _perform(self, occ: Occurrence, name: str, recorded: dict[str, str],
                       now: datetime) -> None:
        log.info("%s %d: %s", self.kind, occ.id, name)
        if name == ANNOUNCE:
            await self.posts.announce(occ)
        elif name == START:
            await self.posts.start(occ)
        elif name == END:
            await self.posts.end(occ, widget_shown=recorded.get(START) == RAN)
        else:
            await self.posts.remind(occ, name, now)
        await self.on_step(occ, name)
        await self.posts.meetings.after_step(occ, name, await self.posts.room_of(occ))
        if name == END:  # after the hook: a done occurrence is not run again
            await db.set_status(self.store, occ.id, DONE)

    async def announce(self, occ: Occurrence, now: datetime) -> bool:
        """Announce now (ahead of its time); False if it was announced or skipped already."""
        async with self._lock:
            if ANNOUNCE in await self.recorded(occ):
                return False
            await self.posts.announce(occ)
            await self.on_step(occ, ANNOUNCE)
            await db.record_step(self.store, occ.id, ANNOUNCE, RAN, now)
        await self.reschedule(now)
        return True

    async def reschedule(self, now: datetime) -> None:
        """Wake at the next step's time (or soon again after a failure)."""
        times = []
        for occ in await db.scheduled(self.store, self.kind):
            plan = steps.plan(occ.start, occ.duration, self.timing)
            when = steps.next_time(plan, await self.recorded(occ))
            if when is not None:
                times.append(when)
        if self._wake is not None:
            self.services.scheduler.wake(self.job_id, times, self._wake, name=self.label,
                                         failed=self._failed)

    # --- changes by organizers ---------------------------------------------------------------

    async def cancel(self, occ: Occurrence, now: datetime, note: str, cause: str) -> None:
        """Cancel it; the announcement says so and whoever answered is told."""
        async with self._lock:
            await db.set_status(self.store, occ.id, CANCELLED)
            post = await self.posts.post(occ, ANNOUNCEMENT)
            if post:
                self.posts.refresh(post)
                await self.posts.tell(occ, f"cancel {cause}",
                                      lambda people: self.posts.texts.cancelled(occ, people, note))
        await self.reschedule(now)

    async def move(self, occ: Occurrence, start: datetime, now: datetime, cause: str) -> None:
        """Move it, keeping the answers; reminders follow the new time, everyone is told."""
        async with self._lock:
            await db.set_start(self.store, occ.id, start)
            moved = await db.get(self.store, occ.id)
            assert moved is not None
            await self._replan_reminders(moved, now)
            post = await self.posts.post(moved, ANNOUNCEMENT)
            if post:
                await self._keep_posts_open(moved, post)
                await self.posts.tell(moved, f"move {cause}", lambda people: (
                    self.posts.texts.moved(moved, occ.start, self.link(moved), people)))
        await self.reschedule(now)

    async def _replan_reminders(self, occ: Occurrence, now: datetime) -> None:
        """Reminders count from the new time; those already past are covered by the notice."""
        plan = [s for s in steps.plan(occ.start, occ.duration, self.timing) if s.is_reminder]
        recorded = await self.recorded(occ)
        await db.forget_steps(self.store, occ.id, [s.name for s in plan if s.name in recorded])
        for step in plan:
            if step.at <= now:
                await db.record_step(self.store, occ.id, step.name, SKIPPED, now)

    async def _keep_posts_open(self, occ: Occurrence, post: TrackedPost) -> None:
        await self.services.tracked.keep_open_until(post.event_id, self.posts.last_day(occ))
        self.posts.refresh(post)
