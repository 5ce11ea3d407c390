"""Evidence of a match: hits into the original text, snippet, order of matches."""

from __future__ import annotations

from newswatch.match import (
    Alias,
    Document,
    EntitySpec,
    Hit,
    WatchSpec,
    compile_watchlist,
    make_snippet,
)


def test_hits_are_offsets_into_the_original_fields() -> None:
    doc = Document("Élysée: PEACE talks", "Les négociations de paix, dit l’Élysée.")
    [match] = compile_watchlist([WatchSpec("w", "elysee AND (paix OR peace)")], {}).match(doc)
    for hit in match.hits:
        text = doc.title if hit.field == "title" else doc.body
        assert text[hit.start : hit.end] == hit.term
    assert {(h.field, h.term) for h in match.hits} == {
        ("title", "Élysée"), ("title", "PEACE"), ("body", "paix"), ("body", "Élysée"),
    }  # fmt: skip


def test_not_branches_and_false_or_branches_give_no_hits() -> None:
    doc = Document("", "peace talks in Kyiv")
    [match] = compile_watchlist([WatchSpec("w", "(peace OR war) AND NOT paris")], {}).match(doc)
    assert [h.term for h in match.hits] == ["peace"]


def test_phrase_and_near_hits_cover_their_words() -> None:
    doc = Document("", "The peace talks began; Kyiv hosted them.")
    wl = compile_watchlist(
        [WatchSpec("p", '"peace talks"'), WatchSpec("n", "talks NEAR/2 kyiv")], {}
    )
    p, n = wl.match(doc)
    assert [h.term for h in p.hits] == ["peace talks"]
    assert [h.term for h in n.hits] == ["talks", "Kyiv"]


def test_matches_in_watchlist_order_and_len() -> None:
    watches = [WatchSpec("c", "kyiv"), WatchSpec("a", "nothing"), WatchSpec("b", "peace")]
    wl = compile_watchlist(watches, {})
    assert len(wl) == 3
    assert [m.watch for m in wl.match(Document("", "Peace in Kyiv"))] == ["c", "b"]


def test_snippet_of_body_or_title() -> None:
    wl = compile_watchlist([WatchSpec("w", "kyiv")], {})
    [in_body] = wl.match(Document("Talks", "Leaders met in Kyiv."))
    assert in_body.snippet.text == "Leaders met in Kyiv."
    assert in_body.snippet.marks == ((15, 19),)
    [in_title] = wl.match(Document("Talks in Kyiv", "Leaders met."))
    assert in_title.snippet.text == "Talks in Kyiv"
    assert in_title.snippet.marks == ((9, 13),)


def test_snippet_cuts_with_ellipses_and_shifts_marks() -> None:
    text = (
        " ".join(f"w{i}" for i in range(200)) + " target " + " ".join("x" * 3 for _ in range(200))
    )
    start = text.index("target")
    snippet = make_snippet(text, [Hit("body", "target", start, start + 6)], width=80)
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert len(snippet.text) <= 82
    [(a, b)] = snippet.marks
    assert snippet.text[a:b] == "target"


def test_snippet_without_hits_and_short_text() -> None:
    assert make_snippet("short text", []).text == "short text"
    assert make_snippet("line one\nline two", []).text == "line one line two"
    assert make_snippet("", []).text == ""


def test_a_hit_inside_a_longer_one_is_not_repeated() -> None:
    """An entity's long alias and its short one found at the same place are one hit: the text
    is highlighted once. Hits that only overlap stay (each covers words the other does not)."""
    entities = {
        "zelenskyy": EntitySpec("zelenskyy", (Alias("Volodymyr Zelenskyy"), Alias("Zelenskyy")))
    }
    body = "President Volodymyr Zelenskyy met envoys; Zelenskyy said the peace talks resume."
    wl = compile_watchlist(
        [
            WatchSpec("e", "entity:zelenskyy"),
            WatchSpec("s", 'zelenskyy AND "zelenskyy said"'),
            WatchSpec("p", '"peace talks" AND "the peace"'),
        ],
        entities,
    )
    e, s, p = wl.match(Document("", body))
    assert [h.term for h in e.hits] == ["Volodymyr Zelenskyy", "Zelenskyy"]
    assert [h.start for h in e.hits] == [body.index("Volodymyr"), body.rindex("Zelenskyy")]
    assert e.snippet.marks == tuple(
        (h.start, h.end) for h in e.hits
    )  # the snippet is the whole body here
    assert [h.term for h in s.hits] == ["Zelenskyy", "Zelenskyy said"]  # same start: the longer
    assert [h.term for h in p.hits] == ["the peace", "peace talks"]
