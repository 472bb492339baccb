"""Asking to join: knocks on the space become requests the organizers answer in one tap.

With `space.join: knock` the space's join rule is `knock` (and the members-only rooms are
`knock_restricted`: a knock there is a request to join the space too). Element cannot accept
a knock on a space, so the bot does: it posts each request in the organizers' room as a tracked
post; the first organizer's ✅ invites (to the space, and to the room they asked in), ❌ declines
(a kick of the knock with `space.decline_reason`); the post is edited to say who decided. Only
organizers' reactions count (the kind's access), and the decision is a conditional update, so a
request is answered once however many react. A knock the bot did not see happen (it was down,
or the sync had a gap) is found in the room state and handled once. Organizers also get a note
in their room when someone joins the space.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from nio import RoomMemberEvent

from ...core.chat import ChatError, txn_for
from ...core.commands import CommandContext, command
from ...core.config import Config
from ...core.emoji import normalize_key
from ...core.i18n import _
from ...core.offers import CARD_POSTED, MEMBER_CARD_IF_ANY
from ...core.permissions import Access
from ...core.rooms import display_name, name_anywhere
from ...core.services import Services
from ...core.tracked import Reaction, ReactionKind, TrackedPost
from .. import EventHandler, Feature
from . import db
from .texts import ACCEPT, DECLINE, RequestTexts

log = logging.getLogger(__name__)

KIND = "request"
MAX_PER_DAY = 3  # requests one person may make in a day; more knocks are left unanswered


class RequestsFeature(Feature):
    name = "requests"
    migrations = db.MIGRATIONS

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return config.space is not None and config.space.organizer_room is not None

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        space = services.config.space
        assert space is not None and space.organizer_room is not None
        self.space = space
        self.store = services.store
        self.texts = RequestTexts(services.i18n, space.name)
        services.offers.provide(CARD_POSTED, self.card_posted)

    def subscriptions(self) -> dict[type, EventHandler]:
        return {RoomMemberEvent: self.on_member}

    def reactions(self) -> dict[str, ReactionKind]:
        return {KIND: ReactionKind(self.on_reaction, access=Access.ORGANIZER)}

    async def start(self) -> None:
        for request in await db.unposted(self.store):  # a crash between storing and posting
            await self._post(request)

    # --- where knocks happen ----------------------------------------------------------------

    def _knock_room(self, room_id: str) -> bool:
        """The space, or one of its rooms (members-only rooms are knock_restricted)."""
        if room_id == self.services.permissions.space_room_id:
            return True
        return self.space.knocks and self.services.rooms.key_of(room_id) is not None

    def _room_name(self, room_id: str) -> str | None:
        """The room someone asked in, unless it is the space itself."""
        key = self.services.rooms.key_of(room_id)
        return self.services.config.room(key).name if key else None

    async def _organizer_room(self) -> str | None:
        assert self.space.organizer_room is not None
        return await self.services.rooms.room_id(self.space.organizer_room)

    # --- membership -------------------------------------------------------------------------

    async def on_member(self, room_id: str, event: RoomMemberEvent) -> None:
        if not self._knock_room(room_id):
            return
        user, membership = event.state_key, event.membership
        if membership == "knock" and event.prev_membership != "knock":
            content = event.content or {}
            await self.knocked(room_id, user, event.event_id, content.get("displayname"),
                               content.get("reason"))
        elif room_id == self.services.permissions.space_room_id and membership == "join" \
                and event.prev_membership != "join":
            await self.joined(user, event.event_id)
        elif event.prev_membership == "knock":
            await self._closed_elsewhere(room_id, user, membership, event.sender)

    async def knocked(self, room_id: str, user: str, event_id: str, name: object,
                      reason: object) -> None:
        """A knock, seen once: stored by its event id, then posted for the organizers."""
        if self.services.permissions.is_member(user) or await db.open_of(self.store, user):
            return
        now = self.services.clock.now()
        if await db.asked_since(self.store, user, (now - timedelta(days=1)).isoformat()) \
                >= MAX_PER_DAY:
            log.warning("%s knocked again (%s requests today): not posted", user, MAX_PER_DAY)
            return
        shown = name if isinstance(name, str) and name.strip() else \
            await name_anywhere(self.services.client, self.services.chat, user)
        request = await db.add(self.store, user, room_id, event_id, shown,
                               reason if isinstance(reason, str) else "", now.isoformat())
        if request is not None:
            log.info("%s asks to join (knock %s)", user, event_id)
            await self._post(request)

    async def _post(self, request: db.Request) -> None:
        target = await self._organizer_room()
        if target is None:
            log.warning("organizer room does not exist yet; request of %s waits",
                        request.user_id)
            return
        event_id = await self.services.chat.send(
            target, self.texts.post(request, self._room_name(request.room_id)),
            txn=txn_for("join request", request.knock_event_id))
        await self.services.tracked.register(target, event_id, self.name, KIND, str(request.id))
        await db.set_post(self.store, request.id, target, event_id)
        await self.services.chat.offer_reactions(target, event_id, [ACCEPT, DECLINE])

    async def joined(self, user: str, event_id: str) -> None:
        """Someone is in the space: an open request is done, and the organizers hear of it."""
        request = await db.open_of(self.store, user)
        if request is not None and await db.decide(self.store, request.id, "joined", None,
                                                   self.services.clock.now().isoformat()):
            await self._edit(request, "joined", None)
        if await db.noted(self.store, event_id):
            return
        target = await self._organizer_room()
        if target is None:
            return
        note = await self.services.chat.send(target, await self._note(user),
                                             txn=txn_for("joined", event_id))
        await db.record_note(self.store, event_id, user, note)

    async def _note(self, user: str) -> str:
        """"Carla joined the space (let in by Anna)", with her card if she has one."""
        latest = await db.latest_of(self.store, user)
        let_in_by = latest.decided_by if latest and latest.status == "accepted" else None
        client = self.services.client
        name = display_name(client, user, self.services.permissions.space_room_id)
        card = await self.services.offers.get(MEMBER_CARD_IF_ANY)(user)
        return self.texts.joined(name, user, let_in_by and display_name(client, let_in_by), card)

    async def card_posted(self, user: str) -> None:
        """The member introduced themselves: the note about their join shows the card now."""
        note, target = await db.latest_note(self.store, user), await self._organizer_room()
        if note is None or target is None:
            return
        try:
            await self.services.chat.edit(target, note, await self._note(user))
        except ChatError as err:
            log.warning("cannot add the card of %s to the note: %s", user, err)

    async def _closed_elsewhere(self, room_id: str, user: str, membership: str,
                                sender: str) -> None:
        """A knock answered or withdrawn without the bot (another client, or they left)."""
        request = await db.open_of(self.store, user)
        if request is None or request.room_id != room_id:
            return
        status = {"invite": "accepted", "join": "joined"}.get(
            membership, "withdrawn" if sender == user else "declined")
        by = None if sender == user else sender
        if await db.decide(self.store, request.id, status, by,
                           self.services.clock.now().isoformat()):
            await self._edit(request, status, by)

    async def on_gap(self, room_id: str) -> None:
        """Knocks and answers the bot did not see (down, or a gap): from the room state."""
        if not self._knock_room(room_id):
            return
        try:
            events = await self.services.chat.room_state(room_id)
        except ChatError as err:
            log.warning("cannot read the state of %s for knocks: %s", room_id, err)
            return
        members = {e.get("state_key"): e for e in events if e.get("type") == "m.room.member"}
        for user, event in members.items():
            content = event.get("content", {})
            if content.get("membership") == "knock" and isinstance(user, str):
                await self.knocked(room_id, user, event["event_id"], content.get("displayname"),
                                   content.get("reason"))
        for request in await db.open_requests(self.store, room_id):
            event = members.get(request.user_id)
            membership = (event or {}).get("content", {}).get("membership", "leave")
            if membership == "join" and room_id == self.services.permissions.space_room_id:
                await self.joined(request.user_id, event["event_id"])
            elif membership != "knock":
                await self._closed_elsewhere(room_id, request.user_id, membership,
                                             (event or {}).get("sender", request.user_id))

    # --- the organizers' answer -------------------------------------------------------------

    async def on_reaction(self, post: TrackedPost, user_id: str, reactions: list[Reaction]
                          ) -> None:
        """An organizer's ✅ or ❌ (members' reactions never reach here: the kind's access)."""
        keys = [r.key for r in reactions if r.key in (normalize_key(ACCEPT),
                                                     normalize_key(DECLINE))]
        if not keys:
            return
        request = await db.get(self.store, int(post.subject))
        if request is None:
            return
        accepting = keys[0] == normalize_key(ACCEPT)
        status = "accepted" if accepting else "declined"
        if not await db.decide(self.store, request.id, status, user_id,
                               self.services.clock.now().isoformat()):
            return  # answered already
        chat = self.services.chat
        try:
            if accepting:
                await self._let_in(request)
            else:
                await chat.kick(request.room_id, request.user_id,
                                self.texts.decline_reason(self.space.decline_reason))
        except ChatError as err:
            log.warning("carrying out the answer to %s failed: %s", request.user_id, err)
            await db.reopen(self.store, request.id)
            await chat.send(post.room_id, self.texts.could_not(request.name, request.user_id,
                                                               accepting),
                            reply_to=post.event_id)
            return
        log.info("%s %s the request of %s", user_id, status, request.user_id)
        await self._edit(request, status, user_id)

    async def _let_in(self, request: db.Request) -> None:
        space_id = self.services.permissions.space_room_id
        assert space_id is not None
        await self.services.chat.invite(space_id, request.user_id)
        if request.room_id != space_id:  # asked in one of the rooms: let them in there too
            await self.services.chat.invite(request.room_id, request.user_id)

    async def _edit(self, request: db.Request, status: str, by: str | None) -> None:
        if not (request.post_room_id and request.post_event_id):
            return
        by_name = display_name(self.services.client, by) if by else None
        text = self.texts.closed(request, self._room_name(request.room_id), status, by_name)
        try:
            await self.services.chat.edit(request.post_room_id, request.post_event_id, text)
        except ChatError as err:
            log.warning("cannot update the request of %s: %s", request.user_id, err)

    # --- commands ---------------------------------------------------------------------------

    @command("requests", help=_("Open requests to join the space"), access=Access.ORGANIZER)
    async def requests(self, ctx: CommandContext) -> None:
        """In the organizers' room only: the reasons are outsiders' words, not the members'."""
        if ctx.room_id != await self._organizer_room():
            assert self.space.organizer_room is not None
            room = self.services.config.room(self.space.organizer_room).name
            await ctx.reply(ctx.t(_("The requests are listed in {room}: type it there."),
                                  room=room))
            return
        await ctx.reply(self.texts.listing(await db.open_requests(self.store)))
