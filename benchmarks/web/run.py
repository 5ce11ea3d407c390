"""Web pages benchmark: server time to render the first page of ``/`` (and its filters, a deep
page, a story and ``/search``) over an SQLite archive of 10,000 alerted ~5 KB articles.

    .venv/bin/python benchmarks/web/run.py   # NEWSWATCH_BENCH_ALERTS (10000)

Target (issue 16): the first page of ``/`` over 10,000 archived alerts in < 200 ms of server
time. Server time is measured by a middleware around the view (reading the archive in its
thread, rendering, the session), on the real app served on 127.0.0.1; the client is httpx.
Every article is in a story of three, and has one alert of one of five watches.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from aiohttp.typedefs import Handler

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "archive"))

from data import article, pools
from sqlalchemy import text

from newswatch.alerts import Alert, ArticleInfo
from newswatch.archive.database import open_archive
from newswatch.archive.records import article_record
from newswatch.archive.write import write_records
from newswatch.config.load import load_config
from newswatch.match.model import Hit
from newswatch.observe.metrics import Heartbeat
from newswatch.observe.server import HealthInputs
from newswatch.web import WebState, make_app

N = int(os.environ.get("NEWSWATCH_BENCH_ALERTS", "10000"))
TARGET_MS = 200.0
RUNS = 30
WATCHES = ["w0", "w1", "w2", "w3", "w4"]
CONFIG = """
redis: {url: "redis://127.0.0.1:1/0"}
watches:
""" + "".join(f"  - {{id: {w}, query: 'Zelenskyy OR Petrova'}}\n" for w in WATCHES)


def records(n: int, seed: int = 5, start: float = 1.8e9) -> Iterator[dict[str, Any]]:
    """``n`` archive records, each an article with one alert, one second apart."""
    rng = random.Random(seed)
    sentences, vocabs = pools()
    for i in range(n):
        title, body, lang, site = article(rng, sentences, vocabs)
        url = f"https://{site}/{i}"
        snippet = body[:240]
        info = ArticleInfo(url, title, "Bench", None, lang, None, snippet, body)
        moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i))
        alert = Alert(id=f"{i:032x}", watch=WATCHES[i % 5], detected_at=moment, article=info,
                      hits=(Hit("body", "x", 0, 5),), marks=((0, 5), (40, 48)))  # fmt: skip
        yield article_record(info, url, site, True, f"{i:032x}", (alert,), start + i)


@web.middleware
async def timer(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    response = await handler(request)
    request.app[TIMES].setdefault(request.path_qs, []).append(time.perf_counter() - started)
    return response


TIMES = web.AppKey("times", dict)


async def measure(archive_path: Path, config: Path) -> dict[str, list[float]]:
    archive = open_archive(f"sqlite:///{archive_path}")
    state = WebState(archive)
    state.apply(load_config(config))
    app = make_app(HealthInputs(None, (), Heartbeat()), state, None)  # type: ignore[arg-type]
    app.middlewares.append(timer)
    app[TIMES] = {}
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        first = (await http.get("/")).text
        older = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
        paths = ["/", "/?watch=w3", "/?lang=en", older, "/stories/s1000",
                 "/search?q=Zelenskyy", "/search?q=Petrova%20AND%20NOT%20Zelenskyy"]  # fmt: skip
        for path in paths:
            for _ in range(RUNS):
                assert (await http.get(path)).status_code == 200, path
    times = dict(app[TIMES])
    await runner.cleanup()
    archive.close()
    return {path: times[path][1:] for path in paths}  # the first of each warms caches


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path, config = Path(tmp) / "archive.sqlite3", Path(tmp) / "newswatch.yaml"
        config.write_text(CONFIG)
        archive = open_archive(f"sqlite:///{path}")
        started = time.perf_counter()
        batch: list[dict[str, Any]] = []
        for record in records(N):
            batch.append(record)
            if len(batch) == 500:
                write_records(archive, batch)
                batch = []
        write_records(archive, batch)
        with archive.begin("grouping stories") as conn:
            conn.execute(text("UPDATE articles SET story_id = 's' || (id / 3)"))
        archive.close()
        print(f"{N:,} archived alerts written in {time.perf_counter() - started:.1f} s "
              f"({path.stat().st_size / 1e6:.0f} MB)")  # fmt: skip
        results = asyncio.run(measure(path, config))
    print(f"server time per page, {RUNS - 1} requests each (target: first page of / < "
          f"{TARGET_MS:.0f} ms):")  # fmt: skip
    for path, times in results.items():
        ms = sorted(t * 1000 for t in times)
        p95 = ms[int(len(ms) * 0.95) - 1]
        shown = path if len(path) < 48 else path[:45] + "..."
        print(f"  {shown:48s} median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
