"""The community space: the space and its rooms from config, `!space sync`, `!invite`, welcomes.

Provisioning runs in the background after the first sync, so a slow run under the default rate
limits never holds up the sync loop; `provisioning` is that run's task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from nio import RoomMemberEvent

from ...core.arguments import user_id
from ...core.chat import ChatError
from ...core.commands import Arg, CommandContext, command
from ...core.formatting import mention
from ...core.i18n import _, escape
from ...core.permissions import Access
from ...core.rooms import display_name, name_anywhere
from ...core.services import Services
from .. import EventHandler, Feature
from . import db
from .config import SpaceConfig
from .links import room_link
from .onboarding import Onboarding
from .provision import Provisioner
from .report import Report

log = logging.getLogger(__name__)


class SpaceFeature(Feature):
    name = "space"
    section = ("space", SpaceConfig)
    migrations = db.MIGRATIONS

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.provisioner = Provisioner(
            services.config, services.chat, services.store,
            services.rooms, services.permissions, services.i18n,
        )
        self.onboarding = Onboarding(services)
        self.provisioning: asyncio.Task[Report | None] | None = None


    def subscriptions(self) -> dict[type, EventHandler]:
        return {RoomMemberEvent: self.onboarding.on_member}

    async def start(self) -> None:
        """Runs before the first batch is dispatched: with the space known from the last run,
        joins that happened while the bot was down are seen as joins to the space."""
        space = self.services.config.space
        assert space is not None
        store = self.services.store
        self.services.permissions.know_space(await db.space_id(store, space.alias))
        configured = {room.key: room.alias for room in self.services.config.rooms}
        for room in await db.linked_rooms(store):  # adopted by an earlier run
            if configured.get(room.key) == room.alias:
                self.services.rooms.remember(room.key, room.room_id)
        self.provisioning = asyncio.create_task(self._provision(), name="space-provisioning")
        self.services.scheduler.hold_until(self.provisioning)

    async def stop(self) -> None:
        if self.provisioning and not self.provisioning.done():
            self.provisioning.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.provisioning

    async def _provision(self) -> Report | None:
        try:
            return await self.provisioner.run()
        except ChatError:
            log.exception("provisioning the space failed; `!space sync` tries again")
            return None

    @command("space sync", help=_("Bring the space and its rooms in line with the config"),
             access=Access.ORGANIZER)
    async def space_sync(self, ctx: CommandContext) -> None:
        report = await self.provisioner.run()
        await ctx.reply(report.render(self.services.i18n))

    @command("invite", Arg(_("user"), user_id), help=_("Invite someone to the community's space"),
             access=Access.MODERATOR,
             examples=("@anna:example.org",))
    async def invite(self, ctx: CommandContext, user: str) -> None:
        permissions = self.services.permissions
        space_id = permissions.space_room_id
        if space_id is None:
            await ctx.reply(ctx.t(_("The space is not set up yet. Please try again shortly.")))
            return
        if permissions.is_member(user):
            person = mention(user, display_name(self.services.client, user))
            await ctx.reply(ctx.t(_("{user} is already in the space."), user=person))
            return
        try:
            await self.services.chat.invite(space_id, user)
        except ChatError as err:
            log.warning("inviting %s failed: %s", user, err)
            await ctx.reply(ctx.t(_("I could not invite {user}. Does that account exist?"),
                                  user=user))
            return
        person = mention(user, await name_anywhere(self.services.client, self.services.chat, user))
        await ctx.reply(self._invited(ctx, person))

    def _invited(self, ctx: CommandContext, person: str) -> str:
        config = self.services.config
        assert config.space is not None
        lines = [ctx.t(_("I invited {user} to {space}. Rooms to start with:"),
                       user=person, space=config.space.name)]
        for room in config.rooms:
            link = room_link(config, self.services.rooms, room.key)
            lines.append(f"- {link}" + (f" – {escape(room.topic)}" if room.topic else ""))
        return "\n".join(lines)
