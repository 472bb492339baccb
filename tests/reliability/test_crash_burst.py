"""Crash during a burst: fifty members react to the check-in post and to the sync announcement
and take reactions back, while the bot (a real `matrixcowork run` process) is killed with
SIGKILL at three seeded random points and started again at once. Afterwards the bot's store
holds exactly what the homeserver holds: no reaction lost, none doubled, every redaction
applied, every member's check-in mode the one their latest reaction says. Its logs, written at
DEBUG across all runs, hold neither its password nor its access token, and its data dir is
its user's alone.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from nio import AsyncClient, RoomRedactResponse, RoomSendResponse
from nio.api import RoomPreset

from matrixcowork.core.session import CREDENTIALS_FILE
from matrixcowork.core.tracked import Reaction
from matrixcowork.meetings import rsvp
from matrixcowork.ops.devserver import DevServer
from matrixcowork.ops.health import DB_FILE
from tests.helpers import Member, Seen, unique

from .botprocess import BotProcess
from .burst import (
    CHECKIN_KEYS,
    ONSITE,
    REMOTE,
    RSVP_KEYS,
    Held,
    Step,
    kill_points,
    latest_modes,
    waves,
)
from .burst import plan as plan_steps
from .crowd import close_all, crowd, held_by_server, held_in_store, join_all, joined, read_db
from .privacy import assert_no_secrets, open_to_others

SEED = 20261201
USERS = 50
SIZES = {False: (500, 3), True: (2000, 6)}  # steps and kills: CI, --long
WAVE = 8  # members acting at the same moment
ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MODES = {ONSITE: "onsite", REMOTE: "remote"}


def midday_timezone() -> str:
    """A fixed-offset zone in which it is about noon now: today's check-in post stays open for
    the whole test, whenever it runs."""
    offset = (24 - datetime.now(UTC).hour) % 24 - 12  # hours to add to UTC, -12..11
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


@dataclass
class Community:
    bot: BotProcess
    bot_id: str
    password: str
    data_dir: Path
    rooms: dict[str, str]  # room key -> id
    posts: dict[str, str]  # tracked post id -> room id, check-in post first

    @property
    def posts_by_label(self) -> dict[str, str]:
        checkin, announcement = self.posts
        return {"checkin": checkin, "rsvp": announcement}

    @property
    def db(self) -> Path:
        return self.data_dir / DB_FILE


async def start_community(synapse: DevServer, anna: Member, tmp_path: Path) -> Community:
    """The bot process with a check-in and a sync room made by Anna; both posts are out."""
    name, password = unique("crashbot"), "pw-" + uuid.uuid4().hex
    await asyncio.to_thread(synapse.register, name, password)
    bot_id, data_dir = synapse.user_id(name), tmp_path / "data"
    aliases = {key: unique(f"crash-{key}") for key in ("coworking", "sync")}
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "homeserver": synapse.url, "user_id": bot_id, "data_dir": str(data_dir),
        "admins": [anna.user_id], "language": "en", "log_level": "DEBUG",
        "timezone": midday_timezone(),
        "rooms": [{"key": k, "name": k.title(), "alias": a} for k, a in aliases.items()],
        "checkin": {"room": "coworking", "time": "00:00", "weekdays": ALL_DAYS},
        "sync": {"room": "sync"},
    }))
    bot = BotProcess(config, password, tmp_path)
    bot.start()
    await bot.live()
    rooms = {
        key: await anna.create_room(alias=alias, invite=[bot_id], preset=RoomPreset.public_chat,
                                    power_level_override={"users": {bot_id: 50}})
        for key, alias in aliases.items()
    }
    for room_id in rooms.values():
        await anna.wait_for(joined(room_id, bot_id), timeout=60)
    checkin = await anna.ask(rooms["coworking"], "!checkin post", timeout=60)
    assert checkin.body == "Today's check-in is posted.", checkin.body
    announced = await anna.ask(rooms["sync"], "!sync announce", timeout=60)
    assert announced.body.startswith(("Announced", "The sync on")), announced.body
    posts = dict(read_db(data_dir / DB_FILE, "SELECT event_id, room_id FROM tracked_posts "
                         "WHERE kind IN ('daily', 'announcement') ORDER BY kind DESC"))
    assert len(posts) == 2, posts
    return Community(bot, bot_id, password, data_dir, rooms, posts)


async def perform(step: Step, members: list[AsyncClient], world: Community,
                  sent: dict[int, str]) -> None:
    post = world.posts_by_label[step.post]
    client, room_id = members[step.user], world.posts[post]
    if step.key is not None:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": post,
                                    "key": step.key}}
        response = await client.room_send(room_id, "m.reaction", content)
        assert isinstance(response, RoomSendResponse), response
        sent[step.index] = response.event_id
    else:
        response = await client.room_redact(room_id, sent[step.undoes])
        assert isinstance(response, RoomRedactResponse), response


async def burst(world: Community, members: list[AsyncClient], steps: list[Step],
                kills: list[int]) -> tuple[dict[int, str], list[float]]:
    """Every step, wave by wave; at a kill point the bot dies and is started again while the
    members go on. Returns the reaction ids sent and each restart's seconds until live."""
    sent: dict[int, str] = {}
    recovered: list[float] = []
    for wave in waves(steps, kills, WAVE):
        if wave[0].index in kills:
            if len(world.bot.logs) > 1:
                recovered.append(await world.bot.live())  # the last restart is through
            world.bot.kill()
            world.bot.start()
        await asyncio.gather(*(perform(s, members, world, sent) for s in wave))
    recovered.append(await world.bot.live())
    return sent, recovered


