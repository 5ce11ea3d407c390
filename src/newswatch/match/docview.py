"""A document prepared for matching: normalized tokens per field, with lazy lookups.

Only the token lists and sets are built eagerly; case-preserving tokens, original offsets,
per-word positions and the sorted vocabulary (for wildcards) are computed on first use. The
prefilter fills in which wildcard prefixes occur in each field (``prefixes``).

A view also carries the per-document memos that let watches share work: the truth of shared
leaves, the spans of shared positional nodes, ``Hit`` objects and whole evidence.
"""

from __future__ import annotations

from bisect import bisect_left

from newswatch.match import normalize
from newswatch.match.model import Document, Field, Hit, Snippet
from newswatch.match.query import TITLE, Pattern
from newswatch.match.snippet import Window

Span = tuple[int, int]  # token positions [start, end)
_LOOKUPS_BEFORE_INDEX = 24


class FieldView:
    """One field (title or body) of a document."""

    __slots__ = (
        "_cased",
        "_indexed",
        "_joined",
        "_positions",
        "_sorted",
        "parsed",
        "prefix_known",
        "prefixes",
        "spans_memo",
        "text",
        "tokens",
        "tokset",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.parsed = normalize.Tokens(text)
        self.tokens = self.parsed.tokens
        self.tokset = set(self.tokens)
        self._cased: list[str] | None = None
        self._sorted: list[str] | None = None
        self._positions: dict[str, list[int]] = {}
        self._indexed = False
        self._joined: tuple[str, str] | None = None
        # Filled in by the prefilter: the wildcard prefixes it looks for, and those it found.
        self.prefix_known: frozenset[str] = frozenset()
        self.prefixes: set[str] = set()
        self.spans_memo: dict[object, list[Span]] = {}

    def cased(self) -> list[str]:
        """Case-preserving tokens, parallel to ``tokens``."""
        if self._cased is None:
            self._cased = self.parsed.cased()
        return self._cased

    def joined(self, cased: bool) -> str:
        """The tokens joined by single spaces, with a space at each end (for phrase search)."""
        if self._joined is None:
            self._joined = (" " + " ".join(self.tokens) + " ", "")
        if cased and not self._joined[1]:
            self._joined = (self._joined[0], " " + " ".join(self.cased()) + " ")
        return self._joined[1] if cased else self._joined[0]

    def capitalized_at(self, position: int) -> bool:
        """False when the token at ``position`` starts with a lowercase letter (case kept)."""
        return not self.parsed.starts_lowercase(position)

    def positions(self, word: str) -> list[int]:
        """Token positions where ``word`` occurs, ascending.

        The first few words are looked up one by one (a C-level scan each); after that, every
        word's positions are filed in one pass.
        """
        found = self._positions.get(word)
        if found is not None:
            return found
        if word not in self.tokset:
            return []
        if len(self._positions) < _LOOKUPS_BEFORE_INDEX:
            found = self._positions[word] = _indexes(self.tokens, word)
            return found
        if not self._indexed:
            self._positions = _all_positions(self.tokens)
            self._indexed = True
        return self._positions.get(word, [])

    def has_prefix(self, prefix: str) -> bool:
        """True when some token starts with ``prefix``."""
        if prefix in self.prefix_known:
            return prefix in self.prefixes
        return bool(self.with_prefix(prefix))

    def with_prefix(self, prefix: str) -> list[str]:
        """The distinct tokens starting with ``prefix``."""
        if self._sorted is None:
            self._sorted = sorted(self.tokset)
        vocab = self._sorted
        i = bisect_left(vocab, prefix)
        out: list[str] = []
        while i < len(vocab) and vocab[i].startswith(prefix):
            out.append(vocab[i])
            i += 1
        return out


def _all_positions(tokens: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        at = found.get(token)
        if at is None:
            found[token] = [i]
        else:
            at.append(i)
    return found


def _indexes(tokens: list[str], word: str) -> list[int]:
    out: list[int] = []
    i = -1
    try:
        while True:
            i = tokens.index(word, i + 1)
            out.append(i)
    except ValueError:
        return out


class DocView:
    """A document's two fields plus what the prefilter and site/lang filters look at."""

    __slots__ = (
        "alltok",
        "body",
        "evidence_memo",
        "hits",
        "language",
        "leaf_words",
        "memo",
        "near",
        "sets",
        "sites",
        "tagged",
        "title",
        "windows",
    )

    def __init__(self, doc: Document) -> None:
        self.title = FieldView(doc.title)
        self.body = FieldView(doc.body)
        self.alltok = self.title.tokset | self.body.tokset
        # Token sets by field bits: TITLE -> title, BODY -> body, BOTH -> either.
        self.sets = (frozenset[str](), self.title.tokset, self.body.tokset, self.alltok)
        self.language = (doc.language or "").lower()
        self.sites = site_suffixes(doc.site)
        self.memo: dict[object, bool] = {}  # shared nodes' results, for this document
        self.tagged: dict[object, tuple[tuple[int, int, int], ...]] = {}  # evidence spans
        # NEAR nodes' evidence: (spans of their pairs, entities in them)
        self.near: dict[object, tuple[tuple[tuple[int, int, int], ...], tuple[str, ...]]] = {}
        self.hits: dict[tuple[int, int, int], Hit] = {}
        # Filled in by the prefilter (which makes every view): leaf -> its words that occur.
        self.leaf_words: dict[object, set[str]] = {}
        self.evidence_memo: dict[tuple[int, ...], tuple[tuple[Hit, ...], Snippet]] = {}
        self.windows: dict[tuple[bool, Hit | None], Window] = {}  # snippet windows

    def field(self, which: int) -> FieldView:
        """The title for ``TITLE``, else the body."""
        return self.title if which == TITLE else self.body

    def hit(self, which: int, start: int, end: int) -> Hit:
        """The ``Hit`` of the token span [start, end) of a field (one object per document)."""
        key = (which, start, end)
        found = self.hits.get(key)
        if found is None:
            field = self.title if which == TITLE else self.body
            first, last = field.parsed.span(start)[0], field.parsed.span(end - 1)[1]
            name: Field = "title" if which == TITLE else "body"
            found = self.hits[key] = Hit(name, field.text[first:last], first, last)
        return found


def site_suffixes(site: str) -> frozenset[str]:
    """The host and every parent domain of it: a.b.example.com -> {..., example.com, com}."""
    host = site.lower().strip().rstrip(".")
    host = host.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    parts = host.split(".") if host else []
    return frozenset(".".join(parts[i:]) for i in range(len(parts)))


def present(pattern: Pattern, view: FieldView) -> bool:
    """True when ``pattern`` occurs in the field (cheap set checks first)."""
    words = pattern.folded
    last = len(words) - 1
    tokset = view.tokset
    for word in words[:last] if pattern.prefix else words:
        if word not in tokset:
            return False
    if pattern.prefix and not view.has_prefix(words[last]):
        return False
    if pattern.capitalized:
        return bool(occurrences(pattern, view))
    if last == 0 and not (pattern.prefix or pattern.case_sensitive):
        return True
    return pattern.needle in view.joined(pattern.case_sensitive)


def _starts(pattern: Pattern, view: FieldView) -> list[int]:
    first = pattern.folded[0]
    if not (pattern.prefix and len(pattern.words) == 1):
        return view.positions(first)
    starts: list[int] = []
    for token in view.with_prefix(first):
        starts.extend(view.positions(token))
    return sorted(starts)


def occurrences(pattern: Pattern, view: FieldView) -> list[Span]:
    """Every [start, end) token span where ``pattern`` occurs in the field."""
    words = pattern.words
    n = len(words)
    seq = view.cased() if pattern.case_sensitive else view.tokens
    size = len(seq)
    out: list[Span] = []
    for start in _starts(pattern, view):
        end = start + n
        if end > size or not _matches_at(words, pattern.prefix, seq, start):
            continue
        if pattern.capitalized and not view.capitalized_at(start):
            continue
        out.append((start, end))
    return out


def _matches_at(words: tuple[str, ...], prefix: bool, seq: list[str], start: int) -> bool:
    last = len(words) - 1
    for i in range(last):
        if seq[start + i] != words[i]:
            return False
    token = seq[start + last]
    return token.startswith(words[last]) if prefix else token == words[last]
