"""The daily check-in post: once per day, found again by its date, pinned in place of the last.

The post is a tracked post (feature "checkin", kind "daily", subject the ISO date) that counts
reactions on its own day only. Whether it exists for a day is answered by the store, so neither
a restart nor a DST change can post it twice; the send carries a transaction id derived from the
day, so a crash between sending and storing does not double it either.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from ...core.chat import ChatError, txn_for
from ...core.i18n import _
from ...core.postedits import CoalescedEdits
from ...core.scheduling import Action, due_on
from ...core.services import Services
from ...core.tracked import TrackedPost
from .config import CheckinConfig

log = logging.getLogger(__name__)

FEATURE = "checkin"
KIND = "daily"
JOB_ID = "checkin:daily"
PINNED = "m.room.pinned_events"


class DailyPost:
    def __init__(
        self,
        services: Services,
        config: CheckinConfig,
        edits: CoalescedEdits,
        render: Callable[[date], Awaitable[str]],
    ) -> None:
        self.services = services
        self.config = config
        self.edits = edits
        self.render = render
        self._lock = asyncio.Lock()

    def schedule(self, job: Action) -> None:
        """Every check-in day at the configured time, in the community's timezone, and once
        at start, for a post that was due while the bot was down."""
        self.services.scheduler.daily(JOB_ID, self.config.time, job,
                                      weekdays=self.config.weekdays, name=_("check-in post"))

    def is_due(self, now: datetime) -> bool:
        """A check-in day whose posting time has come and whose late cutoff has not (a bot
        that was down at posting time posts late, but not in the evening)."""
        local = now.astimezone(self.services.clock.tz)
        return (due_on(local, self.config.weekdays, self.config.time)
                and local.time() < self.config.late_cutoff)

    async def of(self, day: date) -> TrackedPost | None:
        return await self.services.tracked.find(FEATURE, KIND, day.isoformat())

    async def post(self, now: datetime) -> tuple[TrackedPost | None, bool]:
        """Today's post, sent now if it is missing; the flag says whether it was sent now."""
        day = now.astimezone(self.services.clock.tz).date()
        async with self._lock:
            existing = await self.of(day)
            if existing:
                return existing, False
            post = await self._send(day)
        if post:
            await self._offer_reactions(post)
            await self._pin(post)
        return post, post is not None

    async def _send(self, day: date) -> TrackedPost | None:
        services = self.services
        room_id = await services.rooms.room_id(self.config.room)
        if room_id is None:
            log.warning("no check-in today: room '%s' does not exist yet", self.config.room)
            return None
        text = await self.render(day)
        try:
            event_id = await services.chat.send(
                room_id, text, txn=txn_for(FEATURE, KIND, day.isoformat(), room_id)
            )
        except ChatError as err:
            log.warning("cannot post the check-in: %s", err)
            return None
        self.edits.shown(event_id, text)
        log.info("posted the check-in for %s in %s", day, room_id)
        return await services.tracked.register(
            room_id, event_id, FEATURE, KIND, day.isoformat(), open_until=day
        )

    async def _offer_reactions(self, post: TrackedPost) -> None:
        """The bot reacts first, so members check in with one click on the existing reaction:
        one per location, then remote."""
        keys = [place.emoji for place in self.config.places() if place.emoji]
        await self.services.chat.offer_reactions(post.room_id, post.event_id, keys)

    async def _pin(self, post: TrackedPost) -> None:
        """Pin today's post in place of earlier check-ins, keeping everything else pinned."""
        chat = self.services.chat
        try:
            content = await chat.get_state(post.room_id, PINNED) or {}
            pinned = [e for e in content.get("pinned", []) if isinstance(e, str)]
            earlier = await self.services.tracked.owned(FEATURE, KIND, pinned)
            kept = [e for e in pinned if e not in earlier and e != post.event_id]
            await chat.put_state(post.room_id, PINNED, {"pinned": [*kept, post.event_id]})
        except ChatError as err:
            log.warning("cannot pin the check-in in %s: %s", post.room_id, err)
