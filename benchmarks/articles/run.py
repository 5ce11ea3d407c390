"""Article benchmark: articles/s of one worker process, fetching from local pages that answer
after 300 ms on 100 loopback hosts with the default politeness, against the same pages fetched
without latency or politeness (CPU-bound), and the time to drain a cold start.

    .venv/bin/python benchmarks/articles/run.py   # NEWSWATCH_BENCH_REDIS_URL, default db 12

The database is flushed. The pages are served by a keep-alive HTTP/1.1 server on asyncio in a
child process, listening on 127.0.0.1 to 127.0.0.100 (one host each to the fetcher); a page is
one of the test site's three articles (Indonesian and English, ~80 KB with a sidebar of links,
as news pages are), made unique by its number. Entries are queued grouped by host, as a poller
publishes a feed's new entries together, then ``run --once --role worker`` drains them in this
process; its wall time and CPU time are measured. Everything stops by itself.

Runs: the CPU-bound rate (1,000 articles, no latency, ``host_delay: 0s``); the same 1,000 with
300 ms latency and default politeness (``host_delay: 1s``, ``per_host: 2``, robots.txt), whose
rate should lose less than 20 % (and drain in under 60 s); a cold start of 10,000 articles over
the same 100 hosts (at least 100 s: each host gives one article a second); and, for scale, the
issue's case (5 hosts x 6 articles) with one article in flight at a time, as before.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis.asyncio as aioredis

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from newswatch.config import load_config  # noqa: E402 (after the path set-up)
from newswatch.constants import ENTRIES_STREAM, WORKERS_GROUP  # noqa: E402
from newswatch.daemon.runner import run_once  # noqa: E402

REDIS_URL = os.environ.get("NEWSWATCH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
PORT = int(os.environ.get("NEWSWATCH_BENCH_PORT", "18431"))
HOSTS = 100
LATENCY_S = 0.3
TARGET_LOSS, TARGET_DRAIN_S = 0.20, 60.0
PAGES = REPO / "tests" / "fixtures" / "site"
SIDEBAR_LINKS = 1000

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{host_delay: {delay}, article_concurrency: {concurrency}}}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy, Zelensky]}}
watches:
  - {{id: ukraine, query: '(Ukraine OR Ukraina) AND (damai OR perdamaian OR pertemuan)'}}
  - {{id: football, query: 'Persebaya OR Arema OR derby'}}
  - {{id: rice, query: 'beras NEAR/5 harga'}}
  - {{id: zelenskyy, query: 'entity:zelenskyy'}}
  - {{id: markets, query: 'IHSG OR saham* OR "Bank Indonesia"'}}
notifiers:
  out: {{type: console}}
"""


# -- the page server (a child process) ----------------------------------------------------------


def templates() -> list[bytes]:
    """The three article pages, each with a sidebar of links and a script block."""
    links = "".join(f'<li><a href="/topik/{i}">Topik {i} berita terkini hari ini</a></li>'
                    for i in range(SIDEBAR_LINKS))  # fmt: skip
    chrome = f'<aside><ul>{links}</ul></aside><script>var ads = "{"x" * 2000}";</script></body>'
    return [
        p.read_bytes().replace(b"</body>", chrome.encode()) for p in sorted(PAGES.glob("*.html"))
    ]


def article(pages: list[bytes], path: str) -> bytes:
    """The page at ``/<latency ms>/<n>``: a template made unique by its number."""
    n = int(path.rsplit("/", 1)[1])
    mark = f"<p>Laporan nomor {n} dari meja redaksi.</p></article>".encode()
    return pages[n % len(pages)].replace(b"</article>", mark, 1)


