"""A member whose app behaves like Element today (tests/element/member.mjs: matrix-js-sdk with
its Rust crypto, own device cross-signed, unsigned devices excluded), driven over JSON lines."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matrixcowork.ops.devserver import DevServer

from .helpers import unique

FOLDER = Path(__file__).parent / "element"
RED = 2  # EventShieldColour.RED


class ElementError(Exception):
    """The Node side failed an operation (its stack trace is the message)."""


@dataclass(frozen=True)
class ElementSeen:
    """An event as the Element-like app shows it."""

    event_id: str
    sender: str
    type: str
    content: dict[str, Any]
    encrypted: bool
    decryption_failure: str | None
    shield: int | None
    shield_reason: int | None

    @property
    def body(self) -> str:
        return self.content.get("body", "")

    @property
    def readable(self) -> bool:
        """Decrypted, and not marked red (what Element would show as a normal message)."""
        return self.decryption_failure is None and self.shield != RED


class ElementMember:
    def __init__(self, process: asyncio.subprocess.Process, user_id: str) -> None:
        self.process = process
        self.user_id = user_id
        self.device_id = ""
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, server: DevServer, name: str, log: Path) -> ElementMember:
        """Register `name` and start its app; what the SDK logs goes to `log`."""
        if not (FOLDER / "node_modules" / "matrix-js-sdk").is_dir():
            raise RuntimeError("the Element-like member needs `npm ci` in tests/element "
                               "(.ci/run does it)")
        node = shutil.which("node")
        assert node, "the Element-like member needs Node.js (node) on PATH"
        password = "secret-" + uuid.uuid4().hex
        account = server.register(unique(name), password)
        process = await asyncio.create_subprocess_exec(
            node, str(FOLDER / "member.mjs"), cwd=FOLDER, limit=2**24,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=log.open("ab"))
        member = cls(process, account.user_id)
        started = await member.call("start", base_url=server.url, user_id=account.user_id,
                                    password=password, access_token=account.access_token,
                                    device_id=account.device_id)
        assert started["signed_by_owner"], "the member's own device must be cross-signed"
        member.device_id = started["device_id"]
        return member

    async def _read(self) -> None:
        assert self.process.stdout
        while line := await self.process.stdout.readline():
            answer = json.loads(line)
            future = self._pending.pop(answer["id"], None)
            if future is None or future.done():
                continue
            if answer["ok"]:
                future.set_result(answer["result"])
            else:
                future.set_exception(ElementError(answer["error"]))
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ElementError("the Element-like member exited"))

    async def call(self, op: str, timeout: float = 60, **args: Any) -> Any:
        assert self.process.stdin
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        self.process.stdin.write((json.dumps({"id": request_id, "op": op, **args}) + "\n").encode())
        await self.process.stdin.drain()
        return await asyncio.wait_for(future, timeout)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.call("stop", timeout=5)
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.process.wait(), 5)
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader

    # What a person does in the app
    async def create_room(self, invite: list[str], encrypted: bool = True, is_direct: bool = False,
                          alias: str | None = None,
                          power_users: dict[str, int] | None = None) -> str:
        return await self.call("create_room", invite=invite, encrypted=encrypted,
                               is_direct=is_direct, alias=alias, power_users=power_users)

    async def join(self, room_id: str) -> None:
        await self.call("join", room_id=room_id)

    async def wait_joined(self, room_id: str, user_id: str) -> None:
        await self.call("wait_joined", room_id=room_id, user_id=user_id, timeout_ms=30000)

    async def say(self, room_id: str, body: str) -> str:
        return await self.call("send", room_id=room_id, body=body)

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        return await self.call("react", room_id=room_id, event_id=event_id, key=key)

    async def wait_event(self, timeout: float = 30, **criteria: str) -> ElementSeen:
        """The first event seen matching `criteria` (reply_to, relates_to, rel_type,
        event_id, sender, contains: a text somewhere in the decrypted content)."""
        found = await self.call("wait_event", timeout=timeout + 5,
                                timeout_ms=int(timeout * 1000), **criteria)
        return ElementSeen(**{k: found[k] for k in ElementSeen.__dataclass_fields__})

    async def reply(self, event_id: str) -> ElementSeen:
        return await self.wait_event(reply_to=event_id)

    async def ask(self, room_id: str, body: str) -> ElementSeen:
        return await self.reply(await self.say(room_id, body))

    async def events(self, room_id: str) -> list[ElementSeen]:
        found = await self.call("events", room_id=room_id)
        return [ElementSeen(**{k: f[k] for k in ElementSeen.__dataclass_fields__}) for f in found]

    async def trust(self, user_id: str, device_id: str) -> dict[str, bool]:
        """What the app knows of another user's identity and one of their devices."""
        return await self.call("trust", user_id=user_id, device_id=device_id)
