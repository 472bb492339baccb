"""Putting a webinar on the calendar, moving and cancelling it, through the meeting engine.

The engine owns the webinar room's side (announcement with RSVP, reminders, start post with
link and widget, ✋ attendance, summary, telling who answered about a cancellation or move).
This module adds what the engine does not know: the announcements in the public rooms
(`announce_rooms`), edited when the webinar moves or is cancelled, and the webinar's own state,
which becomes held when the engine reports the meeting's end (`held`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from ...core.chat import ChatError, txn_for
from ...core.formatting import link
from ...core.postedits import CoalescedEdits
from ...core.services import Services
from ...meetings import db as meetings
from ...meetings.db import Occurrence
from ...meetings.engine import MeetingEngine
from . import db
from .dates import DatePolls
from .db import Webinar
from .proposals import FEATURE
from .texts import WebinarTexts

log = logging.getLogger(__name__)
KIND = "webinar"


class Scheduling:
    def __init__(self, services: Services, engine: MeetingEngine, texts: WebinarTexts,
                 polls: DatePolls, refresh_proposal: Callable[[Webinar], None]) -> None:
        """`refresh_proposal(webinar)`: the proposal post shows the webinar's new state."""
        assert services.config.webinars is not None
        self.services = services
        self.config = services.config.webinars
        self.store = services.store
        self.engine = engine
        self.texts = texts
        self.polls = polls
        self.refresh_proposal = refresh_proposal
        self.edits = CoalescedEdits(services.chat)  # the public posts

    async def stop(self) -> None:
        await self.edits.flush()

    async def occurrence(self, webinar: Webinar) -> Occurrence | None:
        if webinar.occurrence_id is None:
            return None
        return await meetings.get(self.store, webinar.occurrence_id)

    async def schedule(self, webinar: Webinar, start: datetime, minutes: int,
                       now: datetime) -> Occurrence:
        """A date for a proposal: announced at once, here and in the public rooms."""
        occ = await self._unlinked(webinar) or await self.engine.create(
            webinar.title, start, timedelta(minutes=minutes), room_key=self.config.room,
            extra={"webinar": webinar.id})
        assert occ is not None  # webinars have no series slots that could collide
        await db.schedule(self.store, webinar.id, occ.id)
        await self.polls.close_latest(webinar, self.texts.poll_closed(self.engine.when(occ)))
        await self.engine.run_due(now)  # the announcement is due at once (see the feature)
        await self._announce_publicly(webinar.id, occ)
        await self._refresh(webinar.id)
        return occ

    async def _unlinked(self, webinar: Webinar) -> Occurrence | None:
        """The occurrence a `schedule` made before a crash kept it from being linked: the
        replayed command takes it instead of making a second one."""
        return next((occ for occ in await meetings.scheduled(self.store, KIND)
                     if occ.extra.get("webinar") == webinar.id), None)

    async def move(self, webinar: Webinar, occ: Occurrence, start: datetime, now: datetime,
                   cause: str) -> Occurrence:
        await self.engine.move(occ, start, now, cause)
        await db.changed(self.store, webinar.id)
        await self.engine.run_due(now)
        await self._refresh(webinar.id)
        moved = await meetings.get(self.store, occ.id)
        assert moved is not None
        return moved

    async def cancel(self, webinar: Webinar, now: datetime, note: str, cause: str) -> None:
        """Whoever answered the announcement is told; the proposal and public posts say so."""
        occ = await self.occurrence(webinar)
        if occ:
            await self.engine.cancel(occ, now, note, cause)
        await db.cancel(self.store, webinar.id)
        await self.polls.close_latest(webinar, self.texts.poll_ended())
        await self._refresh(webinar.id)

    async def held(self, occ: Occurrence) -> None:
        """The webinar's meeting has ended: it counts as held (for `!whois`, the listing).
        Again after a crash (the engine then reports the end again): the posts are edited."""
        webinar = await db.by_occurrence(self.store, occ.id)
        if webinar is None or webinar.status not in (db.SCHEDULED, db.HELD):
            return
        await db.mark_held(self.store, webinar.id)
        await self._refresh(webinar.id)

    # --- the public rooms -----------------------------------------------------------------------

    async def _announce_publicly(self, webinar_id: int, occ: Occurrence) -> None:
        for key in self.config.announce_rooms:
            room_id = await self.services.rooms.room_id(key)
            if room_id is None:
                log.warning("webinar %d: no room for %s, not announced there", webinar_id, key)
                continue
            text = await self.public_text(webinar_id)
            try:
                event_id = await self.services.chat.send(
                    room_id, text, txn=txn_for(FEATURE, "public", str(webinar_id), key))
            except ChatError as err:
                log.warning("webinar %d: cannot announce in %s: %s", webinar_id, key, err)
                continue
            self.edits.shown(event_id, text)
            await db.add_public_post(self.store, webinar_id, room_id, event_id)

    async def public_text(self, webinar_id: int) -> str:
        webinar = await db.get(self.store, webinar_id)
        assert webinar is not None
        occ = await self.occurrence(webinar)
        assert occ is not None
        when = self.engine.when(occ)
        if webinar.status == db.CANCELLED:
            return self.texts.public_cancelled(webinar, when)
        alias = self.services.rooms.alias(self.config.room)
        web = self.services.config.web
        page = link(web.public_url) if web.enabled and web.public_url else None
        speaker = self.engine.name_of(occ.room_id, webinar.speaker_id)
        return self.texts.public(webinar, speaker, when, link(self.engine.link(occ)),
                                 link(f"https://matrix.to/#/{alias}", alias), page)

    async def _refresh(self, webinar_id: int) -> None:
        """The proposal post and the public posts show the current state (soon)."""
        webinar = await db.get(self.store, webinar_id)
        assert webinar is not None
        self.refresh_proposal(webinar)
        if webinar.occurrence_id is None:
            return
        for room_id, event_id in await db.public_posts(self.store, webinar_id):
            self.edits.request(room_id, event_id, lambda: self.public_text(webinar_id))
