"""`matrixcowork demo` as a newcomer runs it: the community lives a small week, the printed login
works in a client, every feature answers, the public page shows the demo's webinar, the folder is
private, and Ctrl-C stops it all with a way back from a new shell."""

from __future__ import annotations

import asyncio
import re
import signal
import stat
import sys
import time
from pathlib import Path

import aiohttp
from nio import AsyncClient, LoginResponse, RoomMessageNotice, SyncResponse

from matrixcowork.ops.devserver import free_port

UNKNOWN = "Diesen Befehl kenne ich nicht"
COMMANDS = ("!sync", "!webinar list", "!events", "!calendar", "!coffee status", "!focus stats")


async def start_demo(folder: Path) -> tuple[asyncio.subprocess.Process, list[str]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "matrixcowork", "demo", "--dir", str(folder),
        "--port", str(free_port()), "--web-port", str(free_port()),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    lines: list[str] = []
    async with asyncio.timeout(120):
        while not lines or "Ctrl-C stops" not in lines[-1]:
            line = await process.stdout.readline()
            assert line, "demo ended early:\n" + "\n".join(lines)
            lines.append(line.decode().rstrip())
    return process, lines


def printed(output: str, label: str) -> str:
    found = re.search(rf"^{label}:\s+(\S+)", output, re.MULTILINE)
    assert found, f"no '{label}:' in\n{output}"
    return found[1]


async def answers(homeserver: str, user: str, password: str) -> dict[str, str]:
    """Log in as a person would with the printed credentials, and type the commands."""
    client = AsyncClient(homeserver, user)
    try:
        assert isinstance(await client.login(password), LoginResponse)
        room = (await client.room_resolve_alias("#demo-coworking:localhost")).room_id
        await client.sync(timeout=0)
        sent = {}
        for command in COMMANDS:
            response = await client.room_send(
                room, "m.room.message", {"msgtype": "m.text", "body": command})
            sent[response.event_id] = command
        got: dict[str, str] = {}
        async with asyncio.timeout(30):
            while len(got) < len(sent):
                response = await client.sync(timeout=1000)
                if not isinstance(response, SyncResponse) or room not in response.rooms.join:
                    continue
                for event in response.rooms.join[room].timeline.events:
                    relates = event.source["content"].get("m.relates_to") or {}
                    answered = (relates.get("m.in_reply_to") or {}).get("event_id")
                    if isinstance(event, RoomMessageNotice) and answered in sent:
                        got[sent[answered]] = event.body
        return got
    finally:
        await client.close()


def read(path: Path) -> str:
    return path.read_text()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def others_may_read(folder: Path) -> list[str]:
    """Files and folders in the demo's folder that anyone but their user may open."""
    return [f"{p} {mode(p):o}" for p in [folder, *folder.rglob("*")]
            if not p.is_symlink() and mode(p) & 0o077]


async def fetch(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_demo_lives_a_week_that_a_newcomer_can_log_in_to(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    began = time.monotonic()
    process, lines = await start_demo(folder)
    to_login = time.monotonic() - began
    try:
        output = "\n".join(lines)
        # the week happened: check-ins, welcome, sync, webinar, event, coffee room, focus sprint
        assert "🏢 Bielefeld (1): anna" in output and "🏠 Remote (1): ben" in output
        assert "🏭 Detmold (1): orga" in output  # the second location
        assert "bot, to ben: " in output and "bot, to ben: (not there" not in output  # welcome
        assert "Angekündigt: der Sync" in output and "Als Punkt 1" in output
        assert "Geplant: „Git für Einsteiger“" in output and "„Stammtisch“" in output
        assert "in their new room: ☕" in output and "Fokus-Sprint" in output
        # a login a client accepts: full Matrix ids, the address to type by hand
        assert "Type the homeserver address by hand" in output
        homeserver = printed(output, "  homeserver")
        member = re.search(r"user:\s+(@anna:localhost)\s+password: (\S+)\s+\(member\)", output)
        assert member and homeserver.startswith("http://127.0.0.1:")
        assert not re.search(r"\b(INFO|WARNING|ERROR)\b", output), output  # no log lines

        got = await answers(homeserver, member[1], member[2])
        assert set(got) == set(COMMANDS)
        assert not [c for c, text in got.items() if UNKNOWN in text], got
        assert "Git für Einsteiger" in got["!webinar list"] and "Git" in got["!events"]
        assert "Stammtisch" in got["!events"]

        page, feed = printed(output, "Public page"), printed(output, "Calendar feed")
        assert feed == page + "calendar.ics" and page in got["!calendar"]
        status, html = await fetch(page)
        assert status == 200 and "Git für Einsteiger" in html
        status, ics = await fetch(feed)
        assert status == 200 and "BEGIN:VEVENT" in ics and "Git für Einsteiger" in ics

        log_file = Path(printed(output, "Log file"))
        assert log_file.parent == folder and "is live" in read(log_file)
        assert not others_may_read(folder)
        assert mode(folder / "config.yaml") == 0o600 and mode(folder) == 0o700

        process.send_signal(signal.SIGINT)
        rest, errors = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0
    assert b"from a new shell" in rest and b"bin/activate" in rest
    assert b"matrixcowork demo --dir" in rest
    assert not errors.strip(), errors.decode()  # nothing on stderr either
    print(f"demo: {to_login:.0f} s from start to the printed login")
