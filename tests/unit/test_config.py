"""Config validation: every problem is one line naming the file, the key and what is wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from matrixcowork.core.config import ConfigError, load_config, parse_config

VALID = {
    "homeserver": "https://matrix.example.org",
    "user_id": "@bot:example.org",
    "password": "pw-123456",
    "admins": ["@anna:example.org"],
    "rooms": [{"key": "coworking", "name": "Coworking", "alias": "owl-coworking"}],
}


ROOM_A = {"key": "a", "name": "A", "alias": "x"}


def with_(**changes):
    raw = {**VALID, **changes}
    return {k: v for k, v in raw.items() if v is not None}


BROKEN = [
    (with_(colour="blue"), "colour: unknown key"),
    (with_(language="fr"), "language:"),
    (with_(timezone="Europe/Bielefeld"), "timezone: unknown timezone 'Europe/Bielefeld'"),
    (with_(admins=[]), "admins:"),
    (with_(admins=["anna"]), "admins.0: 'anna' is not a Matrix user id"),
    (with_(user_id="bot@example.org"), "user_id:"),
    (with_(homeserver="matrix.example.org"), "homeserver:"),
    (with_(password=None), "password: a password or access_token is required"),
    (with_(command_prefix=""), "command_prefix:"),
    (with_(admins="@anna:example.org"), "admins:"),
    (with_(rooms=[ROOM_A, {**ROOM_A, "key": "b"}]), "rooms: duplicate alias 'x'"),
    (with_(rooms=[ROOM_A, {**ROOM_A, "alias": "y"}]), "rooms: duplicate key 'a'"),
    (with_(rooms=[{"key": "a", "name": "A", "alias": "x", "access": "secret"}]), "rooms.0.access:"),
    (with_(rooms=[{"key": "a", "name": "A"}]), "rooms.0.alias: required key is missing"),
    (with_(space={"name": "S", "alias": "owl-coworking"}), "rooms: alias 'owl-coworking'"),
    (with_(log_level="LOUD"), "log_level:"),
    (with_(checkin={"time": "09:00", "late_until": "08:00"}),
     "checkin: late_until must be later than time"),
]


@pytest.mark.parametrize(("raw", "expected"), BROKEN)
def test_broken_config_names_key_and_problem(raw, expected) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(raw, "config.yaml", environ={})
    message = str(err.value)
    assert message.startswith("config.yaml: ")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(("checkin", "cutoff"), [
    ({"time": "08:30", "late_until": "10:15"}, "10:15"),
    ({"time": "08:30", "core_hours": {"start": "10:00", "end": "15:00"}}, "15:00"),
    ({"time": "08:30"}, "11:30"),
    ({"time": "22:30"}, "23:59"),
])
def test_a_missed_check_in_is_posted_late_until_the_cutoff(checkin, cutoff) -> None:
    config = parse_config(with_(checkin=checkin), "config.yaml", environ={})
    assert config.checkin is not None
    assert config.checkin.late_cutoff.strftime("%H:%M") == cutoff


def test_environment_overrides_the_file() -> None:
    env = {"MATRIXCOWORK_PASSWORD": "from-env", "MATRIXCOWORK_DATA_DIR": "/srv/cowork"}
    config = parse_config(with_(password=None), "config.yaml", environ=env)
    assert config.password.get_secret_value() == "from-env"
    assert str(config.data_dir) == "/srv/cowork"
    assert "from-env" not in repr(config)


def test_example_config_is_valid() -> None:
    example = Path(__file__).parents[2] / "config.example.yaml"
    config = load_config(example, environ={"MATRIXCOWORK_PASSWORD": "x"})
    assert config.language == "de" and config.space is not None


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("homeserver: [unclosed\nuser_id: x\n")
    with pytest.raises(ConfigError, match=r"config.yaml: \(YAML, line \d+\)"):
        load_config(path, environ={})


def run_cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("MATRIXCOWORK_")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "matrixcowork", *args],
                          capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.parametrize("content", [
    "homeserver: [unclosed",
    yaml.safe_dump(with_(timezone="Mars/Olympus")),
    yaml.safe_dump(with_(password=None)),
    "- just\n- a list\n",
])
def test_run_with_bad_config_exits_2_with_one_line(tmp_path: Path, content: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(content)
    result = run_cli("run", "-c", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("check-config", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert "cannot read the file" in result.stderr


def test_check_config_accepts_the_example() -> None:
    example = Path(__file__).parents[2] / "config.example.yaml"
    result = run_cli("check-config", str(example), env_extra={"MATRIXCOWORK_PASSWORD": "x"})
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
