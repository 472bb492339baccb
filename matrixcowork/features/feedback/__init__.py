"""Feedback on each sync and webinar: after the end the bot asks who took part (✋ on the start
post or ✅ on the announcement) for a rating by reaction, 1️⃣ to 5️⃣, one per person (their
latest counts), for a week; `!feedback <text>` leaves a comment that only the organizers and
the speaker see (sent to their direct chat with the bot); the summary and `!stats meetings`
show the average and the count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.numbers import format_decimal

from ...core.arguments import one_line
from ...core.chat import txn_for
from ...core.commands import Arg, CommandContext, command
from ...core.help import usage
from ...core.i18n import Markup, _, escape
from ...core.limits import Listing, pages
from ...core.permissions import Access
from ...core.topics import MEETINGS
from ...core.tracked import Reaction, ReactionDeclaration, ReactionKind, TrackedPost, normalize_key
from ...meetings.db import DONE, Occurrence
from ...meetings.steps import END
from ..meeting_parts import MeetingPartFeature
from . import db

NAME = "feedback"
JOB = f"{NAME}:speakers"
RATING = "rating"
OFFERED = tuple(f"{n}\ufe0f\u20e3" for n in range(1, 6))  # 1️⃣ … 5️⃣
SCORES = {normalize_key(key): n for n, key in enumerate(OFFERED, 1)}
RATING_DAYS = 7  # ratings count for a week after the meeting's day
MAX_TEXT = 500
MAX_COMMENTS = 3  # per person and meeting
SHOWN_MEETINGS = 6  # in `!stats meetings`


class FeedbackFeature(MeetingPartFeature):
    name = NAME
    migrations = db.MIGRATIONS

    def reactions(self) -> dict[str, ReactionDeclaration]:
        # Webinar guests may have taken part: anyone's reaction is read, and only those who
        # took part count (`ratings`).
        return {RATING: ReactionKind(self.on_rating, Access.EVERYONE)}

    async def start(self) -> None:
        self.services.scheduler.at(JOB, self.services.clock.now(), self.tick,
                                   name=_("feedback for speakers"))

    # --- the speaker's figures, once the week of ratings is over ------------------------------

    async def tick(self, now: datetime) -> None:
        """Each speaker gets their webinar's feedback in their direct chat, once."""
        due: list[datetime] = []
        told = await db.told(self.store)
        for occ in await self.meetings.occurrences():  # over (done, or ending right now)
            if occ.end > now:
                continue
            speaker = await self._speaker(occ)
            if (speaker is None or occ.id in told
                    or not await self.services.tracked.find(NAME, RATING, str(occ.id))):
                continue
            at = occ.end + timedelta(days=RATING_DAYS)
            if now < at:
                due.append(at)
                continue
            text = "\n".join(await self._feedback_lines(occ, occ.room_id, for_speaker=True))
            await self.services.direct.send(speaker, text,
                                            txn=txn_for(NAME, "speaker", str(occ.id)))
            await db.mark_told(self.store, occ.id, int(now.timestamp()))
        self.services.scheduler.wake(JOB, due, self.tick, name=_("feedback for speakers"))

    async def _feedback_lines(self, occ: Occurrence, room_id: str | None,
                              for_speaker: bool = False) -> list[str]:
        t = self.services.i18n.t
        figures = Markup(self.figures(await self.ratings(occ)))
        if for_speaker:
            head = t(_("🎤 The feedback on your webinar **{title}**, {date}: {figures}"),
                     title=occ.title, date=self._date(occ), figures=figures)
        else:
            head = t(_("**{title}**, {date}: {figures}"), title=occ.title,
                     date=self._date(occ), figures=figures)
        comments = await db.of_meeting(self.store, occ.id)
        return [head, *(f"- {escape(c.text)} – {escape(self._name(c.author, room_id))}"
                        for c in comments)] if comments else [head, t(_("- No comments."))]

    # --- ratings -----------------------------------------------------------------------------

    async def ratings(self, occ: Occurrence) -> dict[str, int]:
        """Participant -> their rating (the latest of their 1️⃣–5️⃣ still standing)."""
        post = await self.services.tracked.find(NAME, RATING, str(occ.id))
        engine = self.meetings.engine(occ)
        if post is None or engine is None:
            return {}
        took_part = await engine.participants(occ)
        latest: dict[str, tuple[int, int]] = {}
        for reaction in await self.services.tracked.reactions(post):
            score = SCORES.get(reaction.key)
            if (score and reaction.user_id in took_part
                    and reaction.ts >= latest.get(reaction.user_id, (-1, 0))[0]):
                latest[reaction.user_id] = (reaction.ts, score)
        return {user: score for user, (_ts, score) in latest.items()}

    def figures(self, ratings: dict[str, int]) -> str:
        t = self.services.i18n.t
        if not ratings:
            return t(_("No ratings yet."))
        average = format_decimal(sum(ratings.values()) / len(ratings), "0.0",
                                 locale=self.services.i18n.locale)
        if len(ratings) == 1:
            return t(_("⭐ {average} from one rating"), average=average)
        return t(_("⭐ {average} from {count} ratings"), average=average, count=len(ratings))

    async def on_rating(self, post: TrackedPost, user_id: str, reactions: list[Reaction]
                        ) -> None:
        occ = await self._occurrence(int(post.subject))
        if occ is None:
            return
        self.edits.request(post.room_id, post.event_id, lambda: self._post_text(occ))
        await self.meetings.refresh(occ)

    # --- what it adds to the meetings' posts -------------------------------------------------

    async def announcement_part(self, occ: Occurrence) -> str | Listing:
        return ""

    async def start_part(self, occ: Occurrence) -> str | Listing:
        return ""

    async def summary_part(self, occ: Occurrence) -> str | Listing:
        ratings = await self.ratings(occ)
        if not ratings:
            return ""
        return self.services.i18n.t(_("Feedback: {figures}"), figures=Markup(
            self.figures(ratings)))

    async def after_step(self, occ: Occurrence, step: str, room_id: str) -> None:
        """After the end: the feedback post, once (a repeat after a crash finds it), if
        anyone took part."""
        if step != END or await self.services.tracked.find(NAME, RATING, str(occ.id)):
            return
        engine = self.meetings.engine(occ)
        assert engine is not None
        if not await engine.participants(occ):
            return
        text = await self._post_text(occ)
        event_id = await self.services.chat.send(room_id, text,
                                                 txn=txn_for(NAME, "ask", str(occ.id)))
        self.edits.shown(event_id, text)
        last_day = engine.last_day(occ)
        await self.services.tracked.register(
            room_id, event_id, NAME, RATING, str(occ.id),
            open_until=last_day + timedelta(days=RATING_DAYS))
        await self.services.chat.offer_reactions(room_id, event_id, OFFERED)
        if await self._speaker(occ):
            await self.tick(self.services.clock.now())  # the speaker's figures, in a week

    async def _post_text(self, occ: Occurrence) -> str:
        t = self.services.i18n.t
        speaker = await self._speaker(occ)
        who = (t(_("the organizers and {speaker}"), speaker=self._name(speaker, occ.room_id))
               if speaker else t(_("the organizers")))
        head = t(_("⭐ **How was {title}?** If you took part, rate it with a reaction: 1️⃣ "
                   "(not good) to 5️⃣ (great)."), title=occ.title)
        comment = t(_("A comment only {who} see: {command}, best in a direct chat with me."),
                    who=Markup(who), command=usage("feedback", self._prefix, t, filled=True))
        return "\n\n".join([head, comment, self.figures(await self.ratings(occ))])

    # --- commands ------------------------------------------------------------------------------

    @command("feedback", Arg(_("text"), one_line(MAX_TEXT), optional=True, rest=True),
             help=_("Comment on the meeting you took part in (only organizers and the speaker "
                    "see it); without text, organizers and speakers read the feedback"),
             topic=MEETINGS, examples=(_("More time for questions, please"),))
    async def feedback(self, ctx: CommandContext, text: str | None) -> None:
        if text is None:
            await self._show(ctx)
            return
        now = self.services.clock.now()
        candidates = [o for o in [await self.meetings.running_or_today(ctx.room_id, now),
                                  *await self.meetings.recent(now)] if o is not None]
        occ = None
        for candidate in candidates:
            engine = self.meetings.engine(candidate)
            if engine and ctx.sender in await engine.participants(candidate):
                occ = candidate
                break
        if occ is None:
            await ctx.reply(ctx.t(_("Only who took part in a meeting of the last week (✋ or "
                                    "✅) can comment on it.")) if candidates else
                            ctx.t(_("There is no recent meeting to comment on.")))
            return
        if (not await self._replayed(ctx)
                and await db.count_by(self.store, occ.id, ctx.sender) >= MAX_COMMENTS):
            await ctx.reply(ctx.t(_("You have left {count} comments on {title}, as many as "
                                    "one person can."), count=MAX_COMMENTS, title=occ.title))
            return
        await db.add(self.store, occ.id, ctx.sender, text, int(now.timestamp()), ctx.event_id)
        speaker = await self._speaker(occ)
        who = (ctx.t(_("the organizers and {speaker}"), speaker=self._name(speaker, ctx.room_id))
               if speaker else ctx.t(_("the organizers")))
        await ctx.reply(ctx.t(_("Thank you! Only {who} see your comment on {title}."),
                              who=Markup(who), title=occ.title))

    @command("stats meetings", help=_("Ratings of the recent syncs and webinars"),
             topic=MEETINGS)
    async def stats(self, ctx: CommandContext) -> None:
        done = sorted(await self.meetings.occurrences((DONE,)), key=lambda o: o.start,
                      reverse=True)[:SHOWN_MEETINGS]
        if not done:
            await ctx.reply(ctx.t(_("No meeting is over yet.")))
            return
        lines = []
        for occ in done:
            engine = self.meetings.engine(occ)
            took_part = len(await engine.participants(occ)) if engine else 0
            lines.append(ctx.t(_("- {title}, {date}: {figures} ({count} took part)"),
                               title=occ.title, date=self._date(occ), count=took_part,
                               figures=Markup(self.figures(await self.ratings(occ)))))
        await ctx.reply(ctx.t(_("**Ratings of the recent meetings**")) + "\n\n"
                        + "\n".join(lines))

    async def _show(self, ctx: CommandContext) -> None:
        """The comments, for organizers (every meeting) and speakers (theirs), only ever in
        their direct chat: a room would show them to everyone."""
        now = self.services.clock.now()
        running = await self.meetings.running_or_today(ctx.room_id, now)
        meetings = list({o.id: o for o in [*([running] if running else []),
                                           *await self.meetings.recent(now)]}.values())
        mine = [o for o in meetings if ctx.access >= Access.ORGANIZER
                or await self._speaker(o) == ctx.sender]
        if not mine:
            await ctx.reply(ctx.t(_("Comment on a meeting you took part in: {command}. Only "
                                    "organizers and the speaker read the comments."),
                                  command=usage("feedback", self._prefix, ctx.t, filled=True)))
            return
        parts = []
        for occ in mine:
            parts += await self._feedback_lines(occ, occ.room_id)
        direct = self.services.direct
        dm = await direct.room_of(ctx.sender)
        messages = pages(lambda part: "\n".join(part), parts)
        if dm == ctx.room_id:
            for message in messages:
                await ctx.reply(message)
            return
        for n, message in enumerate(messages):
            await direct.send(ctx.sender, message, txn=txn_for(NAME, ctx.event_id, str(n)))
        await ctx.reply(ctx.t(_("The feedback is in our direct chat.")))

    # --- helpers ---------------------------------------------------------------------------

    async def _replayed(self, ctx: CommandContext) -> bool:
        row = await self.store.fetch_one(
            "SELECT 1 FROM feedback_comments WHERE source_event_id = ?", (ctx.event_id,))
        return row is not None

    async def _occurrence(self, occurrence_id: int) -> Occurrence | None:
        return next((o for o in await self.meetings.occurrences() if o.id == occurrence_id),
                    None)

    async def _speaker(self, occ: Occurrence) -> str | None:
        engine = self.meetings.engine(occ)
        return await engine.speaker(occ) if engine else None
