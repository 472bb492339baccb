"""Which step of a meeting runs when, including after downtime: at most once, late only while
it still makes sense."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from matrixcowork.meetings.steps import Timing, decide, lead_name, next_time, plan

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2027, 1, 5, 18, 0, tzinfo=BERLIN)
TIMING = Timing(timedelta(days=7), (timedelta(minutes=15), timedelta(days=1)))
STEPS = plan(START, timedelta(hours=1), TIMING)
ALL = [s.name for s in STEPS]


def at(delta: timedelta) -> datetime:
    return START + delta


def outcome(recorded: list[str], now: datetime) -> dict[str, bool]:
    return {step.name: run for step, run in decide(STEPS, recorded, now)}


def test_the_plan_in_time_order() -> None:
    assert ALL == ["announce", "reminder:1d", "reminder:15m", "start", "end"]
    assert [s.at for s in STEPS] == [
        at(-timedelta(days=7)), at(-timedelta(days=1)), at(-timedelta(minutes=15)), START,
        at(timedelta(hours=1))]
    assert lead_name(timedelta(hours=1, minutes=30)) == "reminder:1h30m"
    assert lead_name(timedelta(days=2, minutes=5)) == "reminder:2d5m"


def test_each_step_on_time_and_never_twice() -> None:
    assert outcome([], at(-timedelta(days=8))) == {}
    assert outcome([], at(-timedelta(days=7))) == {"announce": True}
    assert outcome(["announce"], at(-timedelta(days=2))) == {}
    assert outcome(["announce"], at(-timedelta(days=1))) == {"reminder:1d": True}
    assert outcome(["announce", "reminder:1d"], at(-timedelta(minutes=15))) == {
        "reminder:15m": True}
    assert outcome(ALL[:3], START) == {"start": True}
    assert outcome(ALL[:4], at(timedelta(minutes=59))) == {}
    assert outcome(ALL[:4], at(timedelta(hours=1))) == {"end": True}
    assert outcome(ALL, at(timedelta(days=30))) == {}


def test_a_reminder_runs_late_until_the_start_and_is_skipped_after() -> None:
    assert outcome(["announce"], at(-timedelta(hours=3))) == {"reminder:1d": True}
    assert outcome(["announce"], at(-timedelta(minutes=5))) == {
        "reminder:1d": False, "reminder:15m": True}  # the later one says it all
    assert outcome(["announce"], at(timedelta(minutes=5))) == {
        "reminder:1d": False, "reminder:15m": False, "start": True}


def test_the_start_post_runs_late_until_the_end_and_the_summary_any_time() -> None:
    assert outcome(ALL[:3], at(timedelta(minutes=40))) == {"start": True}
    assert outcome(ALL[:3], at(timedelta(hours=5))) == {"start": False, "end": True}
    assert outcome([], at(timedelta(days=3))) == {
        "announce": False, "reminder:1d": False, "reminder:15m": False, "start": False,
        "end": True}


def test_a_late_announcement_is_not_followed_by_a_reminder_at_once() -> None:
    assert outcome([], at(-timedelta(hours=9))) == {"announce": True, "reminder:1d": False}
    assert outcome([], at(-timedelta(minutes=10))) == {
        "announce": True, "reminder:1d": False, "reminder:15m": False}


def test_skipped_steps_count_as_handled() -> None:
    assert outcome(["announce", "reminder:1d", "reminder:15m"], at(-timedelta(minutes=1))) == {}
    assert next_time(STEPS, ["announce", "reminder:1d"]) == at(-timedelta(minutes=15))
    assert next_time(STEPS, ALL) is None
