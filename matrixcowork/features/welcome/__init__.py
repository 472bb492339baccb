"""The welcome conversation: instead of commands, the bot gets to know a new member in their
direct chat, one question at a time, and their card goes to the introductions room.

It starts once per person, ever, when they first join the space (`!welcome` starts it again).
What they answer is kept by the features that own it, through offers: the profile fields and
the card by `people`, the coffee roulette by `coffee`; a question no enabled feature can keep
is not asked. The conversation's place is stored with `services.direct`, so a restart goes on
with the next question; every message has a transaction id from the answer it follows (sent
before the new place is saved), so a replayed answer is neither lost nor answered twice. One
reminder after `reminder_days` without an answer, through the scheduler; then nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from nio import RoomMemberEvent

from ...core.chat import txn_for
from ...core.commands import CommandContext, command
from ...core.direct import Conversation, ReplyHandler
from ...core.i18n import _
from ...core.offers import (
    JOIN_COFFEE,
    MEMBER_CARD_IF_ANY,
    POST_INTRO,
    UPDATE_ROUND,
    WRITE_PROFILE,
)
from ...core.rooms import display_name
from ...core.services import Services
from ...core.topics import PEOPLE
from .. import EventHandler, Feature
from . import db
from .config import WelcomeConfig
from .questions import PROFILE_FIELDS, Question, coffee_answer, control, position, questions
from .texts import WelcomeTexts

log = logging.getLogger(__name__)

REMINDERS = "welcome:reminders"
RETRY_START = timedelta(hours=1)  # a welcome kept from starting by another conversation


class WelcomeFeature(Feature):
    name = "welcome"
    section = ("welcome", WelcomeConfig)
    migrations = db.MIGRATIONS

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.config: WelcomeConfig = services.config.welcome
        self.store = services.store
        space = services.config.community_space
        self.texts = WelcomeTexts(services.i18n, services.config.command_prefix,
                                  space.name if space else "")

    def conversation(self) -> ReplyHandler:
        return self.on_reply

    def subscriptions(self) -> dict[type, EventHandler]:
        return {RoomMemberEvent: self.on_member}

    async def start(self) -> None:
        await self._wake()

    def _now(self) -> str:
        return self.services.clock.now().isoformat()

    def _questions(self) -> list[Question]:
        offers = self.services.offers
        available = (PROFILE_FIELDS if offers.provided(WRITE_PROFILE) else frozenset()) | (
            {"coffee"} if offers.provided(JOIN_COFFEE) else set()) | (
            {"updates"} if offers.provided(UPDATE_ROUND) else set())
        return questions(self.config.questions, frozenset(available))

    # --- starting ---------------------------------------------------------------------------

    async def on_member(self, room_id: str, event: RoomMemberEvent) -> None:
        """A first join to the space starts it, once per person ever."""
        permissions = self.services.permissions
        if room_id != permissions.space_room_id or event.membership != "join" \
                or event.prev_membership == "join":
            return
        user = event.state_key
        if user == self.services.chat.user_id or not permissions.is_member(user):
            return
        if await db.first(self.store, user, self._now()):
            await self._begin(user, 1)

    async def _begin(self, user: str, run: int) -> bool:
        asked = self._questions()
        if not asked:  # every question switched off: nothing to talk about
            await db.finished(self.store, user, self._now())
            return False
        direct = self.services.direct
        if not await direct.begin(user, self.name, {"run": run, "at": asked[0].key}):
            log.info("welcome for %s waits: another conversation goes on", user)
            await db.asked(self.store, user, self._now())  # tried again in RETRY_START
            await self._wake()
            return False
        name = display_name(self.services.client, user, self.services.permissions.space_room_id)
        text = self.texts.greeting(name, len(asked)) + "\n\n" + \
            self.texts.question(asked[0], 1, len(asked))
        await direct.send(user, text, txn=txn_for("welcome", user, str(run)))
        await db.started(self.store, user, self._now())
        await self._wake()
        return True

    @command("welcome", help=_("Start the welcome questions again, in our direct chat"),
             topic=PEOPLE)
    async def welcome(self, ctx: CommandContext) -> None:
        current = await self.services.direct.current(ctx.sender)
        if current is not None and current.owner != self.name:
            await ctx.reply(self.texts.busy())
            return
        run = await db.again(self.store, ctx.sender, self._now())
        await self.services.direct.end(ctx.sender, self.name)
        await self._begin(ctx.sender, run)
        await ctx.reply(self.texts.restarted())

    # --- answers ----------------------------------------------------------------------------

    async def on_reply(self, conversation: Conversation, body: str, event_id: str) -> None:
        user, state = conversation.user_id, dict(conversation.state)
        asked = self._questions()
        keys = [q.key for q in asked]
        at = position(keys, state.get("at", ""))
        direct, txn = self.services.direct, txn_for("welcome", event_id)
        word = control(body)
        if word == "stop":
            await direct.send(user, self.texts.stopped(), txn=txn)
            await self._end(user)
            return
        if at >= len(asked):
            await self._finish(user, state, txn)
            return
        if word == "back":
            step = max(at - 1, 0)
        elif word == "skip":
            step = at + 1
        else:
            problem = await self._keep(user, asked[at].key, body, state)
            if problem is not None:
                await direct.send(user, problem + "\n\n" +
                                  self.texts.question(asked[at], at + 1, len(asked)), txn=txn)
                return
            step = at + 1
        if step >= len(asked):
            await self._finish(user, state, txn)
            return
        await direct.send(user, self.texts.question(asked[step], step + 1, len(asked)), txn=txn)
        await direct.save(user, self.name, {**state, "at": asked[step].key})
        await db.asked(self.store, user, self._now())

    async def _keep(self, user: str, key: str, body: str, state: dict) -> str | None:
        """Store one answer where it belongs; the problem if it cannot be kept as it is."""
        offers = self.services.offers
        if key in ("coffee", "updates"):
            yes = coffee_answer(body)
            if yes is None:
                return self.texts.coffee_again()
            if yes and key == "coffee":
                state["coffee"] = await offers.get(JOIN_COFFEE)(user)
            elif key == "updates":
                await offers.get(UPDATE_ROUND)(user, yes)
                state["updates"] = yes
            return None
        return await offers.get(WRITE_PROFILE)(user, key, body)

    async def _finish(self, user: str, state: dict, txn: str) -> None:
        offers = self.services.offers
        card = await offers.get(MEMBER_CARD_IF_ANY)(user)
        coffee, updates = bool(state.get("coffee")), bool(state.get("updates"))
        if card is None:
            text = self.texts.nothing_to_show(coffee, updates)
        else:
            room = await offers.get(POST_INTRO)(user, txn_for("welcome intro", user,
                                                               str(state.get("run", 1))))
            text = self.texts.done(card, room, coffee, updates)
        await self.services.direct.send(user, text, txn=txn)
        await self._end(user)

    async def _end(self, user: str) -> None:
        await self.services.direct.end(user, self.name)
        await db.finished(self.store, user, self._now())
        await self._wake()

    # --- the one reminder -------------------------------------------------------------------

    def _after(self, welcome: db.Welcome) -> timedelta:
        return timedelta(days=self.config.reminder_days) if welcome.started else RETRY_START

    async def _wake(self) -> None:
        due = [datetime.fromisoformat(w.asked_at) + self._after(w)
               for w in await db.waiting(self.store)]
        self.services.scheduler.wake(REMINDERS, due, self.remind, name=_("welcome reminders"))

    async def remind(self, now: datetime) -> None:
        """Recall the open question once to whoever has not answered for `reminder_days`;
        start the welcomes another conversation kept waiting."""
        asked = self._questions()
        keys = [q.key for q in asked]
        for welcome in await db.waiting(self.store):
            if datetime.fromisoformat(welcome.asked_at) + self._after(welcome) > now:
                continue
            if not welcome.started:
                await self._begin(welcome.user_id, welcome.run)
                continue
            conversation = await self.services.direct.current(welcome.user_id)
            if conversation is None or conversation.owner != self.name:
                await db.reminded(self.store, welcome.user_id)  # nothing open to recall
                continue
            at = position(keys, conversation.state.get("at", ""))
            text = self.texts.reminder()
            if at < len(asked):
                text += "\n\n" + self.texts.question(asked[at], at + 1, len(asked))
            await self.services.direct.send(
                welcome.user_id, text, txn=txn_for("welcome reminder", welcome.user_id,
                                                   str(welcome.run)))
            await db.reminded(self.store, welcome.user_id)
        await self._wake()
