"""How each member wants to be reminded of the meetings they said yes or maybe to.

`!remind dm` sends the reminder to their direct chat with the bot instead, `!remind off` not
at all, `!remind room` (the default) in the meeting's room. The room's reminder then mentions
only those who chose the room; the others are still listed, by name, without a ping. The
meeting layer reads the choices through the `REMINDER_CHOICES` offer.
"""

from __future__ import annotations

from ...core.arguments import choice
from ...core.commands import Arg, CommandContext, command
from ...core.config import Config
from ...core.i18n import _
from ...core.offers import REMINDER_CHOICES
from ...core.services import Services
from ...core.store import Migration
from ...core.topics import MEETINGS
from .. import Feature

ROOM, DM, OFF = "room", "dm", "off"
WORDS = {"room": ROOM, "raum": ROOM, "dm": DM, "direkt": DM, "off": OFF, "aus": OFF}


class RemindersFeature(Feature):
    name = "reminders"
    migrations = (
        Migration(
            "how members want meeting reminders (those in the room have no row)",
            "CREATE TABLE reminder_choices (user_id TEXT PRIMARY KEY, "
            "how TEXT NOT NULL CHECK (how IN ('dm', 'off')))",
        ),
    )

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        services.offers.provide(REMINDER_CHOICES, self.choices)

    @classmethod
    def enabled(cls, config: Config) -> bool:
        """Only where there are meetings to be reminded of."""
        return any(getattr(config, key, None) is not None for key in ("sync", "webinars",
                                                                       "events"))

    async def choices(self) -> dict[str, str]:
        rows = await self.services.store.fetch_all("SELECT user_id, how FROM reminder_choices")
        return {row["user_id"]: row["how"] for row in rows}

    @command("remind", Arg(_("dm|room|off"), choice(*WORDS)),
             help=_("Meeting reminders for what you said yes or maybe to: in our direct chat, "
                    "in the room (mentioning you), or none"),
             topic=MEETINGS, examples=("dm",))
    async def remind(self, ctx: CommandContext, word: str) -> None:
        how = WORDS[word]
        store = self.services.store
        if how == ROOM:
            await store.execute("DELETE FROM reminder_choices WHERE user_id = ?", (ctx.sender,))
            await ctx.reply(ctx.t(_("Reminders come in the meeting's room, mentioning you.")))
            return
        await store.execute(
            "INSERT INTO reminder_choices (user_id, how) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET how = excluded.how", (ctx.sender, how))
        await ctx.reply(ctx.t(_("Reminders come in our direct chat now.")) if how == DM else
                        ctx.t(_("No more reminders for you; the room's reminder lists you "
                                "without mentioning you.")))
