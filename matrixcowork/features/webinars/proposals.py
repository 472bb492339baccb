"""Proposals: a tracked post per proposal in the webinar room, 👍 reactions as votes.

The post shows the count and the proposal's state and is edited in place (coalesced). When the
votes first reach `vote_threshold`, the proposer is told once that they can find a date.
"""

from __future__ import annotations

from ...core.chat import txn_for
from ...core.formatting import mention
from ...core.i18n import Markup
from ...core.permissions import Access
from ...core.postedits import CoalescedEdits
from ...core.services import Services
from ...core.tracked import Reaction, TrackedPost, normalize_key
from ...meetings import db as meetings
from ...meetings.engine import MeetingEngine
from . import db
from .db import Webinar
from .texts import WebinarTexts

FEATURE = "webinars"
PROPOSAL = "proposal"
VOTE = "\U0001F44D"  # 👍 (any skin tone counts)
VOTERS = Access.MEMBER
"""Whose 👍 and whose date-poll answers count: the community decides what it hears."""


class Proposals:
    def __init__(self, services: Services, texts: WebinarTexts, engine: MeetingEngine) -> None:
        self.services = services
        self.store = services.store
        self.texts = texts
        self.engine = engine  # names, and dates as the meeting posts show them
        self.edits = CoalescedEdits(services.chat)
        self.threshold = texts.threshold

    async def stop(self) -> None:
        await self.edits.flush()

    def speaker_pill(self, webinar: Webinar) -> Markup:
        return mention(webinar.speaker_id, self.engine.name_of(webinar.proposal_room_id,
                                                               webinar.speaker_id))

    async def post(self, webinar: Webinar, room_id: str) -> None:
        """Post the proposal, track it for votes and offer the 👍."""
        text = await self.text(webinar.id)
        event_id = await self.services.chat.send(
            room_id, text, txn=txn_for(FEATURE, PROPOSAL, str(webinar.id)))
        self.edits.shown(event_id, text)
        await db.set_proposal_post(self.store, webinar.id, room_id, event_id)
        await self.services.tracked.register(room_id, event_id, FEATURE, PROPOSAL,
                                             str(webinar.id))
        await self.services.chat.react(room_id, event_id, VOTE)

    async def votes(self, webinar: Webinar) -> int:
        """Members who reacted 👍: the tracked posts pass only theirs (`VOTERS`); neither the
        bot's own offer nor the proposer's own vote counts."""
        post = await self.services.tracked.find(FEATURE, PROPOSAL, str(webinar.id))
        if post is None:
            return 0
        reactions = await self.services.tracked.reactions(post)
        not_counted = {self.services.chat.user_id, webinar.speaker_id}
        return len({r.user_id for r in reactions if normalize_key(r.key).startswith(VOTE)
                    and r.user_id not in not_counted})

    async def text(self, webinar_id: int) -> str:
        webinar = await db.get(self.store, webinar_id)
        assert webinar is not None
        when = None
        if webinar.occurrence_id:
            occ = await meetings.get(self.store, webinar.occurrence_id)
            when = self.engine.when(occ) if occ else None
        return self.texts.proposal(webinar, self.speaker_pill(webinar),
                                   await self.votes(webinar), when)

    def refresh(self, webinar: Webinar) -> None:
        """Its votes or state changed: edit the post soon."""
        if webinar.proposal_room_id and webinar.proposal_event_id:
            self.edits.request(webinar.proposal_room_id, webinar.proposal_event_id,
                               lambda: self.text(webinar.id))

    async def on_votes(self, post: TrackedPost, user_id: str, reactions: list[Reaction]) -> None:
        """A 👍 came or went."""
        webinar = await db.get(self.store, int(post.subject))
        if webinar is None:
            return
        self.refresh(webinar)
        if webinar.status != db.PROPOSED or webinar.interest_told:
            return
        votes = await self.votes(webinar)
        if votes >= self.threshold and await db.mark_interest_told(self.store, webinar.id):
            pill = self.speaker_pill(webinar)
            await self.services.chat.send(
                post.room_id, self.texts.interest(webinar, pill, votes),
                mentions=[webinar.speaker_id], txn=txn_for(FEATURE, "interest", str(webinar.id)))
