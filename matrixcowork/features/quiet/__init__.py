"""Out of sight, not out of mind: a member not seen for `quiet_weeks` gets one friendly direct
message per quiet spell, and the organizers a monthly list of who went quiet and who came back.

Seen means a check-in (the check-in's offer), a message or reaction in one of the community's
rooms (RSVPs are reactions), or a coffee round (the coffee's offer). A spell is named by the
last day the member was seen, so its message goes out once, across restarts too (the direct
chats' transaction id is the spell's). A ✅ answer in the direct chat joins the next coffee
round. `!quiet off` keeps a member out of both the message and the list.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from nio import ReactionEvent, RoomMessageText

from ...core.chat import txn_for
from ...core.commands import Arg, ArgError, CommandContext, command
from ...core.direct import Conversation, ReplyHandler
from ...core.emoji import normalize_key
from ...core.i18n import Message, _
from ...core.offers import JOIN_COFFEE, LAST_COFFEE_DAY, LAST_COWORKING_DAY, NEXT_SYNC
from ...core.permissions import Access
from ...core.rooms import display_name
from ...core.services import Services
from ...core.topics import COWORKING
from .. import Feature
from . import db
from .config import QuietConfig
from .texts import QuietTexts

JOB_ID = "quiet:daily"
ANSWER_DAYS = 14  # how long the ✅ answer is awaited: another feature may want to talk then
SWITCH = {"on": "on", "an": "on", "off": "off", "aus": "off"}


def switch(raw: str, ctx: CommandContext) -> str:
    """`on` or `off`, in either language (`an`, `aus`)."""
    value = SWITCH.get(raw.lower())
    if value is None:
        raise ArgError(_("'{value}' is not one of: {options}."), value=raw[:40],
                       options=Message(_("on, off")))
    return value


YES_WORDS = frozenset({"\u2705", "yes", "ja", "y", "j", "ok", "gern", "gerne", "sure"})


class QuietFeature(Feature):
    name = "quiet"
    section = ("quiet", QuietConfig)
    migrations = db.MIGRATIONS

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        assert services.config.quiet is not None
        self.config: QuietConfig = services.config.quiet
        self.store = services.store
        self.texts = QuietTexts(services.i18n, services.config.command_prefix)
        self._seen: dict[str, date] = {}  # what was written today already

    def name_of(self, user_id: str) -> str:
        return display_name(self.services.client, user_id)

    async def start(self) -> None:
        self.services.scheduler.daily(JOB_ID, self.config.time, self.tick,
                                      name=_("quiet members"))

    # --- being seen ---------------------------------------------------------------------

    def subscriptions(self) -> dict[type, Any]:
        return {RoomMessageText: self.on_seen, ReactionEvent: self.on_seen}

    async def on_seen(self, room_id: str, event: Any) -> None:
        """A member's message or reaction in a community room."""
        user_id = event.sender
        if (self.services.rooms.key_of(room_id) is None
                or not self.services.permissions.allows(user_id, Access.MEMBER)):
            return
        today = self.services.clock.today()
        if self._seen.get(user_id) != today:
            await db.seen(self.store, user_id, today)
            self._seen[user_id] = today

    def members(self) -> set[str]:
        """The community's members now (organizers look after, they are not looked after)."""
        permissions, rooms = self.services.permissions, self.services.client.rooms
        space = rooms.get(permissions.space_room_id or "")
        candidates = set(space.users) if space else {
            user for room_id, room in rooms.items()
            if self.services.rooms.key_of(room_id) for user in room.users}
        return {user for user in candidates if user != self.services.chat.user_id
                and Access.MEMBER <= permissions.access_of(user) < Access.ORGANIZER}

    async def last_seen(self, watched: db.Watched) -> date:
        offers = self.services.offers
        days = [watched.known_since, watched.seen_on,
                await offers.get(LAST_COWORKING_DAY)(watched.user_id),
                await offers.get(LAST_COFFEE_DAY)(watched.user_id)]
        return max(day for day in days if day is not None)

    # --- the daily look -----------------------------------------------------------------

    async def tick(self, now: datetime) -> None:
        today = self.services.clock.today()
        members = self.members()
        for user_id in sorted(members):
            await db.know(self.store, user_id, today)
        for watched in await db.everyone(self.store):
            if watched.user_id not in members or watched.opted_out:
                continue
            last = await self.last_seen(watched)
            quiet = (today - last).days >= 7 * self.config.quiet_weeks
            if quiet and watched.quiet_since != last:
                # Said before it is recorded: a crash in between says it again with the same
                # transaction id, which the direct chats send once.
                await self.say_hello(watched.user_id, last, now)
                await db.go_quiet(self.store, watched.user_id, last, today)
            elif not quiet and watched.quiet_since is not None:
                await db.come_back(self.store, watched.user_id, today)
                await self._stop_waiting(watched.user_id)
            elif quiet:
                await self._stop_waiting(watched.user_id, today - timedelta(days=ANSWER_DAYS))
        if today.day == 1:
            await self.monthly_list(today)

    async def _stop_waiting(self, user_id: str, asked_before: date | None = None) -> None:
        """End our conversation with them (only one begun on or before that day, if given)."""
        conversation = await self.services.direct.current(user_id)
        if conversation is None or conversation.owner != self.name:
            return
        asked = conversation.state.get("asked")
        if asked_before is None or not asked or date.fromisoformat(asked) <= asked_before:
            await self.services.direct.end(user_id, self.name)

    async def say_hello(self, user_id: str, spell: date, now: datetime) -> None:
        """The one friendly message of this quiet spell."""
        offers, direct = self.services.offers, self.services.direct
        sync = await offers.get(NEXT_SYNC)(now)
        coffee = None
        if offers.provided(JOIN_COFFEE):
            answering = await direct.begin(user_id, self.name, {
                "spell": spell.isoformat(), "asked": self.services.clock.today().isoformat()})
            coffee = "answer" if answering else "command"
        await direct.send(user_id, self.texts.hello(self.name_of(user_id),
                                                    sync.start if sync else None, coffee),
                          txn=txn_for(self.name, user_id, spell.isoformat()))

    async def monthly_list(self, today: date) -> None:
        """On the 1st: last month's quiet and returning members, in the organizers' room."""
        last = today - timedelta(days=1)
        first = last.replace(day=1)
        month = first.strftime("%Y-%m")
        if await db.list_posted(self.store, month):
            return
        went, back = await db.changes(self.store, first, last)
        if not went and not back:
            await db.record_list(self.store, month, None)  # nothing to tell: no post
            return
        room_id = await self.services.rooms.room_id(
            self.config.list_room(self.services.config))
        if room_id is None:
            return
        event_id = await self.services.chat.send(
            room_id, self.texts.monthly(first, [self.name_of(u) for u in went],
                                        [self.name_of(u) for u in back]),
            txn=txn_for(self.name, "list", month))
        await db.record_list(self.store, month, event_id)

    # --- the answer in the direct chat --------------------------------------------------

    def conversation(self) -> ReplyHandler | None:
        return self.on_reply

    async def on_reply(self, conversation: Conversation, body: str, event_id: str) -> None:
        """✅ (or yes / ja) joins the next coffee round; anything else ends it kindly."""
        user_id, direct = conversation.user_id, self.services.direct
        words = {normalize_key(w.strip(".!")).lower() for w in body.split()[:3]}
        if words & YES_WORDS and await self.services.offers.get(JOIN_COFFEE)(user_id):
            text = self.texts.joined()
        else:
            text = self.texts.not_understood()
        await direct.end(user_id, self.name)
        await direct.send(user_id, text, txn=txn_for(self.name, "answer", event_id))

    # --- commands -------------------------------------------------------------------------

    @command("quiet", Arg(_("on|off"), switch),
             help=_("Whether I write to you when you have been away a while (and list you for "
                    "the organizers): on or off"),
             topic=COWORKING, examples=(_("off"),))
    async def quiet(self, ctx: CommandContext, value: str) -> None:
        out = value == "off"
        changed = await db.opt(self.store, ctx.sender, self.services.clock.today(), out)
        if out:
            await ctx.reply(ctx.t(_("Done: I will not write to you when you have been away, "
                                    "and the organizers' list leaves you out.")
                                  if changed else _("That is off for you already.")))
        else:
            await ctx.reply(ctx.t(_("Done: if you have been away a while, I will say hello.")
                                  if changed else _("That is on for you already.")))

