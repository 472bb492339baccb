"""Wiring: store, client, chat, scheduler and features; start and graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from nio import AsyncClient

from .core.chat import Chat
from .core.clock import Clock
from .core.commands import CommandRouter, declared_commands
from .core.config import Config
from .core.direct import DirectChats
from .core.help import Help
from .core.i18n import I18n
from .core.logs import redact_also
from .core.loop import Dispatcher, SyncLoop
from .core.permissions import Permissions
from .core.rooms import RoomDirectory
from .core.scheduling import Scheduler
from .core.services import Services
from .core.session import connect
from .core.store import DB_FILE, Store, age_since, secure_dir
from .core.tracked import TrackedPosts
from .features import Feature, migrate
from .features.catalog import FEATURES
from .ops.web import WebServer

log = logging.getLogger(__name__)


class App:
    def __init__(
        self,
        config: Config,
        clock: Clock | None = None,
        features: list[type[Feature]] | None = None,
    ) -> None:
        self.config = config
        self.clock = clock or Clock(config.tz)
        self._feature_classes = list(FEATURES) if features is None else features
        self.features: list[Feature] = []
        self.services: Services | None = None
        self.sync_loop: SyncLoop | None = None
        self.started_at = time.time()
        self._task: asyncio.Task[None] | None = None
        self.web: WebServer | None = None

    async def start(self, first_sync_timeout: float = 60) -> None:
        """Connect, sync once and start the features; returns when the bot is live."""
        secure_dir(self.config.data_dir)
        store = await Store.open(self.config.data_dir / DB_FILE)
        try:
            client = await connect(self.config)
        except BaseException:
            await store.close()
            raise
        redact_also(client.access_token)
        services = self.services = await self._services(store, client)
        router = CommandRouter(services)
        router.register_all(declared_commands(Help(lambda: router.commands)))
        self._build_features(services, router)
        dispatcher = Dispatcher(services, router,
                                [services.tracked, services.direct, *self.features])
        self.sync_loop = SyncLoop(services, dispatcher, self._start_features)
        await self._start_web()
        self._task = asyncio.create_task(self.sync_loop.run(), name="sync-loop")
        await self._first_sync(first_sync_timeout)

    async def _services(self, store: Store, client: AsyncClient) -> Services:
        """The core every feature uses, on a database with every table."""
        chat = Chat(client, store)  # replies go out through the store's outbox
        permissions = Permissions(self.config, client)
        tracked = TrackedPosts(store, chat, self.clock, permissions,
                               reconcile_days=self.config.reconcile_days)
        direct = DirectChats(store, chat, self.clock)
        await migrate(store, self._feature_classes)
        await store.prune_handled()
        return Services(
            config=self.config,
            store=store,
            chat=chat,
            client=client,
            clock=self.clock,
            i18n=I18n(self.config.language, self.config.tz),
            scheduler=Scheduler(self.clock),
            permissions=permissions,
            rooms=RoomDirectory(self.config, chat),
            tracked=tracked,
            direct=direct,
        )

    def _build_features(self, services: Services, router: CommandRouter) -> None:
        """The enabled features, with their commands, reaction kinds and conversations."""
        for cls in self._feature_classes:
            if cls.enabled(self.config):
                feature = cls(services)
                router.register_all(feature.commands())
                for kind, declared in feature.reactions().items():
                    services.tracked.handle(feature.name, kind, declared)
                if (answer := feature.conversation()) is not None:
                    services.direct.answer_with(feature.name, answer)
                self.features.append(feature)

    async def _first_sync(self, timeout: float) -> None:
        assert self._task is not None and self.sync_loop is not None
        waiter = asyncio.create_task(self.sync_loop.first_sync_done.wait())
        done, _ = await asyncio.wait(
            {self._task, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if waiter not in done:
            waiter.cancel()
            await self.stop()
            raise TimeoutError("the first sync did not complete")

    async def _start_web(self) -> None:
        """The web server (if enabled) runs from before the first sync: `/healthz` says 503
        until the bot is live."""
        if not self.config.web.enabled:
            return
        loop = self.sync_loop
        assert loop is not None
        routes = [route for feature in self.features for route in feature.web_routes()]
        self.web = WebServer(
            self.config.web, lambda: age_since(loop.last_sync_monotonic, time.monotonic()), routes
        )
        try:
            await self.web.start()
        except BaseException:
            self.web = None
            await self.stop()
            raise

    async def _start_features(self) -> None:
        assert self.services is not None
        await self.services.chat.outbox.start()  # first what was queued before the last stop
        for feature in self.features:
            await feature.start()
        self.services.scheduler.start()
        log.info("matrixcowork is live with %d features", len(self.features))

    async def wait(self) -> None:
        """Until the sync loop ends (it only ends by cancellation or a bug)."""
        if self._task:
            await self._task

    async def stop(self) -> None:
        """Stop syncing, let features finish, close the client and the database."""
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        if self.web:
            await self.web.stop()
            self.web = None
        services = self.services
        if services is None:
            return
        await services.chat.outbox.stop()  # what is still queued goes out at the next start
        await services.scheduler.stop()  # every feature's jobs with it
        for feature in reversed(self.features):
            with contextlib.suppress(Exception):
                await feature.stop()
        await services.client.close()
        await services.store.close()
        self.services = None
        log.info("matrixcowork stopped")
