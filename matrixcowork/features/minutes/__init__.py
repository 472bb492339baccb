"""Minutes of a meeting: notes, decisions and actions, taken while a sync or webinar runs and
on its day after; the summary lists them, and open actions stay open until done.

The meetings themselves belong to the sync and the webinars; this feature reaches them through
the meeting layer's directory and adds its part to their posts: the minutes to the summary
(edited when a note comes after the end), the open actions to the next sync's announcement.
"""

from __future__ import annotations

from datetime import datetime

from ...core.arguments import integer, one_line, user_id
from ...core.commands import Arg, ArgError, CommandContext, command
from ...core.formatting import mention
from ...core.help import usage
from ...core.i18n import Markup, _, escape
from ...core.limits import Listing, pages
from ...core.offers import OPEN_ACTIONS
from ...core.permissions import Access
from ...core.services import Services
from ...core.topics import MEETINGS
from ...meetings.db import Occurrence
from ..meeting_parts import MeetingPartFeature
from . import db
from .db import ACTION, DECISION, NOTE, Entry

MAX_TEXT = 300
MAX_ENTRIES_PER_MEMBER = 20  # per meeting; organizers may write more
AGENDA_KINDS = ("sync",)  # whose announcement lists the open actions: the next sync's agenda


def owner_and_text(raw: str, ctx: CommandContext) -> tuple[str | None, str]:
    """`@name:server text` (an action for someone) or `text` (for oneself)."""
    first, _sep, rest = " ".join(raw.split()).partition(" ")
    if first.startswith(("@", "https://matrix.to/")):
        if not rest:
            raise ArgError(_("What is the action? Write it after the name."))
        return user_id(first, ctx), one_line(MAX_TEXT)(rest, ctx)
    return None, one_line(MAX_TEXT)(raw, ctx)


