"""Load a config file into validated settings, reporting every problem with file:line:col."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from newswatch.config import model as m
from newswatch.config.advice import config_warnings
from newswatch.config.concepts import check_concepts, config_lexicon
from newswatch.config.opml import Opml, read_opml
from newswatch.config.scalarpos import position_in_scalar
from newswatch.config.yamlpos import Located, load_located
from newswatch.errors import ConfigError, ConfigProblem, QueryError
from newswatch.match import Watchlist, compile_watchlist, parse_query
from newswatch.match.lexicon import Lexicon
from newswatch.match.model import Alias, EntitySpec, WatchSpec

T = TypeVar("T")


@dataclass(frozen=True)
class Feed:
    """A feed to poll, with OPML entries expanded and the defaults applied."""

    id: str
    url: str
    name: str
    interval: float
    fetch_article: bool
    article_tables: bool = True


@dataclass(frozen=True)
class Settings:
    """A loaded config: the validated model, the feeds to poll and the compiled watchlist."""

    path: Path
    config: m.Config
    feeds: tuple[Feed, ...]
    watchlist: Watchlist
    warnings: tuple[ConfigProblem, ...] = ()
    """What ``check`` warns about: valid, but probably not what was meant (an unguarded
    ``http.listen``, an OPML file that had to be read leniently and what it skipped)."""

    @property
    def data_dir(self) -> Path:
        """The data folder, resolved against the config file's folder."""
        return self.config.data_dir


def feed_id(url: str) -> str:
    """A stable short id for a feed URL."""
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def load_config(path: Path, env: Mapping[str, str] | None = None) -> Settings:
    """Read, validate and compile ``path``; raises ConfigError with every problem found."""
    path = path.resolve()
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([ConfigProblem(name, 1, 1, f"cannot read config: {exc}")]) from exc
    try:
        located = load_located(text, env)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError([_yaml_problem(name, exc)]) from exc
    return _validate(path, located)


def _yaml_problem(name: str, exc: yaml.MarkedYAMLError) -> ConfigProblem:
    """Where the parser gave up and, on another line, where the construct it was reading
    started (an unclosed bracket or quote is found only lines later)."""
    mark, opened = exc.problem_mark, exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = f"invalid YAML: {exc.problem}"
    if exc.context and opened is not None and opened.line + 1 != line:
        what = exc.context.removeprefix("while parsing ").removeprefix("while scanning ")
        message += f" (in {what} that starts at line {opened.line + 1}, column {opened.column + 1})"
    return ConfigProblem(name, line, col, message)


def _validate(path: Path, located: Located) -> Settings:
    name = str(path)
    problems = [
        ConfigProblem(name, pos.line, pos.column, f"environment variable {var!r} is not set")
        for var, pos in located.missing_env
    ]
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        problems.append(ConfigProblem(name, 1, 1, "the config must be a mapping of sections"))
        raise ConfigError(problems)
    lexicon = config_lexicon(data)
    problems += check_concepts(name, located, data)
    problems += _check_references(name, located, data, lexicon)
    try:
        config = m.Config.model_validate(data)
    except ValidationError as exc:
        problems += [_problem(name, located, err) for err in exc.errors()]
        raise ConfigError(sorted(problems, key=_order)) from exc
    config = _resolve_paths(config, path.parent)
    feeds, feed_problems, feed_warnings = _feeds(name, located, config)
    problems += feed_problems
    if problems:
        raise ConfigError(sorted(problems, key=_order))
    watchlist = compile_watchlist(_watch_specs(config), entity_specs(config), lexicon)
    advice = config_warnings(name, located, config, len(feeds), len(watchlist))
    warnings = tuple(sorted([*advice, *feed_warnings], key=_order))
    return Settings(path=path, config=config, feeds=feeds, watchlist=watchlist, warnings=warnings)


