"""The deployment files agree with the repository and with each other.

No Docker engine runs here, so nothing is built or started: these tests check what can be
checked without one. Every file the Dockerfile copies and the compose file mounts exists (or is
made by the operator from an example file the README tells them to copy), the commands the
image, the compose file and the systemd unit run are real `matrixcowork` commands, and the
paths, ports and variables the files name are the ones the code uses.
"""

from __future__ import annotations

import importlib
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from matrixcowork.cli import EXIT_CONFIG, build_parser
from matrixcowork.core.config import ENV_KEYS, ENV_PREFIX, WebConfig, parse_config

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
CONFIG_IN_CONTAINER = "/config/config.yaml"
# files the operator makes (README, "Deployment"), each from an example in the repository
OPERATOR_FILES = {
    "config.yaml": "../config.example.yaml",
    "homeserver.yaml": "homeserver.example.yaml",
    "element-config.json": "element-config.example.json",
}


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (DOCKER / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (parts[0].upper(), parts[1].strip() if len(parts) > 1 else "")
        for parts in (line.strip().split(None, 1) for line in joined.splitlines() if line.strip())
    ]


def instructions(name: str) -> list[str]:
    return [args for instruction, args in dockerfile() if instruction == name]


def final_stage() -> list[tuple[str, str]]:
    steps = dockerfile()
    last_from = max(i for i, (instruction, _) in enumerate(steps) if instruction == "FROM")
    return steps[last_from:]


def compose() -> dict[str, Any]:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def readme_deployment() -> str:
    text = (REPO / "README.md").read_text()
    return text[text.index("## Deployment"):]


def parses_as_matrixcowork(argv: list[str]) -> str:
    """The subcommand, after argparse accepted the whole command line."""
    assert Path(argv[0]).name == "matrixcowork", argv
    return build_parser().parse_args(argv[1:]).command


# --- Dockerfile ----------------------------------------------------------------------------


def test_every_file_the_dockerfile_copies_is_in_the_build_context() -> None:
    context = (DOCKER / compose()["services"]["bot"]["build"]["context"]).resolve()
    assert context == REPO
    copied = []
    for args in instructions("COPY"):
        if args.startswith("--from"):
            continue
        *sources, _target = args.split()
        copied += sources
    assert copied, "the Dockerfile copies nothing"
    for source in copied:
        assert (context / source).exists(), source
    kept = {line[1:].rstrip("/") for line in dockerignore() if line.startswith("!")}
    assert {Path(source).parts[0] for source in copied} == kept


