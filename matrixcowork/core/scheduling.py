"""The one scheduling service: features say what should happen when, the clock says when it is.

Every job is due at an instant; `run_due()` runs what is due at `clock.now()`, earliest first,
each job at most once per call, so a clock that jumps over several due times runs a job once.
In production a task sleeps on the event loop until the next due time (at most a minute, so a
wall clock that jumps, e.g. after a suspend, is noticed). With the `FakeClock` nothing runs by
itself: a test moves the clock and calls `run_due()`, and the same jobs run in the same order
on any real date.

Times are aware datetimes in the community's zone; they are compared and added to in UTC
(`clock.utc`, `clock.later`), so the repeated autumn hour counts as the hour it is.

The rules, the same for every feature:
- Job ids are `<feature>:<what>[:<subject>]`; a feature's jobs end when the feature stops.
- A job whose time has passed runs at once. What it means to run late (post late, skip and
  record it) is the feature's rule, read from what the store says ran.
- A job that raises is tried again `RETRY` later, never sooner, even if it asked to be woken
  earlier before it raised (a recurring one, at the latest at its next time).
- Recurring jobs follow a local wall-clock rule (`Cron`). On the night the clocks go forward a
  time in the gap runs once, when the gap ends (02:30 runs at 03:00); on the night they go
  back a repeated time runs once, the first time.

The calendar arithmetic ("first tuesday", "mon,tue") is APScheduler's `CronTrigger`, applied
to wall-clock times without a timezone so that it never sees a DST change; the DST rule above
is ours, in `instant_of`, and tested on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from .clock import WEEKDAYS, Clock, later, utc

log = logging.getLogger(__name__)

Action = Callable[[datetime], Awaitable[None]]
RETRY = timedelta(minutes=5)
MAX_SLEEP = 60.0  # seconds: how late a jump of the wall clock is noticed at worst
_SECOND = timedelta(seconds=1)
_MINUTE = timedelta(minutes=1)
_LOOK_BACK = timedelta(hours=3)  # longer than any DST gap


def instant_of(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant a local wall-clock time (naive) stands for: the first of a repeated time,
    and the end of the gap for a time that the clocks skip."""
    first = wall.replace(tzinfo=tz, fold=0)
    second = wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    before, after = first.astimezone(UTC), second.astimezone(UTC)
    if before < after:  # repeated (clocks go back): the first one
        return first
    # In the gap: fold 1 reads it with the new offset (earlier), fold 0 with the old one. The
    # clocks change between the two; the first minute with the new offset ends the gap.
    moment = after
    new_offset = second.utcoffset()
    while moment.astimezone(tz).utcoffset() != new_offset:
        moment += _MINUTE
    return moment.astimezone(tz)


def due_on(now: date, weekdays: Collection[str] | None, at: time | None = None) -> bool:
    """Whether `now` (a local date or time) is one of `weekdays` ("mon" … "sun"; every day
    if None) and, with `at`, has reached that time of day: a daily job's "is it today"."""
    if weekdays is not None and WEEKDAYS[now.weekday()] not in weekdays:
        return False
    return at is None or (isinstance(now, datetime) and now.time() >= at)


@dataclass(frozen=True)
class Cron:
    """A local wall-clock rule such as "mon-fri 08:30" or "first tuesday 18:00"."""

    tz: ZoneInfo
    fields: tuple[tuple[str, str | int], ...]

    @classmethod
    def of(cls, tz: ZoneInfo, **fields: str | int) -> Cron:
        """Fields as for APScheduler's `CronTrigger` (`day_of_week="mon,tue"`, `day="1st tue"`,
        `hour`, `minute`)."""
        return cls(tz, tuple(sorted(fields.items())))

    def at_or_after(self, when: datetime) -> datetime:
        """The first time of the rule that is not before `when`."""
        return self._first(when, lambda instant: instant >= utc(when))

    def after(self, when: datetime) -> datetime:
        """The first time of the rule that is later than `when`."""
        return self._first(when, lambda instant: instant > utc(when))

    def _first(self, when: datetime, fits: Callable[[datetime], bool]) -> datetime:
        trigger = CronTrigger(timezone=UTC, **dict(self.fields))
        # Wall-clock arithmetic: the naive local time written as UTC, where no DST exists. The
        # search starts a few hours of wall time early: a time in a gap (02:30) stands for an
        # instant (03:00) whose wall time is later than its own.
        wall = when.astimezone(self.tz).replace(tzinfo=None, fold=0) - _LOOK_BACK
        while True:
            found = trigger.get_next_fire_time(None, wall.replace(tzinfo=UTC))
            if found is None:  # a rule that never comes again: none of ours
                raise ValueError(f"{self} has no time after {when}")
            instant = instant_of(found.replace(tzinfo=None), self.tz)
            if fits(utc(instant)):
                return instant
            wall = found.replace(tzinfo=None) + _SECOND


