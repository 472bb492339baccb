"""The bot as an operator runs it: `python -m matrixcowork run -c config.yaml` in a process of
its own, so a test can SIGKILL it at any moment and read every line it logged.

Each start writes its standard error to a file of its own (`run0.log`, `run1.log`, ...): a file,
not a pipe, so a chatty DEBUG log never blocks the bot.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

LIVE = "matrixcowork is live"
STOPPED = "matrixcowork stopped"


class BotProcess:
    def __init__(self, config_path: Path, password: str, log_dir: Path) -> None:
        self.config_path = config_path
        self.log_dir = log_dir
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MATRIXCOWORK_")}
        self.env["MATRIXCOWORK_PASSWORD"] = password
        self.logs: list[Path] = []
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def start(self) -> None:
        log = self.log_dir / f"run{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "matrixcowork", "run", "-c", str(self.config_path)],
                env=self.env, stdout=subprocess.DEVNULL, stderr=stderr,
            )
        self.started = time.monotonic()

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush, no goodbye."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def terminate(self) -> int:
        """SIGTERM, as systemd or Docker stop it; the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    async def live(self, timeout: float = 90) -> float:
        """Seconds from the latest start until the bot said it is live (its first sync is
        through and its features run)."""
        assert self.process is not None
        deadline = self.started + timeout
        while LIVE not in self.logs[-1].read_text(errors="replace"):
            if self.process.poll() is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode}:\n"
                                     + self.tail())
            if time.monotonic() > deadline:
                raise AssertionError("the bot did not become live:\n" + self.tail())
            await asyncio.sleep(0.05)  # polling the log file, not waiting for a guessed time
        return time.monotonic() - self.started

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.logs[-1].read_text(errors="replace").splitlines()[-lines:])

    def log_text(self) -> str:
        """Everything every run logged."""
        return "".join(log.read_text(errors="replace") for log in self.logs)