def dockerignore() -> list[str]:
    return [line for line in (REPO / ".dockerignore").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def test_every_builder_leaves_secrets_and_git_out_of_the_context() -> None:
    """The legacy builder reads only the context's root .dockerignore; BuildKit would prefer
    docker/Dockerfile.dockerignore, so there must be none, or the two lists could differ."""
    assert not (DOCKER / "Dockerfile.dockerignore").exists()
    assert dockerignore()[0] == "*"  # then only what the image copies is let through
    assert not any(line.startswith("!") and line.lstrip("!").startswith((".", "docker"))
                   for line in dockerignore())


def test_every_builder_of_docker_20_10_can_build_it() -> None:
    """BuildKit fails before any step on a `# syntax=` line when it cannot pull that frontend;
    Docker 20.10's parser rejects HEALTHCHECK --start-interval (Docker 25)."""
    text = (DOCKER / "Dockerfile").read_text()
    assert not re.search(r"^#\s*syntax\s*=", text, re.M | re.I)
    assert "--start-interval" not in " ".join(instructions("HEALTHCHECK"))


def seconds(flag: str, healthcheck: str) -> float:
    value = re.search(rf"--{flag}=(\d+)(s|m)\b", healthcheck)
    assert value, f"HEALTHCHECK without --{flag}"
    return int(value[1]) * (60 if value[2] == "m" else 1)


def test_the_health_check_turns_healthy_soon_after_the_first_sync() -> None:
    healthcheck = instructions("HEALTHCHECK")[-1]
    assert seconds("interval", healthcheck) <= 10
    assert seconds("start-period", healthcheck) >= 60  # login, first sync, provisioning
    assert seconds("timeout", healthcheck) <= seconds("interval", healthcheck)


def test_image_is_small_runs_as_a_user_and_keeps_state_in_data() -> None:
    assert all(base.split()[0] == "python:3.11-slim" for base in instructions("FROM"))
    assert all("--no-cache-dir" in run for run in instructions("RUN") if "pip install" in run)
    final = final_stage()
    users = [args for instruction, args in final if instruction == "USER"]
    assert users and users[-1] not in ("root", "0")
    env = " ".join(args for instruction, args in final if instruction == "ENV")
    assert "MATRIXCOWORK_DATA_DIR=/data" in env
    assert json.loads(instructions("VOLUME")[-1]) == ["/data"]
    assert instructions("EXPOSE") == [str(WebConfig().port)]


def test_image_runs_the_bot_and_checks_its_health_with_real_commands() -> None:
    entrypoint = json.loads(instructions("ENTRYPOINT")[-1])
    command = json.loads(instructions("CMD")[-1])
    assert parses_as_matrixcowork(entrypoint + command) == "run"
    assert command[-2:] == ["-c", CONFIG_IN_CONTAINER]

    healthcheck = instructions("HEALTHCHECK")[-1]
    health_argv = json.loads(healthcheck[healthcheck.index("CMD") + 3:].strip())
    assert parses_as_matrixcowork(health_argv) == "health"
    assert health_argv[-2:] == ["-c", CONFIG_IN_CONTAINER]


# --- compose.yaml --------------------------------------------------------------------------


def bind_mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    mounts = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            if volume["type"] == "bind":
                mounts.append((volume["source"], volume["target"]))
        elif volume.startswith((".", "/")):
            source, target = volume.split(":")[:2]
            mounts.append((source, target))
    return mounts


def test_compose_parses_and_names_its_services() -> None:
    assert "name" not in compose()  # Debian's docker-compose 1.29 rejects a top-level name
    assert "version" not in compose()
    services = compose()["services"]
    assert set(services) == {"synapse-init", "synapse", "bot", "element"}
    assert services["element"]["profiles"] == ["web"]
    assert all("profiles" not in services[name] for name in ("synapse-init", "synapse", "bot"))
    assert services["bot"]["depends_on"]["synapse"]["condition"] == "service_healthy"
    image = services["synapse"]["image"]
    assert "matrixdotorg/synapse" in image and image == services["synapse-init"]["image"]


def test_every_file_compose_mounts_exists_or_is_made_from_an_example() -> None:
    build = compose()["services"]["bot"]["build"]
    assert (DOCKER / build["context"] / build["dockerfile"]).resolve() == DOCKER / "Dockerfile"
    ignored = (DOCKER / ".gitignore").read_text().split()
    deployment = readme_deployment()
    for name, service in compose()["services"].items():
        for source, _target in bind_mounts(service):
            made = OPERATOR_FILES.get(Path(source).name)
            if made is None:
                assert (DOCKER / source).exists(), f"{name}: {source}"
                continue
            assert (DOCKER / made).is_file(), f"{name}: no example for {source}"
            assert Path(source).name in ignored, f"{source} could be committed by accident"
            assert f"cp {made} {Path(source).name}" in deployment, f"README: how to make {source}"


def test_the_bot_service_matches_the_image_and_the_config() -> None:
    services = compose()["services"]
    bot = services["bot"]
    assert ("./config.yaml", CONFIG_IN_CONTAINER) in bind_mounts(bot)
    assert "bot-data:/data" in bot["volumes"]
    assert set(compose()["volumes"]) == {"bot-data", "synapse-data"}
    assert bot["ports"] == [f"127.0.0.1:{WebConfig().port}:{WebConfig().port}"]
    allowed = {ENV_PREFIX + key.upper() for key in ENV_KEYS}
    assert set(bot["environment"]) <= allowed
    assert bot["environment"]["MATRIXCOWORK_HOMESERVER"] == "http://synapse:8008"
    synapse = services["synapse"]
    config_path = synapse["environment"]["SYNAPSE_CONFIG_PATH"]
    assert ("./homeserver.yaml", config_path) in bind_mounts(synapse)


# `docker-compose help` of Debian bookworm's docker-compose 1.29.2: it has no `cp`, `ls`,
# `convert`, `wait` or `watch`, which Compose v2 added
COMPOSE_1_29_COMMANDS = {
    "build", "config", "create", "down", "events", "exec", "help", "images", "kill", "logs",
    "pause", "port", "ps", "pull", "push", "restart", "rm", "run", "scale", "start", "stop",
    "top", "unpause", "up", "version",
}


def test_every_compose_command_in_the_readme_exists_in_docker_compose_1_29() -> None:
    """The README says its commands work with Compose v2 and docker-compose 1.29 alike."""
    used = re.findall(r"docker[ -]compose(?: --profile \w+)* ([a-z]+)", readme_deployment())
    assert {"up", "exec", "ps", "logs", "stop", "pull"} <= set(used)
    assert set(used) <= COMPOSE_1_29_COMMANDS, set(used) - COMPOSE_1_29_COMMANDS


def test_the_password_comes_from_the_environment_and_the_readme_says_how() -> None:
    password = compose()["services"]["bot"]["environment"]["MATRIXCOWORK_PASSWORD"]
    assert re.fullmatch(r"\$\{MATRIXCOWORK_PASSWORD:\?.+\}", password)
    assert ".env" in (DOCKER / ".gitignore").read_text().split()
    assert "MATRIXCOWORK_PASSWORD=" in readme_deployment()
    assert "COMPOSE_PROJECT_NAME=matrixcowork" in readme_deployment()


def test_the_example_config_works_in_the_compose_setup() -> None:
    raw = yaml.safe_load((REPO / "config.example.yaml").read_text())
    environment = compose()["services"]["bot"]["environment"]
    env = {**environment, "MATRIXCOWORK_PASSWORD": "from-the-env-file",
           "MATRIXCOWORK_DATA_DIR": "/data"}
    config = parse_config(raw, "config.example.yaml", environ=env)
    assert config.homeserver == "http://synapse:8008"
    assert config.password is not None
    assert config.password.get_secret_value() == "from-the-env-file"


# --- Synapse and Element -------------------------------------------------------------------


def test_the_synapse_config_fits_the_image_and_the_bot() -> None:
    config = yaml.safe_load((DOCKER / "homeserver.example.yaml").read_text())
    listener = config["listeners"][0]
    # the Synapse image's own health check asks http://localhost:8008/health
    assert listener["port"] == 8008 and listener["bind_addresses"] == ["0.0.0.0"]
    assert "client" in listener["resources"][0]["names"]
    assert config["enable_registration"] is False
    assert "registration_shared_secret" not in config  # generated into /data instead
    for key in ("media_store_path", "signing_key_path", "registration_shared_secret_path"):
        assert config[key].startswith("/data/"), key
    assert config["database"]["args"]["database"].startswith("/data/")


def test_the_element_config_is_json_pointing_at_the_homeserver() -> None:
    config = json.loads((DOCKER / "element-config.example.json").read_text())
    homeserver = config["default_server_config"]["m.homeserver"]
    synapse = yaml.safe_load((DOCKER / "homeserver.example.yaml").read_text())
    assert homeserver["server_name"] == synapse["server_name"]
    assert homeserver["base_url"].rstrip("/") == synapse["public_baseurl"].rstrip("/")


# --- systemd -------------------------------------------------------------------------------


def unit() -> dict[str, list[str]]:
    """key -> values (systemd allows a key more than once)."""
    values: dict[str, list[str]] = {}
    for line in (DOCKER / "matrixcowork.service").read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_systemd_unit_runs_the_bot_as_its_own_user() -> None:
    values = unit()
    argv = shlex.split(values["ExecStart"][0])
    assert parses_as_matrixcowork(argv) == "run"
    assert values["User"] == ["matrixcowork"]
    assert values["RestartPreventExitStatus"] == [str(EXIT_CONFIG)]
    state_dir = "/var/lib/" + values["StateDirectory"][0]
    assert f"MATRIXCOWORK_DATA_DIR={state_dir}" in values["Environment"]
    assert values["EnvironmentFile"][0].startswith("/etc/matrixcowork/")


@pytest.mark.parametrize("needle", [
    "register_new_matrix_user", "override_ratelimit", '"messages_per_second": 0',
    "docker compose", "systemctl", ".backup", "matrixcowork health", "/healthz", "upgrading",
    "docker-compose 1.29", "compose v2", "matrixcowork backup", "uid 10001", "smoke-test.sh",
])
def test_readme_deployment_covers(needle: str) -> None:
    assert needle.lower() in readme_deployment().lower()


# --- the smoke test ------------------------------------------------------------------------


def test_the_smoke_test_is_a_script_that_builds_the_real_dockerfile() -> None:
    script = DOCKER / "smoke-test.sh"
    assert script.stat().st_mode & 0o111, "not executable"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert 'docker/Dockerfile"' in text and "--network host" in text
    assert "docker import - python:3.11-slim" in text  # how to make the stand-in base
    assert "smoke-test" not in (REPO / ".ci" / "run").read_text()  # CI has no Docker engine


def python_imports_of_matrixcowork(text: str) -> list[tuple[str, list[str]]]:
    """(module, names) for every `from matrixcowork... import ...`, `import matrixcowork...`
    and `python -m matrixcowork...` in a file (a shell script's embedded Python included)."""
    found = []
    from_import = r"^\s*from\s+(matrixcowork[\w.]*)\s+import\s+([\w, ]+)"
    for module, names in re.findall(from_import, text, re.M):
        found.append((module, [name.strip() for name in names.split(",") if name.strip()]))
    for module in re.findall(r"^\s*import\s+(matrixcowork[\w.]*)", text, re.M):
        found.append((module, []))
    for module in re.findall(r"-m\s+(matrixcowork[\w.]*)", text):
        found.append((module, []))
    return found


def test_every_matrixcowork_module_the_docker_files_name_imports() -> None:
    """The smoke test's helper once imported matrixcowork.devserver after the module had moved
    to matrixcowork.ops.devserver; nothing ran the script, so nothing noticed."""
    references = []
    for path in sorted(DOCKER.iterdir()):
        if path.is_file():
            found = python_imports_of_matrixcowork(path.read_text())
            references += [(path.name, module, names) for module, names in found]
    for file, module_name, names in references:
        module = importlib.import_module(module_name)  # ModuleNotFoundError names the module
        for name in names:
            assert hasattr(module, name), f"{file}: {module_name} has no {name}"
    assert any(file == "smoke-test.sh" for file, *_ in references), "the finder found nothing"


def test_the_python_import_finder_finds_what_it_should() -> None:
    text = ("x\nfrom matrixcowork.devserver import DevServer, free_port  # noqa\n"
            "  import matrixcowork.ops.health\n$PYTHON -m matrixcowork.cli run\n")
    assert python_imports_of_matrixcowork(text) == [
        ("matrixcowork.devserver", ["DevServer", "free_port"]),
        ("matrixcowork.ops.health", []),
        ("matrixcowork.cli", []),
    ]
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("matrixcowork.devserver")


def test_the_readme_backup_through_docker_exec_is_a_real_command() -> None:
    lines = [line for line in readme_deployment().splitlines()
             if "exec bot matrixcowork backup" in line]
    assert lines
    for line in lines:
        argv = shlex.split(line[line.index("matrixcowork backup"):])
        assert parses_as_matrixcowork(argv) == "backup"
        assert argv[argv.index("-c") + 1] == CONFIG_IN_CONTAINER
