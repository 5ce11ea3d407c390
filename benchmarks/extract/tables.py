"""Article text with and without tables: token F1 of the extracted body against a reference.

The pages are the project's fixtures (tests/fixtures/site, tests/fixtures/pages). A page's
reference body is the text of its ``itemprop="articleBody"`` element, tables included: what a
reader sees as the article. Tokens are lower-cased word runs; F1 is over their multisets.

    .venv/bin/python benchmarks/extract/tables.py
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from lxml import html as lxml_html

from newswatch.errors import ExtractError
from newswatch.extract.article import extract_article

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
PAGES = sorted([*FIXTURES.glob("site/*.html"), *FIXTURES.glob("pages/*.html")])
_WORD = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    """The multiset of lower-cased words of ``text``."""
    return Counter(_WORD.findall(text.lower()))


def f1(found: Counter[str], reference: Counter[str]) -> float:
    """Token F1 of ``found`` against ``reference``."""
    common = sum((found & reference).values())
    if not common:
        return 0.0
    precision, recall = common / sum(found.values()), common / sum(reference.values())
    return 2 * precision * recall / (precision + recall)


def reference_body(page: bytes) -> str:
    """The text of the page's articleBody element."""
    [body] = lxml_html.fromstring(page).xpath('//*[@itemprop="articleBody"]')
    return " ".join(body.itertext())


def score(page: Path, tables: bool) -> float:
    content = page.read_bytes()
    try:
        text = extract_article(content, f"https://example.org/{page.name}", tables=tables).text
    except ExtractError:
        text = ""
    return f1(tokens(text), tokens(reference_body(content)))


def main() -> None:
    print(f"{'page':<28} {'tables=False':>12} {'tables=True':>12}")
    totals = [0.0, 0.0]
    for page in PAGES:
        without, with_ = score(page, False), score(page, True)
        totals[0] += without
        totals[1] += with_
        print(f"{page.parent.name + '/' + page.name:<28} {without:>12.3f} {with_:>12.3f}")
    count = len(PAGES)
    print(f"{'mean':<28} {totals[0] / count:>12.3f} {totals[1] / count:>12.3f}")


if __name__ == "__main__":
    main()
