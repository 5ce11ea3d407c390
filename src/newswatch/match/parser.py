"""Recursive-descent parser of the query language.

Grammar, loosest binding first (NEAR/ONEAR bind tightest)::

    or    := and ("OR" and)*
    and   := not (["AND"] not)*           adjacent terms mean AND
    not   := "NOT" not | near
    near  := prim (("NEAR/n" | "ONEAR/n") prim)*
    prim  := WORD | PHRASE | "~" (WORD | PHRASE) | "(" or ")" | ("title:" | "body:") prim
           | ("site:" | "lang:" | "entity:" | "country:") WORD

With ``translate``, every plain word and phrase that names a concept of the lexicon is that
concept (``peace`` is ``~peace``); the others stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

import pycountry

from newswatch import languages
from newswatch.errors import QueryError
from newswatch.match import normalize
from newswatch.match.lexer import Token, tokenize
from newswatch.match.lexicon import Lexicon, shipped
from newswatch.match.query import (
    BODY,
    BOTH,
    TITLE,
    And,
    ConceptRef,
    CountryRef,
    EntityRef,
    Lang,
    Near,
    Node,
    Not,
    Or,
    Pattern,
    Query,
    Site,
    Text,
    has_positive,
    is_positional,
)

_STARTS = frozenset({"WORD", "PHRASE", "CONCEPT", "(", "FIELD", "NOT"})
_DOMAIN_RE = re.compile(r"[\w-]+(\.[\w-]+)*")
_EXPECTED = "expected a term, a phrase or '('"
_VALUES = {
    "site": "a domain like example.com",
    "lang": "a language code like en",
    "entity": "an entity id",
    "country": "a country code like UA",
}


def parse_query(
    watch_id: str,
    query: str,
    entity_ids: Collection[str],
    lexicon: Lexicon | None = None,
    translate: bool = False,
) -> Query:
    """Parse and validate ``query``; raises QueryError with a 1-based column. Concepts are
    looked up in ``lexicon`` (the shipped one by default)."""
    parser = _Parser(watch_id, query, entity_ids, lexicon or shipped(), translate)
    root = parser.parse()
    if not has_positive(root):
        raise QueryError(watch_id, 1, "query only excludes (NOT ...); add a term to match")
    return Query(watch_id, query, root)


def text_pattern(watch: str, raw: str, column: int) -> Pattern:
    """The pattern of a term or phrase as written (may end in ``*``); raises QueryError."""
    found = _pattern(raw)
    if isinstance(found, Pattern):
        return found
    offset, message = found
    raise QueryError(watch, column + offset, message)


@lru_cache(maxsize=1 << 16)
def _pattern(raw: str) -> Pattern | tuple[int, str]:
    """The pattern of ``raw``, or (column offset, message) of why it is invalid (cached: a
    large watchlist repeats its terms)."""
    star = raw.find("*")
    if 0 <= star < len(raw) - 1:
        return star, "'*' is only allowed at the end of a term"
    body = raw[:-1] if star >= 0 else raw
    words = tuple(normalize.tokens(body))
    if not words:
        return 0, f"expected a term with letters or digits, got '{raw}'"
    if star < 0 or normalize.is_no_space(words[-1][0]):
        return Pattern(words)  # in scripts without spaces a term already matches inside words
    if len(words[-1]) < 3:
        return 0, "wildcard needs at least 3 characters before '*'"
    return Pattern(words, prefix=True)


def _combine(kind: type[And] | type[Or], nodes: list[Node]) -> Node:
    if len(nodes) == 1:
        return nodes[0]
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.children if isinstance(node, kind) else (node,))
    return kind(tuple(flat))


def _where(after: Token | None) -> str:
    if after is None:
        return "at the start of the query"
    if after.kind in ("(", "FIELD"):
        return f"after {after.describe()}"
    return f"after {after.value}"


class _Parser:
    def __init__(
        self,
        watch: str,
        query: str,
        entity_ids: Collection[str],
        lexicon: Lexicon,
        translate: bool,
    ) -> None:
        self.watch = watch
        self.entity_ids = entity_ids
        self.lexicon, self.translate = lexicon, translate
        self.tokens = tokenize(watch, query)
        self.pos = 0

    def error(self, token: Token, message: str) -> QueryError:
        return QueryError(self.watch, token.column, message)

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        if self.peek().kind == "END":
            raise QueryError(self.watch, 1, "query is empty")
        node = self.or_expr(BOTH, None)
        token = self.peek()
        if token.kind == ")":
            raise self.error(token, "unexpected ')' without a matching '('")
        if token.kind != "END":
            raise self.error(
                token, f"expected AND, OR or the end of the query, got {token.describe()}"
            )
        return node

    def or_expr(self, fields: int, after: Token | None) -> Node:
        nodes = [self.and_expr(fields, after)]
        while self.peek().kind == "OR":
            nodes.append(self.and_expr(fields, self.take()))
        return _combine(Or, nodes)

    def and_expr(self, fields: int, after: Token | None) -> Node:
        nodes = [self.not_expr(fields, after)]
        while True:
            if self.peek().kind == "AND":
                nodes.append(self.not_expr(fields, self.take()))
            elif self.peek().kind in _STARTS:
                nodes.append(self.not_expr(fields, None))
            else:
                return _combine(And, nodes)

    def not_expr(self, fields: int, after: Token | None) -> Node:
        if self.peek().kind == "NOT":
            return Not(self.not_expr(fields, self.take()))
        return self.near_expr(fields, after)

    def near_expr(self, fields: int, after: Token | None) -> Node:
        left = self.primary(fields, after)
        while self.peek().kind == "NEAR":
            op = self.take()
            right = self.primary(fields, op)
            if not (is_positional(left) and is_positional(right)):
                msg = f"{op.value} needs a term, a phrase or an OR-group of them on each side"
                raise self.error(op, msg)
            left = Near(left, right, op.distance, op.ordered)
        return left

    def primary(self, fields: int, after: Token | None) -> Node:
        token = self.take()
        if token.kind in ("WORD", "PHRASE"):
            pattern = text_pattern(self.watch, token.value, token.column)
            if self.translate and not pattern.prefix:
                concepts = self.lexicon.resolve(token.value)
                if concepts:
                    return ConceptRef(token.value, concepts, fields)
            return Text(token.value, pattern, fields)
        if token.kind == "CONCEPT":
            return self.concept(token, fields)
        if token.kind == "(":
            node = self.or_expr(fields, token)
            if self.peek().kind != ")":
                msg = f"expected ')' to close the '(' at column {token.column}"
                raise self.error(self.peek(), msg)
            self.take()
            return node
        if token.kind == "FIELD":
            return self.field(token, fields)
        raise self.error(token, f"{_EXPECTED} {_where(after)}")

    def concept(self, token: Token, fields: int) -> ConceptRef:
        text_pattern(self.watch, token.value, token.column + 1 + token.quoted)  # after ~ and "
        concepts = self.lexicon.resolve(token.value)
        if not concepts:
            message = f"unknown concept '{token.value}' ('newswatch concepts' lists them)"
            raise self.error(token, message)
        return ConceptRef(token.value, concepts, fields)

    def field(self, token: Token, fields: int) -> Node:
        if token.value in ("title", "body"):
            if self.peek().kind not in ("WORD", "PHRASE", "CONCEPT", "(", "FIELD"):
                raise self.error(self.peek(), f"{_EXPECTED} after {token.describe()}")
            return self.primary(TITLE if token.value == "title" else BODY, token)
        value = self.take()
        if value.kind != "WORD":
            expected = _VALUES[token.value]
            raise self.error(value, f"expected {expected} after {token.describe()}")
        return self.field_value(token.value, value, fields)

    def field_value(self, name: str, token: Token, fields: int) -> Node:
        value = token.value
        if name == "site":
            domain = value.lower().rstrip(".")
            if not _DOMAIN_RE.fullmatch(domain):
                raise self.error(token, f"expected a domain like example.com, got '{value}'")
            return Site(domain)
        if name == "lang":
            return self.lang(token)
        if name == "entity":
            if value not in self.entity_ids:
                raise self.error(token, f"unknown entity '{value}'")
            return EntityRef(value, fields)
        if len(value) != 2 or pycountry.countries.get(alpha_2=value.upper()) is None:
            raise self.error(token, f"unknown country code '{value}'")
        return CountryRef(value.upper(), fields)

    def lang(self, token: Token) -> Lang:
        code = token.value.lower()
        if code in languages.queryable():
            return Lang(code)
        name = languages.language_name(code) if len(code) == 2 else None
        if name is None:
            raise self.error(token, f"unknown language code '{token.value}'; expected ISO 639-1")
        raise self.error(
            token, f"{name} ('{code}') is never detected; docs/query-language.md lists what is"
        )
