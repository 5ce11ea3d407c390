"""The parsed form of a query: a small tree of frozen nodes, plus the ``Pattern`` leaves match.

Fields are a bit set (``TITLE``, ``BODY``, ``BOTH``) carried by every text-like leaf.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TITLE = 1
BODY = 2
BOTH = TITLE | BODY


@dataclass(frozen=True, slots=True)
class Pattern:
    """A sequence of normalized words matched at consecutive token positions.

    ``prefix``: the last word matches any token starting with it. ``case_sensitive``: words keep
    their case and are compared with the document's case-preserving tokens. ``folded``: the
    case-folded words (what a document's token set holds); filled in from ``words`` if omitted.
    ``capitalized``: the first matched token must not start with a lowercase letter in the
    document (its case-preserving normalized form; used for country names).
    """

    words: tuple[str, ...]
    prefix: bool = False
    case_sensitive: bool = False
    capitalized: bool = False
    folded: tuple[str, ...] = ()
    needle: str = field(default="", init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.folded:
            object.__setattr__(self, "folded", self.words)
        # The pattern inside a field's words joined by spaces (see FieldView.joined).
        needle = " " + " ".join(self.words) + ("" if self.prefix else " ")
        object.__setattr__(self, "needle", needle)


@dataclass(frozen=True, slots=True)
class Text:
    """A term, a phrase or a wildcard, as written at ``column``."""

    raw: str
    pattern: Pattern
    fields: int = BOTH


@dataclass(frozen=True, slots=True)
class EntityRef:
    """``entity:ID``: any alias of a configured entity."""

    entity: str
    fields: int = BOTH


@dataclass(frozen=True, slots=True)
class CountryRef:
    """``country:CC``: the country's name in any language pycountry knows."""

    code: str
    fields: int = BOTH


@dataclass(frozen=True, slots=True)
class ConceptRef:
    """``~word``: the forms of the concepts it names (``lexicon``) in every language."""

    raw: str
    concepts: tuple[str, ...]
    fields: int = BOTH


@dataclass(frozen=True, slots=True)
class Site:
    """``site:DOMAIN``: the document's host is the domain or one of its subdomains."""

    domain: str


@dataclass(frozen=True, slots=True)
class Lang:
    """``lang:CODE``: the document's detected language is CODE or a member of it (languages.py)."""

    code: str


@dataclass(frozen=True, slots=True)
class Near:
    """``left NEAR/n right`` (any order) or ``left ONEAR/n right`` (left first)."""

    left: Node
    right: Node
    distance: int
    ordered: bool


@dataclass(frozen=True, slots=True)
class And:
    """Every child matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one child matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The child does not match."""

    child: Node


Leaf = Text | EntityRef | CountryRef | ConceptRef
Node = Text | EntityRef | CountryRef | ConceptRef | Site | Lang | Near | And | Or | Not


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed, validated query of one watch."""

    watch: str
    text: str
    root: Node


def has_positive(node: Node) -> bool:
    """True when the node can only match with some positive evidence somewhere."""
    if isinstance(node, Not):
        return False
    if isinstance(node, And | Or):
        for child in node.children:  # noqa: SIM110  # a loop: any() over a generator is slower
            if has_positive(child):
                return True
        return False
    return True


def is_positional(node: Node) -> bool:
    """True for nodes that have word positions (usable around NEAR)."""
    if isinstance(node, Text | EntityRef | CountryRef | ConceptRef | Near):
        return True
    return isinstance(node, Or) and all(is_positional(c) for c in node.children)
