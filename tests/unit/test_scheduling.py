"""The scheduling service on the fake clock: order, late jobs, retries, DST, stop."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matrixcowork.core.clock import Clock, FakeClock, later
from matrixcowork.core.scheduling import RETRY, Cron, Scheduler, due_on, instant_of

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=BERLIN, fold=fold)


class Log:
    """Actions that write down who ran at which `now`."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, datetime]] = []

    def action(self, label: str, fail_times: int = 0):
        left = [fail_times]

        async def run(now: datetime) -> None:
            self.runs.append((label, now))
            if left[0]:
                left[0] -= 1
                raise RuntimeError("the homeserver said no")

        return run

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.runs]


def world(start: datetime) -> tuple[FakeClock, Scheduler, Log]:
    clock = FakeClock(BERLIN, start)
    return clock, Scheduler(clock), Log()


async def test_due_jobs_run_earliest_first_and_nothing_runs_before_its_time() -> None:
    clock, scheduler, log = world(berlin(2026, 12, 1, 8, 0))
    scheduler.at("b:late", berlin(2026, 12, 1, 10, 0), log.action("late"), name="late")
    scheduler.at("a:early", berlin(2026, 12, 1, 9, 0), log.action("early"), name="early")
    scheduler.at("c:same", berlin(2026, 12, 1, 9, 0), log.action("same"), name="same")

    assert await scheduler.run_due() == []
    clock.set(berlin(2026, 12, 1, 9, 30))
    assert await scheduler.run_due() == ["a:early", "c:same"]  # a tie keeps the order added
    clock.set(berlin(2026, 12, 1, 12, 0))
    assert await scheduler.run_due() == ["b:late"]
    assert log.labels == ["early", "same", "late"]
    assert scheduler.upcoming() == []


async def test_a_job_for_a_time_that_has_passed_runs_at_once_with_the_real_now() -> None:
    _clock, scheduler, log = world(berlin(2026, 12, 1, 8, 0))
    scheduler.at("x:past", berlin(2026, 11, 30, 8, 0), log.action("past"), name="past")

    assert await scheduler.run_due() == ["x:past"]
    assert log.runs == [("past", berlin(2026, 12, 1, 8, 0))]  # the feature decides: late or skip


async def test_a_jump_over_several_due_times_runs_a_recurring_job_once() -> None:
    clock, scheduler, log = world(berlin(2026, 12, 1, 8, 0))  # a Tuesday
    scheduler.every("checkin:daily", Cron.of(BERLIN, day_of_week="mon-fri", hour=8, minute=30),
                    log.action("post"), name="post")
    clock.set(berlin(2026, 12, 4, 9, 0))  # Tue, Wed, Thu and Fri 08:30 have passed

    assert await scheduler.run_due() == ["checkin:daily"]
    assert await scheduler.run_due() == []
    assert scheduler.job("checkin:daily").due == berlin(2026, 12, 7, 8, 30)  # Monday


async def test_catch_up_runs_once_at_start_then_the_rule_takes_over() -> None:
    _clock, scheduler, log = world(berlin(2026, 12, 1, 11, 0))
    scheduler.every("coffee:daily", Cron.of(BERLIN, hour=10, minute=0), log.action("round"),
                    name="coffee", catch_up=True)

    assert await scheduler.run_due() == ["coffee:daily"]
    assert scheduler.job("coffee:daily").due == berlin(2026, 12, 2, 10, 0)


async def test_a_daily_job_catches_up_then_runs_on_its_weekdays_at_its_time() -> None:
    _clock, scheduler, log = world(berlin(2026, 12, 1, 9, 0))  # a Tuesday
    scheduler.daily("digest:weekly", time(8, 30), log.action("digest"), name="digest",
                    weekdays=("mon", "thu"))
    assert await scheduler.run_due() == ["digest:weekly"]  # what was due while it was down
    assert scheduler.job("digest:weekly").due == berlin(2026, 12, 3, 8, 30)  # Thursday
    scheduler.daily("quiet:daily", time(7, 0), log.action("quiet"), name="quiet")
    await scheduler.run_due()
    assert scheduler.job("quiet:daily").due == berlin(2026, 12, 2, 7, 0)


