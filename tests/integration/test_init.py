"""`matrixcowork init` as an organizer uses it: answers typed one by one (scripted on stdin), bad
ones asked again with the reason, checked against a real homeserver, and a config file the bot
accepts, readable by its user only."""

from __future__ import annotations

import stat
import subprocess
import sys
import uuid
from pathlib import Path

from matrixcowork.core.config import load_config
from matrixcowork.features.catalog import FEATURES
from matrixcowork.ops.devserver import DevServer
from tests.helpers import unique


def init(path: Path, answers: list[str], *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matrixcowork", "init", "-c", str(path), *flags],
        input="".join(f"{line}\n" for line in answers), capture_output=True, text=True,
        timeout=60,
    )


def test_init_asks_again_until_every_answer_holds_and_writes_a_valid_private_config(
    synapse: DevServer, tmp_path: Path
) -> None:
    name, password = unique("initbot"), "pw-" + uuid.uuid4().hex
    synapse.register(name, password)
    bot_id = synapse.user_id(name)
    path = tmp_path / "config.yaml"
    done = init(path, [
        "nope", "http://127.0.0.1:1", synapse.url,              # homeserver: bad, silent, good
        "cowork-bot", bot_id, password,                          # the bot, and its password
        "anna", "@anna:localhost, @ben:localhost",               # organizers
        "fr", "de",                                              # the bot's language
        "Mars/Olympus", "",                                      # timezone: the default
        "checkin, teleport", "",                                 # features: all
        "", "Coworking Test",                                    # the space's name
        "ftp://x", "https://example.org",                        # the website for !links
    ])
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for reason in ("'nope' is not an address", "http://127.0.0.1:1 does not answer",
                   "'cowork-bot' is not a Matrix id", "'anna' is not a Matrix id",
                   "'fr': one of de, en", "unknown timezone 'Mars/Olympus'",
                   "unknown: teleport", "a name of 1 to 80 characters",
                   "'ftp://x' is not a web address"):
        assert f"Please again: {reason}" in out, reason
    assert out.count("Please again") == 9
    assert "The bot's account logs in." in out
    assert "register_new_matrix_user" not in out  # the account is there: no step to create it
    assert f"/_synapse/admin/v1/users/{bot_id}/override_ratelimit" in out
    assert f"matrixcowork run -c {path}" in out

    config = load_config(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*draft"))
    assert (config.homeserver, config.user_id, config.language) == (synapse.url, bot_id, "de")
    assert config.admins == ["@anna:localhost", "@ben:localhost"]
    assert config.space is not None and config.space.name == "Coworking Test"
    for section in ("checkin", "sync", "people", "coffee", "coworking", "webinars", "links",
                    "events", "digest", "prompts", "welcome", "quiet"):
        assert getattr(config, section) is not None, section
    assert [cls.__name__ for cls in FEATURES if not cls.enabled(config)] == []  # all: all
    assert config.space.knocks and config.space.organizer_room == "orga"
    assert config.room("orga").access == "organizers"
    assert [room.name for room in config.rooms][:2] == ["Allgemein", "Coworking"]
    assert "# The daily check-in post" in path.read_text()  # commented, not a bare dump


def test_init_in_german_says_how_to_create_an_account_that_does_not_log_in(
    synapse: DevServer, tmp_path: Path
) -> None:
    path = tmp_path / "config.yaml"
    done = init(path, [
        synapse.url, "", "wrong-password", "@orga:localhost", "", "",
        "checkin, coworking, quiet", "Coworking Süd",
    ], "--language", "de")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Adresse des Homeservers" in out and "Welche (Namen durch Kommas" in out
    assert "knock      alle dürfen um Beitritt bitten" in out  # the newer features are offered
    assert "Es meldet sich noch nicht an: M_FORBIDDEN" in out
    assert "register_new_matrix_user -c homeserver.yaml -u cowork-bot" in out
    config = load_config(path)
    assert config.user_id == "@cowork-bot:127.0.0.1" and config.language == "de"
    assert config.checkin is not None and config.checkin.core_hours is not None
    assert config.coworking is not None and config.coworking.open_room
    assert config.sync is None and config.webinars is None and config.links is None
    assert config.space is not None and config.space.alias == "coworking-sued"
    # the quiet members' list goes to an organizers' room; nobody may knock without asking
    assert config.quiet is not None and config.quiet.room == "orga"
    assert config.room("orga").access == "organizers" and not config.space.knocks
    assert config.events is None and config.welcome is None and config.digest is None


def test_init_writes_nothing_when_the_file_exists_or_the_answers_end(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("keep: me\n")
    refused = init(path, [])
    assert refused.returncode == 2 and "exists already" in refused.stderr
    assert path.read_text() == "keep: me\n"

    fresh = tmp_path / "new.yaml"
    ended = init(fresh, ["https://matrix.example.org", "@bot:example.org"], "--offline")
    assert ended.returncode == 1 and "nothing written" in ended.stderr
    assert not fresh.exists() and not list(tmp_path.glob(".*draft"))

    offline = init(fresh, ["https://matrix.example.org", "", "", "@orga:example.org", "en", "",
                           "links", "Offline", "https://example.org"], "--offline")
    assert offline.returncode == 0, offline.stderr
    assert "not checked without a password" in offline.stdout
    assert "export MATRIXCOWORK_PASSWORD" in offline.stdout
    config = load_config(fresh, environ={"MATRIXCOWORK_PASSWORD": "from-the-environment"})
    assert config.user_id == "@cowork-bot:example.org" and config.links is not None
