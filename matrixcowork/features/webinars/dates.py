"""Finding a webinar's date with a native poll: send it, read the responses, close it.

Responses reach the feature as nio `UnknownEvent`s (poll types are not in nio); each is stored
by its event id, a redaction removes it, and after a gap in the sync the responses of the
room's open polls are re-read from the homeserver's relations, so none is lost or doubled.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from ...core import content
from ...core.chat import ChatError, txn_for
from ...core.services import Services
from . import db, poll
from .db import Poll, Webinar
from .poll import Response, Slot
from .proposals import VOTERS
from .texts import WebinarTexts

log = logging.getLogger(__name__)


class DatePolls:
    def __init__(self, services: Services, texts: WebinarTexts) -> None:
        self.services = services
        self.store = services.store
        self.texts = texts

    async def start(self, webinar: Webinar, room_id: str, starts: list[datetime],
                    minutes: int, cause: str) -> Poll:
        """Send a poll with these dates; a poll the webinar had before is closed."""
        async def latest() -> str | None:
            found = await db.latest_poll(self.store, webinar.id)
            return found.event_id if found else None

        # Pinned by the command: replayed after a crash, it closes the poll it closed the
        # first time, never its own new one.
        before_id = await self.store.pinned(cause, "poll before", latest)
        before = await db.poll(self.store, before_id) if before_id else None
        slots = poll.make_slots(starts)
        start = content.poll_start(self.texts.poll_question(webinar),
                                   self.texts.poll_answers(slots, minutes))
        event_id = await self.services.chat.send_event(
            room_id, content.POLL_START, start, txn=txn_for("webinars", "poll", cause))
        await db.add_poll(self.store, event_id, webinar.id, room_id, slots, self._now_ms())
        if before:
            await self.close(before, self.texts.poll_ended())
        found = await db.poll(self.store, event_id)
        assert found is not None
        return found

    async def counts(self, found: Poll) -> dict[str, int]:
        """Votes per date, from those who may vote (`VOTERS`, as for 👍): every response is
        stored as it came, and whether it counts follows the person's access now."""
        allows = self.services.permissions.allows
        return poll.tally(found.slots, [r for r in await db.responses(self.store, found.event_id)
                                        if allows(r.user_id, VOTERS)])

    async def winner(self, found: Poll) -> Slot | None:
        return poll.winner(found.slots, await self.counts(found))

    async def close_latest(self, webinar: Webinar, text: str) -> None:
        """The webinar's poll, if it has one, is closed with this text."""
        found = await db.latest_poll(self.store, webinar.id)
        if found:
            await self.close(found, text)

    async def close(self, found: Poll, text: str) -> None:
        """No more votes count, and Element shows the poll as ended."""
        if not await db.close_poll(self.store, found.event_id, self._now_ms()):
            return
        try:
            await self.services.chat.send_event(
                found.room_id, content.POLL_END, content.poll_end(found.event_id, text),
                txn=txn_for("webinars", "poll end", found.event_id))
        except ChatError as err:
            log.warning("cannot end the poll %s in the room: %s", found.event_id, err)

    # --- responses --------------------------------------------------------------------------

    async def on_event(self, room_id: str, event: Any) -> None:
        """An `UnknownEvent`: a poll response to one of our polls is stored."""
        parsed = poll.parse_response(event.type, event.source.get("content") or {})
        if parsed is None:
            return
        found = await db.poll(self.store, parsed[0])
        if found is None or found.room_id != room_id or found.closed_at is not None:
            return  # not ours, or closed: later votes change nothing
        await db.record_response(self.store, found.event_id, Response(
            event.event_id, event.sender, parsed[1], event.server_timestamp))

    async def on_redacted(self, event_id: str) -> None:
        """A response was redacted (or arrived redacted): while the poll is open, the
        member's vote falls back to their response before."""
        await db.forget_response(self.store, event_id)

    async def reconcile(self, room_id: str) -> None:
        """After a gap: the open polls' responses as the homeserver holds them."""
        for found in await db.open_polls(self.store, room_id):
            try:
                events = await self.services.chat.references_to(room_id, found.event_id)
            except ChatError:
                log.warning("cannot read the responses to poll %s", found.event_id)
                continue
            server = {e.event_id for e in events}
            for stored in await db.responses(self.store, found.event_id):
                if stored.event_id not in server:
                    await db.forget_response(self.store, stored.event_id)
            for event in events:
                if getattr(event, "type", None) in poll.RESPONSE_TYPES:
                    await self.on_event(room_id, event)

    def _now_ms(self) -> int:
        return int(self.services.clock.now().timestamp() * 1000)
