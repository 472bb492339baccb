"""`matrixcowork demo`: a local homeserver with a small community, ready to log in to.

Starts Synapse in a folder (reused on the next run), registers the bot, an organizer and two
members, starts the bot with every feature on, lets the members live a small week on the first
run (`demo_story`), prints what happened and how to log in with a Matrix client, and stops
everything on Ctrl-C. The terminal shows only what a person reads; the log goes to a file in the
folder. Everything in the folder is its user's alone (0600 files, 0700 folders): it holds
passwords.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import shlex
import signal
import sys
from pathlib import Path
from typing import Any

import yaml

from .demo_config import BOT, MEMBERS, ORGANIZER, PEOPLE, demo_config, user_id, web_url

log = logging.getLogger(__name__)
LOG_FILE = "demo.log"
PLAYED = "story-played"
RECOVERY_FILE = "bot-recovery-key.txt"
DEFAULT_PORT, DEFAULT_WEB_PORT = 8008, 8080


def make_private(folder: Path) -> None:
    """Files 0600 and folders 0700 from now on, and for what an earlier run left behind."""
    os.umask(0o077)
    folder.mkdir(parents=True, exist_ok=True)
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        path.chmod(0o700 if path.is_dir() else 0o600)


def _passwords(directory: Path) -> dict[str, str]:
    """One random password per demo account, kept in the folder so a second run reuses it."""
    path = directory / "accounts.json"
    if path.exists():
        return json.loads(path.read_text())
    passwords = {name: secrets.token_urlsafe(9) for name in (BOT, *PEOPLE)}
    path.write_text(json.dumps(passwords))
    return passwords


def _log_to_file(path: Path, secret_values: list[str]) -> None:
    """The bot's log lines go to the file, never between the friendly lines."""
    from ..core.logs import setup_logging

    setup_logging("INFO", secret_values)
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(path.open("a", encoding="utf-8"))  # type: ignore[arg-type]
    logging.captureWarnings(True)


def run_demo(directory: str, port: int, web_port: int) -> int:
    try:
        from .devserver import DevServer
    except ImportError:  # pragma: no cover - depends on the installed extras
        print("matrixcowork demo needs Synapse: pip install -e '.[demo]'", file=sys.stderr)
        return 1
    folder = Path(directory).resolve()
    make_private(folder)
    server = DevServer(folder / "synapse", port=port, relaxed=True)
    print(f"Starting a local Synapse in {folder / 'synapse'} on port {port} …", flush=True)
    server.start()
    try:
        return asyncio.run(_demo(folder, server, web_port))
    finally:
        server.stop()
        print("Stopped. To start the demo again, from a new shell:\n"
              f"  {restart_command(folder, port, web_port)}", flush=True)


def restart_command(folder: Path, port: int, web_port: int) -> str:
    """`cd` to where it ran, the virtual environment (if any), and the same command."""
    parts = [f"cd {shlex.quote(os.getcwd())}"]
    if sys.prefix != sys.base_prefix:
        parts.append(f". {shlex.quote(str(Path(sys.prefix) / 'bin' / 'activate'))}")
    command = ["matrixcowork", "demo"]
    if folder != Path("demo-data").resolve():
        command += ["--dir", str(folder)]
    if port != DEFAULT_PORT:
        command += ["--port", str(port)]
    if web_port != DEFAULT_WEB_PORT:
        command += ["--web-port", str(web_port)]
    return " && ".join([*parts, shlex.join(command)])


async def _demo(folder: Path, server: Any, web_port: int) -> int:
    from ..app import App
    from ..core.config import parse_config
    from .demo_story import play

    passwords = _passwords(folder)
    _log_to_file(folder / LOG_FILE, list(passwords.values()))
    accounts = {name: server.register(name, pw) for name, pw in passwords.items()}
    raw = demo_config(folder, server.url, web_port, passwords[BOT])
    (folder / "config.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    app = App(parse_config(raw, str(folder / "config.yaml")))
    # The bot prints its new recovery key on the first start: worth keeping for a real bot,
    # noise in a demo. It goes to a file of its own (not the log: no secrets there).
    with (folder / RECOVERY_FILE).open("a", encoding="utf-8") as keep, \
            contextlib.redirect_stderr(keep):
        await app.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        played = folder / PLAYED
        if played.exists():
            print("\nThe demo community is as you left it (its week was played on the first "
                  "start).", flush=True)
        else:
            lines = await play(server.url, accounts, lambda: coffee_round(app),
                               app.clock.today())
            played.touch()
            print("\n".join(lines), flush=True)
        print(login_help(server.url, web_port, passwords, folder / LOG_FILE), flush=True)
        await stop.wait()
    finally:
        with contextlib.suppress(Exception):
            await app.stop()
    return 0


async def coffee_round(app: Any) -> None:
    """Today's coffee round is due at 23:59 (see `demo_config`); the demo pairs it now instead
    of waiting, as the roulette's own job would at that time."""
    coffee = next(f for f in app.features if f.name == "coffee")
    await coffee.tick(coffee.rounds.schedule.start(app.clock.today()))


def login_help(url: str, web_port: int, passwords: dict[str, str], log_file: Path) -> str:
    width = max(len(user_id(name)) for name in PEOPLE)
    accounts = [(ORGANIZER, "organizer"), *((name, "member") for name in MEMBERS)]
    public = web_url(web_port)
    return "\n".join([
        "",
        "The demo community is running. Log in with a Matrix client (Element, nheko, …).",
        "Type the homeserver address by hand: clients cannot discover it from 'localhost'.",
        f"  homeserver:    {url}",
        *(f"  user:          {user_id(name):<{width}}  password: {passwords[name]}   ({role})"
          for name, role in accounts),
        "Then open the space 'Coworking Demo' and type !help in any room.",
        f"Public page:     {public}/",
        f"Calendar feed:   {public}/calendar.ics",
        f"Log file:        {log_file}",
        "Ctrl-C stops the bot and the homeserver.",
    ])
