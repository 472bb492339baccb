"""Test-side Matrix clients: a member who types, reacts and reads what the bot answers."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    RoomCreateResponse,
    SyncResponse,
)

from matrixcowork.app import App
from matrixcowork.core.chat import Chat
from matrixcowork.core.clock import FakeClock
from matrixcowork.core.config import Config, parse_config
from matrixcowork.core.crypto import keep_keys
from matrixcowork.features.catalog import FEATURES
from matrixcowork.ops.devserver import DevServer

_counter = itertools.count()
DEFAULT_TIMEOUT = 30.0


def unique(name: str) -> str:
    return f"{name}{next(_counter)}{uuid.uuid4().hex[:6]}"


@dataclass
class Seen:
    room_id: str
    event: Any

    @property
    def content(self) -> dict[str, Any]:
        return self.event.source.get("content", {})

    @property
    def body(self) -> str:
        return self.content.get("body", "")

    @property
    def html(self) -> str:
        return self.content.get("formatted_body", "")

    @property
    def reply_to(self) -> str | None:
        relates = self.content.get("m.relates_to")
        target = relates.get("m.in_reply_to") if isinstance(relates, dict) else None
        return target.get("event_id") if isinstance(target, dict) else None


@dataclass
class Member:
    """A person using a Matrix client against the test homeserver."""

    client: AsyncClient
    name: str
    seen: list[Seen] = field(default_factory=list)
    invites: list[tuple[str, str, bool]] = field(default_factory=list)  # room, inviter, direct
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _task: asyncio.Task[None] | None = None

    @property
    def user_id(self) -> str:
        return self.client.user_id

    async def start(self) -> None:
        await self.client.sync(timeout=0, full_state=True)
        await self._after_sync()
        self._task = asyncio.create_task(self._sync_forever())

    async def _after_sync(self) -> None:
        """Nothing to do for a client without encryption."""

    async def _sync_forever(self) -> None:
        while True:
            response = await self.client.sync(timeout=1000)
            if not isinstance(response, SyncResponse):
                await asyncio.sleep(0.2)
                continue
            await self._after_sync()
            async with self._changed:
                for room_id, joined in response.rooms.join.items():
                    self.seen.extend(Seen(room_id, e) for e in joined.timeline.events)
                for room_id, invited in response.rooms.invite.items():
                    own = next((e for e in invited.invite_state
                                if isinstance(e, InviteMemberEvent)
                                and e.state_key == self.user_id), None)
                    if own is not None:
                        self.invites.append((room_id, own.sender,
                                             bool(own.content.get("is_direct"))))
                self._changed.notify_all()

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()

    async def wait_for(self, predicate: Callable[[Seen], bool],
                       timeout: float = DEFAULT_TIMEOUT) -> Seen:
        async def find() -> Seen:
            async with self._changed:
                while True:
                    for item in self.seen:
                        if predicate(item):
                            return item
                    await self._changed.wait()

        return await asyncio.wait_for(find(), timeout)

    async def accept_direct(self, inviter: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Wait for `inviter`'s invitation to a direct chat, join it, return its room."""
        async def invited() -> str:
            async with self._changed:
                while True:
                    for room_id, sender, direct in self.invites:
                        if sender == inviter and direct:
                            return room_id
                    await self._changed.wait()

        room_id = await asyncio.wait_for(invited(), timeout)
        await self.join(room_id)
        return room_id

    async def reply(self, event_id: str, timeout: float = DEFAULT_TIMEOUT) -> Seen:
        """The bot's answer to one of my messages."""
        return await self.wait_for(lambda s: s.reply_to == event_id, timeout)

    def replies(self, event_id: str) -> list[Seen]:
        return [s for s in self.seen if s.reply_to == event_id]

    async def say(self, room_id: str, body: str) -> str:
        response = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": body}
        )
        return response.event_id

    async def ask(self, room_id: str, body: str, timeout: float = DEFAULT_TIMEOUT) -> Seen:
        """Type a command and wait for the bot's reply to it."""
        return await self.reply(await self.say(room_id, body), timeout)

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        response = await self.client.room_send(room_id, "m.reaction", content)
        return response.event_id

    async def redact(self, room_id: str, event_id: str) -> None:
        await self.client.room_redact(room_id, event_id)

    async def create_room(self, invite: list[str] = (), **kwargs: Any) -> str:
        response = await self.client.room_create(invite=list(invite), **kwargs)
        assert isinstance(response, RoomCreateResponse), response
        return response.room_id

    async def join(self, room_id: str) -> None:
        await self.client.join(room_id)


