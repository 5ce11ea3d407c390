"""The native engine under stress: bounded caches, threads, callbacks that fail, tables that do
not hold together, large documents, and the objects it makes."""

from __future__ import annotations

import dataclasses
import gc
import threading
from array import array
from types import SimpleNamespace

import pytest

from newswatch.match import (
    Alias,
    Document,
    EntitySpec,
    Hit,
    Match,
    Snippet,
    WatchSpec,
    compile_watchlist,
    model,
    normalize,
)
from newswatch.match._engine import MAX_HITS, Engine, snippet
from newswatch.match.compiler import Compiler
from newswatch.match.parser import parse_query
from newswatch.match.program import Tables, build_tables
from newswatch.match.reference import ReferenceMatcher

ENTITIES = {"z": EntitySpec("z", (Alias("Zelenskyy"), Alias("Зеленськ*")))}
WATCHES = [
    WatchSpec("peace", "(peace OR мир OR 和平) AND (talks OR переговори)"),
    WatchSpec("near", "entity:z NEAR/4 (talks OR переговори)"),
    WatchSpec("country", "country:UA"),
    WatchSpec("prefix", "переговор*"),
]


def documents(n: int) -> list[Document]:
    """Documents whose words the engine has not seen: each one is new to its caches."""
    docs = []
    for i in range(n):
        word = f"слово{i}ь té{i}st 和{i}平"  # non-ASCII runs and bigrams unique to the document
        body = f"{word} Зеленському переговори {i} peace talks Україна {word} мир"
        docs.append(Document(f"Title {i} переговорів", body))
    return docs


def tables(specs: list[WatchSpec]) -> Tables:
    """The engine tables of ``specs`` (each watch its own root)."""
    compiler = Compiler(ENTITIES)
    roots = [compiler.compile(parse_query(w.id, w.query, ENTITIES).root) for w in specs]
    members = [[i] for i in range(len(specs))]
    return build_tables(compiler.nodes, roots, members, [w.id for w in specs])[0]


def engine(specs: list[WatchSpec], normalizer: object = normalize, **options: int) -> Engine:
    return Engine(tables(specs), normalizer, model, **options)  # type: ignore[arg-type]  # duck-typed


def match(e: Engine, doc: Document) -> list[Match]:
    return e.match(doc.title, doc.body, [])


def test_caches_start_over_past_their_bound_and_results_do_not_change() -> None:
    docs = documents(60)
    expected = [compile_watchlist(WATCHES, ENTITIES).match(d) for d in docs]
    small = engine(WATCHES, cache_limit=20)
    for _ in range(2):
        assert [match(small, d) for d in docs] == expected
        assert small.cache_size() <= 20 + 10  # at most one document's runs past the bound


def test_threads_matching_at_once_get_what_one_thread_gets() -> None:
    watchlist = compile_watchlist(WATCHES, ENTITIES)
    docs = documents(40)
    expected = [compile_watchlist(WATCHES, ENTITIES).match(d) for d in docs]
    results: dict[int, list[list[Match]]] = {}
    start = threading.Barrier(4)

    def work(k: int) -> None:
        start.wait()
        results[k] = [watchlist.match(d) for d in docs]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[k] == expected for k in range(4))


def test_a_failing_callback_fails_the_call_and_the_engine_carries_on() -> None:
    calls = []

    def run_tokens(run: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        calls.append(run)
        if len(calls) == 1:
            raise RuntimeError("normalizer broke")
        return normalize.run_tokens(run)

    flaky = SimpleNamespace(
        char_flags=normalize.char_flags, run_tokens=run_tokens, char_fold=normalize.char_fold
    )
    doc = documents(1)[0]
    e = engine(WATCHES, flaky)
    with pytest.raises(RuntimeError, match="normalizer broke"):
        match(e, doc)
    assert match(e, doc) == compile_watchlist(WATCHES, ENTITIES).match(doc)


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("nodes", [3, 0, 5, 1, 0, 0, 0], "nodes"),  # an AND whose children are past the end
        ("nodes", [0, 3, 99_999, 0, 0, 0, 0], "nodes"),  # a word that is not in the vocabulary
        ("nodes", [2, 0, 0, 0, 1, 0, 0], "nodes"),  # a NEAR of itself: a loop
        ("patterns", [1, 0, 0, 0, 0, 7], "patterns"),  # its words past the end
        ("root_node", [42], "candidate index"),
        ("key_roots", [5], "candidate index"),
    ],
)
def test_tables_that_do_not_hold_together_are_refused(
    name: str, value: list[int], error: str
) -> None:
    broken = tables([WatchSpec("w", "peace")])
    setattr(broken, name, array("i", value))
    with pytest.raises(ValueError, match=error):
        Engine(broken, normalize, model)


def test_tables_of_the_wrong_type_are_refused() -> None:
    broken = tables([WatchSpec("w", "peace")])
    broken.nodes = array("q", [0] * 7)
    with pytest.raises(TypeError, match="array"):
        Engine(broken, normalize, model)


