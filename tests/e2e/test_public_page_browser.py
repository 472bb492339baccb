"""A person without Matrix opens the public page in a real browser (headless Chromium, Debian's
`chromium` package, installed by .ci/run) and sees the upcoming webinar and its link."""

from __future__ import annotations

import asyncio
import shutil
import tempfile

import pytest

from tests.helpers import Member
from tests.integration.webinar_world import webinar_world

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


async def rendered_dom(url: str) -> str:
    """The DOM after Chromium loaded the page (run without blocking the bot's event loop)."""
    with tempfile.TemporaryDirectory(prefix="matrixcowork-chromium-") as profile:
        process = await asyncio.create_subprocess_exec(
            CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(process.communicate(), 90)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                    "(apt-get install -y chromium; .ci/run does this)")
async def test_a_guest_sees_the_upcoming_webinar_in_chromium(
    make_bot, members: dict[str, Member]
) -> None:
    world = await webinar_world(make_bot, members)
    anna, room = world.anna, world.room
    await anna.ask(room, "!webinar propose Förderprogramme für Gründer:innen | Was gibt es?")
    await anna.ask(room, "!webinar schedule 1 2027-01-14 18:00")
    conference = (await world.rows("SELECT conference FROM meeting_occurrences"))[0][0]

    dom = await rendered_dom(world.base_url + "/")

    assert '<html lang="en">' in dom
    assert "<h1>Webinars of localhost</h1>" in dom
    assert "Förderprogramme für Gründer:innen" in dom and "Was gibt es?" in dom
    assert f'href="https://meet.jit.si/{conference}"' in dom
    assert "Thu, Jan 14, 2027" in dom
