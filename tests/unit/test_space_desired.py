"""The state the config asks for, and what counts as already being there."""

from __future__ import annotations

from matrixcowork.core.config import RoomConfig, parse_config
from matrixcowork.features.space.config import SpaceConfig
from matrixcowork.features.space.desired import (
    child_link,
    fit_version,
    power_wants,
    room_wants,
    space_wants,
    staff_levels,
)
from matrixcowork.features.space.roomstate import RoomState

SPACE = "!space"
ANNA, BEN, BOT, CEM = "@anna:owl.de", "@ben:owl.de", "@bot:owl.de", "@cem:owl.de"


def state(*events: tuple[str, str, dict], version: str = "12", sender: str = BOT) -> RoomState:
    create = {"type": "m.room.create", "state_key": "", "sender": sender,
              "content": {"room_version": version}}
    return RoomState.from_events("!room", [create, *(
        {"type": t, "state_key": k, "sender": sender, "content": c} for t, k, c in events)])


def by_type(wants: list) -> dict:
    return {(w.type, w.state_key): w.content for w in wants}


def test_members_only_room_is_restricted_to_the_space() -> None:
    room = RoomConfig(key="general", name="Allgemein", alias="owl-allgemein", topic="Alles")
    wants = by_type(room_wants(room, SPACE, "owl.de"))
    assert wants[("m.room.join_rules", "")] == {
        "join_rule": "restricted", "allow": [{"type": "m.room_membership", "room_id": SPACE}]}
    assert wants[("m.room.guest_access", "")] == {"guest_access": "forbidden"}
    assert wants[("m.space.parent", SPACE)] == {"via": ["owl.de"], "canonical": True}
    assert ("m.room.encryption", "") not in wants


def test_public_room_is_open_and_readable_by_guests() -> None:
    room = RoomConfig(key="webinars", name="Webinare", alias="owl-webinare", access="public",
                      encrypted=True)
    wants = by_type(room_wants(room, SPACE, "owl.de"))
    assert wants[("m.room.join_rules", "")] == {"join_rule": "public"}
    assert wants[("m.room.guest_access", "")] == {"guest_access": "can_join"}
    assert wants[("m.room.history_visibility", "")] == {"history_visibility": "world_readable"}
    assert wants[("m.room.encryption", "")] == {"algorithm": "m.megolm.v1.aes-sha2"}


def test_space_is_invite_only_and_shows_its_picture() -> None:
    space = SpaceConfig(name="OWL", alias="owl", avatar="mxc://owl.de/abc")
    wants = by_type(space_wants(space))
    assert wants[("m.room.join_rules", "")] == {"join_rule": "invite"}
    assert wants[("m.room.avatar", "")] == {"url": "mxc://owl.de/abc"}


def test_a_want_is_satisfied_by_a_superset_and_not_by_a_difference() -> None:
    link = child_link("!room", "owl.de", 2)
    assert link.content == {"via": ["owl.de"], "suggested": True, "order": "002"}
    assert not link.satisfied_by(state())
    assert link.satisfied_by(state(("m.space.child", "!room", {**link.content, "extra": 1})))
    assert not link.satisfied_by(state(("m.space.child", "!room", {**link.content,
                                                                   "order": "001"})))


def test_staff_levels_leave_the_bot_out_and_organizers_win() -> None:
    config = parse_config({
        "homeserver": "https://owl.de", "user_id": BOT, "password": "x",
        "admins": [ANNA, BOT], "moderators": [BEN, ANNA],
    }, "test", environ={})
    assert staff_levels(config) == {ANNA: 100, BEN: 50}


def test_power_levels_are_raised_never_lowered_and_creators_never_listed() -> None:
    levels = {"users": {BEN: 100, CEM: 0}, "users_default": 0, "state_default": 50}
    room = state(("m.room.power_levels", "", levels), sender=ANNA)  # Anna is the v12 creator
    want = power_wants(room, {ANNA: 100, BEN: 50, CEM: 50})
    assert want is not None
    assert want.content["users"] == {BEN: 100, CEM: 50}
    assert want.content["state_default"] == 50 and want.min_level == 50
    assert power_wants(state(("m.room.power_levels", "", want.content), sender=ANNA),
                       {ANNA: 100, BEN: 50, CEM: 50}) is None


def test_power_levels_in_older_rooms_list_the_creator_too() -> None:
    room = state(("m.room.power_levels", "", {"users": {ANNA: 50}}), version="11", sender=ANNA)
    want = power_wants(room, {ANNA: 100})
    assert want is not None and want.content["users"] == {ANNA: 100} and want.min_level == 100


def test_knocking_falls_back_in_rooms_too_old_for_it() -> None:
    space = SpaceConfig(name="OWL", alias="owl", join="knock", organizer_room="orga")
    room = RoomConfig(key="general", name="Allgemein", alias="owl-allgemein")
    knock = {"type": "m.room_membership", "room_id": SPACE}
    rule = ("m.room.join_rules", "")
    assert by_type(space_wants(space))[rule] == {"join_rule": "knock"}
    assert by_type(fit_version(space_wants(space), "6"))[rule] == {"join_rule": "invite"}
    assert by_type(fit_version(space_wants(space), "7"))[rule] == {"join_rule": "knock"}
    wants = room_wants(room, SPACE, "owl.de", knock=True)
    assert by_type(wants)[rule] == {"join_rule": "knock_restricted", "allow": [knock]}
    assert by_type(fit_version(wants, "9"))[rule] == {"join_rule": "restricted", "allow": [knock]}
    assert by_type(fit_version(wants, "10"))[rule]["join_rule"] == "knock_restricted"
    assert by_type(fit_version(wants, "org.example.custom"))[rule]["join_rule"] == "restricted"
    orga = RoomConfig(key="orga", name="Orga", alias="owl-orga", access="organizers")
    assert by_type(room_wants(orga, SPACE, "owl.de", knock=True))[rule] == {"join_rule": "invite"}
