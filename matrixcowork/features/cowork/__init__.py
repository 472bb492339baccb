"""Coworking together: the open video room in core hours, focus sprints and calls on demand.

`!focus [minutes] [goal]` and `!focus stats` (the check-in feature owns `!stats`), `!call
[topic]` and `!call end`. The scheduled parts (open and close the room, end sprints, time out
calls) are each their own job in the scheduling service.
"""

from __future__ import annotations

from nio import RoomMessageText

from ...core.arguments import one_line
from ...core.commands import Arg, CommandContext, command
from ...core.config import Config
from ...core.i18n import _
from ...core.services import Services
from ...core.topics import COWORKING
from ...core.tracked import ReactionDeclaration
from ...meetings import db as meetings_db
from .. import EventHandler, Feature
from . import db
from .calls import Calls
from .config import CoworkingConfig
from .focus import MAX_GOAL, FocusSprints, minutes_or_word
from .openroom import OpenRoom
from .texts import CoworkTexts

MAX_TOPIC = 100


class CoworkFeature(Feature):
    name = "cowork"
    section = ("coworking", CoworkingConfig)
    migrations = db.MIGRATIONS
    shared_tables = (meetings_db.TABLES,)


    def __init__(self, services: Services) -> None:
        super().__init__(services)
        assert services.config.coworking is not None
        self.config: CoworkingConfig = services.config.coworking
        self.texts = CoworkTexts(services.i18n, services.config.command_prefix)
        self.sprints = FocusSprints(services, self.texts, self.name)
        self.calls = Calls(services, self.config, self.texts)
        self.open_room = self._open_room(services.config)

    def _open_room(self, config: Config) -> OpenRoom | None:
        hours = config.working_hours
        if not (self.config.open_room and hours):
            return None
        return OpenRoom(self.services, self.name, self.config.room, hours, hours.weekdays)

    def subscriptions(self) -> dict[type, EventHandler]:
        return {RoomMessageText: self.sprints.on_message}

    def reactions(self) -> dict[str, ReactionDeclaration]:
        return {**self.sprints.reactions(),
                **(self.open_room.engine.reactions() if self.open_room else {})}

    async def start(self) -> None:
        await self.sprints.start()
        await self.calls.start()
        if self.open_room:
            await self.open_room.start()

    async def stop(self) -> None:
        await self.sprints.stop()
        if self.open_room:
            await self.open_room.stop()

    # --- commands -------------------------------------------------------------------------

    @command("focus", Arg(_("minutes"), minutes_or_word, optional=True),
             Arg(_("goal"), one_line(MAX_GOAL), optional=True, rest=True),
             help=_("Start a focus sprint, or join the one running here: length in minutes, "
                    "your goal"),
             topic=COWORKING, examples=(_("25 Write the offer"),))
    async def focus(self, ctx: CommandContext, minutes: int | str | None,
                    goal: str | None) -> None:
        if isinstance(minutes, str):  # no length given: that word begins the goal
            goal = f"{minutes} {goal}"[:MAX_GOAL] if goal else minutes[:MAX_GOAL]
            minutes = None
        await self.sprints.begin(ctx, minutes or self.config.focus_default, goal)

    @command("focus stats", help=_("Your focus sprints: how many you joined and reached"),
             topic=COWORKING)
    async def focus_stats(self, ctx: CommandContext) -> None:
        await ctx.reply(await self.sprints.stats(ctx.sender))

    @command("call", Arg(_("topic"), one_line(MAX_TOPIC), optional=True, rest=True),
             help=_("Start a video call in this room, with a topic"),
             topic=COWORKING, examples=(_("Planning the summer party"),))
    async def call(self, ctx: CommandContext, topic: str | None) -> None:
        await self.calls.begin(ctx, topic)

    @command("call end", help=_("End the video call in this room"),
             topic=COWORKING)
    async def call_end(self, ctx: CommandContext) -> None:
        await self.calls.end_here(ctx)