def _problem(name: str, located: Located, err: ErrorDetails) -> ConfigProblem:
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        key = str(loc[-1])
        pos = located.locate(loc, key=True)
        close = difflib.get_close_matches(key, _known_keys(), n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return ConfigProblem(name, pos.line, pos.column, f"unknown key {key!r}{hint}")
    if err["type"] == "union_tag_invalid":
        ctx = err.get("ctx", {})
        pos = located.locate((*loc, "type"))
        message = f"unknown type {ctx.get('tag')!r} (expected one of: {ctx.get('expected_tags')})"
        return ConfigProblem(name, pos.line, pos.column, message)
    pos = located.locate(loc)
    where = ".".join(str(p) for p in loc if p not in {"webhook", "email", "console"})
    message = err["msg"].removeprefix("Value error, ")
    return ConfigProblem(name, pos.line, pos.column, f"{where}: {message}" if where else message)


def _known_keys() -> set[str]:
    keys: set[str] = set()
    for obj in vars(m).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            for field_name, info in obj.model_fields.items():
                keys.add(info.alias or field_name)
    return keys


def _resolve_paths(config: m.Config, base: Path) -> m.Config:
    feeds = [
        f.model_copy(update={"opml": base / f.opml}) if f.opml is not None else f
        for f in config.feeds
    ]
    return config.model_copy(update={"data_dir": base / config.data_dir, "feeds": feeds})


def _order(problem: ConfigProblem) -> tuple[str, int, int]:
    return problem.file, problem.line, problem.column


def _section(data: dict[str, object], key: str, kind: type[T]) -> T | None:
    value = data.get(key)
    return value if isinstance(value, kind) else None


def _check_references(
    name: str, located: Located, data: dict[str, object], lexicon: Lexicon
) -> list[ConfigProblem]:
    """Watch ids, notifier names and queries, checked on the raw data so that they are
    reported together with any schema errors."""
    notifiers = _section(data, "notifiers", dict) or {}
    entities = _section(data, "entities", dict) or {}
    problems: list[ConfigProblem] = []
    seen: set[str] = set()
    for i, watch in enumerate(_section(data, "watches", list) or []):
        if not isinstance(watch, dict) or not isinstance(watch.get("id"), str):
            continue  # the schema reports it
        wid = watch["id"]
        if wid in seen:
            problems.append(_at(name, located, ("watches", i, "id"), f"duplicate watch id {wid!r}"))
        seen.add(wid)
        targets = watch.get("notify")
        for j, target in enumerate(targets if isinstance(targets, list) else []):
            if target not in notifiers:
                known = ", ".join(sorted(notifiers)) or "none configured"
                message = f"watch {wid!r} notifies unknown notifier {target!r} (known: {known})"
                problems.append(_at(name, located, ("watches", i, "notify", j), message))
        if isinstance(watch.get("query"), str):
            try:
                translate = watch.get("translate") is True
                parse_query(wid, watch["query"], entities.keys(), lexicon, translate)
            except QueryError as exc:
                query = located.locate(("watches", i, "query"))
                pos = position_in_scalar(located.text, query, watch["query"], exc.column - 1)
                problems.append(ConfigProblem(name, pos.line, pos.column, str(exc)))
    return problems


def _at(name: str, located: Located, loc: tuple[str | int, ...], message: str) -> ConfigProblem:
    pos = located.locate(loc)
    return ConfigProblem(name, pos.line, pos.column, message)


def _feeds(
    name: str, located: Located, config: m.Config
) -> tuple[tuple[Feed, ...], list[ConfigProblem], list[ConfigProblem]]:
    """The feeds, the problems that make the config invalid, and the warnings (what reading
    an OPML file leniently recovered from or skipped)."""
    feeds: dict[str, Feed] = {}
    problems: list[ConfigProblem] = []
    warnings: list[ConfigProblem] = []
    default = config.polling.interval
    for i, entry in enumerate(config.feeds):
        interval = entry.interval or default
        if entry.url is not None:
            pairs = [(entry.url, entry.name)]
        else:
            assert entry.opml is not None
            try:
                opml = read_opml(entry.opml)
            except (OSError, ValueError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                problems.append(_at(name, located, ("feeds", i, "opml"), f"{entry.opml}: {reason}"))
                continue
            file = str(entry.opml)
            warnings += [
                ConfigProblem(file, n.line, n.column, f"warning: {n.message}") for n in opml.notes
            ]
            pairs = _opml_pairs(file, opml, entry.name, problems)
        for url, title in pairs:
            fid = feed_id(url)
            label = title or urlsplit(url).hostname or url
            feeds.setdefault(
                fid, Feed(fid, url, label, interval, entry.fetch_article, entry.article_tables)
            )
    return tuple(feeds.values()), problems, warnings


def _opml_pairs(
    file: str, opml: Opml, name: str | None, problems: list[ConfigProblem]
) -> list[tuple[str, str | None]]:
    """(url, title) of each feed of an OPML file whose URL passes the checks a feed URL in the
    config passes; a problem at the place of each one that does not."""
    pairs: list[tuple[str, str | None]] = []
    for feed in opml.feeds:
        try:
            pairs.append((m.check_feed_url(feed.url), name or feed.name))
        except ValueError as exc:
            problems.append(ConfigProblem(file, feed.line, feed.column, str(exc)))
    return pairs


def _watch_specs(config: m.Config) -> list[WatchSpec]:
    return [WatchSpec(id=w.id, query=w.query, translate=w.translate) for w in config.watches]


def entity_specs(config: m.Config) -> dict[str, EntitySpec]:
    return {
        eid: EntitySpec(
            id=eid,
            aliases=tuple(
                Alias(n) if isinstance(n, str) else Alias(n.name, n.case_sensitive)
                for n in entity.names
            ),
            variants=entity.variants,
            inflections=entity.inflections,
        )
        for eid, entity in config.entities.items()
    }
