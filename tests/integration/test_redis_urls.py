"""Redis URLs with a password and with TLS (``rediss://``) work end to end."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from newswatch.config import load_config
from newswatch.daemon.runner import run_once
from newswatch.errors import QueueError
from tests.support.http import Route, Server
from tests.support.redis_server import RedisServer
from tests.support.site import serve_site


def pipeline_config(tmp_path: Path, redis_url: str, feed: str, hook: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(
        f'redis: {{url: "{redis_url}"}}\ndata_dir: {tmp_path / "d"}\n'
        "polling: {host_delay: 0s}\n"
        f'feeds: [{{url: "{feed}"}}]\n'
        "entities: {z: {names: [Volodymyr Zelenskyy]}}\n"
        "watches: [{id: z, query: 'entity:z'}]\n"
        f'notifiers: {{hook: {{type: webhook, url: "{hook}"}}}}\n'
    )
    return path


@pytest.mark.parametrize("tls", [False, True], ids=["password", "tls+password"])
async def test_password_and_tls_urls(
    tmp_path: Path, make_http_server: Callable[[], Server], tls: bool
) -> None:
    if tls and shutil.which("redis-server") is None:
        pytest.skip("needs a redis-server with TLS on PATH (Debian's redis-server has it)")
    server = RedisServer(tmp_path / "redis", password="s3cret pass", tls=tls)
    server.start()
    site, receiver = make_http_server(), make_http_server()
    receiver.route("/hook", Route(body=b"ok"))
    try:
        path = pipeline_config(
            tmp_path, server.url, serve_site(site)["feed"], receiver.url + "/hook"
        )
        stats = await run_once(load_config(path))
        wrong = pipeline_config(
            tmp_path, server.url.replace("s3cret", "wrong"), "http://x/", "http://x/"
        )
        with pytest.raises(QueueError):
            await run_once(load_config(wrong))
    finally:
        server.stop()
    assert stats.alerts == 1 and stats.delivered == 1
    assert len(receiver.requests("/hook")) == 1
