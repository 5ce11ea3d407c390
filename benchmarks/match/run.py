"""Matcher benchmark: docs/s of the compiled watchlist vs the naive reference evaluator.

    .venv/bin/python benchmarks/match/run.py [--sizes 10000 100000] [--docs 400] [--concepts 0.25]

Each watchlist size runs in its own process (so peak RSS is that size's), on one core; times
are the process's CPU time (``time.process_time``), so other load on the machine is not
counted: compile time, peak RSS after compiling and matching, docs/s of ``Watchlist.match`` over
``--docs`` ~5 KB documents in six languages (after the normalizer's cache has seen the
vocabulary, as a running daemon's has, and with the garbage collector tuned as the daemon
tunes it, ``daemon.runner.settle_heap``), and docs/s of ``ReferenceMatcher`` over a small
sample of the same documents (it is slow), checking both return the same watches there.
``decide/s`` is the matcher deciding which watches match without building their evidence
(hits, entities, snippet): the gap to ``docs/s`` is the cost of the evidence, which grows
with the number of matches per document (``matches/doc``; see ``corpus`` for how watches are
drawn). Evidence is built eagerly, as the daemon uses every match's hits and snippet.
With ``--concepts F``, a fraction F of the watches name concepts of the lexicon (``~peace AND
x``, ``country:UA AND ~ceasefire``...) and one sentence in fifty (about one per article) ends
with forms of concepts in the document's language; ``concepts/s`` is docs/s of matching and
telling the concept hits of every match (``Watchlist.concept_hits``), as the daemon does.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # the sibling module, importable once the path is set

from newswatch.daemon.runner import settle_heap
from newswatch.match import Watchlist, compile_watchlist
from newswatch.match.reference import ReferenceMatcher


def mention_names(ents: dict[str, corpus.EntitySpec]) -> list[str]:
    """How entities appear in text: aliases, a romanisation variant, Ukrainian inflections."""
    names = ["Zelensky", "Selenskyj", "Зеленському", "President Zelenskyy"]
    for spec in ents.values():
        for alias in spec.aliases:
            names.append(alias.text[:-1] + "ому" if alias.text.endswith("*") else alias.text)
    return names


def warm_up(watchlist: Watchlist, vocabs: dict[str, corpus.Vocab], names: list[str]) -> None:
    """Let the normalizer see the vocabulary once, as a long-running daemon's has."""
    for vocab in vocabs.values():
        words = vocab.function + vocab.content + names
        watchlist.match(corpus.Document(" ".join(words), " ".join(w.upper() for w in words)))


def scenario(size: int, n_docs: int, baseline_docs: int, concepts: float) -> dict[str, float]:
    """Run one watchlist size; returns the figures."""
    rng = random.Random(size)
    vocabs = corpus.vocabularies()
    ents = corpus.entities(rng)
    watches = corpus.watchlist(rng, vocabs, ents, size, concepts)
    names = mention_names(ents)
    docs = [corpus.document(rng, vocabs, names, concepts=concepts > 0) for _ in range(n_docs)]
    start = time.process_time()
    watchlist = compile_watchlist(watches, ents)
    compile_s = time.process_time() - start
    warm_up(watchlist, vocabs, names)
    settle_heap()  # what the daemon does once started: the collector tuned, the heap frozen
    start = time.process_time()
    matches = sum(len(watchlist.match(d)) for d in docs)
    fast_s = time.process_time() - start
    start = time.process_time()
    for d in docs:
        watchlist.decide(d)
    decide_s = time.process_time() - start
    start = time.process_time()
    for d in docs:
        for m in watchlist.match(d):
            watchlist.concept_hits(m)
    concepts_s = time.process_time() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reference = ReferenceMatcher(watches, ents)
    sample = docs[:baseline_docs]
    start = time.process_time()
    expected = [reference.match(d) for d in sample]
    ref_s = time.process_time() - start
    actual = [[m.watch for m in watchlist.match(d)] for d in sample]
    return {
        "watches": size,
        "compile_s": compile_s,
        "docs_per_s": n_docs / fast_s,
        "decide_docs_per_s": n_docs / decide_s,
        "concepts_docs_per_s": n_docs / concepts_s,
        "baseline_docs_per_s": len(sample) / ref_s,
        "matches_per_doc": matches / n_docs,
        "peak_rss_mb": peak_mb,
        "avg_doc_bytes": sum(len(d.body.encode()) for d in docs) / n_docs,
        "agree": float(expected == actual),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--baseline-docs", type=int, default=0, help="default: 8 at 10k, 2 above")
    parser.add_argument("--concepts", type=float, default=0.0, help="fraction naming concepts")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sample = args.baseline_docs or (8 if args.child <= 10_000 else 2)
        print(json.dumps(scenario(args.child, args.docs, sample, args.concepts)))
        return
    rows = []
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--child", str(size), "--docs", str(args.docs)]
        cmd += ["--concepts", str(args.concepts)]
        if args.baseline_docs:
            cmd += ["--baseline-docs", str(args.baseline_docs)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out))
    report(rows)


def report(rows: list[dict[str, float]]) -> None:
    """Print the figures side by side."""
    head = f"{'watches':>8} {'compile s':>9} {'docs/s':>8} {'baseline':>9} {'speed-up':>8}"
    print(
        head + f" {'decide/s':>8} {'concepts/s':>10} {'peak MB':>8} {'matches/doc':>11}"
        f" {'doc KB':>6} {'agree':>5}"
    )
    for r in rows:
        speedup = r["docs_per_s"] / r["baseline_docs_per_s"]
        print(
            f"{int(r['watches']):>8} {r['compile_s']:>9.2f} {r['docs_per_s']:>8.0f}"
            f" {r['baseline_docs_per_s']:>9.2f} {speedup:>7.0f}x {r['decide_docs_per_s']:>8.0f}"
            f" {r['concepts_docs_per_s']:>10.0f}"
            f" {r['peak_rss_mb']:>8.0f} {r['matches_per_doc']:>11.1f}"
            f" {r['avg_doc_bytes'] / 1000:>6.1f}"
            f" {'yes' if r['agree'] else 'NO':>5}"
        )


if __name__ == "__main__":
    main()
