"""``http.token`` and the security headers on the real app on a real port (real Redis behind
/healthz, a real SQLite archive behind the feeds), fetched with a real HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from newswatch.archive.database import open_archive
from newswatch.web import WebState
from tests.support.web import fetch, served

TOKEN = "web-test-token-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
CHALLENGE = 'Bearer realm="newswatch"'


@pytest.fixture
async def base(redis_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """The app with a token, over an empty SQLite archive; its base URL."""
    archive = open_archive(f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    try:
        async with served(redis_url, WebState(archive, {"w": "q"}), TOKEN) as url:
            yield url
    finally:
        archive.close()


async def get(url: str, headers: dict[str, str] | None = None, **kw: object) -> httpx.Response:
    return await fetch(url, BEARER if headers is None else headers, **kw)


GUARDED = {"/metrics": 200, "/feed.atom": 200, "/watches/w/feed.atom": 200, "/nothing-here": 404}
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
    answers = [health, await get(base + "/metrics", {}), await get(base + "/feed.atom"),
               await get(base + "/watches/nope/feed.atom")]  # fmt: skip
    assert [a.status_code for a in answers[1:]] == [401, 200, 404]
    for answer in answers:
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert answer.headers["X-Frame-Options"] == "DENY"


async def test_without_a_token_every_route_is_open(redis_url: str) -> None:
    async with served(redis_url, WebState(None), None) as url:
        assert (await get(url + "/metrics", {})).status_code == 200
        assert "WWW-Authenticate" not in (await get(url + "/nothing-here", {})).headers
