"""What the config asks for, as state events: pure functions, compared with a `RoomState`.

Members-only rooms use the `restricted` join rule (anyone in the space may join, nobody else);
public rooms are public and readable by guests; the space itself is the gate: invite-only, or
with `space.join: knock` open to ask (`knock`, room version 7+), and then the members-only rooms
are `knock_restricted` (version 10+): space members still just join, anyone else may ask, and a
request there is a request to join the space. The organizers' room is invite-only. A room of an
older version keeps the rule its version can hold (`fit_version`). Power levels are only ever
raised for organizers and moderators, never lowered: levels people set by hand in Element stay
as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...core.config import Config, RoomConfig
from ...core.i18n import _
from .config import SpaceConfig
from .roomstate import RoomState

ORGANIZER_LEVEL = 100
MODERATOR_LEVEL = 50
MEGOLM = "m.megolm.v1.aes-sha2"


@dataclass(frozen=True)
class Wanted:
    """One state event the config asks for; `aspect` names it in the organizer's report."""

    type: str
    content: Mapping[str, Any]
    aspect: str
    state_key: str = ""
    min_level: int = field(default=0, compare=False)  # e.g. granting 100 needs 100 oneself

    def satisfied_by(self, state: RoomState) -> bool:
        current = state.content(self.type, self.state_key) or {}
        return all(current.get(key) == value for key, value in self.content.items())

    def initial_state(self) -> dict[str, Any]:
        return {"type": self.type, "state_key": self.state_key, "content": dict(self.content)}


def _access(join_rule: Mapping[str, Any], guests: str, history: str) -> list[Wanted]:
    return [
        Wanted("m.room.join_rules", join_rule, _("who may join")),
        Wanted("m.room.guest_access", {"guest_access": guests}, _("who may join")),
        Wanted("m.room.history_visibility", {"history_visibility": history}, _("who may join")),
    ]


def _named(name: str, topic: str) -> list[Wanted]:
    return [
        Wanted("m.room.name", {"name": name}, _("room name")),
        Wanted("m.room.topic", {"topic": topic}, _("room topic")),
    ]


KNOCK_SINCE = {"knock": 7, "knock_restricted": 10}
FALLBACK = {"knock": "invite", "knock_restricted": "restricted"}


def space_wants(space: SpaceConfig) -> list[Wanted]:
    wants = _named(space.name, space.topic)
    wants += _access({"join_rule": "knock" if space.knocks else "invite"}, "forbidden", "shared")
    if space.avatar:
        wants.append(Wanted("m.room.avatar", {"url": space.avatar}, _("space picture")))
    return wants


def room_wants(room: RoomConfig, space_id: str, server: str, knock: bool = False
               ) -> list[Wanted]:
    wants = _named(room.name, room.topic)
    if room.access == "public":
        wants += _access({"join_rule": "public"}, "can_join", "world_readable")
    elif room.access == "organizers":
        wants += _access({"join_rule": "invite"}, "forbidden", "shared")
    else:
        allow = [{"type": "m.room_membership", "room_id": space_id}]
        rule = "knock_restricted" if knock else "restricted"
        wants += _access({"join_rule": rule, "allow": allow}, "forbidden", "shared")
    wants.append(Wanted("m.space.parent", {"via": [server], "canonical": True}, _("space link"),
                        state_key=space_id))
    if room.encrypted:  # once on, encryption cannot be switched off again
        wants.append(Wanted("m.room.encryption", {"algorithm": MEGOLM}, _("end-to-end encryption")))
    return wants


def supports(version: str, join_rule: str) -> bool:
    """Whether a room of this version knows the join rule (unknown versions: only the old)."""
    since = KNOCK_SINCE.get(join_rule)
    return since is None or (version.isdigit() and int(version) >= since)


def fit_version(wants: list[Wanted], version: str) -> list[Wanted]:
    """The join rule a room of this version can hold: knocking falls back to the rule
    without it (a room is never upgraded behind its members' backs)."""
    fitted = []
    for want in wants:
        rule = want.content.get("join_rule") if want.type == "m.room.join_rules" else None
        if isinstance(rule, str) and not supports(version, rule):
            want = Wanted(want.type, {**want.content, "join_rule": FALLBACK[rule]}, want.aspect)
        fitted.append(want)
    return fitted


def child_link(room_id: str, server: str, order: int) -> Wanted:
    """The space's pointer to a room; without `via` clients do not treat it as a child."""
    content = {"via": [server], "suggested": True, "order": f"{order:03d}"}
    return Wanted("m.space.child", content, _("space link"), state_key=room_id)


def staff_levels(config: Config) -> dict[str, int]:
    """Organizers and moderators with the level they should have; the bot is left out (it is
    the creator of what it creates, and a v12 creator must not be listed)."""
    levels = {user: MODERATOR_LEVEL for user in config.moderators}
    levels.update({user: ORGANIZER_LEVEL for user in config.admins})
    levels.pop(config.user_id, None)
    return levels


def power_wants(state: RoomState, levels: Mapping[str, int]) -> Wanted | None:
    """Raise whoever is below their configured level; None when everyone is there already."""
    current = state.content("m.room.power_levels") or {}
    users = dict(current.get("users", {}))
    raised = {
        user: level
        for user, level in levels.items()
        if user not in state.creators and state.level_of(user) < level
    }
    if not raised:
        return None
    users.update(raised)
    return Wanted("m.room.power_levels", {**current, "users": users}, _("power levels"),
                  min_level=max(raised.values()))
