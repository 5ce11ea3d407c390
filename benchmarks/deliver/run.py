"""Delivery benchmark: alerts/s from the ``alerts`` stream to a local webhook receiver, with one
and two notifier processes, and the latency from enqueue to receipt (p50/p99).

    .venv/bin/python benchmarks/deliver/run.py   # NEWSWATCH_BENCH_REDIS_URL, default db 14

The database is flushed. The receiver is a minimal keep-alive HTTP/1.1 server on asyncio in this
process; the notifiers are real ``newswatch run --role notifier`` processes. Throughput: a
backlog of N alerts is enqueued at once and timed until the last arrives. Latency: alerts are
enqueued at a steady rate below capacity, each carrying its enqueue time.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis.asyncio as aioredis

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from newswatch.alerts import Alert, ArticleInfo  # noqa: E402 (after the path set-up)
from newswatch.constants import ALERTS_STREAM  # noqa: E402
from newswatch.match.model import Hit  # noqa: E402
from newswatch.queue.streams import encode  # noqa: E402

REDIS_URL = os.environ.get("NEWSWATCH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
BACKLOG = int(os.environ.get("NEWSWATCH_BENCH_ALERTS", "5000"))
LATENCY_RATE = 200  # alerts/s while measuring latency
LATENCY_COUNT = 1000
TARGET_RATE, TARGET_P99_MS = 500.0, 100.0
TEXT = "Ukraine peace talks " * 150  # a ~3 KB body, like a short article


class Receiver:
    """Counts POSTs and records (receipt time - enqueue time) from the payload."""

    def __init__(self) -> None:
        self.received: dict[str, float] = {}
        self.latencies_ms: list[float] = []
        self.done = asyncio.Event()
        self.expected = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))  # fmt: skip
                body = await reader.readexactly(length)
                self.record(body)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    def record(self, body: bytes) -> None:
        now = time.time()
        payload = json.loads(body)
        self.received.setdefault(payload["id"], now)
        self.latencies_ms.append((now - float(payload["article"]["title"])) * 1000)
        if len(self.received) >= self.expected:
            self.done.set()

    def expect(self, count: int) -> None:
        self.received.clear()
        self.latencies_ms.clear()
        self.done.clear()
        self.expected = count


def alert(n: int, run: str) -> Alert:
    article = ArticleInfo(url=f"https://bench.example/{run}/{n}", title=repr(time.time()),
                          feed="bench", published=None, language="en", author=None,
                          snippet="Ukraine peace talks", text=TEXT)  # fmt: skip
    hits = (Hit("body", "Ukraine", 0, 7),)
    return Alert(id=f"{run}-{n:06d}", watch="bench", detected_at="2026-01-01T00:00:00Z",
                 article=article, hits=hits, notify=("hook",))  # fmt: skip


async def enqueue_backlog(redis: aioredis.Redis, run: str, count: int) -> None:
    async with redis.pipeline(transaction=False) as pipe:
        for n in range(count):
            pipe.xadd(ALERTS_STREAM, encode(alert(n, run).to_message()))  # type: ignore[arg-type]
        await pipe.execute()


async def throughput(redis: aioredis.Redis, receiver: Receiver, run: str) -> float:
    receiver.expect(BACKLOG)
    start = time.time()
    await enqueue_backlog(redis, run, BACKLOG)
    await asyncio.wait_for(receiver.done.wait(), 300)
    return BACKLOG / (max(receiver.received.values()) - start)


async def latency(redis: aioredis.Redis, receiver: Receiver, run: str) -> tuple[float, float]:
    receiver.expect(LATENCY_COUNT)
    for n in range(LATENCY_COUNT):
        await redis.xadd(ALERTS_STREAM, encode(alert(n, run).to_message()))  # type: ignore[arg-type]
        await asyncio.sleep(1 / LATENCY_RATE)
    await asyncio.wait_for(receiver.done.wait(), 60)
    ordered = sorted(receiver.latencies_ms)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def start_notifiers(config: Path, count: int) -> list[subprocess.Popen[bytes]]:
    args = [sys.executable, "-m", "newswatch", "--log-level", "warning", "run",
            "--role", "notifier", "--config", str(config)]  # fmt: skip
    return [subprocess.Popen(args, cwd=REPO) for _ in range(count)]


async def scenario(processes: int, port: int, receiver: Receiver, folder: Path) -> None:
    redis = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    await redis.flushdb()
    config = folder / "bench.yaml"
    config.write_text(
        f'redis: {{url: "{REDIS_URL}"}}\ndata_dir: {folder / "data"}\n'
        "watches:\n  - {id: bench, query: ukraine, notify: [hook]}\n"
        f'notifiers:\n  hook: {{type: webhook, url: "http://127.0.0.1:{port}/hook"}}\n'
    )
    notifiers = start_notifiers(config, processes)
    try:
        receiver.expect(processes * 4)  # warm-up: processes started, connections open
        await enqueue_backlog(redis, f"warm{processes}", processes * 4)
        await asyncio.wait_for(receiver.done.wait(), 60)
        rate = await throughput(redis, receiver, f"tp{processes}")
        p50, p99 = await latency(redis, receiver, f"lat{processes}")
    finally:
        for process in notifiers:
            process.terminate()
        for process in notifiers:
            process.wait()
        await redis.aclose()
    per_process = rate / processes
    rate_ok = "OK" if per_process >= TARGET_RATE else "MISSED"
    p99_ok = "OK" if p99 < TARGET_P99_MS else "MISSED"
    print(f"{processes} notifier process{'es' if processes > 1 else ''}:")
    print(
        f"  throughput {rate:8.0f} alerts/s ({per_process:.0f}/process)"
        f"   target >= {TARGET_RATE:.0f}/process  {rate_ok}"
    )
    print(
        f"  latency    p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
        f"   target p99 < {TARGET_P99_MS:.0f} ms   {p99_ok}"
    )


async def main() -> None:
    receiver = Receiver()
    server = await asyncio.start_server(receiver.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(
        f"delivery benchmark: {BACKLOG} alerts backlog, latency at {LATENCY_RATE}/s; "
        f"redis {REDIS_URL}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for processes in (1, 2):
            await scenario(processes, port, receiver, Path(folder))
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