class MinutesFeature(MeetingPartFeature):
    name = "minutes"
    migrations = db.MIGRATIONS

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        services.offers.provide(OPEN_ACTIONS, self.open_actions_by_owner)

    async def open_actions_by_owner(self) -> dict[str, list[tuple[int, str]]]:
        """For the update round, which reminds the owners."""
        found: dict[str, list[tuple[int, str]]] = {}
        for action in await db.open_actions(self.store):
            assert action.number is not None
            found.setdefault(action.owner or action.author, []).append(
                (action.number, action.text))
        return found

    # --- what it adds to the meetings' posts -------------------------------------------------

    async def announcement_part(self, occ: Occurrence) -> str | Listing:
        if occ.kind not in AGENDA_KINDS:
            return ""
        lines = [self._open_line(action) for action in await db.open_actions(self.store)
                 if action.occurrence_id != occ.id]
        if not lines:
            return ""
        t = self.services.i18n.t
        return Listing(t(_("**Open actions**")), lines, lambda left: t(
            _("… and {count} more: {command}"), count=left, command=self._code("actions")))

    async def start_part(self, occ: Occurrence) -> str | Listing:
        return ""

    async def summary_part(self, occ: Occurrence) -> str | Listing:
        """This meeting's entries; for a sync also the actions still open from before."""
        entries = await db.of_meeting(self.store, occ.id)
        if occ.kind in AGENDA_KINDS:
            entries += [a for a in await db.open_actions(self.store)
                        if a.occurrence_id != occ.id and a.at < occ.start.timestamp()]
        if not entries:
            return ""
        t = self.services.i18n.t
        return Listing(t(_("📝 **Minutes**")), [self._line(e, occ.room_id) for e in entries],
                       lambda left: t(_("… and {count} more: {command}"), count=left,
                                      command=self._code("minutes")))

    async def after_step(self, occ: Occurrence, step: str, room_id: str) -> None:
        return None

    # --- commands --------------------------------------------------------------------------

    @command("note", Arg(_("text"), one_line(MAX_TEXT), rest=True),
             help=_("Add a note to the minutes of the meeting running here (and on its day)"),
             topic=MEETINGS, examples=(_("The room costs 20 € a month"),))
    async def note(self, ctx: CommandContext, text: str) -> None:
        await self._write(ctx, NOTE, text)

    @command("decision", Arg(_("text"), one_line(MAX_TEXT), rest=True),
             help=_("Record a decision in the minutes of the meeting running here"),
             topic=MEETINGS, examples=(_("We meet in Detmold in March"),))
    async def decision(self, ctx: CommandContext, text: str) -> None:
        await self._write(ctx, DECISION, text)

    @command("action", Arg(_("[@user] text"), owner_and_text, rest=True),
             help=_("Record an action for someone (or, without a name, for yourself)"),
             topic=MEETINGS, examples=(_("@ben:example.org books the room"),
                                       _("Write the newsletter")))
    async def action(self, ctx: CommandContext, parsed: tuple[str | None, str]) -> None:
        owner, text = parsed
        owner = owner or ctx.sender
        if owner != ctx.sender and not self.services.permissions.allows(owner, Access.MEMBER):
            await ctx.reply(ctx.t(_("{name} is not a member of the community: actions are "
                                    "for members."), name=owner))
            return
        await self._write(ctx, ACTION, text, owner)

    @command("actions", help=_("The open actions of all meetings"), topic=MEETINGS)
    async def actions(self, ctx: CommandContext) -> None:
        opened = await db.open_actions(self.store)
        if not opened:
            await ctx.reply(ctx.t(_("No open actions. 🎉")))
            return
        head = ctx.t(_("**Open actions** ({count}); mark one done with {command}:"),
                     count=len(opened), command=usage("done", self._prefix, ctx.t))
        lines = [self._open_line(action, ctx.room_id) for action in opened]
        for page in pages(lambda part: head + "\n\n" + "\n".join(part), lines):
            await ctx.reply(page)

    @command("done", Arg(_("n"), integer(1, 10**9)),
             help=_("Mark action n done (yours or one you gave; organizers any)"),
             topic=MEETINGS, examples=("3",))
    async def done(self, ctx: CommandContext, number: int) -> None:
        found = await db.action(self.store, number)
        if found is None:
            await ctx.reply(ctx.t(_("There is no action {number}. The open ones: {command}"),
                                  number=number, command=self._code("actions")))
            return
        if ctx.sender not in (found.owner, found.author) and ctx.access < Access.ORGANIZER:
            await ctx.reply(ctx.t(_("Action {number} is {name}'s: only they, who gave it, or "
                                    "an organizer can mark it done."), number=number,
                                  name=self._name(found.owner or found.author, ctx.room_id)))
            return
        async def was_open() -> bool:
            return not found.done

        if not await ctx.pin("open", was_open):  # a replay after a crash: as the first time
            await ctx.reply(ctx.t(_("Action {number} is done already."), number=number))
            return
        await db.mark_done(self.store, found.id, ctx.sender,
                           int(self.services.clock.now().timestamp()))
        await self._changed(found.occurrence_id)
        await ctx.reply(ctx.t(_("Done: action {number}, “{text}”. Thank you!"), number=number,
                              text=found.text))

    @command("minutes", help=_("The minutes of the meeting here: running, today or the last"),
             topic=MEETINGS)
    async def minutes(self, ctx: CommandContext) -> None:
        now = self.services.clock.now()
        occ = await self.meetings.running_or_today(ctx.room_id, now)
        if occ is None:
            done = [o for o in await self.meetings.recent(now)
                    if o.room_id == ctx.room_id] or await self.meetings.recent(now)
            occ = done[0] if done else None
        if occ is None:
            await ctx.reply(ctx.t(_("There are no minutes of a recent meeting.")))
            return
        head = ctx.t(_("Minutes of {title} on {date}:"), title=occ.title, date=self._date(occ))
        entries = await db.of_meeting(self.store, occ.id)
        if not entries:
            await ctx.reply(head + "\n\n" + ctx.t(_("Nothing yet. Add some: {command}"),
                                                  command=usage("note", self._prefix, ctx.t)))
            return
        lines = [self._line(e, ctx.room_id) for e in entries]
        for page in pages(lambda part: head + "\n\n" + "\n".join(part), lines):
            await ctx.reply(page)

    # --- helpers ---------------------------------------------------------------------------

    async def _write(self, ctx: CommandContext, kind: str, text: str,
                     owner: str | None = None) -> None:
        now = self.services.clock.now()
        occ = await self._pinned_meeting(ctx, now)
        if occ is None:
            await ctx.reply(ctx.t(_("No meeting is running here. Minutes are taken while a "
                                    "sync or webinar runs and on its day after.")))
            return
        replay = await self._replayed(ctx)
        if (not replay and ctx.access < Access.ORGANIZER
                and await db.count_by(self.store, occ.id, ctx.sender) >= MAX_ENTRIES_PER_MEMBER):
            await ctx.reply(ctx.t(_("You have written {count} entries for this meeting, as "
                                    "many as one member can. An organizer can add more."),
                                  count=MAX_ENTRIES_PER_MEMBER))
            return
        entry = await db.add(self.store, occ.id, kind, ctx.sender, text,
                             int(now.timestamp()), ctx.event_id, owner)
        await self._changed(occ.id)
        meeting = ctx.t(_("{title} on {date}"), title=occ.title, date=self._date(occ))
        if kind == NOTE:
            await ctx.reply(ctx.t(_("Noted in the minutes of {meeting}."), meeting=meeting))
        elif kind == DECISION:
            await ctx.reply(ctx.t(_("Decision recorded in the minutes of {meeting}."),
                                  meeting=meeting))
        else:
            assert entry.owner is not None
            await ctx.reply(
                ctx.t(_("Action {number} for {owner}: {text}. Mark it done with {command}."),
                      number=entry.number, owner=mention(entry.owner, self._name(entry.owner,
                                                                             ctx.room_id)),
                      text=entry.text, command=self._code(f"done {entry.number}")),
                mentions=[entry.owner] if entry.owner != ctx.sender else None)

    async def _pinned_meeting(self, ctx: CommandContext, now: datetime) -> Occurrence | None:
        """The meeting as the command first found it (a replay writes to the same one)."""
        async def resolve() -> int | None:
            occ = await self.meetings.running_or_today(ctx.room_id, now)
            return occ.id if occ else None

        occurrence_id = await ctx.pin("meeting", resolve)
        found = [o for o in await self.meetings.occurrences() if o.id == occurrence_id]
        return found[0] if found else None

    async def _replayed(self, ctx: CommandContext) -> bool:
        return await db.written_by(self.store, ctx.event_id)

    async def _changed(self, occurrence_id: int) -> None:
        """Its summary (if over) shows the change, and the next sync's agenda the actions."""
        now = self.services.clock.now()
        for occ in await self.meetings.occurrences():
            if occ.id == occurrence_id or (occ.kind in AGENDA_KINDS and occ.end > now):
                await self.meetings.refresh(occ)

    def _line(self, entry: Entry, room_id: str | None) -> str:
        t = self.services.i18n.t
        name = self._name(entry.author, room_id)
        if entry.kind == NOTE:
            return t(_("💬 {text} – {name}"), text=entry.text, name=name)
        if entry.kind == DECISION:
            return t(_("⚖️ Decision: {text} – {name}"), text=entry.text, name=name)
        return t(_("{mark} Action {number} for {owner}: {text}"),
                 mark=Markup("✅" if entry.done else "☐"), number=entry.number, text=entry.text,
                 owner=self._name(entry.owner or entry.author, room_id))

    def _open_line(self, action: Entry, room_id: str | None = None) -> str:
        # a numbered line, not a Markdown list: the plain body keeps the number for `done`
        owner = self._name(action.owner or action.author, room_id)
        return f"{action.number}\\. {escape(action.text)} – {escape(owner)}"
