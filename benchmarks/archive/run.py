"""Archive benchmark: writing, bytes on disk, search and backfill at 100,000 ~5 KB articles,
on SQLite and on PostgreSQL, in one process (one core for the client; PostgreSQL's server
works in its own processes).

    .venv/bin/python benchmarks/archive/run.py   # NEWSWATCH_BENCH_ARTICLES (100000),
    # NEWSWATCH_BENCH_POSTGRES_URL (nw_archive_bench), NEWSWATCH_BENCH_DATABASES (sqlite,postgresql)

Targets (issue 14): a selective search (a few terms, an entity) < 1 s; the first page of a
query matching most of the archive < 2 s; backfill >= 5,000 archived articles/s for one watch.
Writing prints the archiver's CPU per article (the figure compared with the worker's in
pipeline.py). The database is emptied first.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import corpus, records
from sqlalchemy import text

from newswatch.archive import read
from newswatch.archive.database import Archive, create, open_archive
from newswatch.archive.search import Compiled, compile_watches, find
from newswatch.archive.write import write_records
from newswatch.backfill import matching
from newswatch.constants import ARCHIVE_BATCH
from newswatch.extract.article import extract_article
from newswatch.match.model import Alias, EntitySpec, WatchSpec

REPO = Path(__file__).resolve().parents[2]
DATABASES = os.environ.get("NEWSWATCH_BENCH_DATABASES", "sqlite,postgresql").split(",")
N = int(os.environ.get("NEWSWATCH_BENCH_ARTICLES", "100000"))
POSTGRES = os.environ.get(
    "NEWSWATCH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/nw_archive_bench"
)
ENTITIES = {
    "zelenskyy": EntitySpec("zelenskyy", (Alias("Volodymyr Zelenskyy"), Alias("Зеленськ*")))
}


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def queries(vocabs: dict[str, corpus.Vocab]) -> dict[str, str]:
    en, fr = vocabs["en"].content, vocabs["fr"].content
    return {
        "selective: two terms": f"{en[150]} AND {en[400]}",
        "selective: an entity": "entity:zelenskyy",
        "selective: phrase OR wildcard": f'"{fr[300]} {fr[301]}" OR {en[3000][:5]}*',
        "broad: most of the archive (first page)": "the OR yang OR le OR і OR и OR 的 OR de",
        "broad: no required term": "lang:en OR NOT lang:en",
    }


def fill(archive: Archive) -> tuple[float, float]:
    """Write N records in archiver batches; (CPU s per article, articles/s wall), counting the
    writes only (not making the records)."""
    used = wall = 0.0
    batch: list[dict[str, object]] = []
    for i, record in enumerate(records(N), 1):
        batch.append(record)
        if len(batch) == ARCHIVE_BATCH or i == N:
            started, before = time.perf_counter(), cpu()
            write_records(archive, batch)
            used, wall = used + cpu() - before, wall + time.perf_counter() - started
            batch = []
        if i % 20_000 == 0:
            print(f"  {i:,} written", flush=True)
    return used / N, N / wall


def extraction_cpu() -> float:
    """CPU seconds per page of trafilatura extracting the seed page (most of the worker's CPU
    per article; fetching, matching and Redis come on top)."""
    page = (REPO / "tests" / "fixtures" / "site" / "seed.html").read_bytes()
    extract_article(page, "https://example.org/a")
    before = cpu()
    for _ in range(50):
        extract_article(page, "https://example.org/a")
    return (cpu() - before) / 50


def first_page(archive: Archive, compiled: Compiled) -> tuple[float, int]:
    started = time.perf_counter()
    found = list(islice(find(archive, compiled), 20))
    return time.perf_counter() - started, len(found)


def backfill(archive: Archive, compiled: Compiled) -> tuple[float, int]:
    started = time.perf_counter()
    found = matching(archive, compiled, None)
    return time.perf_counter() - started, len(found)


def bench(name: str, url: str) -> None:
    archive = open_archive(url)
    per_article, rate = fill(archive)
    summary = read.summary(archive)
    extract = extraction_cpu()
    print(f"\n{name}: {summary.articles:,} articles written at {rate:,.0f}/s, client CPU "
          f"{per_article * 1000:.2f} ms/article = {per_article / extract:.1%} of extracting one "
          f"page ({extract * 1000:.1f} ms; target < 5 % of the worker's CPU per article); "
          f"{summary.size_bytes / summary.articles:,.0f} bytes/article on disk "
          "(text ~5,000)", flush=True)  # fmt: skip
    _, vocabs = __import__("data").pools()
    for label, query in queries(vocabs).items():
        compiled = compile_watches([WatchSpec("q", query)], ENTITIES)
        list(islice(find(archive, compiled), 20))  # warm the caches once
        seconds, found = first_page(archive, compiled)
        target = 2.0 if label.startswith("broad") else 1.0
        print(
            f"  search {label}: {seconds:.3f} s for {found} results (target < {target} s)",
            flush=True,
        )
    for label, query in list(queries(vocabs).items())[:1] + list(queries(vocabs).items())[4:]:
        compiled = compile_watches([WatchSpec("w", query)], ENTITIES)
        before = cpu()
        seconds, found = backfill(archive, compiled)
        used = cpu() - before
        print(f"  backfill one watch ({label}): {N / seconds:,.0f} archived articles/s "
              f"({N / used:,.0f}/s of this process's CPU), {found} matches "
              "(target >= 5,000/s)", flush=True)  # fmt: skip
    archive.close()


def empty_postgres(url: str) -> None:
    engine = create(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    if "sqlite" in DATABASES:
        with tempfile.TemporaryDirectory() as tmp:
            bench("SQLite", f"sqlite:///{tmp}/archive.sqlite3")
    if "postgresql" in DATABASES:
        empty_postgres(POSTGRES)
        bench("PostgreSQL", POSTGRES)


if __name__ == "__main__":
    main()
