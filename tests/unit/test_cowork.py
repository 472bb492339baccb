"""Pure parts of coworking together: core-hours windows, goals from replies, the config."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from matrixcowork.core.config import ConfigError, parse_config
from matrixcowork.features.checkin.config import CoreHours
from matrixcowork.features.cowork.focus import MAX_GOAL, goal_text, has_key, replied_to
from matrixcowork.features.cowork.openroom import next_window

BERLIN = ZoneInfo("Europe/Berlin")
HOURS = CoreHours(start=time(9, 0), end=time(17, 0))
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize(("now", "start"), [
    (at(2026, 12, 1, 8, 0), at(2026, 12, 1, 9, 0)),  # Tuesday morning: today's
    (at(2026, 12, 1, 16, 59), at(2026, 12, 1, 9, 0)),  # running: still today's
    (at(2026, 12, 1, 17, 0), at(2026, 12, 2, 9, 0)),  # over: tomorrow's
    (at(2026, 12, 4, 17, 0), at(2026, 12, 7, 9, 0)),  # Friday evening: Monday's
    (at(2026, 12, 5, 12, 0), at(2026, 12, 7, 9, 0)),  # Saturday: Monday's
])
def test_next_window_is_the_running_or_next_core_hours_on_a_coworking_day(
    now: datetime, start: datetime
) -> None:
    assert next_window(now, HOURS, WEEKDAYS, BERLIN) == (start, start.replace(hour=17))


def test_next_window_keeps_local_hours_across_the_change_to_summer_time() -> None:
    start, end = next_window(at(2027, 3, 27, 12, 0), HOURS, ["sun", "mon"], BERLIN)
    assert (start.hour, end.hour, (end - start).total_seconds()) == (9, 17, 8 * 3600)
    assert start.utcoffset().total_seconds() == 2 * 3600  # Sunday 28 March is CEST


def test_a_goal_is_the_reply_without_its_quoted_fallback_on_one_line() -> None:
    assert goal_text("> <@bot:x> 🎯 Focus sprint\n> until 10:00\n\nwrite  the\nreport") == \
        "write the report"
    assert goal_text("> only a quote") == ""
    assert goal_text("3 > 2 chapters") == "3 > 2 chapters"
    long = goal_text("x" * 500)
    assert len(long) == MAX_GOAL and long.endswith("…")


def test_a_message_answers_its_reply_target_or_its_thread_root() -> None:
    assert replied_to({"m.relates_to": {"m.in_reply_to": {"event_id": "$post"}}}) == "$post"
    thread = {"rel_type": "m.thread", "event_id": "$post", "is_falling_back": True,
              "m.in_reply_to": {"event_id": "$latest"}}
    assert replied_to({"m.relates_to": thread}) == "$post"
    assert replied_to({"body": "hi"}) is None


def test_join_and_reached_keys_in_any_skin_tone_or_gender() -> None:
    assert has_key(["👍", "🙋🏽"], "🙋") and has_key(["🙋\u200d♀\ufe0f"], "🙋")
    assert has_key(["✅\ufe0f"], "✅") and not has_key(["❌"], "✅")


def config(**overrides: object) -> dict[str, object]:
    return {
        "homeserver": "https://matrix.example.org", "user_id": "@bot:example.org",
        "password": "x", "admins": ["@anna:example.org"],
        "rooms": [{"key": "coworking", "name": "Coworking", "alias": "cowork"}],
        "checkin": {"core_hours": {"start": "09:00", "end": "17:00"}},
        **overrides,
    }


def test_coworking_config_defaults_and_choices() -> None:
    parsed = parse_config(config(coworking={}), "c.yaml", environ={}).coworking
    assert parsed is not None
    assert (parsed.room, parsed.focus_minutes, parsed.focus_default) == ("coworking", [25, 50], 50)
    assert parsed.call_timeout.total_seconds() == 2 * 3600


@pytest.mark.parametrize(("overrides", "message"), [
    ({"coworking": {"focus_minutes": [25, 90]}},
     "c.yaml: coworking: focus_default must be one of focus_minutes"),
    ({"coworking": {"focus_minutes": [25, 25], "focus_default": 25}},
     "c.yaml: coworking: focus_minutes: a length is listed twice"),
    ({"coworking": {"room": "lobby"}},
     "c.yaml: coworking.room: unknown room key 'lobby' (known: coworking)"),
    ({"coworking": {}, "checkin": {}},
     "c.yaml: coworking.open_room: the video room opens in the core hours: set "
     "checkin.core_hours, or open_room: false"),
])
def test_coworking_config_mistakes_are_named(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(config(**overrides), "c.yaml", environ={})
    assert str(caught.value) == message


def test_without_core_hours_the_open_room_can_be_switched_off() -> None:
    raw = config(coworking={"open_room": False}, checkin={})
    assert parse_config(raw, "c.yaml", environ={}).coworking is not None


def test_the_example_config_documents_coworking() -> None:
    from pathlib import Path

    from matrixcowork.core.config import load_config

    example = Path(__file__).parents[2] / "config.example.yaml"
    parsed = load_config(example, environ={"MATRIXCOWORK_PASSWORD": "x"})
    assert parsed.coworking is not None and parsed.coworking.open_room
    assert parsed.checkin is not None and parsed.checkin.core_hours is not None
