"""Sketching texts for near-duplicate detection (pure)."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.stories.index import live_slices, needed, slice_expiry, slice_length
from newswatch.stories.model import Outlet, Story, ordered
from newswatch.stories.sketch import (
    BANDS,
    HASHES,
    MIN_WORDS,
    shingles,
    similarity,
    sketch,
    story_id,
)

VOCABULARY = [f"w{i}" for i in range(5000)]


def text(seed: int, n: int = 400) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCABULARY) for _ in range(n))


def jaccard(a: str, b: str) -> float:
    left, right = set(shingles(a).tolist()), set(shingles(b).tolist())
    return len(left & right) / len(left | right)


def estimated(a: str, b: str) -> float:
    first, second = sketch(a), sketch(b)
    assert first is not None and second is not None
    return similarity(first.compact(), second.compact())


def test_the_same_text_has_the_same_sketch_whatever_its_case_and_spacing() -> None:
    body = text(1)
    a, b = sketch(body), sketch("  " + body.upper().replace(" ", "\n "))
    assert a is not None and b is not None
    assert np.array_equal(a.signature, b.signature)
    assert a.bands() == b.bands() and similarity(a.compact(), b.compact()) == 1.0


def test_a_signature_has_its_size_and_bands_are_eight_bytes() -> None:
    s = sketch(text(2))
    assert s is not None
    assert s.signature.shape == (HASHES,) and len(s.compact()) == 2 * HASHES
    assert len(s.bands()) == BANDS and {len(b) for b in s.bands()} == {8}


def test_word_triples_are_the_shingles() -> None:
    assert len(shingles("a b c d")) == 2
    assert len(shingles("a b c a b c")) == 3  # abc, bca, cab
    assert len(shingles("a b")) == 0


def test_a_short_text_has_no_sketch() -> None:
    assert sketch(text(3, MIN_WORDS - 1)) is None
    assert sketch(text(3, MIN_WORDS)) is not None


def test_unrelated_texts_share_no_band() -> None:
    a, b = sketch(text(4)), sketch(text(5))
    assert a is not None and b is not None
    assert not set(a.bands()) & set(b.bands())
    assert similarity(a.compact(), b.compact()) < 0.05


def test_the_same_values_in_another_band_make_another_key() -> None:
    s = sketch(text(6))
    assert s is not None
    same = np.tile(s.signature[:3], HASHES // 3 + 1)[:HASHES].astype(np.uint32)
    keys = type(s)(same).bands()
    assert len(set(keys)) == BANDS


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 0.6))
def test_the_estimate_is_close_to_the_true_similarity(seed: int, edited: float) -> None:
    rng = random.Random(seed)
    words = text(seed).split()
    copy = [rng.choice(VOCABULARY) if rng.random() < edited / 3 else w for w in words]
    a, b = " ".join(words), " ".join(copy)
    # 128 values: the standard error is at most 0.045; four of them
    assert abs(estimated(a, b) - jaccard(a, b)) < 0.18


def test_an_edited_copy_is_similar_and_keeps_a_band() -> None:
    words = text(7).split()
    copy = ["Boilerplate", "menu", "home", *words[:200], *words[220:], "All rights reserved"]
    copy[50] = "changed"
    a, b = sketch(" ".join(words)), sketch(" ".join(copy))
    assert a is not None and b is not None
    assert similarity(a.compact(), b.compact()) > 0.6
    assert set(a.bands()) & set(b.bands())


def test_story_ids_are_stable_and_short() -> None:
    first = story_id("https://example.com/a")
    assert first == story_id("https://example.com/a") != story_id("https://example.com/b")
    assert len(first) == 16 and int(first, 16) >= 0


def test_the_window_is_cut_into_slices_that_expire_once_they_left_it() -> None:
    window = 72 * 3600.0
    numbers = live_slices(1_000_000.0, window)
    assert len(numbers) == 13 and numbers[0] == int(1_000_000 // slice_length(window))
    assert numbers == sorted(numbers, reverse=True)
    # the oldest live slice is still there, the one before it has expired
    assert slice_expiry(numbers[-1], window) > 1_000_000.0
    assert slice_expiry(numbers[-1] - 1, window) <= 1_000_000.0 + 1


def test_the_threshold_is_a_count_of_agreeing_values() -> None:
    assert needed(0.4) == 52 and needed(1.0) == HASHES and needed(0.001) == 1


def test_outlets_are_ordered_by_when_they_were_seen_and_carried_in_the_payload() -> None:
    late = Outlet("b.example", "https://b.example/x", "B", None, 20.0)
    early = Outlet("a.example", "https://a.example/x", "A", "2026-01-01T00:00:00Z", 10.0)
    stored = {"b": late.encode(), "a": early.encode()}
    story = Story("abc", ordered(stored))
    assert story.outlets == (early, late)
    payload = story.payload()
    assert payload["outlets"][0] == {"site": "a.example", "url": "https://a.example/x",
                                     "title": "A", "published": "2026-01-01T00:00:00Z"}  # fmt: skip
    assert Story.from_payload(payload) == Story("abc", (
        Outlet(**{**payload["outlets"][0], "seen": 0.0}),
        Outlet(**{**payload["outlets"][1], "seen": 0.0}),
    ))  # fmt: skip
    assert Story.from_payload(None) is None


def test_a_delivery_carries_the_outlets_known_when_it_is_sent() -> None:
    from newswatch.alerts import Alert, ArticleInfo, Digest
    from newswatch.delivery.outlets import refreshed

    info = ArticleInfo("https://a.example/1", "A", "Feed", None, "en", None, "", "")
    first = Outlet("a.example", info.url, "A", None, 1.0)
    later = Outlet("b.example", "https://b.example/1", "B", None, 2.0)
    alert = Alert("i" * 32, "w", "2026-01-01T00:00:00Z", info, (), story=Story("s", (first,)))
    alone = Alert("j" * 32, "w", "2026-01-01T00:00:00Z", info, ())
    known = {"s": (first, later)}
    fresh = refreshed(alert, known)
    assert isinstance(fresh, Alert) and fresh.story == Story("s", (first, later))
    digest = Digest("d" * 32, "n", "t", "a", "b", (alert, alone))
    sent = refreshed(digest, known)
    assert isinstance(sent, Digest)
    assert sent.alerts[0].story == Story("s", (first, later)) and sent.alerts[1].story is None
    assert refreshed(alert, {}) == alert  # expired in Redis: what the message carried
