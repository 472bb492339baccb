"""Provisioning: bring the homeserver in line with the config, idempotently.

Aliases are the keys: a room is looked up by its alias first and created only if the alias is
free; creating with a taken alias fails with `M_ROOM_IN_USE` and creates nothing, so a retry or
a second bot run can never make a room twice. Aliases are first come, first served, so an
existing room is adopted only if the bot or an organizer made it and it is what the config says
(a space for the space, a room for a room); anyone else's is reported and left alone, and the
bot never counts members from it. Adopted rooms are only changed where they differ from the
config; the bot reports where it lacks the power to do so. Rooms dropped from the config are
unlinked from the space, never deleted.
Everything goes through `Chat`, whose client waits out 429s, so the default rate limits only
make a run slower.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from nio.api import RoomPreset

from ...core.chat import Chat, ChatError
from ...core.config import Config, RoomConfig
from ...core.formatting import command_text, mention
from ...core.i18n import I18n, Markup, _
from ...core.permissions import Permissions
from ...core.rooms import RoomDirectory, display_name
from ...core.store import Store
from . import db, desired
from .report import Report
from .roomstate import RoomState, fetch_state

log = logging.getLogger(__name__)

SPACE_KEY = "space"


class Provisioner:
    """One per bot; runs are serialized, so `!space sync` during the start-up run waits."""

    def __init__(
        self,
        config: Config,
        chat: Chat,
        store: Store,
        rooms: RoomDirectory,
        permissions: Permissions,
        i18n: I18n,
    ) -> None:
        assert config.space is not None
        self.config = config
        self.space = config.space
        self.chat = chat
        self.store = store
        self.rooms = rooms
        self.permissions = permissions
        self.i18n = i18n
        self.server = config.server_name
        self._lock = asyncio.Lock()
        self._joined: set[str] = set()

    async def run(self) -> Report:
        async with self._lock:
            report = Report()
            self._joined = await self.chat.joined_rooms()
            space = await self._provision_space(report)
            if space is not None:
                kept = [
                    room_id
                    for order, room in enumerate(self.config.rooms)
                    if (room_id := await self._guarded_room(space, room, order, report))
                ]
                await self._unlink_dropped(space, kept, report)
            log.info("space provisioned: %s", report.summary())
            return report

    # --- the space ----------------------------------------------------------------------

    async def _provision_space(self, report: Report) -> RoomState | None:
        space = self.space
        wants = desired.space_wants(space)
        state = await self._obtain(space.alias, space.name, wants, report, is_space=True)
        if state is None:
            return None
        self.permissions.know_space(state.room_id)
        await db.record_room(self.store, state.room_id, "space", SPACE_KEY, space.alias,
                             space.name)
        wants = desired.fit_version(wants, state.version)
        await self._apply(state, [*wants, self._power(state)], space.name, report)
        return state

    # --- the rooms ----------------------------------------------------------------------

    async def _guarded_room(
        self, space: RoomState, room: RoomConfig, order: int, report: Report
    ) -> str | None:
        """One room's failure is reported and does not stop the others."""
        try:
            return await self._provision_room(space, room, order, report)
        except ChatError:
            log.exception("provisioning room %s failed", room.key)
            report.problem(_("I could not finish {room}; the log says why."), room=room.name)
            return None

    async def _provision_room(
        self, space: RoomState, room: RoomConfig, order: int, report: Report
    ) -> str | None:
        knock = self.space.knocks and desired.supports(space.version, "knock")
        wants = desired.room_wants(room, space.room_id, self.server, knock)
        state = await self._obtain(room.alias, room.name, wants, report)
        if state is None:
            return None
        wants = desired.fit_version(wants, state.version)
        self.rooms.remember(room.key, state.room_id)
        await db.record_room(self.store, state.room_id, "room", room.key, room.alias, room.name)
        await self._apply(state, [*wants, self._power(state)], room.name, report)
        if room.access == "organizers":
            await self._invite_organizers(state, room.name, report)
        link = desired.child_link(state.room_id, self.server, order)
        await self._apply(space, [link], room.name, report)
        return state.room_id

    async def _invite_organizers(self, state: RoomState, name: str, report: Report) -> None:
        """An organizers' room has every organizer in it (or invited): one added to `admins`
        later is invited at the next run."""
        for user in self.config.admins:
            member = state.content("m.room.member", user) or {}
            if user == self.chat.user_id or member.get("membership") in ("join", "invite"):
                continue
            try:
                await self.chat.invite(state.room_id, user)
                report.update(name, _("organizers invited"))
            except ChatError as err:
                log.warning("cannot invite organizer %s to %s: %s", user, name, err)

    async def _unlink_dropped(self, space: RoomState, kept: Sequence[str], report: Report) -> None:
        for room in await db.linked_rooms(self.store):
            if room.room_id in kept:
                continue
            if space.content("m.space.child", room.room_id):
                if space.level_of(self.chat.user_id) < space.needed_for("m.space.child"):
                    report.problem(_("I can't remove {room} from the space: I lack the power."),
                                   room=room.name)
                    continue
                await self.chat.put_state(space.room_id, "m.space.child", {}, room.room_id)
                report.unlinked.append(room.name)
                await self._farewell(space.room_id, room.room_id)
            await db.mark_unlinked(self.store, room.room_id)

    async def _farewell(self, space_id: str, room_id: str) -> None:
        """Tell the room (and with a mention the organizers) why it left the space."""
        organizers = [a for a in self.config.admins if a != self.chat.user_id]
        text = self.i18n.t(
            _("This room is no longer part of {space}: it was removed from the configuration. "
              "Nothing was deleted. {organizers}"),
            space=self.space.name,
            organizers=Markup(" ".join(mention(a, display_name(self.chat.client, a))
                                          for a in organizers)),
        )
        try:
            await self.chat.put_state(room_id, "m.space.parent", {}, space_id)
            await self.chat.send(room_id, text, mentions=organizers)
        except ChatError as err:
            log.warning("could not tell %s that it left the space: %s", room_id, err)

    # --- shared steps -------------------------------------------------------------------

    def _alias(self, localpart: str) -> str:
        return f"#{localpart}:{self.server}"

    async def _obtain(
        self,
        localpart: str,
        name: str,
        wants: list[desired.Wanted],
        report: Report,
        is_space: bool = False,
    ) -> RoomState | None:
        """The room behind the alias: resolved, else created; joined; its state read."""
        alias = self._alias(localpart)
        room_id = await self.chat.resolve_alias(alias)
        if room_id is None:
            room_id = await self._create(localpart, wants, is_space)
            if room_id is not None:
                report.created.append(name)
                self._joined.add(room_id)
            else:  # someone took the alias between our look-up and the create
                room_id = await self.chat.resolve_alias(alias)
        if room_id is None:
            report.problem(_("I could not create {room} ({alias})."), room=name, alias=alias)
            return None
        joined_now = room_id not in self._joined
        if joined_now:
            try:
                await self.chat.join(room_id)
            except ChatError as err:
                log.warning("cannot join %s (%s): %s", alias, room_id, err)
                report.problem(_("I can't join {room} ({alias}). Invite me there, then type "
                                 "{command}."), room=name, alias=alias,
                               command=command_text(self.config.command_prefix, "space sync"))
                return None
            self._joined.add(room_id)
        state = await fetch_state(self.chat, room_id)
        if self._adoptable(state, alias, is_space, report):
            return state
        if joined_now:  # it came in only to look
            try:
                await self.chat.leave(room_id)
                self._joined.discard(room_id)
            except ChatError as err:
                log.warning("cannot leave %s (%s): %s", alias, room_id, err)
        return None

    def _adoptable(self, state: RoomState, alias: str, is_space: bool, report: Report) -> bool:
        """Aliases are first come, first served: only the bot's or an organizer's room, and
        only the kind the config asks for, is taken as the configured one."""
        if not state.made_by & {self.chat.user_id, *self.config.admins}:
            log.warning("%s (%s) was made by %s: not adopted", alias, state.room_id,
                        ", ".join(sorted(state.made_by)))
            report.problem(_("{alias} is taken by a room that neither I nor an organizer made. "
                             "I don't use it: free the alias, then type {command}."),
                           alias=alias, command=self.config.command_prefix + "space sync")
            return False
        if state.is_space != is_space:
            report.problem(_("{alias} is a room, not a space. I changed nothing.") if is_space
                           else _("{alias} is a space, not a room. I changed nothing."),
                           alias=alias)
            return False
        return True

    async def _create(
        self, localpart: str, wants: list[desired.Wanted], is_space: bool
    ) -> str | None:
        """Create a room under the alias; None if the alias turned out to be taken."""
        staff = desired.staff_levels(self.config)
        kwargs: dict[str, Any] = {
            "alias": localpart,
            "space": is_space,
            "preset": RoomPreset.private_chat,  # the initial state below overrides its rules
            "invite": [user for user, level in staff.items() if level >= desired.ORGANIZER_LEVEL],
            "initial_state": [want.initial_state() for want in wants],
            "power_level_override": {"users": staff},
        }
        try:
            room_id = await self.chat.create_room(**kwargs)
        except ChatError as err:
            if err.status_code == "M_ROOM_IN_USE":
                return None
            raise
        log.info("created %s as %s", self._alias(localpart), room_id)
        return room_id

    def _power(self, state: RoomState) -> desired.Wanted | None:
        return desired.power_wants(state, desired.staff_levels(self.config))

    async def _apply(
        self, state: RoomState, wants: Sequence[desired.Wanted | None], name: str,
        report: Report,
    ) -> None:
        """Send the state events that differ; report those the bot lacks the power for."""
        me = self.chat.user_id
        have = state.level_of(me)
        todo = [w for w in wants if w is not None and not w.satisfied_by(state)]
        blocked = [w for w in todo if have < max(state.needed_for(w.type), w.min_level)]
        if blocked:
            needed = max(max(state.needed_for(w.type), w.min_level) for w in blocked)
            report.problem(_("I can't manage {room}: I need power level {needed} there and "
                             "have {have}. An organizer can raise mine."),
                           room=name, needed=needed, have=int(have))
        for want in todo:
            if want not in blocked:
                await self.chat.put_state(state.room_id, want.type, dict(want.content),
                                          want.state_key)
                report.update(name, want.aspect)
