"""Stories of planning ahead: `!plan <day> <place>`, `!plan`, `!plan clear`; the day's post
lists the planned people as planned until they check in. Dora is the outsider, Cem types the
griefer's input."""

from __future__ import annotations

from datetime import date

from matrixcowork.core.offers import PLANS_BETWEEN
from tests.helpers import Member, berlin

from .checkin_world import ONSITE, REMOTE, edited_post, line_of, new_body, nick
from .test_checkin_locations import DETMOLD, LOCATIONS, OUTSIDER, dora, feature, regional_world

__all__ = ["dora"]  # the fixture, used by name
PLANNED = "\U0001F5D3\ufe0f"  # 🗓️


async def test_a_plan_is_shown_in_the_days_post_until_the_check_in(
    make_bot, members: dict[str, Member], dora: Member
) -> None:
    world, dora = await regional_world(make_bot, members, dora, locations=LOCATIONS)
    anna, ben, cem, room = world.anna, world.ben, world.cem, world.room
    store = world.bot.services.store

    planned = await ben.ask(room, "!plan thu Detmold")  # today is Tuesday, 1 December
    assert planned.body.startswith("Planned: ") and "Dec 3, 2026, 🏭 Detmold." in planned.body
    await ben.ask(room, "!plan fri detmold")
    await ben.ask(room, "!plan fri bielefeld")  # the same day again: replaced
    await cem.ask(room, "!plan 2026-12-03 remote")

    # The griefer's and the outsider's attempts write nothing.
    before = await store.dump()
    wrong_place = await cem.ask(room, "!plan fri @room")
    assert wrong_place.body.startswith("'@room' is not a place I know. Places: bielefeld, "
                                       "detmold, remote.")
    assert wrong_place.content.get("m.mentions") == {}
    wrong_day = await cem.ask(room, "!plan someday detmold")
    assert wrong_day.body.startswith("'someday' is not a day: use a weekday")
    assert "Usage: !plan [day] [place]" in wrong_day.body
    too_far = await cem.ask(room, "!plan 2027-12-01 detmold")
    assert too_far.body.startswith("Please plan from today up to 90 days ahead.")
    missing = await cem.ask(room, "!plan thu")
    assert missing.body.startswith("Where will you be? Places: bielefeld, detmold, remote.")
    assert (await dora.ask(room, "!plan thu detmold")).body == OUTSIDER
    assert (await dora.ask(room, "!plan")).body == OUTSIDER
    assert await store.dump() == before

    mine = (await ben.ask(room, "!plan")).body
    assert [line for line in mine.splitlines() if line.startswith("- ")] == [
        "- Thu, Dec 3, 2026: 🏭 Detmold", "- Fri, Dec 4, 2026: 🏢 Bielefeld"]
    cleared = await ben.ask(room, "!plan clear fri")
    assert cleared.body == "Taken back: 1 plan(s)."
    assert "Fri" not in (await ben.ask(room, "!plan")).body
    # The weekly digest reads the week's plans through the check-in's offer.
    week = world.bot.services.offers.get(PLANS_BETWEEN)
    assert await week(date(2026, 11, 30), date(2026, 12, 6)) == [
        (date(2026, 12, 3), ben.user_id, "Detmold"), (date(2026, 12, 3), cem.user_id, "Remote")]

    # Thursday: the post lists Ben and Cem as planned; Ben checks in and leaves that line.
    await world.bot.move_to(berlin(2026, 12, 3, 9, 0))
    post = await feature(world.bot).daily.of(date(2026, 12, 3))
    assert post is not None
    first = await anna.wait_for(lambda s: getattr(s.event, "event_id", None) == post.event_id)
    assert line_of(first.body, PLANNED) == (
        f"{PLANNED} Planned (2): {nick(ben)} ({DETMOLD} Detmold), {nick(cem)} ({REMOTE} Remote)")
    await ben.react(room, post.event_id, DETMOLD)
    body = await world.wait_for_post_text(post.event_id, has=[f"{DETMOLD} Detmold (1)"])
    assert line_of(body, PLANNED) == f"{PLANNED} Planned (1): {nick(cem)} ({REMOTE} Remote)"

    # A plan for today made after the post shows at once; clearing it takes it away.
    await anna.ask(room, "!plan today bielefeld")
    body = await world.wait_for_post_text(post.event_id, has=["Planned (2)"])
    assert f"{nick(anna)} ({ONSITE} Bielefeld)" in line_of(body, PLANNED)
    who = await dora.ask(room, "!who")
    assert who.body == OUTSIDER
    who = await cem.ask(room, "!who")
    assert f"{nick(anna)} ({ONSITE} Bielefeld)" in line_of(who.body, PLANNED)
    assert (await anna.ask(room, "!plan clear")).body == "Taken back: 1 plan(s)."
    await world.wait_for_post_text(post.event_id, has=["Planned (1)"])
    # Cem checks in: nobody is left planned, the line goes.
    await cem.ask(room, "!checkin remote")
    body = await world.wait_for_post_text(post.event_id, has=[f"{REMOTE} Remote (1)"])
    assert PLANNED not in body
    assert [tuple(r) for r in await store.fetch_all(
        "SELECT user_id, day, place FROM checkin_plans ORDER BY user_id")] == sorted([
            (ben.user_id, "2026-12-03", "detmold"), (cem.user_id, "2026-12-03", "remote")])
    edits = [s for s in anna.seen if edited_post(s) == post.event_id]
    assert all("@room" not in new_body(s) for s in edits)
