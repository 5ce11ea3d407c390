"""Poller benchmark: 10,000 feeds served by nginx on loopback, polled cold and then warm.

    .venv/bin/python benchmarks/poll/run.py [--feeds 10000] [--hosts 100] [--warm-rounds 5]
                                            [--profile FILE]

nginx (Debian: ``apt-get install -y nginx-light``) serves generated RSS files with ETags from a
temporary folder, on a free port of ``--hosts`` loopback addresses (127.0.0.1, 127.0.0.2, ...),
so per-host limits behave as with real sites. Redis is ``$NEWSWATCH_BENCH_REDIS_URL`` or
redis://127.0.0.1:6379/15 (that database is flushed before and after).

Measured, in one process on one core (nginx and Redis run beside it):

- cold poll: every feed fetched, parsed and its entries published;
- warm polls: every feed due again; ``--changed`` of them were rewritten (new ETag, one new
  entry), the rest answer 304. polls/s and CPU per poll are for the whole round;
- naive baseline: sequential ``feedparser.parse(url)`` on a sample, extrapolated, run right
  after each warm round; the speed-up is the median of the per-round ratios, so that both
  sides of each ratio ran under the same conditions (a shared machine's speed drifts);
- changed-feed parse throughput: ``parse_feed`` (newswatch: feedparser plus entry extraction)
  over bare ``feedparser.parse`` on the same bytes, as a ratio.

CPU is this process's (``time.process_time``) on both sides: the poller's, and the naive
baseline's own (its HTTP and parsing); nginx and Redis are outside it for both. Every figure is
the median of several rounds, and each is printed beside its target. After the cold poll the
heap is frozen and the collector tuned (``daemon.runner.settle_heap``), as the daemon does once
started.

Politeness is set for throughput: ``host_delay`` 0 (a delay is idle wall time, not CPU) and 4
requests per host; robots.txt plays no part (it applies to article pages only).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from statistics import median
from typing import NamedTuple
from xml.sax.saxutils import escape

import feedparser
import redis.asyncio as aioredis

from newswatch.config.load import Feed, feed_id
from newswatch.constants import DUE_SET
from newswatch.daemon.poller import Poller
from newswatch.daemon.runner import settle_heap
from newswatch.daemon.stats import Stats
from newswatch.feeds.parse import parse_feed
from newswatch.fetch import Fetcher, FetchLimits
from newswatch.schedule.outcome import PollPolicy
from newswatch.schedule.store import Schedule

REDIS_ENV = "NEWSWATCH_BENCH_REDIS_URL"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
WORDS = [
    "ukraina", "rusia", "pertemuan", "damai", "harga", "beras", "pemerintah", "menteri",
    "presiden", "ekonomi", "pasar", "negara", "kota", "banjir", "hujan", "sekolah", "rumah",
    "sakit", "jalan", "tol", "bank", "saham", "rupiah", "dolar", "ekspor",
]  # fmt: skip

NGINX_CONF = """
daemon off;
master_process on;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    etag on;
    types {{ application/rss+xml xml; }}
    server {{
{listen}
        root {root}/www;
    }}
}}
"""


def find_nginx() -> str:
    """The nginx binary, or exit with how to install it."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if not found:
        sys.exit(
            "nginx not found. Install it (Debian/Ubuntu: sudo apt-get install -y nginx-light, "
            "or nginx) and run again."
        )
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def feed_body(n: int, generation: int, items: int) -> bytes:
    """An RSS 2.0 document of ``items`` entries; each generation adds one newer entry on top.

    An entry's text depends only on (feed, entry number), so a rewritten feed differs from the
    previous version by one new entry (and the oldest one dropped), as real feeds do.
    """
    now = time.time()
    parts = [f"<title>Feed {n}</title><link>https://site{n}.example/</link>"]
    for i in range(generation, generation + items):
        rng = random.Random(f"{n}:{i}")
        words = " ".join(rng.choice(WORDS) for _ in range(40))
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
        parts.append(
            f"<item><title>{escape(title)}</title><link>https://site{n}.example/a/{i}</link>"
            f"<guid>https://site{n}.example/a/{i}</guid>"
            f"<description>&lt;p&gt;{escape(words)}&lt;/p&gt;</description>"
            f"<pubDate>{formatdate(now - (generation + items - i) * 3600, usegmt=True)}</pubDate>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


class Site:
    """The generated feeds and the nginx serving them."""

    def __init__(self, root: Path, feeds: int, hosts: int, items: int) -> None:
        self.root, self.feeds, self.hosts, self.items = root, feeds, hosts, items
        self.rng = random.Random(7)
        self.port = free_port()
        self.generation = [0] * feeds
        (root / "www").mkdir(parents=True)
        (root / "tmp").mkdir()
        for n in range(feeds):
            self.write(n)
        self.urls = [f"http://127.0.0.{1 + n % hosts}:{self.port}/f{n}.xml" for n in range(feeds)]
        self.process: subprocess.Popen[bytes] | None = None

    def write(self, n: int) -> None:
        body = feed_body(n, self.generation[n], self.items)
        (self.root / "www" / f"f{n}.xml").write_bytes(body)

    def change(self, fraction: float) -> int:
        """Rewrite ``fraction`` of the feeds with one new entry each; returns how many."""
        chosen = self.rng.sample(range(self.feeds), int(self.feeds * fraction))
        for n in chosen:
            self.generation[n] += 1
            self.write(n)
        return len(chosen)

    def start(self, nginx: str) -> None:
        listen = "\n".join(
            f"        listen 127.0.0.{1 + h}:{self.port};" for h in range(self.hosts)
        )
        conf = self.root / "nginx.conf"
        conf.write_text(NGINX_CONF.format(root=self.root, listen=listen))
        self.root.chmod(0o755)  # nginx workers run as another user
        self.process = subprocess.Popen([nginx, "-p", str(self.root), "-c", str(conf)])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        sys.exit(f"nginx did not start; see {self.root / 'error.log'}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


async def poll_round(
    redis: aioredis.Redis, poller: Poller, ids: list[str]
) -> tuple[float, float, Stats]:
    """Make every feed due, poll until none is; (wall s, CPU s, what was done)."""
    await redis.zadd(DUE_SET, dict.fromkeys(ids, 0))
    stats = Stats()
    poller.stats = stats
    wall, cpu = time.perf_counter(), time.process_time()
    await poller.run_due()
    return time.perf_counter() - wall, time.process_time() - cpu, stats


def measure(fn: Callable[[], object], count: int) -> tuple[float, float]:
    """(wall s, CPU s) of calling ``fn`` ``count`` times."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def naive_baseline(urls: list[str]) -> tuple[float, float]:
    """Sequential ``feedparser.parse(url)`` over ``urls``: (wall s, CPU s) per poll."""
    wall, cpu = time.perf_counter(), time.process_time()
    for url in urls:
        result = feedparser.parse(url)
        assert result.entries, url
    return (time.perf_counter() - wall) / len(urls), (time.process_time() - cpu) / len(urls)


def parse_ratio(site: Site, sample: int, rounds: int) -> tuple[float, float]:
    """(newswatch parses/s, bare feedparser parses/s) on the same changed-feed bodies; medians
    of ``rounds``, the two alternating so that neither pays for the other's garbage."""
    bodies = [(site.root / "www" / f"f{n}.xml").read_bytes() for n in range(sample)]
    headers = {"content-type": "application/rss+xml"}
    for body in bodies[:20]:  # warm both paths up
        parse_feed(body, headers, "http://h/f.xml")
        feedparser.parse(body, response_headers=headers)
    ours, bare = [], []
    for _ in range(rounds):
        gc.collect()
        ours.append(measure(lambda: [parse_feed(b, headers, "http://h/") for b in bodies], 1)[0])
        gc.collect()
        bare.append(
            measure(lambda: [feedparser.parse(b, response_headers=headers) for b in bodies], 1)[0]
        )
    return len(bodies) / median(ours), len(bodies) / median(bare)


async def run(args: argparse.Namespace) -> None:
    nginx = find_nginx()
    redis_url = os.environ.get(REDIS_ENV, DEFAULT_REDIS)
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    await redis.flushdb()
    with tempfile.TemporaryDirectory(prefix="nw-poll-bench-") as tmp:
        print(f"generating {args.feeds} feeds of {args.items} entries on {args.hosts} hosts ...")
        site = Site(Path(tmp), args.feeds, args.hosts, args.items)
        site.start(nginx)
        try:
            await bench(args, site, redis)
        finally:
            site.stop()
            await redis.flushdb()
            await redis.aclose()


async def bench(args: argparse.Namespace, site: Site, redis: aioredis.Redis) -> None:
    feeds = {
        feed_id(u): Feed(feed_id(u), u, f"feed {n}", 300.0, True) for n, u in enumerate(site.urls)
    }
    limits = FetchLimits(timeout_s=20.0, per_host=4, max_concurrency=args.concurrency,
                         host_delay_s=0.0, allow_private_networks=True)  # fmt: skip
    fetcher = Fetcher(limits)
    poller = Poller(redis, fetcher, feeds, Schedule(redis, "bench"), Stats(), args.concurrency,
                    PollPolicy())  # fmt: skip
    ids = list(feeds)
    try:
        await poller.sync()
        wall, cpu, stats = await poll_round(redis, poller, ids)
        report("cold poll", len(ids), wall, cpu, stats)
        settle_heap()  # what the daemon does once started
        sample = site.urls[: args.sample]
        rounds = []
        profiler = cProfile.Profile() if args.profile else None
        for r in range(args.warm_rounds):
            changed = site.change(args.changed)
            if profiler is not None:
                profiler.enable()
            wall, cpu, stats = await poll_round(redis, poller, ids)
            if profiler is not None:
                profiler.disable()
            report(f"warm poll {r + 1} ({changed} changed)", len(ids), wall, cpu, stats)
            # The baseline right after each warm round: the two are compared under the same
            # machine conditions (a shared machine's speed drifts over a run).
            rounds.append(Paired(wall / len(ids), cpu / len(ids), *naive_baseline(sample)))
    finally:
        await fetcher.aclose()
    if profiler is not None:
        profiler.dump_stats(args.profile)
        print(f"profile of the warm rounds written to {args.profile} (figures include its cost)")
    summarize(rounds, len(sample), len(ids), parse_ratio(site, args.sample, args.rounds))


class Paired(NamedTuple):
    """A warm round and the naive baseline measured right after it, per poll."""

    wall: float
    cpu: float
    naive_wall: float
    naive_cpu: float


def summarize(rounds: list[Paired], sample: int, feeds: int, parses: tuple[float, float]) -> None:
    """Print the medians and the verdicts against the issue's targets."""
    warm_wall, warm_cpu = median(r.wall for r in rounds), median(r.cpu for r in rounds)
    naive_wall, naive_cpu = (
        median(r.naive_wall for r in rounds),
        median(r.naive_cpu for r in rounds),
    )
    speed_up = median(r.naive_wall / r.wall for r in rounds)
    ours, bare = parses
    print()
    print(f"naive baseline (sequential feedparser.parse(url), {sample} feeds after each warm "
          f"round, median): {1 / naive_wall:,.0f} polls/s, {naive_cpu * 1e3:.2f} ms CPU/poll; "
          f"{feeds} feeds would take {naive_wall * feeds:,.0f} s")  # fmt: skip
    print(f"newswatch warm (median of {len(rounds)} rounds): {1 / warm_wall:,.0f} polls/s, "
          f"{warm_cpu * 1e3:.3f} ms CPU/poll, {1 / warm_cpu:,.0f} polls/CPU-second")  # fmt: skip
    print(f"speed-up over naive, per round: "
          f"{', '.join(f'{r.naive_wall / r.wall:.1f}x' for r in rounds)}; median {speed_up:.1f}x "
          f"wall, {median(r.naive_cpu / r.cpu for r in rounds):.1f}x CPU")  # fmt: skip
    print(f"changed-feed parse throughput (median): newswatch {ours:,.0f}/s vs bare feedparser "
          f"{bare:,.0f}/s on the same bytes")  # fmt: skip
    print()
    targets = [
        ("warm conditional polls/s", 1 / warm_wall, 1000, ",.0f"),
        ("speed-up over naive (wall)", speed_up, 30, ".1f"),
        ("changed-feed parse ratio", ours / bare, 0.8, ".2f"),
    ]
    for name, value, target, spec in targets:
        verdict = "ok" if value >= target else "MISSED"
        print(f"  [{verdict:>6}] {name}: {value:{spec}} (target >= {target:{spec}})")


def report(label: str, polls: int, wall: float, cpu: float, stats: Stats) -> None:
    print(f"{label}: {polls} polls in {wall:.2f} s = {polls / wall:,.0f} polls/s, "
          f"{cpu / polls * 1e3:.3f} ms CPU/poll; {stats.feeds_not_modified} not modified, "
          f"{stats.entries} new entries, {stats.feeds_failed} failed")  # fmt: skip
    if stats.feed_errors:
        print("  e.g.", next(iter(stats.feed_errors.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--items", type=int, default=30, help="entries per feed (~14 KB)")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--warm-rounds", type=int, default=5)
    parser.add_argument("--changed", type=float, default=0.02, help="fraction changed per round")
    parser.add_argument("--sample", type=int, default=200, help="feeds for the naive baseline "
                        "(run once after each warm round)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the parse comparison "
                        "(the median is reported)")  # fmt: skip
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats of the warm "
                        "rounds to FILE (pstats); warm figures include its cost")  # fmt: skip
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
