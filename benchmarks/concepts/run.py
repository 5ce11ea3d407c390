"""Precision and recall of concept watches written in English, per language.

    .venv/bin/python benchmarks/concepts/run.py [--query QUERY] [--translate]

Reads the labelled news paragraphs of ``tests/fixtures/concepts_eval.tsv`` (12 languages, half
about peace talks on Ukraine, half sharing its vocabulary: Ukraine's grain exports, a football
match in Kyiv, "peace" talks at a car plant, the front line, peace talks elsewhere) and prints
each language's precision and recall for the watch (by default ``QUERY`` below).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newswatch.match.evaluate import read_labelled, score

QUERY = (
    '(country:UA OR ~ukrainian) AND (~"peace talks" OR ((~peace OR ~ceasefire)'
    " AND (~talks OR ~meeting OR ~negotiation OR ~summit)))"
)
TEXTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "concepts_eval.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--translate", action="store_true", help="the watch's translate: true")
    args = parser.parse_args()
    scores = score(args.query, read_labelled(TEXTS), translate=args.translate)
    print(f"query: {args.query}")
    print(f"{'lang':<5} {'texts':>5} {'precision':>9} {'recall':>6}")
    for lang, s in scores.items():
        print(f"{lang:<5} {s.n:>5} {s.precision:>9.2f} {s.recall:>6.2f}")


if __name__ == "__main__":
    main()
