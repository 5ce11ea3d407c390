"""Archived articles for the archive benchmarks: ~5 KB each in six languages, built from a
pool of sentences of the matcher benchmark's Zipf vocabularies (generating every word of
100,000 articles one by one would take longer than the benchmark), plus a few words of each
article's own so that no two are alike."""

from __future__ import annotations

import hashlib
import random
import sys
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "match"))

import corpus

from newswatch.alerts import ArticleInfo
from newswatch.archive.records import article_record

POOL = 3000  # sentences per language
NAMES = ["Volodymyr Zelenskyy", "Зеленський", "Ivanenko", "Petrova"]


def pools(seed: int = 11) -> tuple[dict[str, list[str]], dict[str, corpus.Vocab]]:
    """Sentences per language, and the vocabularies they were drawn from."""
    rng = random.Random(seed)
    vocabs = corpus.vocabularies()
    sentences = {lang: _sentences(rng, lang, vocabs[lang]) for lang in corpus.LANGS}
    return sentences, vocabs


def _sentences(rng: random.Random, lang: str, vocab: corpus.Vocab) -> list[str]:
    """POOL sentences of 8-22 words, 45 % function words, the others by the Zipf law."""
    cumulative = list(accumulate(vocab.weights))
    out = []
    for _ in range(POOL):
        n = rng.randint(8, 22)
        content = iter(rng.choices(vocab.content, cum_weights=cumulative, k=n))
        words = [rng.choice(vocab.function) if rng.random() < 0.45 else next(content)
                 for _ in range(n)]  # fmt: skip
        out.append(("" if lang == "zh" else " ").join(words).capitalize() + ".")
    return out


def article(
    rng: random.Random, sentences: dict[str, list[str]], vocabs: dict[str, corpus.Vocab]
) -> tuple[str, str, str, str]:
    """(title, text, language, site) of a new article of about 5,000 bytes."""
    lang = rng.choice(corpus.LANGS)
    own = rng.choices(vocabs[lang].content[2000:], k=5)
    parts, total = [], 0
    while total < 5000:
        part = rng.choice(sentences[lang])
        if rng.random() < 0.03:
            part += " " + rng.choice(NAMES) + "."
        parts.append(part)
        total += len(part.encode()) + 1
    parts.insert(rng.randrange(len(parts)), " ".join(own) + ".")
    return rng.choice(sentences[lang])[:90], " ".join(parts), lang, rng.choice(corpus.SITES)


def records(n: int, seed: int = 5, start: float = 1.8e9) -> Iterator[dict[str, Any]]:
    """``n`` archive records as the worker appends them, one second apart."""
    rng = random.Random(seed)
    sentences, vocabs = pools()
    for i in range(n):
        title, text, lang, site = article(rng, sentences, vocabs)
        url = f"https://{site}/{i}"
        info = ArticleInfo(url, title, "Bench", None, lang, None, "", text)
        fingerprint = hashlib.sha256(text.encode()).hexdigest()[:32]  # cheaper, as unique
        yield article_record(info, url, site, True, fingerprint, (), start + i)