async def settled(anna: Member, world: Community) -> None:
    """Two rounds of commands in both rooms: whatever the bot received before the first round
    (gap reconciliation after its restart included) is handled when the second is answered."""
    for _round in range(2):
        await anna.ask(world.rooms["coworking"], "!who", timeout=90)
        await anna.ask(world.rooms["sync"], "!sync", timeout=90)


def by_id(held: list[Held]) -> dict[str, tuple[str, str, str]]:
    return {h.reaction_id: (h.post, h.user_id, h.key) for h in held}


def post_shows(seen: Seen, post: str, lines: list[str]) -> bool:
    relates = seen.content.get("m.relates_to") or {}
    body = seen.content.get("m.new_content", {}).get("body", "")
    return relates.get("event_id") == post and all(line in body for line in lines)


def rsvp_lines(held: list[Held]) -> list[str]:
    answers = rsvp.answers(Reaction(h.user_id, h.key, h.ts) for h in held)
    counts = {a: sum(v == a for v in answers.values()) for a in rsvp.ANSWERS}
    return [f"Coming ({counts['yes']})", f"Maybe ({counts['maybe']})",
            f"Not coming ({counts['no']})"]


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_crash_during_burst_loses_nothing_and_doubles_nothing(
    synapse: DevServer, members: dict[str, Member], tmp_path: Path, long_mode: bool, figure
) -> None:
    anna = members["anna"]
    step_count, kill_count = SIZES[long_mode]
    world = await start_community(synapse, anna, tmp_path)
    people = await crowd(synapse, USERS)
    try:
        await join_all(people, list(world.rooms.values()))
        steps = plan_steps(SEED, step_count, USERS, {"checkin": CHECKIN_KEYS, "rsvp": RSVP_KEYS})
        kills = kill_points(SEED, step_count, kill_count)
        started = asyncio.get_running_loop().time()
        sent, recovered = await burst(world, people, steps, kills)
        took = asyncio.get_running_loop().time() - started
        await settled(anna, world)
        server = [h for post, room in world.posts.items()
                  for h in await held_by_server(anna.client, room, post, world.bot_id)]
        attendance = dict(read_db(world.db, "SELECT user_id, mode FROM checkin_attendance"))
        expected_modes = await posts_show(anna, world, server)
        exposed_while_running = open_to_others(world.data_dir)  # the WAL files exist now
    finally:
        exit_code = world.bot.terminate()
        await close_all(people)

    stored = by_id(held_in_store(world.db))
    held = by_id(server)
    redacted = {sent[s.undoes] for s in steps if s.undoes is not None}
    lost, doubled = held.keys() - stored.keys(), stored.keys() - held.keys()
    missed = stored.keys() & redacted
    assert held.keys() == set(sent.values()) - redacted, "the homeserver lost a member's step"
    assert (lost, doubled, missed) == (set(), set(), set())
    assert stored == held
    assert attendance == expected_modes
    assert exit_code == 0, world.bot.tail()
    reactions = sum(s.key is not None for s in steps)
    figure(f"crash burst: {USERS} members, {reactions} reactions and "
           f"{len(steps) - reactions} redactions in {took:.0f} s (seed {SEED}), "
           f"{kill_count} SIGKILLs at steps {'/'.join(map(str, kills))}, "
           f"lost {len(lost)}, doubled {len(doubled)}, redactions missed {len(missed)}, "
           f"{len(held)} reactions held = stored, {len(attendance)} check-ins right, "
           f"live again in {'/'.join(f'{t:.1f}' for t in recovered)} s")
    assert exposed_while_running == []
    secrets_and_files(world, figure)


async def posts_show(anna: Member, world: Community, server: list[Held]) -> dict[str, str]:
    """The check-in post and the announcement, as Anna sees them, count what the homeserver
    holds; returns each member's check-in mode by the homeserver's reactions."""
    checkin_post, announcement = world.posts
    modes = latest_modes([h for h in server if h.post == checkin_post], MODES)
    on_post = [f"On site ({sum(m == 'onsite' for m in modes.values())})",
               f"Remote ({sum(m == 'remote' for m in modes.values())})"]
    answers = rsvp_lines([h for h in server if h.post == announcement])
    await anna.wait_for(lambda s: post_shows(s, checkin_post, on_post), timeout=60)
    await anna.wait_for(lambda s: post_shows(s, announcement, answers), timeout=60)
    return modes


def secrets_and_files(world: Community, figure) -> None:
    """No secret in what the killed and restarted runs logged; nothing in the data dir open to
    anyone but the bot's user."""
    token = json.loads((world.data_dir / CREDENTIALS_FILE).read_text())["access_token"]
    assert_no_secrets(world.bot.log_text(), {"password": world.password, "token": token})
    assert open_to_others(world.data_dir) == []
    files = sorted(p.name + ("/" if p.is_dir() else "") for p in world.data_dir.iterdir())
    figure(f"secrets and files: {len(world.bot.logs)} DEBUG logs of the killed and restarted "
           f"runs ({len(world.bot.log_text()) // 1024} KB) without password or token; the "
           f"data dir and everything in it ({', '.join(files)}) private to the bot's user, "
           "while running (with the WAL files) and after")
