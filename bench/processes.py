"""Processes under measurement: the bot and the bare client, each writing JSON lines.

Each process stamps what it did with its own `time.time()` the moment it happened and appends
it to a file; the driver only reads the file afterwards, so polling it costs no precision.

Before the first process starts, the bot's and the bench's modules are compiled to bytecode,
as `pip install` does for an installed bot (and did for nio): run from a checkout with
`PYTHONDONTWRITEBYTECODE=1`, each start would otherwise compile the bot's 160 modules again,
about 0.6 s on an idle machine that bare nio never pays.
"""

from __future__ import annotations

import asyncio
import compileall
import contextlib
import functools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

Record = dict[str, Any]


@functools.cache
def compiled() -> None:
    root = Path(__file__).resolve().parent.parent
    for package in ("matrixcowork", "bench"):
        compileall.compile_dir(root / package, quiet=1)


class Proc:
    def __init__(self, name: str, args: list[str], out: Path, log: Path) -> None:
        self.name = name
        self.out = out
        out.unlink(missing_ok=True)
        out.touch()
        self._offset = 0
        self.records: list[Record] = []
        compiled()
        with open(log, "ab") as log_file:
            self.started = time.time()
            self.process = subprocess.Popen(
                [sys.executable, "-m", *args, "--out", str(out)],
                stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.log = log

    @property
    def pid(self) -> int:
        return self.process.pid

    def poll(self) -> list[Record]:
        """Read what the process wrote since the last call; returns all records so far."""
        with open(self.out, "rb") as fh:
            fh.seek(self._offset)
            data = fh.read()
        complete = data[: data.rfind(b"\n") + 1]
        self._offset += len(complete)
        self.records += [json.loads(line) for line in complete.splitlines() if line.strip()]
        return self.records

    async def wait_for(self, found: Callable[[list[Record]], Any], timeout: float,
                       what: str) -> Any:
        """Poll until `found(records)` returns something truthy; fail if the process died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = found(self.poll())
            if result:
                return result
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}) waiting "
                                   f"for {what}; see {self.log}")
            await asyncio.sleep(0.02)
        raise TimeoutError(f"{self.name}: no {what} within {timeout:.0f} s; see {self.log}")

    async def live(self, timeout: float = 120) -> Record:
        return await self.wait_for(lambda rs: first(rs, "live"), timeout, "first sync")

    def rss_mb(self) -> float:
        return rss_mb(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def first(records: list[Record], kind: str) -> Record | None:
    return next((r for r in records if r["kind"] == kind), None)


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process in MB, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class JsonLines:
    """The writing side, used inside the measured processes: one flushed line per record."""

    def __init__(self, path: str) -> None:
        self._fh = open(path, "a", encoding="utf-8")  # noqa: SIM115

    def write(self, kind: str, **fields: Any) -> None:
        self.write_many([{"kind": kind, "t": time.time(), **fields}])

    def write_many(self, records: list[Record]) -> None:
        self._fh.write("".join(json.dumps(r) + "\n" for r in records))
        self._fh.flush()


async def until_signal(main: Coroutine[Any, Any, None]) -> None:
    """Run a measured process's main until it ends or SIGINT/SIGTERM stops it cleanly."""
    task = asyncio.create_task(main)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task
