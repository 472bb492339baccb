"""Questions for the speaker of a webinar (and for the sync): `!ask` posts each question as its
own message under the meeting's announcement; members vote with 👍 through the tracked posts
(an outsider's or the asker's own 👍 does not count); the start message ranks them by votes
for the speaker and the room; `!answered` marks one; the summary lists what was asked.

Who may mark a question answered: an organizer, the meeting's speaker (a webinar's) and the
person who asked it.
"""

from __future__ import annotations

from ...core.arguments import integer, one_line
from ...core.chat import txn_for
from ...core.commands import Arg, CommandContext, command
from ...core.formatting import mention
from ...core.help import usage
from ...core.i18n import _, escape
from ...core.limits import Listing, pages
from ...core.permissions import Access
from ...core.topics import MEETINGS
from ...core.tracked import Reaction, ReactionDeclaration, ReactionKind, TrackedPost
from ...meetings.db import DONE, Occurrence
from ..meeting_parts import MeetingPartFeature
from . import db
from .db import Question

NAME = "questions"
QUESTION = "question"
VOTE = "\U0001F44D"  # 👍
MAX_TEXT = 300
MAX_PER_MEMBER = 5  # per meeting; organizers may ask more


class QuestionsFeature(MeetingPartFeature):
    name = NAME
    migrations = db.MIGRATIONS

    def reactions(self) -> dict[str, ReactionDeclaration]:
        return {QUESTION: ReactionKind(self.on_vote, Access.MEMBER)}  # members vote

    # --- votes -----------------------------------------------------------------------------

    async def votes(self, question: Question) -> int:
        """Members' 👍 on its post, the asker's own left out."""
        if question.post_event_id is None:
            return 0
        post = await self.services.tracked.get(question.post_event_id)
        if post is None:
            return 0
        reactions = await self.services.tracked.reactions(post)
        return len({r.user_id for r in reactions
                    if r.key == VOTE and r.user_id != question.author})

    async def ranked(self, occ: Occurrence) -> list[tuple[Question, int]]:
        """Unanswered first, then by votes, then in the order asked."""
        found = [(q, await self.votes(q)) for q in await db.of_meeting(self.store, occ.id)]
        return sorted(found, key=lambda qv: (qv[0].answered, -qv[1], qv[0].number))

    async def on_vote(self, post: TrackedPost, user_id: str, reactions: list[Reaction]) -> None:
        """Votes show in the start message and the summary; after the end, it is edited."""
        question = await db.get(self.store, int(post.subject))
        occ = await self._occurrence(question.occurrence_id) if question else None
        if occ is not None and occ.status == DONE:
            await self.meetings.refresh(occ)

    # --- what it adds to the meetings' posts -------------------------------------------------

    async def announcement_part(self, occ: Occurrence) -> str | Listing:
        return ""

    async def start_part(self, occ: Occurrence) -> str | Listing:
        ranked = await self.ranked(occ)
        if not ranked:
            return ""
        t = self.services.i18n.t
        speaker = await self._speaker(occ)
        head = (t(_("❓ **Questions for {speaker}**, by 👍:"),
                  speaker=mention(speaker, self._name(speaker, occ.room_id)))
                if speaker else t(_("❓ **Questions**, by 👍:")))
        return Listing(head, [self._ranked_line(q, votes, occ.room_id) for q, votes in ranked],
                       self._more)

    async def summary_part(self, occ: Occurrence) -> str | Listing:
        ranked = await self.ranked(occ)
        if not ranked:
            return ""
        t = self.services.i18n.t
        answered = sum(1 for q, _votes in ranked if q.answered)
        head = t(_("❓ **Questions**: {asked} asked, {answered} answered"),
                 asked=len(ranked), answered=answered)
        return Listing(head, [self._ranked_line(q, votes, occ.room_id) for q, votes in ranked],
                       self._more)

    async def after_step(self, occ: Occurrence, step: str, room_id: str) -> None:
        return None

    # --- commands --------------------------------------------------------------------------

    @command("ask", Arg(_("question"), one_line(MAX_TEXT), rest=True),
             help=_("Ask the speaker of the next webinar (or the sync) a question; "
                    "members vote with 👍"),
             topic=MEETINGS, examples=(_("How do I start with Matrix?"),))
    async def ask(self, ctx: CommandContext, text: str) -> None:
        question = await db.asked_by(self.store, ctx.event_id)  # a replay
        if question is None:
            occ = await self.meetings.next_here(ctx.room_id, self.services.clock.now())
            engine = self.meetings.engine(occ) if occ else None
            announcement = await engine.announcement(occ) if engine and occ else None
            if occ is None or engine is None or announcement is None:
                await ctx.reply(ctx.t(_("There is no announced meeting to ask for here. "
                                        "Questions open with the announcement.")))
                return
            if (ctx.access < Access.ORGANIZER
                    and await db.count_by(self.store, occ.id, ctx.sender) >= MAX_PER_MEMBER):
                await ctx.reply(ctx.t(_("You have asked {count} questions for {title} "
                                        "already, as many as one member can."),
                                      count=MAX_PER_MEMBER, title=occ.title))
                return
            question = await db.ask(self.store, occ.id, ctx.sender, text,
                                    int(self.services.clock.now().timestamp()), ctx.event_id)
        occ = await self._occurrence(question.occurrence_id)
        assert occ is not None
        if question.post_event_id is None:
            question = await self._post(question, occ)
        await ctx.reply(ctx.t(_("Your question is up as number {number} for {title}, under "
                                "its announcement: members vote with 👍."),
                              number=question.number, title=occ.title))

    @command("questions", help=_("The questions for the next (or running) meeting here"),
             topic=MEETINGS)
    async def questions(self, ctx: CommandContext) -> None:
        occ = await self._meeting_here(ctx)
        if occ is None:
            await ctx.reply(ctx.t(_("There is no meeting with questions here.")))
            return
        ranked = await self.ranked(occ)
        head = ctx.t(_("Questions for {title}:"), title=occ.title)
        if not ranked:
            await ctx.reply(head + "\n\n" + ctx.t(_("None yet. Ask one: {command}"),
                                                  command=usage("ask", self._prefix, ctx.t)))
            return
        lines = [self._ranked_line(q, votes, ctx.room_id) for q, votes in ranked]
        for page in pages(lambda part: head + "\n\n" + "\n".join(part), lines):
            await ctx.reply(page)

    @command("answered", Arg(_("n"), integer(1, 9999)),
             help=_("Mark question n answered (organizers, the speaker, who asked it)"),
             topic=MEETINGS, examples=("2",))
    async def answered(self, ctx: CommandContext, number: int) -> None:
        occ = await self._meeting_here(ctx)
        question = await db.by_number(self.store, occ.id, number) if occ else None
        if occ is None or question is None:
            await ctx.reply(ctx.t(_("There is no question {number} here. The questions: "
                                    "{command}"), number=number,
                                  command=self._code("questions")))
            return
        speaker = await self._speaker(occ)
        if ctx.access < Access.ORGANIZER and ctx.sender not in (speaker, question.author):
            await ctx.reply(ctx.t(_("Only an organizer, the speaker or who asked it can mark "
                                    "question {number} answered."), number=number))
            return
        await db.mark_answered(self.store, question.id, ctx.sender,
                               int(self.services.clock.now().timestamp()))
        self._refresh_post(question)
        if occ.status == DONE:
            await self.meetings.refresh(occ)
        await ctx.reply(ctx.t(_("Question {number} is answered: “{text}”."), number=number,
                              text=question.text))

    # --- helpers ---------------------------------------------------------------------------

    async def _post(self, question: Question, occ: Occurrence) -> Question:
        engine = self.meetings.engine(occ)
        announcement = await engine.announcement(occ) if engine else None
        assert engine is not None and announcement is not None
        text = await self._post_text(question.id)
        event_id = await self.services.chat.send(
            announcement.room_id, text, reply_to=announcement.event_id,
            txn=txn_for(NAME, "post", str(question.id)))
        self.edits.shown(event_id, text)
        await self.services.tracked.register(announcement.room_id, event_id, NAME, QUESTION,
                                             str(question.id), open_until=engine.last_day(occ))
        await db.posted(self.store, question.id, announcement.room_id, event_id)
        await self.services.chat.offer_reactions(announcement.room_id, event_id, (VOTE,))
        found = await db.get(self.store, question.id)
        assert found is not None
        return found

    async def _post_text(self, question_id: int) -> str:
        question = await db.get(self.store, question_id)
        assert question is not None
        occ = await self._occurrence(question.occurrence_id)
        t = self.services.i18n.t
        head = t(_("❓ **Question {number}** for {title}: {text} – {name}"),
                 number=question.number, title=occ.title if occ else "", text=question.text,
                 name=self._name(question.author, question.room_id))
        state = (t(_("✅ Answered.")) if question.answered
                 else t(_("Vote with 👍 if you want it answered too.")))
        return head + "\n\n" + state

    def _refresh_post(self, question: Question) -> None:
        if question.room_id and question.post_event_id:
            self.edits.request(question.room_id, question.post_event_id,
                               lambda: self._post_text(question.id))

    def _ranked_line(self, question: Question, votes: int, room_id: str | None) -> str:
        mark = "✅ " if question.answered else ""
        name = self._name(question.author, room_id)
        return (f"{question.number}\\. {mark}(👍 {votes}) {escape(question.text)} – "
                f"{escape(name)}")

    def _more(self, left: int) -> str:
        return self.services.i18n.t(_("… and {count} more: {command}"), count=left,
                                    command=self._code("questions"))

    async def _meeting_here(self, ctx: CommandContext) -> Occurrence | None:
        """The meeting running here (or ended today), else the next one here."""
        now = self.services.clock.now()
        return (await self.meetings.running_or_today(ctx.room_id, now)
                or await self.meetings.next_here(ctx.room_id, now))

    async def _occurrence(self, occurrence_id: int) -> Occurrence | None:
        return next((o for o in await self.meetings.occurrences()
                     if o.id == occurrence_id), None)

    async def _speaker(self, occ: Occurrence) -> str | None:
        engine = self.meetings.engine(occ)
        return await engine.speaker(occ) if engine else None