@pytest.mark.parametrize(("now", "weekdays", "at", "due"), [
    (berlin(2026, 12, 1, 8, 30), ("tue",), time(8, 30), True),  # a Tuesday, at its time
    (berlin(2026, 12, 1, 8, 29), ("tue",), time(8, 30), False),  # not yet
    (berlin(2026, 12, 1, 23, 0), ("mon", "wed"), time(8, 30), False),  # not its day
    (berlin(2026, 12, 1, 0, 0), None, time(0, 0), True),  # every day
    (date(2026, 12, 1), ("tue",), None, True),  # a day: no time asked
    (date(2026, 12, 2), ("tue",), None, False),
])
def test_due_on_is_the_day_and_the_time_of_day(now, weekdays, at, due) -> None:
    assert due_on(now, weekdays, at) is due


async def test_a_job_that_fails_is_tried_again_after_the_pause() -> None:
    clock, scheduler, log = world(berlin(2026, 12, 1, 9, 0))
    scheduler.at("sync:meetings", berlin(2026, 12, 1, 9, 0), log.action("step", fail_times=1),
                 name="sync")

    assert await scheduler.run_due() == ["sync:meetings"]
    assert scheduler.job("sync:meetings").due == berlin(2026, 12, 1, 9, 0) + RETRY
    clock.advance(RETRY - timedelta(seconds=1))
    assert await scheduler.run_due() == []
    clock.advance(timedelta(seconds=1))
    assert await scheduler.run_due() == ["sync:meetings"]
    assert scheduler.job("sync:meetings") is None


async def test_a_failing_recurring_job_retries_but_not_past_its_next_time() -> None:
    clock, scheduler, log = world(berlin(2026, 12, 1, 8, 29))
    scheduler.every("checkin:daily", Cron.of(BERLIN, hour=8, minute=30),
                    log.action("post", fail_times=1), name="post")
    clock.set(berlin(2026, 12, 1, 8, 30))
    await scheduler.run_due()
    assert scheduler.job("checkin:daily").due == berlin(2026, 12, 1, 8, 30) + RETRY
    clock.set(berlin(2026, 12, 1, 8, 35))
    await scheduler.run_due()
    assert scheduler.job("checkin:daily").due == berlin(2026, 12, 2, 8, 30)
    assert log.labels == ["post", "post"]


async def test_a_job_that_wakes_itself_for_the_past_and_then_fails_waits_for_the_retry() -> None:
    clock, scheduler, log = world(berlin(2026, 12, 1, 9, 0))

    async def step(now: datetime) -> None:  # as the meeting engine: reschedule, then a bug
        log.runs.append(("step", now))
        scheduler.wake("sync:meetings", [berlin(2026, 12, 1, 8, 0)], step, name="sync")
        raise RuntimeError("a bug in a step")

    scheduler.at("sync:meetings", berlin(2026, 12, 1, 9, 0), step, name="sync")
    assert await scheduler.run_due() == ["sync:meetings"]
    assert await scheduler.run_due() == []
    assert len(log.runs) == 1
    assert scheduler.job("sync:meetings").due == berlin(2026, 12, 1, 9, 0) + RETRY
    clock.advance(RETRY)
    assert await scheduler.run_due() == ["sync:meetings"]


async def test_a_job_that_schedules_itself_again_for_now_waits_for_the_next_pass() -> None:
    _clock, scheduler, log = world(berlin(2026, 12, 1, 9, 0))

    async def again(now: datetime) -> None:
        log.runs.append(("again", now))
        scheduler.at("x:again", now, again, name="again")

    scheduler.at("x:again", berlin(2026, 12, 1, 9, 0), again, name="again")
    assert await scheduler.run_due() == ["x:again"]
    assert await scheduler.run_due() == ["x:again"]
    assert len(log.runs) == 2


