"""Cut a query string into tokens, each with its 1-based column."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from newswatch.errors import QueryError

Kind = Literal["(", ")", "AND", "OR", "NOT", "NEAR", "PHRASE", "WORD", "FIELD", "CONCEPT", "END"]
FIELDS = ("title", "body", "site", "lang", "entity", "country")
_NEAR_RE = re.compile(r"(O?)NEAR/(\d+)")
_FIELD_RE = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_BARE_END = re.compile(r'[\s()"]')


class Token(NamedTuple):
    """One lexical token; ``value`` is the text (phrase without quotes, field name, NEAR/n).
    (A named tuple: a query has a handful and 100,000 queries are lexed in a few seconds.)"""

    kind: Kind
    value: str
    column: int
    distance: int = 0
    ordered: bool = False
    quoted: bool = False  # a CONCEPT written as a phrase: ~"peace talks"

    def describe(self) -> str:
        """How the token is named in error messages."""
        if self.kind == "END":
            return "the end of the query"
        if self.kind == "FIELD":
            return f"'{self.value}:'"
        if self.kind == "PHRASE":
            return f'"{self.value}"'
        if self.kind == "CONCEPT":
            return f"'~{self.value}'"
        return f"'{self.value}'"


def tokenize(watch: str, query: str) -> list[Token]:
    """The tokens of ``query``, ending with an ``END`` token; raises QueryError."""
    out: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(Token(ch, ch, i + 1))  # type: ignore[arg-type]  # ch is '(' or ')'
            i += 1
        elif ch == '"':
            i = _phrase(watch, query, i, out)
        elif query.startswith('~"', i):
            i = _phrase(watch, query, i + 1, out)
            out[-1] = Token("CONCEPT", out[-1].value, out[-1].column - 1, quoted=True)
        else:
            m = _BARE_END.search(query, i)
            end = m.start() if m else n
            if query.startswith('~"', end - 1) and end - 1 > i:  # title:~"peace talks"
                end -= 1
            _bare(watch, query[i:end], i + 1, out)
            i = end
    out.append(Token("END", "", n + 1))
    return out


def _phrase(watch: str, query: str, i: int, out: list[Token]) -> int:
    close = query.find('"', i + 1)
    if close < 0:
        raise QueryError(watch, i + 1, "unterminated phrase: expected a closing '\"'")
    out.append(Token("PHRASE", query[i + 1 : close], i + 1))
    return close + 1


def _bare(watch: str, chunk: str, column: int, out: list[Token]) -> None:
    if chunk in ("AND", "OR", "NOT"):
        out.append(Token(chunk, chunk, column))  # type: ignore[arg-type]  # an operator name
        return
    if chunk.startswith(("NEAR", "ONEAR")):
        near = _NEAR_RE.fullmatch(chunk)
        if near is None:
            op = "ONEAR" if chunk.startswith("O") else "NEAR"
            raise QueryError(watch, column, f"expected {op}/<number of words>, e.g. {op}/5")
        distance, ordered = int(near.group(2)), bool(near.group(1))
        out.append(Token("NEAR", chunk, column, distance, ordered))
        return
    if chunk.startswith("~"):
        if len(chunk) == 1:
            raise QueryError(watch, column, "expected a word or a phrase after '~'")
        out.append(Token("CONCEPT", chunk[1:], column))
        return
    field = _FIELD_RE.fullmatch(chunk)
    if field is None:
        out.append(Token("WORD", chunk, column))
        return
    name, rest = field.groups()
    if name not in FIELDS:
        known = ", ".join(FIELDS)
        raise QueryError(watch, column, f"unknown field '{name}:'; expected one of {known}")
    out.append(Token("FIELD", name, column))
    if rest.startswith("~"):
        _bare(watch, rest, column + len(name) + 1, out)
    elif rest:
        out.append(Token("WORD", rest, column + len(name) + 1))
