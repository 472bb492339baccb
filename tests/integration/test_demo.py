"""`matrixcowork demo` as a newcomer runs it: a community comes alive, Ctrl-C stops it all."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from matrixcowork.ops.devserver import free_port


async def test_demo_shows_a_living_community_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "matrixcowork", "demo", "--dir", str(tmp_path / "demo"),
        "--port", str(free_port()),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(170):
            while not lines or "Ctrl-C stops" not in lines[-1]:
                line = await process.stdout.readline()
                assert line, "demo ended early:\n" + "\n".join(lines)
                lines.append(line.decode().rstrip())
        process.send_signal(signal.SIGINT)
        rest, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        if process.returncode is None:
            process.kill()
    output = "\n".join(lines)
    assert "🏢 Vor Ort (1): anna" in output
    assert "🏠 Remote (1): ben" in output
    assert "password:" in output and "homeserver: http://127.0.0.1:" in output
    assert process.returncode == 0
    assert b"Stopped." in rest
    assert (tmp_path / "demo" / "config.yaml").exists()
