"""What the steps of a meeting send, and the upkeep of its posts.

The announcement and the start post are tracked posts (feature `meetings.<kind>`, subject the
occurrence id): reactions to the announcement are the RSVPs and re-render it in place
(coalesced edits), ✋ on the start post is attendance. Every send carries a transaction id
derived from occurrence and step, so a step repeated after a crash is not posted twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime

from ..core.chat import ChatError, txn_for
from ..core.formatting import mention
from ..core.i18n import Markup, escape
from ..core.jitsi import Jitsi
from ..core.limits import Listing, fit_around, largest, text_fits
from ..core.offers import REMINDER_CHOICES
from ..core.postedits import CoalescedEdits
from ..core.rooms import display_name
from ..core.services import Services
from ..core.tracked import Reaction, TrackedPost
from . import db, rsvp, widget
from .db import CANCELLED, SCHEDULED, Occurrence
from .directory import Meetings, meetings_of
from .render import MeetingTexts, blocks

log = logging.getLogger(__name__)

ANNOUNCEMENT, START_POST, SUMMARY = "announcement", "start", "summary"
Details = Callable[[Occurrence], Awaitable[str | Listing]]  # a Listing is cut to fit
Speaker = Callable[[Occurrence], Awaitable[str | None]]


async def no_speaker(occ: Occurrence) -> str | None:
    return None


def fit_parts(around: Callable[[str], str], parts: Sequence[str | Listing], *,
              edited: bool = True) -> str:
    """`around(the parts)`, each `Listing` shortened to at most the same number of lines,
    as many as let the whole fit (a lone part is `fit_around`)."""
    parts = [part for part in parts if part]
    if len(parts) <= 1:
        return fit_around(around, parts[0] if parts else "", edited=edited)

    def render(cap: int) -> str:
        return around(blocks(*(part.render(min(cap, len(part.lines)))
                               if isinstance(part, Listing) else part for part in parts)))

    longest = max((len(part.lines) for part in parts if isinstance(part, Listing)), default=0)
    return render(largest(lambda cap: text_fits(render(cap), edited=edited), longest))


class RoomMissing(Exception):
    """The meeting's room does not exist (yet) or the bot is not in it."""


