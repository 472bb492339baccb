"""One wake-up job per kind of work (sprints ending, calls timing out), at the next time due.

The job only wakes a `tick(now)` that reads the store: rebuilt at every start, so nothing
depends on the scheduler's memory. After a failure (the homeserver refused) it comes back a
few minutes later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

Wake = Callable[[], Awaitable[None]]
RETRY = timedelta(minutes=5)


def wake_at(scheduler: AsyncIOScheduler, job_id: str, wake: Wake | None,
            due: Sequence[datetime], now: datetime, failed: bool = False) -> None:
    """Wake at the earliest time `due` (not before a retry's pause), or not at all."""
    if wake is None:
        return
    if not due:
        if scheduler.get_job(job_id):
            scheduler.remove_job(job_id)
        return
    when = max(min(due), now + RETRY if failed else now)
    scheduler.add_job(wake, DateTrigger(when), id=job_id, replace_existing=True,
                      misfire_grace_time=None, coalesce=True)
