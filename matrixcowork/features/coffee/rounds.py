"""A coffee round from heads-up to follow-up, each step idempotent and driven by `now`.

`tick(now)` runs every day at the round's time and once at start; it does whatever is due:
the heads-up the day before (a tracked post: 💤 skips the round), the pairing on the round's
day (stored with its groups before anything is sent, so it happens once per date), a private
room per group with their cards and a fresh Jitsi link (the room's alias holds a random secret
stored before the room is made, so a crash between creating and storing finds the room again
and nobody can take the alias first), and the follow-up
"did you meet? ✅" some days later (a tracked post in the group's room).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta

from nio.api import RoomPreset

from ...core.chat import ChatError, txn_for
from ...core.jitsi import LAYOUT_EVENT, WIDGET_EVENT, Jitsi, with_widget_on_top
from ...core.offers import MEMBER_CARD
from ...core.permissions import Access
from ...core.services import Services
from ...core.tracked import TrackedPost, normalize_key
from . import db
from .config import CoffeeConfig
from .pairing import pair_up, recent_pairs
from .schedule import CoffeeSchedule
from .texts import CoffeeTexts

log = logging.getLogger(__name__)

FEATURE = "coffee"
HEADSUP = "headsup"
FOLLOWUP = "followup"
SKIP = "\U0001F4A4"  # 💤
MET = "\u2705"  # ✅
UNFINISHED_DAYS = 30  # groups older than this are left as they are
FOLLOWUP_OPEN_DAYS = 14  # ✅ counts until two weeks after the question


class Rounds:
    def __init__(self, services: Services, config: CoffeeConfig, text: CoffeeTexts) -> None:
        self.services = services
        self.config = config
        self.text = text
        self.schedule = CoffeeSchedule(config, services.clock.tz)
        self.jitsi = Jitsi(services.config.jitsi)
        self._lock = asyncio.Lock()

    async def tick(self, now: datetime) -> None:
        async with self._lock:
            await self.headsup(now)
            await self.pair(now)
            await self.finish(now)

    # --- heads-up -------------------------------------------------------------------------

    async def headsup_post(self, day: date) -> TrackedPost | None:
        return await self.services.tracked.find(FEATURE, HEADSUP, day.isoformat())

    async def headsup(self, now: datetime) -> TrackedPost | None:
        """The day before a round (or late, until it starts): who takes part, 💤 to skip."""
        day = self.schedule.next_round(now)
        if now < self.schedule.headsup(day) or await self.headsup_post(day):
            return None
        room_id = await self.services.rooms.room_id(self.config.room)
        if room_id is None:
            log.warning("no coffee heads-up: room '%s' does not exist yet", self.config.room)
            return None
        count = len(await self.taking_part(day))
        text = self.text.headsup(self.schedule.start(day), count)
        chat = self.services.chat
        try:
            event_id = await chat.send(room_id, text, txn=txn_for(FEATURE, HEADSUP, str(day)))
            post = await self.services.tracked.register(
                room_id, event_id, FEATURE, HEADSUP, day.isoformat(), open_until=day)
            await chat.react(room_id, event_id, SKIP)
        except ChatError as err:
            log.warning("cannot post the coffee heads-up: %s", err)
            return None
        return post

    async def skipping(self, day: date) -> set[str]:
        post = await self.headsup_post(day)
        if post is None:
            return set()
        reactions = await self.services.tracked.reactions(post)
        return {r.user_id for r in reactions if r.key == normalize_key(SKIP)}

    async def taking_part(self, day: date) -> list[str]:
        """Opted in, not paused that day, still a member, not skipping."""
        permissions = self.services.permissions
        skip = await self.skipping(day)
        return [p.user_id for p in await db.participants(self.services.store)
                if p.takes_part(day) and p.user_id not in skip
                and permissions.access_of(p.user_id) >= Access.MEMBER]

    # --- pairing --------------------------------------------------------------------------

    async def pair(self, now: datetime) -> bool:
        """On a round's day, from its time on: pair once. True if it paired now."""
        store = self.services.store
        day = now.astimezone(self.schedule.tz).date()
        if not self.schedule.is_round(day) or now < self.schedule.start(day):
            return False
        if await db.is_paired(store, day):
            return False
        people = await self.taking_part(day)
        recent = recent_pairs(await db.recent_groups(store, day, self.config.avoid_repeat_rounds))
        groups = [(g, self.jitsi.new_conference()) for g in pair_up(people, recent)]
        if not await db.save_round(store, day, now.isoformat(), groups):
            return False
        log.info("coffee round %s: %d people in %d groups", day, len(people), len(groups))
        await self._announce(day, len(people), len(groups))
        return True

    async def _announce(self, day: date, people: int, groups: int) -> None:
        room_id = await self.services.rooms.room_id(self.config.room)
        if room_id is None:
            return
        try:
            await self.services.chat.send(room_id, self.text.paired(people, groups),
                                          txn=txn_for(FEATURE, "paired", str(day)))
        except ChatError as err:
            log.warning("cannot announce the coffee round: %s", err)

    # --- the groups' rooms and follow-ups -------------------------------------------------

    async def finish(self, now: datetime) -> None:
        """Rooms and welcomes still missing, and follow-ups that are due."""
        today = now.astimezone(self.schedule.tz).date()
        since = today - timedelta(days=UNFINISHED_DAYS)
        for group in await db.groups(self.services.store, since, today):
            try:
                if group.room_id is None or not group.welcomed:
                    await self._open(group)
                elif group.followup_event_id is None and now >= self.schedule.followup(
                    group.round_date
                ):
                    await self._follow_up(group, group.room_id)
            except ChatError as err:
                log.warning("coffee group %s/%d: %s", group.round_date, group.number, err)

    async def _open(self, group: db.Group) -> None:
        store, chat = self.services.store, self.services.chat
        room_id = group.room_id or await self._room(group)
        if group.room_id is None:
            await db.set_room(store, group, room_id)
        card_of = self.services.offers.get(MEMBER_CARD)
        cards = [await card_of(user_id) for user_id in group.members]
        await chat.send(
            room_id, self.text.welcome(group.members, self.jitsi.link(group.conference), cards),
            mentions=list(group.members),
            txn=txn_for(FEATURE, "welcome", str(group.round_date), str(group.number), room_id),
        )
        await db.set_welcomed(store, group)

    async def _room(self, group: db.Group) -> str:
        """The group's room: found by its secret alias if an earlier attempt made it, else
        created with everyone invited and the Jitsi widget on top."""
        config = self.services.config
        secret = await db.room_secret(self.services.store, group)
        alias = f"coffee-{secret}"
        existing = await self.services.chat.resolve_alias(f"#{alias}:{config.server_name}")
        if existing:
            return existing
        name = self.text.room_name(group.members)
        widget_id = self.jitsi.widget_id(group.conference)
        widget = self.jitsi.widget(group.conference, name, config.user_id)
        return await self.services.chat.create_room(
            alias=alias, name=name, topic=self.text.room_topic(), is_direct=False,
            preset=RoomPreset.private_chat, invite=list(group.members),
            initial_state=[
                {"type": WIDGET_EVENT, "state_key": widget_id, "content": widget},
                {"type": LAYOUT_EVENT, "state_key": "",
                 "content": with_widget_on_top(None, widget_id)},
            ],
        )

    async def _follow_up(self, group: db.Group, room_id: str) -> None:
        chat = self.services.chat
        subject = f"{group.round_date}/{group.number}"
        event_id = await chat.send(room_id, self.text.followup(),
                                   txn=txn_for(FEATURE, FOLLOWUP, subject, room_id))
        open_until = self.schedule.followup(group.round_date).date() + timedelta(
            days=FOLLOWUP_OPEN_DAYS)
        await self.services.tracked.register(room_id, event_id, FEATURE, FOLLOWUP, subject,
                                             open_until=open_until)
        await db.set_followup(self.services.store, group, event_id)
        await chat.react(room_id, event_id, MET)

    async def met(self, group: db.Group) -> bool:
        """Someone in the group reacted ✅ to its follow-up."""
        if group.followup_event_id is None:
            return False
        post = await self.services.tracked.get(group.followup_event_id)
        if post is None:
            return False
        reactions = await self.services.tracked.reactions(post)
        return any(r.key == normalize_key(MET) for r in reactions)