async def serve_client(pages: list[bytes], reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> None:  # fmt: skip
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode()
            latency_ms = int(path.split("/")[1]) if path.split("/")[1].isdigit() else 0
            await asyncio.sleep(latency_ms / 1000)
            if path.endswith("/robots.txt"):
                status, body = b"404 Not Found", b"none"
            else:
                status, body = b"200 OK", article(pages, path)
            head = b"HTTP/1.1 %s\r\nContent-Type: text/html; charset=utf-8\r\n" % status
            writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
        writer.close()


async def serve(seconds: float) -> None:
    """Serve the pages on 127.0.0.1..HOSTS for at most ``seconds`` (or until stdin closes)."""
    pages = templates()
    servers = [await asyncio.start_server(lambda r, w: serve_client(pages, r, w),
                                          f"127.0.0.{h}", PORT, backlog=512)
               for h in range(1, HOSTS + 1)]  # fmt: skip
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    closed = loop.run_in_executor(None, sys.stdin.read)
    await asyncio.wait([closed], timeout=seconds)
    for server in servers:
        server.close()
    os._exit(0)  # the stdin reader thread may still be blocked


# -- the worker side -----------------------------------------------------------------------------


def entries(count: int, hosts: int, latency_ms: int) -> list[dict[str, object]]:
    """``count`` entries spread over ``hosts``, grouped by host as feeds publish them."""
    per_host = -(-count // hosts)
    out = []
    for n in range(count):
        host = n // per_host + 1
        base = f"http://127.0.0.{host}:{PORT}"
        link = f"{base}/{latency_ms}/{n}"
        out.append({"feed_id": f"h{host}", "feed": f"host {host}", "feed_url": f"{base}/feed",
                    "guid": link, "link": link, "title": "", "summary": "", "published": None,
                    "updated": None, "author": None, "fetch_article": True})  # fmt: skip
    return out


async def queue(items: list[dict[str, object]]) -> None:
    """A flushed database with ``items`` on the entries stream."""
    redis = aioredis.Redis.from_url(REDIS_URL)
    try:
        await redis.flushdb()
        await redis.xgroup_create(ENTRIES_STREAM, WORKERS_GROUP, id="0", mkstream=True)
        for start in range(0, len(items), 500):
            async with redis.pipeline(transaction=False) as pipe:
                for item in items[start : start + 500]:
                    pipe.xadd(ENTRIES_STREAM, {"data": json.dumps(item)})
                await pipe.execute()
    finally:
        await redis.aclose()


async def drain(tmp: Path, count: int, hosts: int, latency_ms: int, delay: str,
                concurrency: int = 500) -> tuple[float, float, int]:  # fmt: skip
    """Queue ``count`` entries and time one worker draining them: (wall s, CPU s, articles)."""
    path = tmp / "newswatch.yaml"
    path.write_text(CONFIG.format(redis=REDIS_URL, data=tmp / "data", delay=delay,
                                  concurrency=concurrency))  # fmt: skip
    settings = load_config(path)
    await queue(entries(count, hosts, latency_ms))
    cpu, wall = cpu_s(), time.perf_counter()
    stats = await run_once(settings, roles=["worker"])
    wall, cpu = time.perf_counter() - wall, cpu_s() - cpu
    if stats.articles != count or stats.article_fallbacks:
        raise SystemExit(f"{stats.articles} of {count} articles, {stats.article_fallbacks} "
                         "from the summary: the benchmark is broken")  # fmt: skip
    return wall, cpu, stats.articles


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def report(name: str, wall: float, cpu: float, count: int) -> float:
    rate = count / wall
    print(f"{name:<46} {count:>6} articles in {wall:7.1f} s = {rate:6.1f}/s "
          f"(CPU {cpu / count * 1000:5.1f} ms/article)", flush=True)  # fmt: skip
    return rate


async def main(args: argparse.Namespace) -> None:
    latency_ms = int(LATENCY_S * 1000)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        await drain(tmp, 100, HOSTS, 0, "0s")  # warm-up: language models, engine, connections
        print(f"one worker process, {HOSTS} hosts; CPUs usable: {len(os.sched_getaffinity(0))}")
        cpu_rate = report("CPU-bound (no latency, no host_delay)", *await drain(
            tmp, 1000, HOSTS, 0, "0s"))  # fmt: skip
        wall, cpu, count = await drain(tmp, 1000, HOSTS, latency_ms, "1s")
        rate = report(f"{latency_ms} ms pages, default politeness", wall, cpu, count)
        loss = 1 - rate / cpu_rate
        print(
            f"  latency costs {loss:.0%} of the CPU-bound rate (target < {TARGET_LOSS:.0%}); "
            f"cold start of 1,000 drained in {wall:.1f} s (target < {TARGET_DRAIN_S:.0f} s)"
        )
        if args.large:
            report("cold start, 300 ms pages, default politeness", *await drain(
                tmp, 10_000, HOSTS, latency_ms, "1s"))  # fmt: skip
            print("  (floor: 100 articles per host at one a second = 100 s)")
        if args.before:
            report("issue's case, 5 hosts x 6, one at a time (before)", *await drain(
                tmp, 30, 5, latency_ms, "1s", concurrency=1))  # fmt: skip
            report("issue's case, 5 hosts x 6, default window", *await drain(
                tmp, 30, 5, latency_ms, "1s"))  # fmt: skip


def run(args: argparse.Namespace) -> None:
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            raise SystemExit("the page server did not start")
        asyncio.run(main(args))
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-large", dest="large", action="store_false",
                        help="skip the 10,000-article cold start (several minutes)")  # fmt: skip
    parser.add_argument("--no-before", dest="before", action="store_false",
                        help="skip the one-at-a-time comparison (about 35 s)")  # fmt: skip
    options = parser.parse_args()
    if options.serve:
        asyncio.run(serve(seconds=3600))
    else:
        run(options)
