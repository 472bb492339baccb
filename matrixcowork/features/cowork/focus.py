"""Focus sprints: start together, say what you want to get done, see at the end who made it.

`!focus` posts the sprint (a tracked post, kept current with who is in and their goals).
Members join with 🙋 on it or by replying with their goal; at the end a post mentions them
and asks for ✅, which is stored as "goal reached". The end is a step of `tick(now)`, woken
by one scheduler job at the earliest end, so tests drive it with any `now`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from nio import RoomMessageText

from ...core.chat import ChatError, txn_for
from ...core.clock import later
from ...core.commands import ArgError, CommandContext
from ...core.formatting import mention
from ...core.i18n import _
from ...core.permissions import Access
from ...core.postedits import CoalescedEdits
from ...core.rooms import display_name
from ...core.services import Services
from ...core.tracked import Reaction, ReactionDeclaration, ReactionKind, TrackedPost, normalize_key
from . import db
from .db import BY_COMMAND, BY_REACTION, BY_REPLY, RUNNING, Sprint
from .texts import GOAL_NOTED_KEY, JOIN_KEY, REACHED_KEY, CoworkTexts

log = logging.getLogger(__name__)

MAX_GOAL = 200
SPRINT, RESULT = "sprint", "result"
JOB_ID = "cowork:focus"
LABEL = _("end of a focus sprint")
RESULT_DAYS = 2  # ✅ counts until two days after the sprint's day
JOINERS = Access.MEMBER  # who joins by 🙋 or a reply, and whose ✅ counts
_MINUTES = re.compile(r"(\d+)(?:m|min)?")


def minutes_or_word(raw: str, ctx: CommandContext) -> int | str:
    """`!focus [minutes] [goal]`: a number is the length and must be one of the configured
    choices; anything else is the first word of the goal, handed back as it is."""
    match = _MINUTES.fullmatch(raw.lower())
    if match is None:
        return raw
    choices = ctx.services.config.coworking.focus_minutes  # type: ignore[union-attr]
    if len(match[1]) > 3 or int(match[1]) not in choices:
        raise ArgError(_("{minutes} minutes is not a sprint length here: choose {choices}."),
                       minutes=match[1][:6], choices=", ".join(map(str, choices)))
    return int(match[1])


def replied_to(content: dict[str, Any]) -> str | None:
    """The event a message answers: a reply's target, or the root of its thread."""
    relates = content.get("m.relates_to")
    if not isinstance(relates, dict):  # a client's garbage must not fail the handler
        return None
    if relates.get("rel_type") == "m.thread":
        return relates.get("event_id")
    target = relates.get("m.in_reply_to")
    return target.get("event_id") if isinstance(target, dict) else None


def goal_text(body: str) -> str:
    """The goal in a reply: without the quoted fallback older clients put first, one line."""
    lines = body.splitlines()
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    text = " ".join(" ".join(lines).split())
    return text if len(text) <= MAX_GOAL else text[:MAX_GOAL - 1] + "…"


def has_key(keys: Sequence[str], wanted: str) -> bool:
    """Any of these reactions is `wanted`, in any skin tone or gender."""
    return any(normalize_key(key).startswith(wanted) for key in keys)


