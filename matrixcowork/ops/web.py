"""The bot's small web server: `/healthz` now, the public events page and calendar feed later.

Pages are plain aiohttp handlers. A feature that serves a page returns its routes from
`Feature.web_routes()` (e.g. `[web.get("/calendar.ics", self.calendar)]`); the app passes them
all to `WebServer`, which serves them next to `/healthz`. The server only runs when the config
says `web: {enabled: true}`; behind a reverse proxy it listens on 127.0.0.1 by default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..core.config import WebConfig
from .health import Health

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)


class WebServerError(Exception):
    """The server cannot listen (port taken, address not available)."""


class WebServer:
    def __init__(
        self,
        config: WebConfig,
        sync_age: Callable[[], float | None],
        routes: Iterable[web.AbstractRouteDef] = (),
    ) -> None:
        from aiohttp import web  # when serving: a start without it is quicker

        self.config = config
        self._sync_age = sync_age
        self._app = web.Application()
        self._app.router.add_get("/healthz", self._healthz)
        self._app.add_routes(list(routes))
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        from aiohttp import web

        runner = web.AppRunner(self._app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, self.config.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise WebServerError(
                f"web: cannot listen on {self.config.host}:{self.config.port} "
                f"({exc.strerror or exc})"
            ) from None
        self._runner = runner
        log.info("web server listening on http://%s:%d", self.config.host, self.config.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        from aiohttp import web

        health = Health(self._sync_age())
        return web.json_response(health.as_json(), status=200 if health.ok else 503)
