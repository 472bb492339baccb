"""`matrixcowork demo`: a local homeserver with a small community, ready to log in to.

Starts Synapse in a folder (reused on the next run), registers the bot, an organizer and two
members, starts the bot, lets the members do a few visible things, prints what happened and how
to log in with a Matrix client, and stops everything on Ctrl-C.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import signal
import sys
from pathlib import Path
from typing import Any

import yaml

DEMO_ROOMS = [
    {"key": "general", "name": "Allgemein", "alias": "demo-allgemein",
     "topic": "Alles rund um die Demo-Community"},
    {"key": "coworking", "name": "Coworking", "alias": "demo-coworking",
     "topic": "Wer ist heute da? 🏢 vor Ort, 🏠 remote"},
    {"key": "sync", "name": "Monatlicher Sync", "alias": "demo-sync",
     "topic": "Einmal im Monat per Video"},
    {"key": "webinars", "name": "Webinare", "alias": "demo-webinare",
     "topic": "Mitglieder zeigen, was sie können", "access": "public"},
    {"key": "intros", "name": "Vorstellungsrunde", "alias": "demo-vorstellung",
     "topic": "Wer bist du, was machst du?"},
]
PEOPLE = ("orga", "anna", "ben")


def _passwords(directory: Path) -> dict[str, str]:
    """One random password per demo account, kept in the folder so a second run reuses it."""
    path = directory / "accounts.json"
    if path.exists():
        return json.loads(path.read_text())
    passwords = {name: secrets.token_urlsafe(9) for name in ("cowork-bot", *PEOPLE)}
    path.write_text(json.dumps(passwords))
    path.chmod(0o600)
    return passwords


def _config(directory: Path, url: str, passwords: dict[str, str]) -> dict[str, Any]:
    return {
        "homeserver": url,
        "user_id": "@cowork-bot:localhost",
        "password": passwords["cowork-bot"],
        "data_dir": str(directory / "bot"),
        "language": "de",
        "admins": ["@orga:localhost"],
        "space": {"name": "Coworking Demo", "alias": "demo-space",
                  "topic": "Eine Demo von matrixcowork", "welcome_room": "general",
                  "checkin_room": "coworking", "intro_room": "intros"},
        "rooms": DEMO_ROOMS,
        "checkin": {"room": "coworking", "time": "08:30"},
    }


def run_demo(directory: str, port: int) -> int:
    try:
        from .devserver import DevServer
    except ImportError:  # pragma: no cover - depends on the installed extras
        print("matrixcowork demo needs Synapse: pip install -e '.[demo]'", file=sys.stderr)
        return 1
    folder = Path(directory).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    server = DevServer(folder / "synapse", port=port, relaxed=True)
    print(f"Starting a local Synapse in {folder / 'synapse'} on port {port} …", flush=True)
    server.start()
    try:
        return asyncio.run(_demo(folder, server))
    finally:
        server.stop()
        print("Stopped. Run `matrixcowork demo` again to continue where you left off.")


async def _demo(folder: Path, server: Any) -> int:
    from ..app import App
    from ..core.config import parse_config
    from ..core.logs import setup_logging
    from .demo_story import play

    passwords = _passwords(folder)
    accounts = {name: server.register(name, pw) for name, pw in passwords.items()}
    raw = _config(folder, server.url, passwords)
    setup_logging("WARNING", passwords.values())
    (folder / "config.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    app = App(parse_config(raw, str(folder / "config.yaml")))
    await app.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        for line in await play(server.url, accounts):
            print(line, flush=True)
        print(_login_help(server.url, passwords), flush=True)
        await stop.wait()
    finally:
        with contextlib.suppress(Exception):
            await app.stop()
    return 0


def _login_help(url: str, passwords: dict[str, str]) -> str:
    return "\n".join([
        "",
        "The demo community is running. Log in with a Matrix client (e.g. Element Desktop,",
        "or Element Web at https://app.element.io → 'Edit' homeserver):",
        f"  homeserver: {url}",
        f"  user:       orga        password: {passwords['orga']}   (organizer)",
        f"  user:       anna        password: {passwords['anna']}   (member)",
        "Then open the space 'Coworking Demo' and type !help in any room.",
        "Ctrl-C stops the bot and the homeserver.",
    ])