async def test_wake_takes_the_earliest_time_and_nothing_due_cancels() -> None:
    _clock, scheduler, log = world(berlin(2026, 12, 1, 9, 0))
    times = [berlin(2026, 12, 1, 10, 0), berlin(2026, 12, 1, 9, 50)]
    scheduler.wake("cowork:focus", times, log.action("end"), name="focus")
    assert scheduler.job("cowork:focus").due == berlin(2026, 12, 1, 9, 50)
    scheduler.wake("cowork:focus", times, log.action("end"), name="focus", failed=True)
    assert scheduler.job("cowork:focus").due == berlin(2026, 12, 1, 9, 50)  # later than retry
    scheduler.wake("cowork:focus", [berlin(2026, 12, 1, 8, 0)], log.action("end"), name="focus",
                   failed=True)
    assert scheduler.job("cowork:focus").due == berlin(2026, 12, 1, 9, 0) + RETRY
    scheduler.wake("cowork:focus", [], log.action("end"), name="focus")
    assert scheduler.job("cowork:focus") is None


async def test_a_stopping_app_takes_every_feature_job_along() -> None:
    clock, scheduler, log = world(berlin(2026, 12, 1, 9, 0))
    for job_id in ("cowork:focus", "cowork:calls", "sync:meetings"):
        scheduler.at(job_id, berlin(2026, 12, 1, 10, 0), log.action(job_id), name=job_id)
    await scheduler.stop()
    assert scheduler.upcoming() == []
    clock.set(berlin(2026, 12, 2, 10, 0))
    assert await scheduler.run_due() == [] and log.runs == []


async def test_with_the_fake_clock_nothing_runs_by_itself() -> None:
    _clock, scheduler, log = world(berlin(2026, 12, 1, 9, 0))
    scheduler.at("x:now", berlin(2026, 12, 1, 9, 0), log.action("now"), name="now")
    scheduler.start()
    for _ in range(5):
        await asyncio_yield()
    assert log.runs == []


async def test_with_the_real_clock_a_due_job_runs_by_itself() -> None:
    import asyncio

    scheduler = Scheduler(Clock(BERLIN))
    ran = asyncio.Event()

    async def job(now: datetime) -> None:
        ran.set()

    scheduler.start()
    try:
        scheduler.at("x:soon", later(scheduler.clock.now(), timedelta(seconds=0.05)), job,
                     name="soon")
        await asyncio.wait_for(ran.wait(), 10)  # a bound for a busy machine, not a speed
        assert scheduler.job("x:soon") is None
    finally:
        await scheduler.stop()


async def asyncio_yield() -> None:
    import asyncio

    await asyncio.sleep(0)


# --- daylight saving time --------------------------------------------------------------------

SPRING = (2027, 3, 28)  # Berlin: 02:00 CET becomes 03:00 CEST
AUTUMN = (2031, 10, 26)  # Berlin: 03:00 CEST becomes 02:00 CET


def test_a_time_in_the_spring_gap_stands_for_the_end_of_the_gap() -> None:
    assert instant_of(datetime(*SPRING, 2, 30), BERLIN) == berlin(*SPRING, 3, 0)
    assert instant_of(datetime(*SPRING, 2, 30), BERLIN).utcoffset() == timedelta(hours=2)


