"""The `webinars` config section: defaults, and one-line errors naming the key."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matrixcowork.core.config import ConfigError, parse_config

BASE = {
    "homeserver": "https://matrix.example.org", "user_id": "@bot:example.org",
    "password": "x", "admins": ["@anna:example.org"],
    "rooms": [{"key": "webinars", "name": "Webinare", "alias": "webinare"},
              {"key": "lobby", "name": "Lobby", "alias": "lobby"}],
}


def test_defaults() -> None:
    config = parse_config({**BASE, "webinars": {}}, "config.yaml", environ={}).webinars
    assert config.room == "webinars" and config.announce_rooms == []
    assert config.vote_threshold == 3 and config.default_minutes == 60 and config.public
    assert config.reminders == [timedelta(days=1), timedelta(minutes=15)]


@pytest.mark.parametrize(("section", "message"), [
    ({"announce_rooms": ["lobby", "nowhere"]},
     "webinars.announce_rooms: unknown room key 'nowhere'"),
    ({"room": "nowhere"}, "webinars.room: unknown room key 'nowhere'"),
    ({"reminders": ["1d", "24h"]}, "webinars.reminders: a lead time is listed twice"),
    ({"vote_threshold": 0}, "webinars.vote_threshold:"),
    ({"default_minutes": 5}, "webinars.default_minutes:"),
])
def test_mistakes_name_the_key(section: dict, message: str) -> None:
    with pytest.raises(ConfigError, match="^config.yaml: " + message):
        parse_config({**BASE, "webinars": section}, "config.yaml", environ={})
