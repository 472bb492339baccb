"""Who may change what in a room, read from the room's own state events.

Room version 12 (Synapse's default since 1.163) makes the creators all-powerful: the sender of
`m.room.create` and its `additional_creators` outrank every power level and never appear in
`m.room.power_levels`. matrix-nio 0.26 does not know this and reports a creator's level as 0,
so the space feature decides with these functions instead of nio's helpers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

CREATOR_LEVEL = math.inf
"""A v12 creator's level: above every number a power-levels event can hold."""

_PRIVILEGED_CREATOR_VERSIONS = frozenset({"org.matrix.hydra.11"})
_NO_POWER_LEVELS_CREATOR = 100  # before v12, the creator of a room without power levels


def has_privileged_creators(room_version: str) -> bool:
    """Room version 12 and later (and its pre-release) give creators unlimited power."""
    if room_version in _PRIVILEGED_CREATOR_VERSIONS:
        return True
    return room_version.isdigit() and int(room_version) >= 12


def room_version(create_event: Mapping[str, Any]) -> str:
    return str(create_event.get("content", {}).get("room_version", "1"))


def creators(create_event: Mapping[str, Any]) -> frozenset[str]:
    """The all-powerful creators of a v12+ room; empty for older versions."""
    if not has_privileged_creators(room_version(create_event)):
        return frozenset()
    additional = create_event.get("content", {}).get("additional_creators", [])
    return frozenset([create_event["sender"], *additional])


def effective_level(
    user_id: str, create_event: Mapping[str, Any], power_levels: Mapping[str, Any] | None
) -> float:
    """The level the homeserver's authorization rules give `user_id` in this room."""
    if user_id in creators(create_event):
        return CREATOR_LEVEL
    if power_levels is None:
        if has_privileged_creators(room_version(create_event)):
            return 0
        content = create_event.get("content", {})
        creator = content.get("creator", create_event.get("sender"))
        return _NO_POWER_LEVELS_CREATOR if user_id == creator else 0
    users = power_levels.get("users", {})
    return int(users.get(user_id, power_levels.get("users_default", 0)))


def state_level(power_levels: Mapping[str, Any] | None, event_type: str) -> int:
    """The level needed to send a state event of this type."""
    if power_levels is None:
        return 0
    events = power_levels.get("events", {})
    return int(events.get(event_type, power_levels.get("state_default", 50)))
