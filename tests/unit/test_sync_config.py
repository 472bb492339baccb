"""The `sync` and `jitsi` sections: defaults, the example, and one-line errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from matrixcowork.core.config import ConfigError, load_config, parse_config

VALID = {
    "homeserver": "https://matrix.example.org",
    "user_id": "@bot:example.org",
    "password": "pw-123456",
    "admins": ["@anna:example.org"],
    "rooms": [{"key": "sync", "name": "Sync", "alias": "owl-sync"}],
}


def config_with(**sections):
    return parse_config({**VALID, **sections}, "config.yaml", environ={})


def test_defaults_are_the_first_tuesday_on_meet_jit_si() -> None:
    config = config_with(sync={})
    assert config.sync.recurrence == "first tuesday 18:00"
    assert config.sync.duration == timedelta(hours=1)
    assert config.sync.announce_before == timedelta(days=7)
    assert config.sync.remind_before == [timedelta(days=1), timedelta(minutes=15)]
    assert config.jitsi.base_url == "https://meet.jit.si"
    assert config_with().sync is None


def test_the_example_documents_every_key() -> None:
    example = Path(__file__).parents[2] / "config.example.yaml"
    config = load_config(example, environ={"MATRIXCOWORK_PASSWORD": "x"})
    assert config.sync.duration == timedelta(minutes=90)
    assert config.sync.title == "OWL-Sync" and config.sync.public is False
    assert config.jitsi.conference_prefix == "owl-sync"
    text = example.read_text()
    for key in ("room", "recurrence", "duration", "announce_before", "remind_before", "title",
                "public", "base_url", "conference_prefix", "widget_url"):
        assert f"\n  {key}:" in text, key


@pytest.mark.parametrize(("value", "expected"), [
    ("90m", timedelta(minutes=90)), ("1h30m", timedelta(minutes=90)), ("2h", timedelta(hours=2)),
    ("7d", timedelta(days=7)), (45, timedelta(minutes=45)), ("1d 2h", timedelta(hours=26)),
])
def test_durations(value, expected) -> None:
    assert config_with(sync={"duration": value}).sync.duration == expected


@pytest.mark.parametrize(("sections", "message"), [
    ({"sync": {"room": "nope"}}, "sync.room: unknown room key 'nope' (known: sync)"),
    ({"sync": {"recurrence": "tuesdays"}},
     "sync.recurrence: 'tuesdays' is not a recurrence like 'first tuesday 18:00'"),
    ({"sync": {"duration": "soon"}}, "sync.duration: 'soon' is not a duration like 90m"),
    ({"sync": {"duration": "0m"}}, "sync.duration: '0m' is not a duration"),
    ({"sync": {"remind_before": ["7d"]}},
     "sync: remind_before: reminders must come after the announcement"),
    ({"sync": {"remind_before": ["1d", "24h"]}}, "sync: remind_before: a lead time is listed"),
    ({"jitsi": {"base_url": "https://meet.example.org/path"}}, "jitsi.base_url: String should"),
    ({"jitsi": {"conference_prefix": "Owl Sync"}}, "jitsi.conference_prefix: String should"),
    ({"jitsi": {"secret": "x"}}, "jitsi.secret: unknown key"),
])
def test_mistakes_are_one_line_naming_the_key(sections, message) -> None:
    with pytest.raises(ConfigError) as caught:
        config_with(**sections)
    assert str(caught.value).startswith("config.yaml: " + message), caught.value
    assert "\n" not in str(caught.value)
