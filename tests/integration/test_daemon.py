"""The long-running daemon as a real process: it polls, alerts, and stops cleanly on a signal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.http import Route, Server
from tests.support.site import serve_site

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{timeout: 5s, interval: 1h, host_delay: 0s}}
feeds:
  - {{url: "{feed}", name: Pantau}}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy]}}
watches:
  - {{id: zelenskyy, query: 'entity:zelenskyy', notify: [hook]}}
notifiers:
  hook: {{type: webhook, url: "{hook}"}}
"""


def start_daemon(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "newswatch", "run", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_daemon_alerts_then_stops_cleanly_on_signal(
    tmp_path: Path,
    redis_url_clean: str,
    make_http_server,  # type: ignore[no-untyped-def]
    sig: signal.Signals,
) -> None:
    site: Server = make_http_server()
    urls = serve_site(site)
    receiver: Server = make_http_server()
    receiver.route("/hook", Route(body=b"ok"))
    config = tmp_path / "c.yaml"
    config.write_text(
        CONFIG.format(
            redis=redis_url_clean,
            data=tmp_path / "d",
            feed=urls["feed"],
            hook=receiver.url + "/hook",
        )
    )
    daemon = start_daemon(config)
    try:
        posts = receiver.wait_for(1, "/hook", timeout=60)
        assert json.loads(posts[0].body)["watch"] == "zelenskyy"
        daemon.send_signal(sig)
        output, _ = daemon.communicate(timeout=30)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    assert daemon.returncode == 0, output.decode()
    assert b"stopping" in output
    assert len(receiver.requests("/hook")) == 1