class FocusSprints:
    def __init__(self, services: Services, texts: CoworkTexts, feature: str) -> None:
        self.services = services
        self.store = services.store
        self.chat = services.chat
        self.texts = texts
        self.feature = feature
        self.edits = CoalescedEdits(services.chat)
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Sprints that ended while the bot was down end now."""
        self.services.scheduler.at(JOB_ID, self.services.clock.now(), self.tick, name=LABEL)

    async def stop(self) -> None:
        await self.edits.flush()

    # --- starting and joining ------------------------------------------------------------------

    async def begin(self, ctx: CommandContext, minutes: int, goal: str | None) -> None:
        """Start a sprint in the command's room, or join the one running there."""
        now = self.services.clock.now()
        running = await db.running_in(self.store, ctx.room_id)
        if running and running.command_id != ctx.event_id:
            await db.join(self.store, running.id, ctx.sender, BY_COMMAND, goal)
            self._refresh(running)
            await ctx.reply(self.texts.joined(running.end, goal))
            return
        sprint = await db.create_sprint(self.store, ctx.event_id, ctx.room_id, ctx.sender,
                                        now, later(now, timedelta(minutes=minutes)))
        await db.join(self.store, sprint.id, ctx.sender, BY_COMMAND, goal)
        text = await self._sprint_text(sprint)
        post_id = await ctx.post_reply(text)  # its transaction id: a replay sends nothing new
        self.edits.shown(post_id, text)
        await db.set_post(self.store, sprint.id, post_id)
        await self.services.tracked.register(ctx.room_id, post_id, self.feature, SPRINT,
                                             str(sprint.id), open_until=self._day(sprint.end))
        await self.chat.offer_reactions(ctx.room_id, post_id, [JOIN_KEY])
        await self.reschedule(now)

    async def on_message(self, room_id: str, event: RoomMessageText) -> None:
        """A reply to a running sprint's post is its author's goal (and joins them)."""
        target = replied_to(event.source.get("content") or {})
        if target is None or not self.services.permissions.allows(event.sender, JOINERS):
            return
        sprint = await db.running_with_post(self.store, room_id, target)
        goal = goal_text(event.body)
        if sprint is None or not goal:
            return
        await db.join(self.store, sprint.id, event.sender, BY_REPLY, goal)
        self._refresh(sprint)
        await self.chat.offer_reactions(room_id, event.event_id, [GOAL_NOTED_KEY])

    def reactions(self) -> dict[str, ReactionDeclaration]:
        return {SPRINT: ReactionKind(self.on_reactions, JOINERS),
                RESULT: ReactionKind(self.on_reactions, JOINERS)}

    async def on_reactions(self, post: TrackedPost, user_id: str,
                           reactions: list[Reaction]) -> None:
        """🙋 on the sprint post joins (taking it back leaves); ✅ on the end post: reached."""
        sprint = await db.sprint(self.store, int(post.subject))
        if sprint is None:
            return
        keys = [r.key for r in reactions]
        if post.kind == RESULT:
            await db.set_reached(self.store, sprint.id, user_id, has_key(keys, REACHED_KEY))
        elif post.kind == SPRINT and sprint.status == RUNNING:
            if has_key(keys, JOIN_KEY):
                await db.join(self.store, sprint.id, user_id, BY_REACTION)
            else:
                await db.leave(self.store, sprint.id, user_id)
            self._refresh(sprint)

    # --- the end ---------------------------------------------------------------------------------

    async def tick(self, now: datetime) -> None:
        """End every sprint whose time is up (late, after downtime)."""
        failed = False
        async with self._lock:
            for sprint in await db.running(self.store):
                if sprint.end > now:
                    continue
                try:
                    await self._end(sprint)
                except ChatError as err:
                    log.warning("focus sprint %d: cannot post its end, trying again later: %s",
                                sprint.id, err)
                    failed = True
        await self.reschedule(now, failed)

    async def _end(self, sprint: Sprint) -> None:
        members = await db.members(self.store, sprint.id)
        users = [m.user_id for m in members]
        pills = [mention(u, self.name_of(sprint.room_id, u)) for u in users]
        text = self.texts.time_is_up(pills, self._roster(sprint.room_id, members))
        event_id = await self.chat.send(sprint.room_id, text, reply_to=sprint.post_id,
                                        mentions=users, txn=txn_for("focus end", str(sprint.id)))
        await self.services.tracked.register(
            sprint.room_id, event_id, self.feature, RESULT, str(sprint.id),
            open_until=self._day(sprint.end) + timedelta(days=RESULT_DAYS))
        await db.finish(self.store, sprint.id, event_id)
        await self.chat.offer_reactions(sprint.room_id, event_id, [REACHED_KEY])

    async def reschedule(self, now: datetime, failed: bool = False) -> None:
        ends = [sprint.end for sprint in await db.running(self.store)]
        self.services.scheduler.wake(JOB_ID, ends, self.tick, name=LABEL, failed=failed)

    async def stats(self, user_id: str) -> str:
        return self.texts.stats(await db.focus_figures(self.store, user_id),
                                await db.focus_figures(self.store),
                                await db.finished_sprints(self.store))

    # --- helpers -------------------------------------------------------------------------------

    def name_of(self, room_id: str, user_id: str) -> str:
        return display_name(self.services.client, user_id, room_id)

    def _roster(self, room_id: str, members: Sequence[db.Member]
                ) -> list[tuple[str, str | None]]:
        return [(self.name_of(room_id, m.user_id), m.goal) for m in members]

    async def _sprint_text(self, sprint: Sprint) -> str:
        members = await db.members(self.store, sprint.id)
        return self.texts.sprint(sprint.end, self._roster(sprint.room_id, members))

    def _refresh(self, sprint: Sprint) -> None:
        if sprint.post_id:
            self.edits.request(sprint.room_id, sprint.post_id,
                               lambda: self._sprint_text(sprint))

    def _day(self, when: datetime) -> date:
        return when.astimezone(self.services.clock.tz).date()