@dataclass
class Job:
    id: str
    name: str  # what people read in `!botstatus`: a message id of the catalog
    action: Action = field(repr=False)
    due: datetime
    rule: Cron | None = None
    order: int = 0  # ties of `due` run in the order they were added


class Scheduler:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._jobs: dict[str, Job] = {}
        self._order = itertools.count()
        self._changed = asyncio.Event()
        self._running = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._holds: list[asyncio.Task[object]] = []

    # --- what features say ---------------------------------------------------------------

    def at(self, job_id: str, when: datetime, action: Action, *, name: str) -> None:
        """Run `action(now)` once at `when` (at once if that has passed); replaces the job."""
        self._put(Job(job_id, name, action, when))

    def every(self, job_id: str, rule: Cron, action: Action, *, name: str,
              catch_up: bool = False) -> None:
        """Run `action(now)` at every time of `rule`; with `catch_up` also once right away,
        for what was due while the bot was down."""
        now = self.clock.now()
        self._put(Job(job_id, name, action, now if catch_up else rule.at_or_after(now), rule))

    def daily(self, job_id: str, at: time, action: Action, *, name: str,
              weekdays: Collection[str] | None = None) -> None:
        """Run `action(now)` at `at` local time on `weekdays` (every day if None), and once
        right away for what was due while the bot was down (`due_on` tells the action
        whether today's time has come)."""
        fields: dict[str, str | int] = {"hour": at.hour, "minute": at.minute}
        if weekdays is not None:
            fields["day_of_week"] = ",".join(weekdays)
        self.every(job_id, Cron.of(self.clock.tz, **fields), action, name=name, catch_up=True)

    def wake(self, job_id: str, due: Sequence[datetime], action: Action, *, name: str,
             failed: bool = False) -> None:
        """Run `action` at the earliest of `due` (after the retry pause if the last run
        failed), or not at all if nothing is due."""
        if not due:
            self.cancel(job_id)
            return
        now = self.clock.now()
        earliest = later(now, RETRY) if failed else now
        self.at(job_id, max(min(due, key=utc), earliest, key=utc), action, name=name)

    def cancel(self, job_id: str) -> None:
        if self._jobs.pop(job_id, None):
            self._changed.set()

    def hold_until(self, task: asyncio.Task[object]) -> None:
        """No job runs before `task` has ended: the space's rooms come before any post."""
        self._holds.append(task)

    def job(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def upcoming(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: (utc(j.due), j.order))

    def _put(self, job: Job) -> None:
        job.order = next(self._order)
        self._jobs[job.id] = job
        self._changed.set()

    # --- running ---------------------------------------------------------------------------

    async def run_due(self) -> list[str]:
        """Run every job due now, earliest first, each at most once; the ids that ran."""
        ran: list[str] = []
        async with self._running:
            if self._holds:
                await asyncio.wait(self._holds)
                self._holds.clear()
            while True:
                now = self.clock.now()
                ready = [j for j in self.upcoming()
                         if utc(j.due) <= utc(now) and j.id not in ran]
                if not ready:
                    return ran
                ran.append(ready[0].id)
                await self._run(ready[0], now)

    async def _run(self, job: Job, now: datetime) -> None:
        if job.rule:
            job.due = job.rule.after(now)
        else:
            del self._jobs[job.id]  # the action may schedule it again
        try:
            await job.action(now)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed; trying again in %s", job.id, RETRY)
            self._retry(job, later(now, RETRY))

    def _retry(self, job: Job, retry: datetime) -> None:
        """After a failure: not before `retry`, whatever the action scheduled before it
        raised (a wake-up for a past step would otherwise run it again at once, forever);
        a recurring job also at its next time, if that comes first."""
        again = self._jobs.get(job.id)
        if again is None:
            self._put(Job(job.id, job.name, job.action, retry))
        elif again is job and job.rule:
            job.due = min(job.due, retry, key=utc)
        elif utc(again.due) < utc(retry):
            again.due = retry
            self._changed.set()

    def start(self) -> None:
        """Run jobs as they become due, if the clock runs by itself (a `FakeClock` does not)."""
        if self.clock.runs_by_itself and self._task is None:
            self._task = asyncio.create_task(self._loop(), name="scheduler")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._jobs.clear()

    async def _loop(self) -> None:
        while True:
            self._changed.clear()
            await self.run_due()
            upcoming = self.upcoming()
            delay = MAX_SLEEP
            if upcoming:
                left = utc(upcoming[0].due) - utc(self.clock.now())
                delay = min(delay, left.total_seconds())
            if delay > 0 and not self._changed.is_set():
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow stop()'s
                # cancellation when the event is set at the same moment.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._changed.wait()