def test_a_repeated_autumn_time_stands_for_its_first_occurrence() -> None:
    first = instant_of(datetime(*AUTUMN, 2, 30), BERLIN)
    assert first.astimezone(UTC) == datetime(2031, 10, 26, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("day", [SPRING, AUTUMN])
async def test_a_0230_job_runs_once_on_the_nights_the_clocks_change(day) -> None:
    year, month, date = day
    clock, scheduler, log = world(berlin(year, month, date - 1, 12, 0))
    scheduler.every("x:night", Cron.of(BERLIN, hour=2, minute=30), log.action("night"),
                    name="night")
    instant = clock.now()
    while instant < berlin(year, month, date + 1, 0, 0):  # the night in 5-minute steps (UTC)
        instant = (instant.astimezone(UTC) + timedelta(minutes=5)).astimezone(BERLIN)
        clock.set(instant)
        await scheduler.run_due()
    assert len(log.runs) == 1
    ran = log.runs[0][1]
    if day == SPRING:
        assert ran == berlin(*SPRING, 3, 0)
    else:
        assert ran.astimezone(UTC) == datetime(2031, 10, 26, 0, 30, tzinfo=UTC)  # the first 02:30


async def test_in_the_repeated_autumn_hour_a_job_is_due_by_the_real_time() -> None:
    # 02:20 CEST, then 50 minutes later 02:10 CET: the wall clock went back, the job is due.
    clock, scheduler, log = world(berlin(*AUTUMN, 2, 0))
    scheduler.at("x:step", berlin(*AUTUMN, 2, 20), log.action("step"), name="step")
    clock.set(berlin(*AUTUMN, 2, 10, fold=1))
    assert clock.now().astimezone(UTC) == datetime(2031, 10, 26, 1, 10, tzinfo=UTC)
    assert await scheduler.run_due() == ["x:step"]


async def test_the_retry_pause_is_real_time_across_the_repeated_hour() -> None:
    clock, scheduler, log = world(berlin(*AUTUMN, 2, 58))  # CEST, two minutes before 02:00 CET
    scheduler.at("x:step", clock.now(), log.action("step", fail_times=1), name="step")
    await scheduler.run_due()
    retry = scheduler.job("x:step").due
    assert retry.astimezone(UTC) - clock.now().astimezone(UTC) == RETRY
    assert (retry.hour, retry.minute, retry.fold) == (2, 3, 1)  # 02:03 CET


async def test_a_25_minute_sprint_from_0240_cest_ends_25_minutes_later() -> None:
    # The focus sprint's end (and a call's timeout) is `later(start, length)`.
    clock, scheduler, log = world(berlin(*AUTUMN, 2, 40))
    end = later(clock.now(), timedelta(minutes=25))
    assert (end.hour, end.minute, end.utcoffset()) == (2, 5, timedelta(hours=1))  # 02:05 CET
    scheduler.wake("cowork:focus", [end], log.action("end"), name="focus")
    for _ in range(4):
        clock.advance(timedelta(minutes=6))
        assert await scheduler.run_due() == []
    clock.advance(timedelta(minutes=1))
    assert await scheduler.run_due() == ["cowork:focus"]
    assert log.runs[0][1].astimezone(UTC) == datetime(2031, 10, 26, 1, 5, tzinfo=UTC)


def test_the_next_time_of_a_rule_seen_in_the_repeated_hour_is_not_its_first_pass() -> None:
    rule = Cron.of(BERLIN, hour=2, minute=30)
    after = rule.after(berlin(*AUTUMN, 2, 10, fold=1))  # 02:30 CEST was 40 minutes ago
    assert after == berlin(2031, 10, 27, 2, 30)


def test_the_monthly_rule_keeps_local_time_across_dst() -> None:
    rule = Cron.of(BERLIN, day="1st tue", hour=18, minute=0)
    spring = rule.at_or_after(berlin(2027, 3, 10, 0, 0))
    autumn = rule.at_or_after(berlin(2026, 10, 10, 0, 0))
    assert spring == berlin(2027, 4, 6, 18, 0) and spring.utcoffset() == timedelta(hours=2)
    assert autumn == berlin(2026, 11, 3, 18, 0) and autumn.utcoffset() == timedelta(hours=1)


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2040, 12, 31),
                    timezones=st.just(BERLIN)),
       st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
def test_the_next_time_is_later_on_the_rule_and_nothing_is_skipped(when, hour, minute) -> None:
    rule = Cron.of(BERLIN, hour=hour, minute=minute)
    found = rule.after(when)
    assert found > when
    assert found - when <= timedelta(days=1, hours=1)
    local = found.astimezone(BERLIN)
    in_gap = instant_of(datetime(local.year, local.month, local.day, hour, minute), BERLIN)
    assert in_gap == found  # the rule's time that day, as `instant_of` reads it
