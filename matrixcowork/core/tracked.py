"""Posts that count reactions: one path from reaction events to the feature that owns the post.

A feature registers a bot post as tracked (room, event id, feature, kind, subject). Every
reaction to it is stored as a row keyed by the reaction's own event id, so a replayed sync
changes nothing; a redaction of that reaction (or the reaction arriving already redacted)
removes the row. Features never parse reactions: each declares a handler per kind of its posts
(`Feature.reactions()`), which gets the post, the member and the member's reactions now. The
same (post, user, key) twice, as federation can deliver, counts once. After a gap in the sync
the open posts of the room are reconciled with the relations the homeserver holds, so nothing
is lost and nothing doubled.

Every change of the rows also marks its (post, user) "untold" in the same statement (a
trigger), and the mark goes once the owning feature was told. A crash between the two leaves
the mark, and the feature is told after the restart (the replayed event changes no row, so
it would never be told otherwise).

A post stops counting after its `open_until` day (community time): later reactions and
redactions leave its figures as they were. Whether a reaction or redaction came in time is
judged by its own timestamp, not by when the bot sees it: one made at 23:00 on the post's last
day counts though the bot was down until the morning. After downtime every post still open or
closed within the last `reconcile_days` days is reconciled; for a closed post that only adds
the reactions made while it was open (a missing one may have been taken back after closing).

Trust is checked here, at the door: each kind declares who counts (`ReactionKind.access`,
members unless the feature says otherwise), and features only ever get the reactions of those
people, from `reactions()` and in their handler (someone who does not count has none). Every
reaction is stored as it happened, so whether it counts follows the person's access now: a
member who leaves the space stops counting, and a reaction made before the space was known
counts once it is.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from nio import ReactionEvent, RedactedEvent, RedactionEvent

from . import tracked_db as db
from .chat import Chat
from .clock import Clock
from .emoji import normalize_key
from .permissions import Access, Permissions
from .store import Store
from .tracked_db import MIGRATIONS, Reaction, TrackedPost

__all__ = ["MIGRATIONS", "Reaction", "ReactionDeclaration", "ReactionHandler", "ReactionKind",
           "TrackedPost", "TrackedPosts", "is_annotation", "normalize_key"]

log = logging.getLogger(__name__)

POSTS_KEPT = 10_000  # remembered lookups of reaction targets (posts and not)

def is_annotation(event: ReactionEvent) -> bool:
    """nio makes a ReactionEvent of any m.reaction with a key, whatever its relation type; only
    an annotation is a reaction (and only those are in the homeserver's relations)."""
    relates = event.source.get("content", {}).get("m.relates_to")
    return isinstance(relates, dict) and relates.get("rel_type") == "m.annotation"



ReactionHandler = Callable[[TrackedPost, str, list[Reaction]], Awaitable[None]]
"""`handler(post, user_id, reactions)`: that member's reactions to a post of the handler's kind
changed; `reactions` are all of theirs to it now, oldest first."""


@dataclass(frozen=True)
class ReactionKind:
    """A feature's declaration for one kind of its posts: its handler, and whose reactions
    count (members by default; `Access.EVERYONE` lets guests in the room answer for
    themselves)."""

    handler: ReactionHandler
    access: Access = Access.MEMBER


ReactionDeclaration = ReactionHandler | ReactionKind
"""What `Feature.reactions()` maps a kind to: a bare handler counts members only."""


class TrackedPosts:
    """Core infrastructure with a feature's shape: subscriptions and `on_gap` for the dispatcher."""

    name = "tracked"
    migrations = MIGRATIONS

    def __init__(self, store: Store, chat: Chat, clock: Clock, permissions: Permissions,
                 reconcile_days: int = 7) -> None:
        self.reconcile_days = reconcile_days
        self.store = store
        self.chat = chat
        self.clock = clock
        self.permissions = permissions
        self._kinds: dict[tuple[str, str], ReactionKind] = {}
        # Posts by event id, and events known not to be posts: every reaction in a room asks
        # for its target, and a post changes only through `register` and `keep_open_until`.
        self._posts: dict[str, TrackedPost | None] = {}

    def handle(self, owner: str, kind: str, declared: ReactionDeclaration) -> None:
        """The owner's handler for reactions to its posts of this kind (one per kind)."""
        if (owner, kind) in self._kinds:
            raise ValueError(f"{owner} declares a reaction handler for '{kind}' twice")
        self._kinds[(owner, kind)] = (
            declared if isinstance(declared, ReactionKind) else ReactionKind(declared)
        )

    def counts(self, post: TrackedPost, user_id: str) -> bool:
        """Whether this user's reactions to the post count (the kind's declared access;
        members for a kind nobody declares)."""
        kind = self._kinds.get((post.feature, post.kind))
        return self.permissions.allows(user_id, kind.access if kind else Access.MEMBER)

    # --- posts ----------------------------------------------------------------------------

    async def register(
        self, room_id: str, event_id: str, feature: str, kind: str, subject: str,
        open_until: date | None = None,
    ) -> TrackedPost:
        post = TrackedPost(
            event_id, room_id, feature, kind, subject, self.clock.today(), open_until
        )
        await db.add_post(self.store, post)
        self._posts.pop(event_id, None)
        return post

    async def keep_open_until(self, event_id: str, open_until: date | None) -> None:
        """Count reactions to the post until another day (a meeting that was moved)."""
        await db.set_open_until(self.store, event_id, open_until)
        self._posts.pop(event_id, None)

    async def get(self, event_id: str) -> TrackedPost | None:
        if event_id in self._posts:
            return self._posts[event_id]
        post = await db.post(self.store, event_id)
        if len(self._posts) >= POSTS_KEPT:
            self._posts.clear()
        self._posts[event_id] = post
        return post

    async def find(self, feature: str, kind: str, subject: str) -> TrackedPost | None:
        """The first post registered for this subject."""
        return await db.first_post(self.store, feature, kind, subject)

    async def owned(self, feature: str, kind: str, event_ids: Iterable[str]) -> set[str]:
        """Which of these event ids are this feature's posts of this kind (e.g. old pins)."""
        return await db.owned(self.store, feature, kind, event_ids)

    async def reactions(self, post: TrackedPost, user_id: str | None = None) -> list[Reaction]:
        """Distinct (user, key) reactions to the post, oldest first, of those who count."""
        return [reaction for reaction in await db.reactions(self.store, post.event_id, user_id)
                if self.counts(post, reaction.user_id)]

    async def reactions_by(self, user_id: str, kind: str) -> dict[str, list[Reaction]]:
        """A member's reactions to posts of this kind, any feature's, by the posts' subject
        (in subject order; oldest first within one): as stored, for the member's own view."""
        return await db.reactions_by(self.store, user_id, kind)

    # --- the reaction path ----------------------------------------------------------------

    def subscriptions(self) -> dict[type, Callable[[str, Any], Awaitable[None]]]:
        return {
            ReactionEvent: self.on_reaction,
            RedactionEvent: self.on_redaction,
            RedactedEvent: self.on_redacted,
        }

    async def on_reaction(self, room_id: str, event: ReactionEvent) -> None:
        if not is_annotation(event):
            return
        post = await self._open_post(room_id, event.reacts_to, self._day_of(event))
        if post is None:
            return
        reaction = Reaction(event.sender, normalize_key(event.key), event.server_timestamp)
        if await db.add_reaction(self.store, event.event_id, post.event_id, reaction):
            await self._notify(post, [event.sender])

    async def on_redaction(self, room_id: str, event: RedactionEvent) -> None:
        await self._forget(room_id, event.redacts, self._day_of(event))

    async def on_redacted(self, room_id: str, event: RedactedEvent) -> None:
        """A reaction that was redacted before the bot saw it carries no relation any more."""
        if event.type == "m.reaction":
            await self._forget(room_id, event.event_id)

    async def _forget(self, room_id: str, reaction_id: str, day: date | None = None) -> None:
        target = await db.reaction_target(self.store, reaction_id)
        if target is None:
            return
        post_id, user_id = target
        post = await self._open_post(room_id, post_id, day)
        if post is None:
            return
        await db.remove_reaction(self.store, reaction_id)
        await self._notify(post, [user_id])

    async def _open_post(self, room_id: str, event_id: str, day: date | None = None
                         ) -> TrackedPost | None:
        """The tracked post, if it was open on `day` (today if not known)."""
        post = await self.get(event_id)
        if post is None or post.room_id != room_id or not post.is_open(day or self.clock.today()):
            return None
        return post

    def _day_of(self, event: Any) -> date | None:
        """The community's day an event was sent on: its age by the server's timestamp,
        counted back from the clock's now (the same as its date when the clock is real)."""
        ts = getattr(event, "server_timestamp", None)
        if not isinstance(ts, int) or ts <= 0:
            return None
        age = max(0.0, time.time() - ts / 1000)
        return (self.clock.now() - timedelta(seconds=age)).date()

    # --- reconciliation -------------------------------------------------------------------

    async def on_gap(self, room_id: str) -> None:
        """The sync skipped events here (or the bot was down): re-read the posts still open
        or closed within `reconcile_days`."""
        since = self.clock.today() - timedelta(days=self.reconcile_days)
        for post in await db.posts_since(self.store, room_id, since):
            await self.reconcile(post)
        await self.tell_untold(room_id)

    async def tell_untold(self, room_id: str) -> None:
        """Changes whose owner was not told before the bot stopped are told now."""
        for post, user_id in await db.untold(self.store, room_id):
            await self._notify(post, [user_id])

    async def reconcile(self, post: TrackedPost) -> None:
        """Make the rows equal to the homeserver's relations; tell the owner who changed. A
        closed post only gains the reactions made while it was open."""
        closed = not post.is_open(self.clock.today())
        events = await self.chat.reactions_to(post.room_id, post.event_id)
        server = {
            e.event_id: Reaction(e.sender, normalize_key(e.key), e.server_timestamp)
            for e in events
            if e.sender != self.chat.user_id
            and not (closed and not post.is_open(self._day_of(e) or self.clock.today()))
        }
        before = await self.reactions(post)
        await db.replace_reactions(self.store, post.event_id, server, keep_stored=closed)
        after = await self.reactions(post)
        changed = {(r.user_id, r.key) for r in before} ^ {(r.user_id, r.key) for r in after}
        await self._notify(post, sorted({user_id for user_id, _ in changed}))

    async def _notify(self, post: TrackedPost, users: list[str]) -> None:
        """Tell the owner; a user stays untold (told again after the next gap) if it fails."""
        kind = self._kinds.get((post.feature, post.kind))
        for user_id in users:
            if kind is not None:
                try:
                    await kind.handler(post, user_id, await self.reactions(post, user_id))
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("%s failed on reactions of %s", post.feature, user_id)
                    continue
            await db.told(self.store, post.event_id, user_id)
