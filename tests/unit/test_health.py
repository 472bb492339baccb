"""The health verdict and the web server that reports it (a real server on a free port)."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from matrixcowork.core.config import WebConfig
from matrixcowork.core.store import age_since, parse_stamp
from matrixcowork.ops.devserver import free_port
from matrixcowork.ops.health import Health
from matrixcowork.ops.web import WebServer, WebServerError


def test_verdict_on_the_age_of_the_last_sync() -> None:
    assert Health(0.0).ok and Health(120.0).ok
    assert not Health(120.5).ok
    assert not Health(None).ok
    assert Health(3.04).as_json() == {"status": "ok", "last_sync_age_seconds": 3.0}
    assert Health(None).as_json() == {"status": "stale", "last_sync_age_seconds": None}
    assert Health(600.0).line() == "unhealthy: last sync 600 s ago (limit 120 s)"
    assert Health(5.0, max_age=10).line() == "ok: last sync 5 s ago (limit 10 s)"
    assert Health(None).line() == "unhealthy: no sync recorded yet"


def test_stored_stamps_and_ages() -> None:
    assert parse_stamp("1764579540") == 1764579540.0
    assert parse_stamp("garbage") is None and parse_stamp(None) is None
    assert age_since(100.0, 130.0) == 30.0
    assert age_since(None, 130.0) is None
    assert age_since(200.0, 130.0) == 0.0  # a clock step backwards is not "in the future"


async def fetch(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


@pytest.fixture
def port() -> int:
    return free_port()


async def test_healthz_is_503_while_stale_and_200_when_fresh(port: int) -> None:
    age: list[float | None] = [None]
    server = WebServer(WebConfig(enabled=True, port=port), lambda: age[0])
    await server.start()
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        assert await fetch(url) == (503, '{"status": "stale", "last_sync_age_seconds": null}')
        age[0] = 400.0
        assert (await fetch(url))[0] == 503
        age[0] = 12.0
        assert await fetch(url) == (200, '{"status": "ok", "last_sync_age_seconds": 12.0}')
    finally:
        await server.stop()


async def test_feature_routes_are_served_next_to_healthz(port: int) -> None:
    async def calendar(request: web.Request) -> web.Response:
        return web.Response(text="BEGIN:VCALENDAR", content_type="text/calendar")

    server = WebServer(WebConfig(port=port), lambda: 1.0, [web.get("/calendar.ics", calendar)])
    await server.start()
    try:
        assert await fetch(f"http://127.0.0.1:{port}/calendar.ics") == (200, "BEGIN:VCALENDAR")
        assert (await fetch(f"http://127.0.0.1:{port}/nothing"))[0] == 404
    finally:
        await server.stop()


async def test_a_taken_port_is_one_clear_error(port: int) -> None:
    first = WebServer(WebConfig(port=port), lambda: 1.0)
    await first.start()
    try:
        with pytest.raises(WebServerError, match=rf"web: cannot listen on 127.0.0.1:{port}"):
            await WebServer(WebConfig(port=port), lambda: 1.0).start()
    finally:
        await first.stop()
