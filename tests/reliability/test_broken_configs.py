"""Broken configs: every kind of mistake an organizer makes in config.yaml stops the bot with
one line that names the key, and `matrixcowork run` exits with 2. tests/unit/test_config.py
has 16 kinds in-process and 4 through the command line; these are more kinds, in-process
through `load_config` (YAML text, as an organizer writes it) and a handful through the CLI."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
import yaml

from matrixcowork.core.config import ConfigError, load_config
from tests.unit.test_config import BROKEN as UNIT_KINDS

BASE = """\
homeserver: https://matrix.example.org
user_id: "@bot:example.org"
password: pw-123456
admins: ["@anna:example.org"]
rooms:
  - {key: coworking, name: Coworking, alias: owl-coworking}
  - {key: general, name: Allgemein, alias: owl-general}
"""

# (what is wrong, YAML added to BASE or replacing it, what the line must name)
KINDS = [
    ("impossible time", "checkin: {time: '25:00'}", "checkin.time: '25:00' is not a time"),
    ("time with seconds", "checkin: {time: '09:00:00'}", "checkin.time:"),
    ("unknown room key", "checkin: {room: nope}", "checkin.room: unknown room key 'nope'"),
    ("unknown weekday", "checkin: {weekdays: [monday]}", "checkin.weekdays.0:"),
    ("weekday twice", "checkin: {weekdays: [mon, mon]}", "checkin.weekdays:"),
    ("same emoji twice", "checkin: {reactions: {'🏢': onsite, \"🏢\\uFE0F\": remote}}",
     "checkin.reactions:"),
    ("unknown mode", "checkin: {reactions: {'🏢': office}}", "checkin: reactions: 🏢 -> 'office'"),
    ("location twice", "checkin: {locations: [{key: bi, name: Bielefeld, emoji: '🏢'}, "
     "{key: bi, name: Detmold, emoji: '🏭'}]}",
     "checkin: locations: two locations have the same key"),
    ("reserved location key", "checkin: {locations: [{key: remote, name: Home, emoji: '🏢'}]}",
     "checkin.locations.0.key:"),
    ("unknown events room", "events: {room: nope}", "events.room: unknown room key 'nope'"),
    ("who may publish", "events: {public_by: anyone}", "events.public_by:"),
    ("event reminder twice", "events: {remind_before: [1d, 1d]}",
     "events: remind_before: a lead time is listed twice"),
    ("emoji for two places", "checkin: {locations: [{key: bi, name: Bielefeld, emoji: '🏠'}]}",
     "the emoji 🏠 stands for two places"),
    ("core hours backwards", "checkin: {core_hours: {start: '17:00', end: '09:00'}}",
     "checkin.core_hours:"),
    ("unknown nested key", "checkin: {colour: blue}", "checkin.colour: unknown key"),
    ("section of the wrong type", "checkin: every day", "checkin:"),
    ("unknown recurrence", "sync: {room: general, recurrence: every full moon}",
     "sync.recurrence:"),
    ("bad duration", "sync: {room: general, duration: soon}", "sync.duration:"),
    ("reminder before the announcement",
     "sync: {room: general, announce_before: 1d, remind_before: [2d]}", "remind_before:"),
    ("unknown sync room", "sync: {room: nope}", "sync.room: unknown room key 'nope'"),
    ("unknown coffee room", "coffee: {room: kitchen}", "coffee.room: unknown room key"),
    ("number out of range", "coffee: {room: general, every_weeks: 0}", "coffee.every_weeks:"),
    ("port out of range", "web: {enabled: true, port: 70000}", "web.port:"),
    ("URL without scheme", "jitsi: {base_url: meet.jit.si}", "jitsi.base_url:"),
    ("unknown welcome room", "space: {name: S, alias: owl-space, welcome_room: lobby}",
     "space.welcome_room: unknown room key 'lobby'"),
    ("unknown intro room", "people: {intro_room: nope}", "people.intro_room:"),
    ("bad moderator", "moderators: [bob]", "moderators.0: 'bob' is not a Matrix user id"),
    ("list given as text", "allowed_servers: example.org", "allowed_servers:"),
    ("secret of the wrong type", "access_token: [1, 2]", "access_token:"),
    ("prefix with a space", "command_prefix: '! '", "command_prefix:"),
    ("rooms not a list", None, "rooms:"),
    ("empty file", "", "homeserver: required key is missing"),
    ("tab indentation", "checkin:\n\ttime: '09:00'", "(YAML, line"),
]
CLI_KINDS = ["impossible time", "unknown room key", "unknown nested key", "tab indentation",
             "reminder before the announcement", "empty file"]


def config_text(kind: str, addition: str | None) -> str:
    if kind == "empty file":
        return ""
    if addition is None:  # rooms: coworking (a string instead of the list)
        return BASE.split("rooms:")[0] + "rooms: coworking\n"
    return BASE + addition + "\n"


@pytest.mark.parametrize(("kind", "addition", "names"), KINDS, ids=[k[0] for k in KINDS])
def test_broken_config_is_one_line_naming_the_key(tmp_path: Path, kind: str,
                                                  addition: str | None, names: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(config_text(kind, addition), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    line = str(err.value)
    assert line.startswith(f"{path}: ") and "\n" not in line, line
    assert names in line, line


def test_base_config_is_valid(tmp_path: Path) -> None:
    """So each kind above fails for its own mistake only."""
    path = tmp_path / "config.yaml"
    path.write_text(BASE)
    assert load_config(path, environ={}).rooms[1].key == "general"


async def run_bot(path: Path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATRIXCOWORK_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "matrixcowork", "run", "-c", str(path), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, err.decode()


async def test_run_with_broken_config_exits_2_with_one_line(tmp_path: Path, figure) -> None:
    chosen = [k for k in KINDS if k[0] in CLI_KINDS]
    paths = []
    for number, (kind, addition, _names) in enumerate(chosen):
        path = tmp_path / f"bad{number}.yaml"
        path.write_text(config_text(kind, addition), encoding="utf-8")
        paths.append(path)

    results = await asyncio.gather(*(run_bot(path) for path in paths))

    for (kind, _addition, names), path, (code, stderr) in zip(chosen, paths, results,
                                                               strict=True):
        lines = stderr.strip().splitlines()
        assert code == 2, (kind, stderr)
        assert len(lines) == 1 and str(path) in lines[0] and names in lines[0], (kind, stderr)
    here = len(KINDS) + 2  # and the two tests below: not UTF-8, a key twice
    figure(f"broken configs: {here} kinds here and {len(UNIT_KINDS) + 4} in the unit "
           f"tests, each one line naming the key; {len(chosen)} of them through "
           "`matrixcowork run`: exit code 2, one line on standard error")


def test_config_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(BASE.encode() + "checkin: {room: Küche}\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(path, environ={})


def test_a_key_given_twice_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(BASE + yaml.safe_dump({"admins": ["@ben:example.org"]}))
    with pytest.raises(ConfigError, match="admins"):
        load_config(path, environ={})
