"""Soak: 1,000 local feeds for an hour; is memory flat?

Serves ``--feeds`` RSS feeds from a local HTTP server (each gains a new article every few
minutes, with ETags so unchanged feeds answer 304), runs ``newswatch run`` against them with a
local webhook receiver, and samples the daemon's RSS and Redis's used memory. Prints the first
and last samples side by side with the growth; the target is flat memory (growth within noise
once warm).

    .venv/bin/python benchmarks/soak/run.py                      # 1,000 feeds, 1 hour
    .venv/bin/python benchmarks/soak/run.py --feeds 200 --duration 300

Redis: ``--redis-url`` (default redis://127.0.0.1:6379/10, FLUSHED first).
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import redis

WORDS = (  # noqa: SIM905 (a word list reads better as one string)
    "pemerintah rapat ekonomi harga beras pasar saham banjir jakarta sepak bola liga musim hujan "
    "government market weather football season council budget school hospital road train city "
    "minister election parliament court energy oil prices inflation bank growth export import"
).split()
STORY = "Ukraina siapkan pertemuan perdamaian; Presiden Volodymyr Zelenskyy menyambut pembicaraan."
NEW_ITEM_EVERY_S = 300.0
ITEMS_KEPT = 10


def article_html(feed: int, n: int) -> bytes:
    rng = random.Random(feed * 100_003 + n)
    paragraphs = [" ".join(rng.choices(WORDS, k=60)).capitalize() + "." for _ in range(6)]
    if rng.random() < 0.05:
        paragraphs.insert(2, STORY)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>Story {feed}-{n}</title></head><body><nav>Home News Sport</nav>"
        f"<article><h1>Story {feed}-{n}</h1>{body}</article><footer>(c) soak</footer></body></html>"
    ).encode()


def feed_xml(base: str, feed: int, now: float) -> tuple[bytes, str]:
    offset = (feed * 7919) % NEW_ITEM_EVERY_S  # feeds publish at different moments
    latest = int((now + offset) // NEW_ITEM_EVERY_S)
    items = "".join(
        f"<item><title>Story {feed}-{n}</title><link>{base}/a/{feed}/{n}</link>"
        f"<guid>{feed}-{n}</guid><pubDate>{formatdate(n * NEW_ITEM_EVERY_S, usegmt=True)}</pubDate>"
        f"</item>"
        for n in range(latest, latest - ITEMS_KEPT, -1)
    )
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
    return f"{head}{items}</channel></rss>".encode(), f'"{feed}-{latest}"'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    counts: ClassVar[dict[str, int]] = {"feed": 0, "not_modified": 0, "article": 0, "hook": 0}

    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")
        if parts[0] == "f":
            body, etag = feed_xml(f"http://{self.headers['Host']}", int(parts[1]), time.time())
            self.counts["feed"] += 1
            if self.headers.get("If-None-Match") == etag:
                self.counts["not_modified"] += 1
                self._send(304, b"", {"ETag": etag})
            else:
                self._send(200, body, {"ETag": etag, "Content-Type": "application/rss+xml"})
        elif parts[0] == "a":
            self.counts["article"] += 1
            self._send(
                200, article_html(int(parts[1]), int(parts[2])), {"Content-Type": "text/html"}
            )
        else:
            self._send(404, b"", {})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.counts["hook"] += 1
        self._send(200, b"ok", {})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sample(pid: int, client: redis.Redis, started: float) -> dict[str, float]:
    info = client.info("memory")
    return {
        "t_s": round(time.time() - started),
        "daemon_rss_mb": round(rss_mb(pid), 1),
        "redis_used_mb": round(int(info["used_memory"]) / 2**20, 2),
        "redis_keys": float(client.dbsize()),
        "feed_requests": float(Handler.counts["feed"]),
        "304s": float(Handler.counts["not_modified"]),
        "articles": float(Handler.counts["article"]),
        "alerts_received": float(Handler.counts["hook"]),
    }


def write_config(path: Path, base: str, feeds: int, redis_url: str, data: Path) -> None:
    listed = "\n".join(f"  - {{url: '{base}/f/{n}', name: 'soak {n}'}}" for n in range(feeds))
    path.write_text(
        f"redis: {{url: '{redis_url}'}}\ndata_dir: {data}\n"
        "polling: {interval: 1m, min_interval: 1m, max_interval: 10m,"
        " max_concurrency: 50, per_host: 50, host_delay: 0s}\n"
        f"feeds:\n{listed}\n"
        "entities:\n  zelenskyy: {names: [Volodymyr Zelenskyy]}\n"
        "watches:\n"
        "  - {id: peace, query: 'Ukraina AND (perdamaian OR pertemuan)', notify: [hook]}\n"
        "  - {id: zelenskyy, query: 'entity:zelenskyy', notify: [hook]}\n"
        f"notifiers:\n  hook: {{type: webhook, url: '{base}/hook'}}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=3600.0, help="seconds")
    parser.add_argument("--every", type=float, default=60.0, help="sample period, seconds")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    client = redis.Redis.from_url(args.redis_url)
    client.flushdb()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "soak.yaml"
        write_config(config, base, args.feeds, args.redis_url, Path(tmp) / "data")
        daemon = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newswatch",
                "--log-level",
                "warning",
                "run",
                "--config",
                str(config),
            ],
            stderr=subprocess.DEVNULL,
        )
        started = time.time()
        samples = []
        try:
            while time.time() - started < args.duration:
                time.sleep(min(args.every, max(0.0, args.duration - (time.time() - started))))
                samples.append(sample(daemon.pid, client, started))
                print(" ".join(f"{k}={v:g}" for k, v in samples[-1].items()), flush=True)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)
            server.shutdown()
    report(samples, args)


def report(samples: list[dict[str, float]], args: argparse.Namespace) -> None:
    if len(samples) < 2:
        print("not enough samples; run longer")
        return
    # Warm: once the first polls of every feed and their articles are behind (10 min, or a
    # quarter of a shorter run); what grows after that is what would grow for years.
    warm_at = min(600.0, args.duration / 4)
    first = next((x for x in samples if x["t_s"] >= warm_at), samples[0])
    last = samples[-1]
    print(f"\nsoak: {args.feeds} feeds for {args.duration:g}s (target: flat memory once warm)")
    print(f"{'':18}{'warm':>12}{'end':>12}{'growth':>10}")
    for key in ("daemon_rss_mb", "redis_used_mb", "redis_keys"):
        growth = (last[key] - first[key]) / first[key] * 100 if first[key] else 0.0
        print(f"{key:18}{first[key]:>12g}{last[key]:>12g}{growth:>9.1f}%")
    print(
        f"feed requests {last['feed_requests']:g} (304: {last['304s']:g}), "
        f"articles {last['articles']:g}, alerts received {last['alerts_received']:g}"
    )
    articles = last["articles"] - first["articles"]
    if articles:
        per_article = (last["redis_used_mb"] - first["redis_used_mb"]) * 2**20 / articles
        print(f"redis growth per new article: {per_article:,.0f} bytes (dedup state; it expires)")
    print(f"samples: {len(samples)}, warm from t={first['t_s']:g}s")


if __name__ == "__main__":
    main()
