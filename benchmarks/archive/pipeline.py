"""End to end: articles/s per core through fetch -> extract -> match -> archive -> alert, on
local pages, against bare trafilatura extracting the same pages; and what archiving adds.

    .venv/bin/python benchmarks/archive/pipeline.py [--pages news|small]
        # NEWSWATCH_BENCH_REDIS_URL (db 6), NEWSWATCH_BENCH_PAGES (300)

A feed of N article pages is served by ``python -m http.server`` (another process): ``news``
(the default) are the articles benchmark's pages, real news articles in a site's chrome of
~80 KB (a sidebar of 1,000 links, a script), ``small`` are bare ~5 KB synthetic pages. One
``run --once`` (all roles, console notifier to /dev/null) processes it, with the archive (SQLite)
and without; each run's CPU time (this process, threads included) gives articles/s per core.
Bare: ``trafilatura.extract`` on each page's bytes. Target: >= 0.9 of bare; archiving < 5 % of
the worker's CPU per article. The Redis database is flushed.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import importlib.util
import io
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import article as make_article
from data import pools

from newswatch.config import load_config
from newswatch.daemon.runner import run_once

REDIS_URL = os.environ.get("NEWSWATCH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
PAGES = int(os.environ.get("NEWSWATCH_BENCH_PAGES", "300"))
CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{host_delay: 0s, per_host: 8, robots: false, timeout: 20s}}
archive: {{enabled: {archive}}}
feeds: [{{url: "{feed}"}}]
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy, Зеленськ*]}}
watches:
  - {{id: zelenskyy, query: 'entity:zelenskyy'}}
  - {{id: ukraine, query: 'Ukraine OR Україна OR Украина OR 乌克兰'}}
notifiers:
  console: {{type: console}}
"""


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def news_pages() -> list[bytes]:
    """The articles benchmark's pages (``benchmarks/articles/run.py``), each made unique."""
    path = Path(__file__).resolve().parents[1] / "articles" / "run.py"
    spec = importlib.util.spec_from_file_location("articles_benchmark", path)
    assert spec and spec.loader
    articles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(articles)
    templates = articles.templates()
    return [articles.article(templates, f"/0/{i}") for i in range(PAGES)]


def small_pages() -> list[bytes]:
    """~5 KB synthetic articles in six languages, with a little chrome."""
    import random

    rng = random.Random(3)
    sentences, vocabs = pools()
    pages = []
    for _ in range(PAGES):
        title, text, lang, _site = make_article(rng, sentences, vocabs)
        paragraphs = "".join(f"<p>{html.escape(text[j:j + 600])}</p>"
                             for j in range(0, len(text), 600))  # fmt: skip
        pages.append((f"<html lang='{lang}'><head><title>{html.escape(title)}</title></head>"
                      f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article>"
                      f"<h1>{html.escape(title)}</h1>{paragraphs}</article>"
                      "<footer>© Example News</footer></body></html>").encode())  # fmt: skip
    return pages


def write_site(root: Path, base: str, pages: list[bytes]) -> None:
    """The pages as ``<n>.html`` and a feed listing them as ``rss.xml``."""
    items = []
    for i, page in enumerate(pages):
        (root / f"{i}.html").write_bytes(page)
        items.append(f"<item><title>Article {i}</title><link>{base}/{i}.html</link>"
                     f"<guid>{base}/{i}.html</guid></item>")  # fmt: skip
    rss = f"<rss version='2.0'><channel><title>Bench</title>{''.join(items)}</channel></rss>"
    (root / "rss.xml").write_text(rss, encoding="utf-8")


def pipeline(root: Path, feed: str, archive: bool) -> tuple[float, int]:
    """(CPU seconds, articles) of one ``run --once`` over the feed."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    data = Path(tempfile.mkdtemp(dir=root.parent))
    path = data / "c.yaml"
    path.write_text(CONFIG.format(redis=REDIS_URL, data=data, feed=feed,
                                  archive=str(archive).lower()))  # fmt: skip
    settings = load_config(path)
    before = cpu()
    stats = asyncio.run(run_once(settings, stdout=io.StringIO()))
    return cpu() - before, stats.articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", choices=("news", "small"), default="news")
    kind = parser.parse_args().pages
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        pages = news_pages() if kind == "news" else small_pages()
        write_site(root, base, pages)
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
             "--directory", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(1.0)
            for page in pages[:20]:
                trafilatura.extract(page)  # warm up
            before = cpu()
            for page in pages:
                trafilatura.extract(page)
            bare = PAGES / (cpu() - before)
            pipeline(root, f"{base}/rss.xml", archive=True)  # warm up: imports, caches
            rows = {}
            for archive in (False, True, False, True):
                used, articles = pipeline(root, f"{base}/rss.xml", archive)
                rows.setdefault(archive, []).append((used, articles))
        finally:
            server.terminate()
            server.wait()
    size = sum(map(len, pages)) / len(pages) / 1000
    print(f"bare trafilatura.extract: {bare:,.1f} pages/s per core ({PAGES} {kind} pages, "
          f"{size:,.0f} KB each)")  # fmt: skip
    per_article = {}
    for archive, runs in rows.items():
        used, articles = min(runs)
        per_article[archive] = used / articles
        print(f"run --once, archive {'on ' if archive else 'off'}: {articles / used:,.1f} "
              f"articles/s per core = {articles / used / bare:.2f} of bare (target >= 0.9; best of "
              f"{len(runs)})")  # fmt: skip
    extra = per_article[True] - per_article[False]
    print(
        f"archiving: {extra * 1000:+.2f} ms CPU per article = "
        f"{extra / per_article[False]:+.1%} of the pipeline's CPU per article (target < 5 %)"
    )


if __name__ == "__main__":
    main()