class EncryptedMember(Member):
    """A member whose app encrypts like Element: keys kept up after every sync, messages and
    reactions encrypted in encrypted rooms, keys shared with every device it sees."""

    async def _after_sync(self) -> None:
        await keep_keys(self.client)

    async def say(self, room_id: str, body: str) -> str:
        return await Chat(self.client).send_event(
            room_id, "m.room.message", {"msgtype": "m.text", "body": body}
        )

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        return await Chat(self.client).react(room_id, event_id, key)

    def knows(self, user_id: str) -> set[str]:
        """The devices of `user_id` this app would share its room keys with."""
        return {d.id for d in self.client.device_store.active_user_devices(user_id)}

    async def wait_until_knows(self, user_id: str, device_id: str,
                               timeout: float = DEFAULT_TIMEOUT) -> None:
        """Until the app learned of a device (as Element would, from the next syncs)."""
        async def learn() -> None:
            async with self._changed:
                while device_id not in self.knows(user_id):
                    await self._changed.wait()

        await asyncio.wait_for(learn(), timeout)


async def make_member(server: DevServer, name: str, encrypted: bool = False,
                      store_dir: Path | None = None) -> Member:
    """A member's app; `encrypted` needs an existing `store_dir` for its keys."""
    account = server.register(unique(name), "secret-" + uuid.uuid4().hex)
    config = AsyncClientConfig(store_sync_tokens=False, encryption_enabled=encrypted)
    store_path = ""
    if encrypted:
        assert store_dir is not None, "an encrypting member needs a store_dir"
        store_path = str(store_dir)
    client = AsyncClient(server.url, account.user_id, store_path=store_path, config=config)
    client.restore_login(account.user_id, account.device_id, account.access_token)
    member = (EncryptedMember if encrypted else Member)(client, name)
    await member.start()
    return member


def bot_config(server: DevServer, data_dir: Path, admins: list[str], **overrides: Any) -> Config:
    name = unique("bot")
    password = "bot-secret-" + uuid.uuid4().hex
    server.register(name, password)
    raw = {
        "homeserver": server.url,
        "user_id": server.user_id(name),
        "password": password,
        "data_dir": str(data_dir),
        "language": "en",
        "admins": admins,
        # Stories not about floods type faster than a person: they lift the command budget
        # as the test homeserver lifts its rate limits (`command_rate_limit={}`: the default).
        "command_rate_limit": {"commands": 1000, "seconds": 1},
        **overrides,
    }
    return parse_config(raw, "test-config", environ={})


class Bot:
    """A bot run in the test's event loop; stop and start it again to test restarts."""

    def __init__(self, config: Config, clock: FakeClock, extra_features: list = ()) -> None:
        self.config = config
        self.clock = clock
        self.extra_features = list(extra_features)
        self.app: App | None = None

    @property
    def user_id(self) -> str:
        return self.config.user_id

    @property
    def services(self):
        assert self.app and self.app.services
        return self.app.services

    async def start(self, first_pass: bool = True) -> None:
        """Live, and (unless `first_pass` is False) the scheduler's first pass done, as the
        real clock's loop does it: provisioning, then what was due while the bot was down."""
        features = FEATURES + self.extra_features
        self.app = App(self.config, clock=self.clock, features=features)
        await self.app.start()
        if first_pass:
            await self.services.scheduler.run_due()

    async def move_to(self, when: datetime) -> None:
        """Time passes to `when`, and what became due runs, as the scheduler would run it."""
        self.clock.set(when)
        await self.services.scheduler.run_due()

    async def stop(self) -> None:
        if self.app:
            await self.app.stop()
            self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


def berlin(*args: int) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Berlin"))


async def shared_room(bot: Bot, alias: str, owner: Member, *guests: Member) -> str:
    """The owner creates the room the bot knows by this alias (giving the bot power 50 for
    widgets and pins); the bot and the guests join it, and the owner sees every join."""
    room = await owner.create_room(
        alias=alias, invite=[bot.user_id, *(g.user_id for g in guests)],
        power_level_override={"users": {bot.user_id: 50}},
    )
    for guest in guests:
        await guest.join(room)
    for who in (bot.user_id, *(g.user_id for g in guests)):
        await owner.wait_for(lambda s, w=who: s.room_id == room
                             and getattr(s.event, "state_key", None) == w
                             and getattr(s.event, "membership", None) == "join")
    return room
