"""The update round: who cannot come to the sync still takes part, in writing.

`update_before` each sync (default 3 days) every member who opted in (`!updates on`) gets
three short questions in their direct chat with the bot: what moved, where they need help,
what they can offer. Answers come as one message or three (a conversation of this feature),
or anywhere with `!update a | b | c`, which also changes an answer. One post in the sync
room collects them ("Updates for the sync on Tue, Jan 5: 7 of 12"), edited as answers
arrive, one line a person, and each person's update as its own message in the post's thread
for replies. `remind_before` the sync (default a day) those who have not answered are
reminded, and only they. The start message links the post, the summary includes it. The
owners of open actions get them listed with the round.

The sync's engine (through the meeting layer's directory) says when the next sync is; this
feature's job wakes at the round's times and decides from the store what is due, so a restart
or downtime asks and reminds once.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from ...core.arguments import choice
from ...core.chat import ChatError, txn_for
from ...core.clock import later
from ...core.commands import Arg, ArgError, CommandContext, command
from ...core.config import Config
from ...core.content import message as message_content
from ...core.direct import Conversation, ReplyHandler
from ...core.i18n import Markup, _
from ...core.limits import Listing, fit_around
from ...core.offers import OPEN_ACTIONS, UPDATE_ROUND
from ...core.postedits import CoalescedEdits
from ...core.rooms import display_name
from ...core.services import Services
from ...core.topics import MEETINGS
from ...meetings.db import Occurrence
from ...meetings.directory import meetings_of
from ...meetings.posts import RoomMissing
from .. import Feature
from . import db
from .config import UpdatesConfig
from .texts import UpdateTexts

log = logging.getLogger(__name__)

NAME = "updates"
SYNC = "sync"  # the kind of meeting the round is for
JOB = f"{NAME}:round"
MAX_ANSWER = 500
_NUMBERED = re.compile(r"^\s*\d[.)]\s*")


def split_answers(text: str) -> list[str]:
    """`a | b | c` or three lines: up to three answers; `-` means nothing."""
    lines = [line for line in text.splitlines() if line.strip()]
    parts = lines if len(lines) == 3 else text.split("|") if "|" in text else [text]
    cleaned = [" ".join(_NUMBERED.sub("", part).split()) for part in parts]
    return ["" if part in ("-", "–") else part for part in cleaned]


def update_parts(raw: str, ctx: CommandContext) -> list[str]:
    parts = split_answers(raw)
    if len(parts) > 3:
        raise ArgError(_("Three answers at most, split by |."))
    if any(len(part) > MAX_ANSWER for part in parts):
        raise ArgError(_("Please keep each answer under {max} characters."), max=MAX_ANSWER)
    return parts


class UpdatesFeature(Feature):
    name = NAME
    section = (NAME, UpdatesConfig)
    on_by_default = True
    migrations = db.MIGRATIONS

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        assert services.config.updates is not None
        self.config: UpdatesConfig = services.config.updates
        self.store = services.store
        self.meetings = meetings_of(services)
        self.meetings.add_part(self)
        self.texts = UpdateTexts(services.i18n, services.config.command_prefix)
        self.edits = CoalescedEdits(services.chat)
        services.offers.provide(UPDATE_ROUND, self.opt)  # e.g. for the welcome conversation

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return config.sync is not None and getattr(config, NAME, None) is not None

    def conversation(self) -> ReplyHandler:
        return self.on_reply

    async def start(self) -> None:
        self.services.scheduler.at(JOB, self.services.clock.now(), self.tick,
                                   name=_("update round"))

    async def stop(self) -> None:
        await self.edits.flush()

    # --- the round ---------------------------------------------------------------------------

    async def next_sync(self, now: datetime) -> Occurrence | None:
        engine = self.meetings.engines.get(SYNC)
        occ = await engine.upcoming(now) if engine else None
        return occ if occ and now < occ.start else None

    async def tick(self, now: datetime) -> None:
        """Ask and remind what is due for the next sync; wake again when more is. After a
        failure the scheduler's retry rule says when: a bug is tried again like any job's."""
        occ = await self.next_sync(now)
        wake, failed = [later(now, timedelta(hours=1))], False
        if occ is not None:
            try:
                wake = await self._run_due(occ, now)
            except (ChatError, RoomMissing) as err:
                log.warning("update round for sync %d: trying again later: %s", occ.id, err)
                wake, failed = [now], True
        self.services.scheduler.wake(JOB, wake, self.tick, name=_("update round"),
                                     failed=failed)

    async def _run_due(self, occ: Occurrence, now: datetime) -> list[datetime]:
        ask_at = occ.start - self.config.update_before
        remind_at = occ.start - self.config.remind_before
        found = await db.round_of(self.store, occ.id)
        if now < ask_at:
            return [ask_at]
        if found is None or not found.asked:
            await self._ask(occ, now, late=now >= remind_at)
            found = await db.round_of(self.store, occ.id)
        if now < remind_at:
            return [remind_at]
        if found is not None and not found.reminded:
            await self._remind(occ, now)
        return [occ.end + timedelta(minutes=1)]

    async def _ask(self, occ: Occurrence, now: datetime, late: bool) -> None:
        engine = self.meetings.engines[SYNC]
        room_id = await engine.room_of(occ)
        permissions = self.services.permissions
        users = [u for u in await db.opted_in(self.store) if permissions.is_member(u)]
        stamp = int(now.timestamp())
        await db.begin_round(self.store, occ.id, room_id, users)
        found = await db.round_of(self.store, occ.id)
        if (found and found.post_event_id is None
                and (users or await db.answers(self.store, occ.id))):
            await self._post(occ, room_id)  # else the first answer makes it
        if late:  # the bot was down until after the reminder's time: one message says it
            await db.reminded(self.store, occ.id, stamp)
        when = engine.when(occ)
        direct = self.services.direct
        for user in users:
            await direct.begin(user, NAME, {"occ": occ.id, "answers": []})
            await direct.send(user, self.texts.questions(when),
                              txn=txn_for(NAME, "ask", str(occ.id), user))
        for owner, actions in (await self.services.offers.get(OPEN_ACTIONS)()).items():
            if permissions.is_member(owner):
                await direct.send(owner, self.texts.actions(when, actions),
                                  txn=txn_for(NAME, "actions", str(occ.id), owner))
        await db.asked_all(self.store, occ.id, stamp)

    async def _post(self, occ: Occurrence, room_id: str) -> str:
        """The round's post in the sync room, once (its transaction id is the sync's)."""
        text = await self.post_text(occ.id, room_id)
        event_id = await self.services.chat.send(room_id, text,
                                                 txn=txn_for(NAME, "post", str(occ.id)))
        self.edits.shown(event_id, text)
        await db.set_post(self.store, occ.id, event_id)
        return event_id

    async def _remind(self, occ: Occurrence, now: datetime) -> None:
        answered = {a.user_id for a in await db.answers(self.store, occ.id)}
        when = self.meetings.engines[SYNC].when(occ)
        for user in await db.asked(self.store, occ.id):
            if user not in answered:
                await self.services.direct.send(user, self.texts.reminder(when),
                                                txn=txn_for(NAME, "remind", str(occ.id), user))
        await db.reminded(self.store, occ.id, int(now.timestamp()))

    # --- answers -------------------------------------------------------------------------------

    async def on_reply(self, conversation: Conversation, body: str, event_id: str) -> None:
        """An answer in the direct chat: all three at once, or the next one."""
        user = conversation.user_id
        direct = self.services.direct
        occ = await self.next_sync(self.services.clock.now())
        if occ is None or occ.id != conversation.state.get("occ"):
            await direct.end(user, NAME)  # that sync has begun: the round is over
            return
        given = list(conversation.state.get("answers", []))
        parts = split_answers(body) if not given else [split_answers(body)[0]]
        if any(len(part) > MAX_ANSWER for part in parts) or len(given) + len(parts) > 3:
            await direct.send(user, self.services.i18n.t(_(
                "Please keep each answer under {max} characters, three answers in all."),
                max=MAX_ANSWER), txn=txn_for(NAME, "reply", event_id))
            return
        given += parts
        await self._save(occ, user, given)
        if len(given) < 3:
            await direct.save(user, NAME, {"occ": occ.id, "answers": given})
            await direct.send(user, self.texts.next_question(len(given) + 1),
                              txn=txn_for(NAME, "reply", event_id))
            return
        await direct.end(user, NAME)
        await direct.send(user, self.texts.done(await self._post_link(occ.id)),
                          txn=txn_for(NAME, "reply", event_id))

    async def _save(self, occ: Occurrence, user: str, parts: list[str]) -> None:
        await db.answer(self.store, occ.id, user, parts, int(self.services.clock.now()
                                                              .timestamp()))
        found = await db.round_of(self.store, occ.id)
        if found is None:
            return  # the round has not begun: its post will show it
        if found.post_event_id is None:  # nobody was asked, but here is an update
            await self._post(occ, found.room_id)
            found = await db.round_of(self.store, occ.id)
            assert found is not None and found.post_event_id is not None
        self.edits.request(found.room_id, found.post_event_id, lambda: self.post_text(occ.id))
        answer = next(a for a in await db.answers(self.store, occ.id) if a.user_id == user)
        text = self.texts.thread(self._name(user, found.room_id), answer)
        if answer.thread_event_id:
            self.edits.request(found.room_id, answer.thread_event_id, lambda: self._thread_text(
                occ.id, user, found.room_id))
            return
        content = message_content(text)
        content["m.relates_to"] = {"rel_type": "m.thread", "event_id": found.post_event_id,
                                   "is_falling_back": True,
                                   "m.in_reply_to": {"event_id": found.post_event_id}}
        event_id = await self.services.chat.send_event(
            found.room_id, "m.room.message", content, txn_for(NAME, "thread", str(occ.id), user))
        self.edits.shown(event_id, text)
        await db.set_thread(self.store, occ.id, user, event_id)

    async def _thread_text(self, occurrence_id: int, user: str, room_id: str) -> str:
        answer = next(a for a in await db.answers(self.store, occurrence_id)
                      if a.user_id == user)
        return self.texts.thread(self._name(user, room_id), answer)

    # --- commands --------------------------------------------------------------------------

    @command("updates", Arg(_("on|off"), choice("on", "off", "an", "aus")),
             help=_("Take part in the written update round before each sync, or stop"),
             topic=MEETINGS, examples=("on",))
    async def updates(self, ctx: CommandContext, switch: str) -> None:
        on = switch in ("on", "an")
        await self.opt(ctx.sender, on)
        if on:
            await ctx.reply(ctx.t(_("You are in the update round: {before} before each sync I "
                                    "ask you three short questions in our direct chat."),
                                  before=self._lead()))
        else:
            await ctx.reply(ctx.t(_("You are out of the update round. Back in: {command}"),
                                  command=self.texts.code("updates on")))

    @command("update", Arg(_("moved | help | offer"), update_parts, optional=True, rest=True),
             help=_("Give or change your written update for the next sync; without text I "
                    "ask you in our direct chat"),
             topic=MEETINGS, examples=(_("New website online | SEO | Photos"),))
    async def update(self, ctx: CommandContext, parts: list[str] | None) -> None:
        now = self.services.clock.now()
        occ = await self.next_sync(now)
        if occ is None:
            engine = self.meetings.engines.get(SYNC)
            running = await engine.upcoming(now) if engine else None
            await ctx.reply(ctx.t(_("The sync is on now: updates for the next one are taken "
                                    "once it is over.")) if running else
                            ctx.t(_("There is no sync coming to give an update for.")))
            return
        when = self.meetings.engines[SYNC].when(occ)
        if parts is None:
            direct = self.services.direct
            current = await direct.current(ctx.sender)
            if current is not None and current.owner != NAME:
                await ctx.reply(ctx.t(_("We are in the middle of something else in our direct "
                                        "chat. Give your update here: {command}"),
                                      command=self.texts.code("update a | b | c")))
                return
            await direct.begin(ctx.sender, NAME, {"occ": occ.id, "answers": []})
            await direct.send(ctx.sender, self.texts.questions(when),
                              txn=txn_for(NAME, "ask", ctx.event_id))
            await ctx.reply(ctx.t(_("I asked you in our direct chat.")))
            return
        await self._save(occ, ctx.sender, parts)
        await ctx.reply(ctx.t(_("Your update for the sync on {when} is in."), when=when))

    async def opt(self, user_id: str, on: bool) -> None:
        """In or out of the round (the command, or another feature through the offer)."""
        await db.opt(self.store, user_id, on, int(self.services.clock.now().timestamp()))

    # --- what it adds to the sync's posts ----------------------------------------------------

    async def announcement_part(self, occ: Occurrence) -> str | Listing:
        return ""

    async def start_part(self, occ: Occurrence) -> str | Listing:
        found = await db.round_of(self.store, occ.id) if occ.kind == SYNC else None
        post = await self._post_link(occ.id) if found else None
        if post is None:
            return ""
        answered = len(await db.answers(self.store, occ.id))
        return self.texts.start(post, answered, len(await db.asked(self.store, occ.id)))

    async def summary_part(self, occ: Occurrence) -> str | Listing:
        if occ.kind != SYNC or await db.round_of(self.store, occ.id) is None:
            return ""
        return await self._listing(occ)

    async def after_step(self, occ: Occurrence, step: str, room_id: str) -> None:
        return None

    # --- the post --------------------------------------------------------------------------

    async def post_text(self, occurrence_id: int, room_id: str | None = None) -> str:
        occ = next(o for o in await self.meetings.occurrences() if o.id == occurrence_id)
        listing = await self._listing(occ, room_id)
        return fit_around(lambda part: part + "\n\n" + self.texts.hint(), listing)

    async def _listing(self, occ: Occurrence, room_id: str | None = None) -> Listing:
        found = await db.round_of(self.store, occ.id)
        answers = await db.answers(self.store, occ.id)
        i18n = self.services.i18n
        date = i18n.date(occ.start.astimezone(i18n.tz).date())
        room_id = room_id or (found.room_id if found else occ.room_id)
        post = await self._post_link(occ.id)
        return Listing(self.texts.head(date, len(answers),
                                       len(await db.asked(self.store, occ.id))),
                       [self.texts.line(self._name(a.user_id, room_id), a) for a in answers],
                       lambda left: self.texts.more(left, post))

    async def _post_link(self, occurrence_id: int) -> Markup | None:
        found = await db.round_of(self.store, occurrence_id)
        if found is None or found.post_event_id is None:
            return None
        return self.texts.post_link(found.room_id, found.post_event_id)

    def _lead(self) -> str:
        return format_timedelta(self.config.update_before, locale=self.services.i18n.locale)

    def _name(self, user: str, room_id: str | None) -> str:
        return display_name(self.services.client, user, room_id)
