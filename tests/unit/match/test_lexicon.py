"""The shipped lexicon: coverage, well-formed files, no false friends; and how ``~word`` is
resolved."""

from __future__ import annotations

from pathlib import Path

import pytest
from false_friends import false_friends

from newswatch.match.lexicon import (
    LEXICON_DIR,
    Lexicon,
    expand,
    form_pattern,
    parse_tsv,
    shipped,
    with_clitics,
)

LANGUAGES = ["id", "ms", "uk", "ru", "fr", "de", "es", "pt", "it", "nl"]
LANGUAGES += ["pl", "tr", "ar", "fa", "hi", "zh", "ja", "ko", "vi", "th"]
MIN_CONCEPTS = 400


def _files() -> dict[str, dict[str, tuple[str, ...]]]:
    return {p.stem: parse_tsv(p.read_text(encoding="utf-8")) for p in LEXICON_DIR.glob("*.tsv")}


def test_every_concept_is_in_every_language() -> None:
    files = _files()
    concepts = set(files["en"])
    assert len(concepts) >= MIN_CONCEPTS
    for lang in LANGUAGES:
        assert set(files[lang]) == concepts, lang
        assert all(files[lang][c] for c in concepts), f"{lang}: a concept without forms"


@pytest.mark.parametrize("path", sorted(LEXICON_DIR.glob("*.tsv")), ids=lambda p: p.name)
def test_each_file_is_well_formed(path: Path) -> None:
    ids: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        concept, tab, forms = line.partition("\t")
        assert tab and concept == concept.strip().lower(), f"{path.name}:{number}"
        ids.append(concept)
        for written in forms.split("|"):
            for form in (f for e in expand(written.strip()) for f in with_clitics(e, path.stem)):
                found = form_pattern(form, path.stem)
                assert not isinstance(found, str), f"{path.name}:{number}: {form!r}: {found}"
    assert len(ids) == len(set(ids)), f"{path.name}: a concept twice"


def test_no_form_is_a_common_word_of_another_language_unless_reviewed() -> None:
    reviewed = {}
    for line in (LEXICON_DIR / "cognates.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, langs = line.partition("\t")
            reviewed[word] = set(langs.split())
    found = {(w, other) for _, _, w, other in false_friends(shipped())}
    unreviewed = sorted((w, o) for w, o in found if o not in reviewed.get(w, set()))
    assert not unreviewed, f"forms that are common words elsewhere: {unreviewed}"


def test_resolve_by_id_english_form_and_prefix() -> None:
    lexicon = shipped()
    assert lexicon.resolve("peace") == ("peace",)
    assert lexicon.resolve("peace talks") == ("peace talks",)
    assert set(lexicon.resolve("negotiations")) == {"talks", "negotiation"}
    assert lexicon.resolve("negotiat*") == ("negotiation",)
    assert lexicon.resolve("nonsense") == ()


def test_braces_and_arabic_clitics() -> None:
    assert expand("режим{,а} тишины") == ["режим тишины", "режима тишины"]
    assert "وللسلام" in with_clitics("السلام", "ar")
    assert "لحرب" in with_clitics("حرب", "ar")
    assert with_clitics("peace", "en") == ["peace"]


def test_extended_adds_and_replaces() -> None:
    base = Lexicon({"peace": {"en": ("peace",), "id": ("damai",)}})
    added = base.extended({"peace": {"id": ("rukun",)}, "truce": {"en": ("truce",)}})
    assert added.concepts["peace"]["id"] == ("damai", "rukun")
    assert "truce" in added.concepts
    replaced = base.extended({"peace": {"en": ("calm",)}}, replace=["peace"])
    assert replaced.concepts["peace"] == {"en": ("calm",)}


def test_concept_of_a_hit() -> None:
    lexicon = shipped()
    assert lexicon.concept_of(["peace", "talks"], "perdamaian") == "peace"
    assert lexicon.concept_of(["talks"], "переговорах") == "talks"
    assert lexicon.concept_of(["talks"], "Ukraine") is None
