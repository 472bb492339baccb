"""Stories of the figures: `!stats` and the attendance export agree with the store."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections import Counter

import pytest
import yaml

from matrixcowork.cli import main
from tests.helpers import Member, berlin

from .checkin_world import ONSITE, REMOTE, World, coworking_world, nick


async def a_december(world: World) -> None:
    """Ben, Cem and Anna check in on three days of December (and Cem once in November)."""
    anna, ben, cem = world.anna, world.ben, world.cem
    clock = world.bot.clock
    clock.set(berlin(2026, 11, 30, 10, 0))
    await cem.ask(world.room, "!checkin onsite")
    clock.set(berlin(2026, 12, 1, 9, 0))  # Tuesday
    tuesday = await world.post_today()
    await ben.react(world.room, tuesday, ONSITE)
    await cem.ask(world.room, "!checkin remote working on taxes")
    clock.set(berlin(2026, 12, 2, 9, 0))  # Wednesday
    wednesday = await world.post_today()
    await ben.ask(world.room, "!checkin onsite")
    await anna.react(world.room, wednesday, REMOTE)
    await world.wait_for_post_text(wednesday, has=[nick(anna), nick(ben)])
    clock.set(berlin(2026, 12, 8, 9, 0))  # Tuesday
    await ben.ask(world.room, "!checkin remote")


async def december_lines_from_store(world: World) -> list[str]:
    rows = await world.rows(
        "SELECT user_id, mode FROM checkin_attendance WHERE day LIKE '2026-12-%'"
    )
    per_member: dict[str, Counter[str]] = {}
    for user_id, mode in rows:
        per_member.setdefault(user_id, Counter())[mode] += 1
    label = {"onsite": "On site", "remote": "Remote"}
    lines = []
    for user_id, counts in sorted(per_member.items(), key=lambda i: (-i[1].total(), i[0])):
        modes = ", ".join(f"{label[m]} {counts[m]}" for m in ("onsite", "remote") if counts[m])
        lines.append(f"- {user_id[1:].split(':')[0]}: {counts.total()} ({modes})")
    return lines


async def test_stats_and_export_agree_with_the_store(
    make_bot, members: dict[str, Member], tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = await coworking_world(make_bot, members)
    await a_december(world)

    organizer = (await world.anna.ask(world.room, "!stats 2026-12")).body
    assert "Check-ins in December 2026" in organizer
    assert "Check-ins: 5 · members: 3 · On site 2, Remote 3" in organizer
    assert "Busiest weekday: Tuesday." in organizer
    assert organizer.splitlines()[-3:] == await december_lines_from_store(world)
    assert "Check-ins: 1 · members: 1 · On site 1" in (
        await world.anna.ask(world.room, "!stats 2026-11")
    ).body

    config = tmp_path / "export.yaml"
    config.write_text(yaml.safe_dump({
        "homeserver": world.bot.config.homeserver, "user_id": world.bot.user_id,
        "password": "not-needed", "admins": [world.anna.user_id],
        "data_dir": str(world.bot.config.data_dir),
    }))
    args = ["export", "attendance", "--from", "2026-12-01", "--to", "2026-12-31", "-c", str(config)]
    capsys.readouterr()
    assert await asyncio.to_thread(main, args) == 0
    exported_csv = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert await asyncio.to_thread(main, [*args, "--format", "json"]) == 0
    exported_json = json.loads(capsys.readouterr().out)

    stored = await world.rows("SELECT day, user_id, mode, source, note FROM checkin_attendance "
                              "WHERE day BETWEEN '2026-12-01' AND '2026-12-31'")
    for exported in (exported_csv, exported_json):
        assert sorted((r["day"], r["user_id"], r["mode"], r["source"], r["note"] or None)
                      for r in exported) == sorted(stored)
    assert len(stored) == 5
    assert {r["note"] for r in exported_json} == {"", "working on taxes"}


async def test_members_see_their_own_line_and_the_totals_only(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members)
    await a_december(world)
    ben = world.ben

    mine = (await ben.ask(world.room, "!stats")).body  # the clock stands in December

    assert "Check-ins: 5 · members: 3" in mine
    assert "Your check-ins: 3 (On site 2, Remote 1)." in mine
    assert nick(world.cem) not in mine and nick(world.anna) not in mine
    empty = (await world.cem.ask(world.room, "!stats 2027-01")).body
    assert empty == "No check-ins in January 2027."


async def test_the_config_may_show_everyone_to_members(
    make_bot, members: dict[str, Member]
) -> None:
    world = await coworking_world(make_bot, members, members_see_all_stats=True)
    await a_december(world)

    shown = (await world.ben.ask(world.room, "!stats 2026-12")).body

    assert shown.splitlines()[-3:] == await december_lines_from_store(world)


async def test_a_malformed_month_gets_the_usage(make_bot, members: dict[str, Member]) -> None:
    world = await coworking_world(make_bot, members)
    before = await world.bot.services.store.dump()

    answer = (await world.ben.ask(world.room, "!stats 2026-13")).body

    assert answer == "'2026-13' is not a month like 2026-12.\n\nUsage: !stats [month]"
    assert await world.bot.services.store.dump() == before