def test_results_are_the_model_classes_complete_and_frozen() -> None:
    [found] = compile_watchlist([WatchSpec("w", "peace")], {}).match(Document("", "peace now"))
    hit = Hit("body", "peace", 0, 5)
    assert found == Match("w", (hit,), (), Snippet("peace now", ((0, 5),)))
    assert dataclasses.astuple(found)[0] == "w"  # every field is set
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.hits[0].start = 3  # type: ignore[misc]  # what the test is about


def test_a_large_document_with_many_hits() -> None:
    body = "peace talks, " * 50_000  # 650,000 characters, 100,000 pairs
    wl = compile_watchlist([WatchSpec("w", "peace NEAR/1 talks"), WatchSpec("x", "nothing")], {})
    [found] = wl.match(Document("", body))
    assert len(found.hits) == MAX_HITS
    assert found.hits[-1] == Hit("body", "talks", 13 * 49 + 6, 13 * 49 + 11)
    assert wl.decide(Document("", body)) == ["w"]


def test_prefixes_of_several_lengths_are_found_from_the_shortest_on() -> None:
    # the engine looks a token's beginnings up from the shortest prefix's length (here 4:
    # "Négo*" folds to "nego"); shorter tokens, and tokens that only share shorter beginnings
    # with a prefix, begin none
    watches = [
        WatchSpec("short", "Ne\u0301go*"),
        WatchSpec("long", "negotiat*"),
        WatchSpec("phrase", '"peace negotiat*"'),
        WatchSpec("case", "entity:as"),
    ]
    ents = {"as": EntitySpec("as", (Alias("ASEAN*", case_sensitive=True),))}
    wl = compile_watchlist(watches, ents)
    reference = ReferenceMatcher(watches, ents)
    texts = ["neg ne n", "nego", "négociations", "peace negotiators", "negotiate", "negative"]
    texts += ["ASEANS meet", "aseans meet", "ASE", "peace neg"]
    found = {t: wl.decide(Document("", t)) for t in texts}
    assert found == {t: reference.match(Document("", t)) for t in texts}
    assert found["nego"] == ["short"] and found["negative"] == []
    assert found["peace negotiators"] == ["short", "long", "phrase"]
    assert found["ASEANS meet"] == ["case"] and found["aseans meet"] == []


def test_empty_watchlist_and_empty_document() -> None:
    assert compile_watchlist([], {}).match(Document("", "")) == []
    wl = compile_watchlist([WatchSpec("w", "peace OR NOT war")], {})
    [found] = wl.match(Document("", ""))
    assert found.hits == () and found.snippet == Snippet("", ())


def test_tables_nested_too_deeply_are_refused() -> None:
    deep = tables([WatchSpec("w", "peace")])
    rows = [0, 3, 0, 0, 0, 0, 0]  # a term, then NOT of NOT of ... of it: 20,000 levels
    rows += [x for i in range(20_000) for x in (5, 0, i, 0, 0, 0, 0)]
    deep.nodes, deep.root_node = array("i", rows), array("i", [20_000])
    with pytest.raises(ValueError, match="nested too deeply"):
        Engine(deep, normalize, model)


def test_model_classes_that_cannot_be_made_are_refused() -> None:
    broken = SimpleNamespace(Hit=type(iter([])), Snippet=Snippet, Match=Match)
    with pytest.raises(TypeError, match="Hit must be a class"):
        Engine(tables(WATCHES), normalize, broken)  # type: ignore[arg-type]  # the point


def test_an_engine_whose_init_failed_can_be_initialized_again() -> None:
    e = Engine.__new__(Engine)
    with pytest.raises(AttributeError):
        e.__init__(tables(WATCHES), normalize, SimpleNamespace())  # type: ignore[misc, arg-type]
    with pytest.raises(RuntimeError, match="not initialized"):
        match(e, documents(1)[0])
    e.__init__(tables(WATCHES), normalize, model)  # type: ignore[misc]
    assert match(e, documents(1)[0]) == compile_watchlist(WATCHES, ENTITIES).match(documents(1)[0])


def test_an_engine_in_a_reference_cycle_is_collected() -> None:
    collected = []

    class Canary:
        def __del__(self) -> None:
            collected.append(True)

    class CycleHit(Hit):
        __slots__ = ()

    own = SimpleNamespace(Hit=CycleHit, Snippet=Snippet, Match=Match)
    e = Engine(tables(WATCHES), normalize, own)  # type: ignore[arg-type]  # duck-typed
    CycleHit.engine, CycleHit.canary = e, Canary()  # type: ignore[attr-defined]  # the cycle
    assert CycleHit in gc.get_referents(e)
    del e, own, CycleHit
    gc.collect()
    assert collected == [True]


def test_a_span_list_changed_while_it_is_read_is_not_read_again() -> None:
    spans: list[tuple[object, int]] = []

    class Shrinking:
        def __index__(self) -> int:
            spans.clear()  # frees the caller's list items while the engine reads them
            return 0

    spans.extend([(Shrinking(), 1), *((i, i + 1) for i in range(1, 50))])
    text, marks = snippet("x" * 100, spans, 10)  # type: ignore[arg-type]  # the point
    assert text.startswith("x") and marks[0] == (0, 1)
