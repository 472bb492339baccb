"""The question of the week: one question a week in the community room, answered in its thread.

Questions go round without repeats (`rhythm.next_question`); while nobody answers, the bot
backs off to every other week, then monthly, and says so; one answer brings the weekly rhythm
back. An answer is a member's message in the post's thread (or a reply to it), counted once
per event id; someone outside the community may write there, but it does not count as the
community answering. Members suggest questions with `!prompt add`; an organizer's ✅ on the
suggestion's tracked post adds it to the questions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from nio import RoomMessageText

from ...core.arguments import one_line
from ...core.chat import txn_for
from ...core.commands import Arg, CommandContext, command
from ...core.emoji import normalize_key
from ...core.i18n import _
from ...core.permissions import Access
from ...core.rooms import display_name
from ...core.scheduling import due_on
from ...core.services import Services
from ...core.topics import COWORKING
from ...core.tracked import Reaction, ReactionDeclaration, ReactionKind, TrackedPost
from .. import Feature
from . import db, rhythm
from .config import PromptsConfig
from .questions import DEFAULTS
from .texts import PromptTexts

JOB_ID = "prompts:weekly"
SUGGESTION = "suggestion"
APPROVE = "\u2705"  # ✅
MAX_QUESTION = 300
REVIEW_DAYS = 30  # how long a suggestion's ✅ counts (an open post is re-read after every gap)
ANSWERERS = Access.MEMBER


def thread_root(content: dict[str, Any]) -> str | None:
    """The event a message answers: its thread's root, or the message it replies to."""
    relates = content.get("m.relates_to")
    if not isinstance(relates, dict):
        return None
    if relates.get("rel_type") == "m.thread" and isinstance(relates.get("event_id"), str):
        return relates["event_id"]
    reply = relates.get("m.in_reply_to")
    target = reply.get("event_id") if isinstance(reply, dict) else None
    return target if isinstance(target, str) else None


class PromptsFeature(Feature):
    name = "prompts"
    section = ("prompts", PromptsConfig)
    migrations = db.MIGRATIONS

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        assert services.config.prompts is not None
        self.config: PromptsConfig = services.config.prompts
        self.store = services.store
        self.texts = PromptTexts(services.i18n, services.config.command_prefix)

    def name_of(self, user_id: str) -> str:
        return display_name(self.services.client, user_id)

    async def start(self) -> None:
        self.services.scheduler.daily(JOB_ID, self.config.time, self.tick,
                                      weekdays=(self.config.weekday,),
                                      name=_("question of the week"))

    async def pool(self) -> list[str]:
        language = self.services.i18n.language
        listed = (self.config.questions or {}).get(language) or list(DEFAULTS[language])
        return list(dict.fromkeys([*listed, *await db.approved(self.store)]))

    async def tick(self, now: datetime) -> None:
        """On the day from its time on: ask if the rhythm says so (once a day)."""
        local = now.astimezone(self.services.clock.tz)
        today = local.date()
        if not due_on(local, (self.config.weekday,), self.config.time):
            return
        history = await db.asked(self.store)
        if not history or history[0].day != today:
            silent = rhythm.silent_streak([a.answers for a in history])
            weeks = rhythm.every_weeks(silent, self.config.backoff_after)
            if not rhythm.is_due(history[0].day if history else None, today, weeks):
                return
            question = rhythm.next_question(await self.pool(), await db.times_asked(self.store))
            room_id = await self.services.rooms.room_id(self.config.room)
            if question is None or room_id is None:
                return
            await db.ask(self.store, today, question, weeks, room_id)
            history = await db.asked(self.store)
        current = history[0]
        if current.event_id is None and current.room_id:
            before = history[1].every_weeks if len(history) > 1 else None
            event_id = await self.services.chat.send(
                current.room_id, self.texts.post(current.question, current.every_weeks, before),
                txn=txn_for(self.name, current.day.isoformat()))
            await db.set_post(self.store, current.day, event_id)

    # --- answers --------------------------------------------------------------------------

    def subscriptions(self) -> dict[type, Any]:
        return {RoomMessageText: self.on_message}

    async def on_message(self, room_id: str, event: RoomMessageText) -> None:
        """A member's message in a question's thread is an answer (once per event)."""
        root = thread_root(event.source.get("content") or {})
        if root is None or not self.services.permissions.allows(event.sender, ANSWERERS):
            return
        asked = await db.by_post(self.store, room_id, root)
        if asked is not None:
            await db.answer(self.store, event.event_id, asked.day, event.sender)

    # --- suggestions ----------------------------------------------------------------------

    @command("prompt add", Arg(_("question"), one_line(MAX_QUESTION), rest=True),
             help=_("Suggest a question of the week; an organizer adds it with ✅"),
             topic=COWORKING, examples=(_("What tool saved you time this week?"),))
    async def prompt_add(self, ctx: CommandContext, text: str) -> None:
        suggestion = await db.suggest(self.store, ctx.event_id, ctx.sender, text)
        room_id = await self.services.rooms.room_id(self.config.review_room or self.config.room)
        if room_id is None:
            await ctx.reply(ctx.t(_("I could not pass it on: is the room {room} there and am "
                                    "I in it?"), room=self.config.review_room or self.config.room))
            return
        event_id = await self.services.chat.send(
            room_id, self.texts.suggestion(self.name_of(ctx.sender), text),
            txn=txn_for(self.name, "suggestion", ctx.event_id))
        await self.services.tracked.register(
            room_id, event_id, self.name, SUGGESTION, str(suggestion.id),
            open_until=self.services.clock.today() + timedelta(days=REVIEW_DAYS))
        await self.services.chat.offer_reactions(room_id, event_id, [APPROVE])
        await ctx.reply(ctx.t(_("Thanks! Your question is with the organizers; once one of "
                                "them adds it, it comes up in turn.")))

    def reactions(self) -> dict[str, ReactionDeclaration]:
        return {SUGGESTION: ReactionKind(self.on_approval, Access.ORGANIZER)}

    async def on_approval(self, post: TrackedPost, user_id: str,
                          reactions: list[Reaction]) -> None:
        """An organizer's ✅ adds the question (taking it back later changes nothing)."""
        if not any(normalize_key(r.key) == APPROVE for r in reactions):
            return
        suggestion = await db.suggestion(self.store, int(post.subject))
        now = int(self.services.clock.now().timestamp())
        if suggestion and await db.approve(self.store, suggestion.id, user_id, now):
            await self.services.chat.edit(post.room_id, post.event_id, self.texts.suggestion(
                self.name_of(suggestion.user_id), suggestion.text, self.name_of(user_id)))
