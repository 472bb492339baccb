"""When coffee rounds happen, and what the `coffee`/`people` config accepts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from matrixcowork.core.config import ConfigError, parse_config
from matrixcowork.features.coffee.config import CoffeeConfig
from matrixcowork.features.coffee.schedule import CoffeeSchedule

BERLIN = ZoneInfo("Europe/Berlin")


def schedule(**values) -> CoffeeSchedule:
    return CoffeeSchedule(CoffeeConfig(room="coffee", **values), BERLIN)


def test_every_two_weeks_alternates_mondays_across_the_year_end() -> None:
    plan = schedule(every_weeks=2)
    mondays = [date(2026, 11, 30) + timedelta(weeks=n) for n in range(8)]
    rounds = [plan.is_round(day) for day in mondays]
    assert rounds in ([True, False] * 4, [False, True] * 4)
    assert not any(plan.is_round(mondays[0] + timedelta(days=d)) for d in range(1, 7))


def test_next_round_heads_up_and_follow_up_times() -> None:
    plan = schedule(every_weeks=1, time="10:00", followup_days=3)
    now = datetime(2026, 12, 1, 8, 59, tzinfo=BERLIN)
    day = plan.next_round(now)
    assert day == date(2026, 12, 7)
    assert plan.headsup(day) == datetime(2026, 12, 6, 10, 0, tzinfo=BERLIN)
    assert plan.followup(day) == datetime(2026, 12, 10, 10, 0, tzinfo=BERLIN)
    assert plan.next_round(plan.start(day) - timedelta(minutes=1)) == day
    assert plan.next_round(plan.start(day)) == date(2026, 12, 14)  # started: the next one


def test_round_time_stays_local_across_daylight_saving() -> None:
    plan = schedule(every_weeks=1, weekday="sun", time="10:00")
    assert plan.start(date(2027, 3, 28)).utcoffset() == timedelta(hours=2)
    assert plan.start(date(2027, 3, 21)).utcoffset() == timedelta(hours=1)


BASE = {"homeserver": "https://m.example", "user_id": "@bot:example.org", "password": "x",
        "admins": ["@anna:example.org"], "rooms": [{"key": "cafe", "name": "C", "alias": "c"}]}


def test_coffee_and_people_config_name_known_rooms() -> None:
    config = parse_config({**BASE, "coffee": {"room": "cafe"}, "people": {"intro_room": "cafe"}},
                          "c.yaml", environ={})
    assert config.coffee is not None and config.coffee.every_weeks == 2
    assert config.coffee.avoid_repeat_rounds == 3 and config.coffee.followup_days == 3
    with pytest.raises(ConfigError, match=r"coffee.room: unknown room key 'kaffee'"):
        parse_config({**BASE, "coffee": {"room": "kaffee"}}, "c.yaml", environ={})
    with pytest.raises(ConfigError, match=r"people.intro_room: unknown room key"):
        parse_config({**BASE, "people": {"intro_room": "nope"}}, "c.yaml", environ={})
    with pytest.raises(ConfigError, match=r"coffee.every_weeks"):
        parse_config({**BASE, "coffee": {"room": "cafe", "every_weeks": 0}}, "c.yaml",
                     environ={})
