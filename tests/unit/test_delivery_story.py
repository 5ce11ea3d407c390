"""When a changed article is a material update (pure)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.story import (
    TextVersion,
    entry_version,
    material_change,
    similarity,
    text_version,
)

BODY = " ".join(f"word{i}" for i in range(300))


def test_identical_text_is_not_a_change() -> None:
    a, b = text_version("Title", BODY), text_version("Title", BODY)
    assert a == b and not material_change(a, b)


def test_case_and_spacing_do_not_count() -> None:
    assert (
        text_version("Title", BODY).fingerprint
        == text_version("TITLE", BODY.replace(" ", "  ")).fingerprint
    )


def test_a_typo_fix_is_not_material() -> None:
    old = text_version("Title", BODY)
    new = text_version("Title", BODY.replace("word17", "word17b"))
    assert old.fingerprint != new.fingerprint
    assert not material_change(old, new)


def test_a_new_paragraph_is_material() -> None:
    old = text_version("Title", BODY)
    extra = " ".join(f"new{i}" for i in range(40))
    assert material_change(old, text_version("Title", BODY + " " + extra))


def test_a_rewrite_of_the_same_length_is_material() -> None:
    old = text_version("Title", BODY)
    rewritten = (
        " ".join(f"word{i}" for i in range(250)) + " " + " ".join(f"x{i}" for i in range(50))
    )
    new = text_version("Title", rewritten)
    assert abs(new.length - old.length) <= 1
    assert similarity(old, new) < 0.9 and material_change(old, new)


def test_versions_survive_their_redis_encoding() -> None:
    version = text_version("Title", BODY)
    assert TextVersion.decode(version.encode()) == version
    assert TextVersion.decode({}) is None


@settings(max_examples=50)
@given(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=6), min_size=1, max_size=400))
def test_similarity_is_exact_for_small_texts(tokens: list[str]) -> None:
    half = tokens[: len(tokens) // 2] or tokens
    a, b = text_version("", " ".join(tokens)), text_version("", " ".join(half))
    sa, sb = set(tokens), set(half)
    if len(sa) <= 128:
        assert similarity(a, b) == len(sa & sb) / len(sa | sb)


def test_entry_version_covers_what_the_feed_says() -> None:
    entry = {"link": "https://x/1", "title": "T", "summary": "S", "feed": "A", "feed_id": "1"}
    assert entry_version(entry) == entry_version({**entry, "feed": "B", "feed_id": "2"})
    assert entry_version(entry) != entry_version({**entry, "summary": "S2"})
    assert entry_version(entry) != entry_version({**entry, "updated": "2026-01-02T00:00:00Z"})
