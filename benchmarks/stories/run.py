"""Stories benchmark: the story index's lookup + insert per article with 1,000,000 stories in
the window, the index's memory per story, and the clustering quality on the labelled set.

    .venv/bin/python benchmarks/stories/run.py [--stories 1000000]

A redis-server of its own is started on a free loopback port (no persistence) and stopped at
the end. The window is filled server-side by a Lua script with as many stories as asked,
spread over the index's live slices in the layout the index writes (20 band fields of 8 bytes
and a 256-byte signature per story); ``used_memory`` before and after gives the memory per
story. After 500 untimed calls (a warm-up), 2,000 new
articles (random texts) are looked up and inserted through the real
``StoryIndex.assign`` (one Lua call each), and 2,000 copies of them are looked up and joined;
each call is timed (p50/p99), and the sketching of a 500-word text separately. Last, the
labelled set of the quality test (tests/support/labelled.py) is clustered and scored.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis.asyncio as aioredis

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from tests.support.labelled import pages, quality  # noqa: E402
from tests.support.paths import FEED_CORPUS  # noqa: E402

from newswatch.constants import STORY_BANDS_PREFIX, STORY_SIGNATURES_PREFIX  # noqa: E402
from newswatch.extract.article import extract_article  # noqa: E402
from newswatch.stories import StoryIndex, sketch  # noqa: E402
from newswatch.stories.index import live_slices  # noqa: E402
from newswatch.stories.sketch import BANDS, HASHES  # noqa: E402

WINDOW = 72 * 3600.0
NOW = 1_800_000_000.0
TARGET_MS = 1.0
FILL_BATCH = 5_000
WARM_UP = 500
VOCABULARY = [f"w{i}" for i in range(20_000)]

# KEYS: a slice's band hash and signature hash. ARGV: first story number, count, bands.
_FILL = """
local first, count, bands = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local sig = string.rep('s', 240)
for n = first, first + count - 1 do
  local id = string.format('%016x', n)
  local fields = {}
  for b = 1, bands do
    fields[#fields + 1] = struct.pack('>I4I4', n, b)
    fields[#fields + 1] = id
  end
  redis.call('HSET', KEYS[1], unpack(fields))
  redis.call('HSET', KEYS[2], id, sig .. id)
end
return count
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is needed on PATH")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return server, f"redis://127.0.0.1:{port}/0"


async def wait_ready(redis: aioredis.Redis) -> None:
    for _ in range(200):
        try:
            await redis.ping()
            return
        except (ConnectionError, OSError, aioredis.ConnectionError):
            await asyncio.sleep(0.05)
    sys.exit("redis-server did not start")


async def fill(redis: aioredis.Redis, stories: int) -> None:
    """``stories`` stories spread evenly over the live slices."""
    script = redis.register_script(_FILL)
    numbers = live_slices(NOW, WINDOW)
    per_slice = stories // len(numbers)
    for k, number in enumerate(numbers):
        keys = [STORY_BANDS_PREFIX + str(number), STORY_SIGNATURES_PREFIX + str(number)]
        last = stories if k == len(numbers) - 1 else (k + 1) * per_slice
        for first in range(k * per_slice, last, FILL_BATCH):
            await script(keys=keys, args=[first, min(FILL_BATCH, last - first), BANDS])


def text(rng: random.Random, words: int = 500) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(words))


def edited(body: str, rng: random.Random) -> str:
    words = body.split()
    for _ in range(10):
        words[rng.randrange(len(words))] = rng.choice(VOCABULARY)
    return " ".join(["Home", "News", *words[:420], *words[460:], "All", "rights", "reserved"])


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


async def timed_assigns(index: StoryIndex, bodies: list[str], prefix: str) -> list[float]:
    sketches = [sketch(b) for b in bodies]
    times = []
    for n, s in enumerate(sketches):
        started = time.perf_counter()
        await index.assign(s, f"https://{prefix}.example/{n}", NOW)
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    p50, p99 = percentiles(times)
    print(f"{name:<34} p50 {p50:6.3f} ms   p99 {p99:6.3f} ms   (target < {TARGET_MS:.0f} ms)")


async def speed_and_memory(url: str, stories: int) -> None:
    redis = aioredis.Redis.from_url(url)
    await wait_ready(redis)
    before = int((await redis.info("memory"))["used_memory"])
    started = time.perf_counter()
    await fill(redis, stories)
    after = int((await redis.info("memory"))["used_memory"])
    print(f"window filled with {stories:,} stories in {time.perf_counter() - started:.1f} s")
    print(f"index memory per story            {(after - before) / stories:,.0f} B "
          f"(Redis used_memory; {BANDS} bands, {HASHES} values at 16 bits)")  # fmt: skip
    index = StoryIndex(redis, WINDOW, 0.4)
    rng = random.Random(15)
    await timed_assigns(index, [text(rng) for _ in range(WARM_UP)], "warm")  # not reported
    bodies = [text(rng) for _ in range(2000)]
    report("lookup + insert (new story)", await timed_assigns(index, bodies, "new"))
    copies = [edited(b, rng) for b in bodies]
    report("lookup + join (a copy)", await timed_assigns(index, copies, "copy"))
    sketch_times = []
    for body in bodies[:500]:
        started = time.perf_counter()
        sketch(body)
        sketch_times.append((time.perf_counter() - started) * 1000)
    p50, p99 = percentiles(sketch_times)
    print(f"{'sketch of a 500-word text':<34} p50 {p50:6.3f} ms   p99 {p99:6.3f} ms")
    await redis.aclose()


async def clustering(url: str) -> None:
    redis = aioredis.Redis.from_url(url, decode_responses=True)
    stories, made = pages(FEED_CORPUS)
    index = StoryIndex(redis, WINDOW, 0.4)
    assigned = []
    for page in made:
        assigned.append(await index.assign(sketch(extract_article(page.html, page.url).text),
                                           page.url, NOW))  # fmt: skip
    found = quality(made, assigned)
    print(f"labelled set: {len(stories)} stories, {len(made)} pages, {found.copies} copies")
    print(f"copies joined to their story      {found.joined_share:.3f} "
          f"({found.joined}/{found.copies}; target >= 0.95)")  # fmt: skip
    print(f"distinct pairs kept apart         {found.apart_share:.4f} "
          f"({found.distinct_pairs - found.merged_pairs:,}/{found.distinct_pairs:,}; "
          "target >= 0.99)")  # fmt: skip
    await redis.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server, url = start_server(Path(folder))
        try:
            asyncio.run(speed_and_memory(url, args.stories))
            asyncio.run(clustering(url.removesuffix("/0") + "/1"))  # another database
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
