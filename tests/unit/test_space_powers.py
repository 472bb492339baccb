"""Effective power levels: v12 creators outrank everything; older rooms follow power levels."""

from __future__ import annotations

from matrixcowork.features.space.powers import (
    CREATOR_LEVEL,
    creators,
    effective_level,
    has_privileged_creators,
    state_level,
)

ANNA, BOT, CEM = "@anna:owl.de", "@bot:owl.de", "@cem:owl.de"


def create(version: str, sender: str = ANNA, **content: object) -> dict:
    return {"type": "m.room.create", "sender": sender,
            "content": {"room_version": version, **content}}


def test_versions_with_privileged_creators() -> None:
    assert has_privileged_creators("12") and has_privileged_creators("13")
    assert has_privileged_creators("org.matrix.hydra.11")
    assert not has_privileged_creators("11") and not has_privileged_creators("1")
    assert not has_privileged_creators("org.matrix.msc1234")


def test_v12_creator_and_additional_creators_are_all_powerful() -> None:
    event = create("12", additional_creators=[BOT])
    levels = {"users": {CEM: 100}, "users_default": 0}
    assert creators(event) == {ANNA, BOT}
    assert effective_level(ANNA, event, levels) == CREATOR_LEVEL
    assert effective_level(BOT, event, levels) == CREATOR_LEVEL
    assert effective_level(CEM, event, levels) == 100 < CREATOR_LEVEL


def test_v12_without_power_levels_only_creators_have_power() -> None:
    assert effective_level(ANNA, create("12"), None) == CREATOR_LEVEL
    assert effective_level(CEM, create("12"), None) == 0


def test_older_rooms_follow_the_power_levels_even_for_the_creator() -> None:
    event = create("11")
    assert creators(event) == frozenset()
    assert effective_level(ANNA, event, {"users": {ANNA: 50}}) == 50
    assert effective_level(CEM, event, {"users": {}, "users_default": 10}) == 10


def test_older_rooms_without_power_levels_give_the_creator_100() -> None:
    assert effective_level(ANNA, create("11"), None) == 100
    assert effective_level(CEM, create("9", sender=CEM, creator=ANNA), None) == 0
    assert effective_level(ANNA, create("9", sender=CEM, creator=ANNA), None) == 100


def test_state_level_defaults() -> None:
    levels = {"events": {"m.room.power_levels": 100}, "state_default": 60}
    assert state_level(levels, "m.room.power_levels") == 100
    assert state_level(levels, "m.room.topic") == 60
    assert state_level({}, "m.room.topic") == 50
    assert state_level(None, "m.room.topic") == 0