class MeetingPosts:
    def __init__(self, services: Services, name: str, owner: str, details: Details,
                 texts: MeetingTexts | None = None, speaker: Speaker = no_speaker,
                 taking_part: bool = False) -> None:
        """`name` scopes the transaction ids of its sends; `owner` (the feature) owns its
        tracked posts."""
        self.services = services
        self.name = name
        self.owner = owner
        self.details = details
        self.store = services.store
        self.chat = services.chat
        self.jitsi = Jitsi(services.config.jitsi)
        self.texts = texts or MeetingTexts(services.i18n)
        self.edits = CoalescedEdits(services.chat)
        self.speaker = speaker
        # the parts other features add (minutes, questions, ...), if this kind takes them
        self.meetings = meetings_of(services) if taking_part else Meetings()
        self.taking_part = taking_part

    # --- reading ----------------------------------------------------------------------------

    async def room_of(self, occ: Occurrence) -> str:
        if occ.room_id:
            return occ.room_id
        room_id = await self.services.rooms.room_id(occ.room_key) if occ.room_key else None
        if room_id is None:
            raise RoomMissing(f"no room for {occ.kind} {occ.id} ({occ.room_key})")
        await db.set_room_id(self.store, occ.id, room_id)
        return room_id

    async def post(self, occ: Occurrence, kind: str) -> TrackedPost | None:
        return await self.services.tracked.find(self.owner, kind, str(occ.id))

    async def answers(self, occ: Occurrence) -> dict[str, str]:
        """User -> yes / maybe / no, from the reactions to the announcement."""
        post = await self.post(occ, ANNOUNCEMENT)
        return rsvp.answers(await self.services.tracked.reactions(post)) if post else {}

    def name_of(self, room_id: str | None, user_id: str) -> str:
        """The display name in the meeting's room, else in any room shared with the bot."""
        return display_name(self.services.client, user_id, room_id)

    def names(self, room_id: str | None, users: Sequence[str]) -> list[str]:
        return [escape(self.name_of(room_id, user)) for user in users]

    def pills(self, room_id: str, users: Sequence[str]) -> list[Markup]:
        return [mention(user, self.name_of(room_id, user)) for user in users]

    async def named_answers(self, occ: Occurrence) -> dict[str, list[str]]:
        answers = await self.answers(occ)
        return {a: self.names(occ.room_id, rsvp.who(answers, a)) for a in rsvp.ANSWERS}

    async def announcement_text(self, occurrence_id: int) -> str:
        occ = await db.get(self.store, occurrence_id)
        assert occ is not None
        if occ.status == CANCELLED:
            return self.texts.cancelled_announcement(occ)
        url, names = self.jitsi.link(occ.conference), await self.named_answers(occ)
        return fit_parts(lambda details: self.texts.announcement(occ, url, names, details),
                         await self._announcement_parts(occ))

    async def overview(self, occ: Occurrence) -> str:
        url, names = self.jitsi.link(occ.conference), await self.named_answers(occ)
        return fit_parts(lambda details: self.texts.overview(occ, url, names, details),
                         await self._announcement_parts(occ), edited=False)

    async def _announcement_parts(self, occ: Occurrence) -> list[str | Listing]:
        return [await self.details(occ), *await self.meetings.announcement_parts(occ)]

    async def summary_text(self, occurrence_id: int) -> str:
        """Who took part, the feature's details and what the parts add (minutes, questions,
        feedback): rendered again when a part changes after the end."""
        occ = await db.get(self.store, occurrence_id)
        assert occ is not None
        names = self.names(occ.room_id, await db.attendees(self.store, occ.id))
        parts = [await self.details(occ), *await self.meetings.summary_parts(occ)]
        return fit_parts(lambda details: self.texts.summary(occ, names, details), parts)

    # --- the steps ---------------------------------------------------------------------------

    async def announce(self, occ: Occurrence) -> None:
        room_id = await self.room_of(occ)
        text = await self.announcement_text(occ.id)
        event_id = await self._send(occ, room_id, "announce", text)
        self.edits.shown(event_id, text)
        await self.services.tracked.register(
            room_id, event_id, self.owner, ANNOUNCEMENT, str(occ.id), open_until=self.last_day(occ)
        )
        await self._offer(room_id, event_id, rsvp.OFFERED)

    async def remind(self, occ: Occurrence, step: str, now: datetime) -> None:
        """In the room, mentioning those who want it there; in direct chats for who chose so."""
        room_id = await self.room_of(occ)
        people = rsvp.who(await self.answers(occ), rsvp.YES, rsvp.MAYBE)
        chosen = await self.services.offers.get(REMINDER_CHOICES)()
        in_room = [p for p in people if p not in chosen]
        named = [Markup(name) for name in self.names(room_id, [p for p in people if p in chosen])]
        url, remaining = self.jitsi.link(occ.conference), occ.start - now
        text = self.texts.reminder(occ, url, remaining, [*self.pills(room_id, in_room), *named])
        await self._send(occ, room_id, step, text, mentions=in_room)
        for person in people:
            if chosen.get(person) == "dm":
                await self.services.direct.send(
                    person, self.texts.reminder(occ, url, remaining, []),
                    txn=txn_for(self.name, str(occ.id), step, db.utc_text(occ.start), person))

    async def start(self, occ: Occurrence) -> None:
        room_id = await self.room_of(occ)
        start = self.texts.start(occ, self.jitsi.link(occ.conference))
        parts = await self.meetings.start_parts(occ)
        text = fit_parts(lambda more: blocks(start, more), parts, edited=False)
        speaker = await self.speaker(occ) if parts else None
        event_id = await self._send(occ, room_id, "start", text,
                                    mentions=[speaker] if speaker else None)
        await self.services.tracked.register(
            room_id, event_id, self.owner, START_POST, str(occ.id), open_until=self.last_day(occ)
        )
        await self._offer(room_id, event_id, (rsvp.HERE,))
        if not self.texts.has_call(occ):
            return
        try:
            await widget.show(self.chat, self.jitsi, room_id, occ.conference, occ.title)
        except ChatError as err:
            log.warning("no Jitsi widget in %s (the link is posted): %s", room_id, err)

    async def end(self, occ: Occurrence, widget_shown: bool) -> None:
        room_id = await self.room_of(occ)
        if widget_shown and self.texts.has_call(occ):
            try:
                await widget.hide(self.chat, self.jitsi, room_id, occ.conference)
            except ChatError as err:
                log.warning("cannot remove the Jitsi widget in %s: %s", room_id, err)
        summary = await self.summary_text(occ.id)
        event_id = await self._send(occ, room_id, "end", summary)
        if not self.taking_part:
            return
        self.edits.shown(event_id, summary)  # kept up to date: a late note, a rating
        await self.services.tracked.register(
            room_id, event_id, self.owner, SUMMARY, str(occ.id), open_until=self.last_day(occ)
        )

    def refresh_summary(self, post: TrackedPost) -> None:
        """What the summary shows changed (a late note, a rating): edit it soon."""
        occurrence_id = int(post.subject)
        self.edits.request(post.room_id, post.event_id,
                           lambda: self.summary_text(occurrence_id))

    # --- changes ---------------------------------------------------------------------------

    def refresh(self, post: TrackedPost) -> None:
        """The announcement's content changed: edit it soon."""
        occurrence_id = int(post.subject)
        self.edits.request(post.room_id, post.event_id,
                           lambda: self.announcement_text(occurrence_id))

    async def tell(self, occ: Occurrence, what: str, text_for: Callable[[list[Markup]], str]
                   ) -> None:
        """A notice in the meeting's room that mentions everyone who answered."""
        room_id = await self.room_of(occ)
        people = sorted(await self.answers(occ))
        await self._send(occ, room_id, what, text_for(self.pills(room_id, people)),
                         mentions=people)

    async def on_rsvp(self, post: TrackedPost, user_id: str, reactions: list[Reaction]) -> None:
        """An answer ✅❔❌ came or went: the announcement shows it."""
        occ = await db.get(self.store, int(post.subject))
        if occ is not None and occ.status == SCHEDULED:
            self.refresh(post)

    async def on_here(self, post: TrackedPost, user_id: str, reactions: list[Reaction]) -> None:
        """✋ on the start post: took part."""
        occ = await db.get(self.store, int(post.subject))
        if occ is None or occ.status != SCHEDULED:
            return
        here = [r for r in reactions if rsvp.is_here(r.key)]
        if here:
            await db.attend(self.store, occ.id, user_id, here[0].ts // 1000)
        else:
            await db.unattend(self.store, occ.id, user_id)

    # --- helpers ----------------------------------------------------------------------------

    async def _send(self, occ: Occurrence, room_id: str, what: str, text: str,
                    mentions: list[str] | None = None) -> str:
        txn = txn_for(self.name, str(occ.id), what, db.utc_text(occ.start))
        return await self.chat.send(room_id, text, mentions=mentions, txn=txn)

    async def _offer(self, room_id: str, event_id: str, keys: Sequence[str]) -> None:
        """The bot reacts first, so members answer with one click."""
        for key in keys:
            try:
                await self.chat.react(room_id, event_id, key)
            except ChatError as err:
                log.warning("cannot add the %s reaction: %s", key, err)

    def last_day(self, occ: Occurrence) -> date:
        """Reactions to its posts count until the end of the meeting's day."""
        return occ.end.astimezone(self.services.clock.tz).date()
