"""YAML to plain data, remembering where every key and value sits, with ``${VAR}`` expanded.

PyYAML's composed node graph carries marks; the loader walks it once, building the plain
data pydantic validates and a position table that turns a validation error's ``loc`` back
into ``line:column``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

Path_ = tuple[str | int, ...]
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column; ``style`` is the scalar's quote style, when it is a scalar;
    ``index`` and ``end`` are the node's first and past-the-last characters in the text."""

    line: int
    column: int
    style: str | None = None
    index: int = 0
    end: int = 0


@dataclass
class Located:
    """Plain data plus positions of values (``values``) and of mapping keys (``keys``)."""

    data: object
    text: str = ""
    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)
    missing_env: list[tuple[str, Pos]] = field(default_factory=list)

    def locate(self, loc: Path_, *, key: bool = False) -> Pos:
        """The position of the deepest known prefix of ``loc`` (pydantic adds union tags)."""
        path: Path_ = ()
        for part in loc:
            if (*path, part) in self.values:
                path = (*path, part)
        if key and path in self.keys:
            return self.keys[path]
        return self.values.get(path, Pos(1, 1))


def load_located(text: str, env: Mapping[str, str] | None = None) -> Located:
    """Parse ``text``; raises ``yaml.MarkedYAMLError`` for YAML that does not parse."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        located = Located(data=None, text=text)
        if node is not None:
            located.data = _build(loader, node, (), located, os.environ if env is None else env)
        return located
    finally:
        loader.dispose()


def _pos(node: yaml.Node) -> Pos:
    style = node.style if isinstance(node, yaml.ScalarNode) else None
    start, end = node.start_mark, node.end_mark
    return Pos(start.line + 1, start.column + 1, style, start.index, end.index)


def _build(
    loader: yaml.SafeLoader, node: yaml.Node, path: Path_, out: Located, env: Mapping[str, str]
) -> object:
    out.values[path] = _pos(node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node))
            out.keys[(*path, key)] = _pos(key_node)
            result[key] = _build(loader, value_node, (*path, key), out, env)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), out, env) for i, item in enumerate(node.value)]
    value = loader.construct_object(node)
    if isinstance(value, str) and "${" in value:
        return _expand(value, env, out, out.values[path])
    return value


def _expand(value: str, env: Mapping[str, str], out: Located, pos: Pos) -> str:
    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is not None:
            return default
        out.missing_env.append((name, pos))
        return ""

    return _ENV.sub(replace, value)
