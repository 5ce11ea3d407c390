"""``http.token`` and the security headers on the real app on a real port (real Redis behind
/healthz), fetched with a real HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import redis.asyncio as aioredis

from newswatch.observe.metrics import Heartbeat
from newswatch.observe.server import HealthInputs
from newswatch.web import serve
from tests.support.smtp import free_port

TOKEN = "web-test-token-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
CHALLENGE = 'Bearer realm="newswatch"'


@asynccontextmanager
async def served(redis_url: str, token: str | None) -> AsyncIterator[str]:
    """The app on a free port; its base URL."""
    client = aioredis.Redis.from_url(redis_url)
    listen = f"127.0.0.1:{free_port()}"
    try:
        async with serve(listen, HealthInputs(client, ("worker",), Heartbeat()), token):
            yield f"http://{listen}"
    finally:
        await client.aclose()


@pytest.fixture
async def base(redis_url: str) -> AsyncIterator[str]:
    """The app with a token; its base URL."""
    async with served(redis_url, TOKEN) as url:
        yield url


async def get(url: str, headers: dict[str, str] | None = None, **kw: object) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.get(url, headers=BEARER if headers is None else headers, **kw)  # type: ignore[arg-type]


GUARDED = {"/metrics": 200, "/nothing-here": 404}
"""Path -> its status with the token."""
WRONG = [
    ({}, {}),
    ({"Authorization": "Bearer wrong-token-0123456789abcdef"}, {}),
    ({"Authorization": f"Basic {TOKEN}"}, {}),
    ({"Authorization": f"Bearer {TOKEN[:-1]}"}, {}),
    ({"Authorization": "Bearer"}, {"token": "x"}),
    ({}, {"token": TOKEN[:-1]}),
    ({}, {"token": TOKEN + "x"}),
    ({}, {"token": ""}),
]


@pytest.mark.parametrize("path", GUARDED)
async def test_every_route_but_healthz_needs_the_token(base: str, path: str) -> None:
    for headers, params in WRONG:
        answer = await get(base + path, headers, params=params)
        assert answer.status_code == 401, (headers, params)
        assert answer.headers["WWW-Authenticate"] == CHALLENGE
    expected = GUARDED[path]
    assert (await get(base + path)).status_code == expected
    assert (await get(base + path, {"Authorization": f"bearer {TOKEN}"})).status_code == expected
    assert (await get(base + path, {}, params={"token": TOKEN})).status_code == expected


async def test_healthz_is_open_and_every_answer_has_the_security_headers(base: str) -> None:
    health = await get(base + "/healthz", {})
    assert health.status_code != 401 and "status" in health.json()
    answers = [health, await get(base + "/metrics", {}), await get(base + "/metrics"),
               await get(base + "/nothing-here")]  # fmt: skip
    assert [a.status_code for a in answers[1:]] == [401, 200, 404]
    for answer in answers:
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert answer.headers["X-Frame-Options"] == "DENY"


async def test_without_a_token_every_route_is_open(redis_url: str) -> None:
    async with served(redis_url, None) as url:
        assert (await get(url + "/metrics", {})).status_code == 200
        assert "WWW-Authenticate" not in (await get(url + "/nothing-here", {})).headers
