"""The config's ``concepts:`` section: checked on the raw data (each form located in the file)
and merged into the shipped lexicon."""

from __future__ import annotations

import pycountry

from newswatch.config.yamlpos import Located
from newswatch.errors import ConfigProblem
from newswatch.match.lexicon import Lexicon, form_pattern, shipped


def check_concepts(name: str, located: Located, data: dict[str, object]) -> list[ConfigProblem]:
    """Problems with the language codes and forms of ``concepts:`` (the schema checks types)."""
    problems: list[ConfigProblem] = []
    for concept, langs in _forms(data).items():
        for lang, forms in langs.items():
            where = ("concepts", concept, "forms", lang)
            if not _known_language(lang):
                message = f"unknown language code {lang!r}; expected ISO 639-1"
                problems.append(_problem(name, located, where, message))
            for j, form in enumerate(forms):
                found = form_pattern(form)
                if isinstance(found, str):
                    problems.append(_problem(name, located, (*where, j), found))
    return problems


def config_lexicon(data: dict[str, object]) -> Lexicon:
    """The shipped lexicon extended (or overridden) by the raw ``concepts:`` section."""
    section = data.get("concepts")
    if not isinstance(section, dict) or not section:
        return shipped()
    replace = [c for c, v in section.items() if isinstance(v, dict) and v.get("replace") is True]
    return shipped().extended(_forms(data), replace)


def _forms(data: dict[str, object]) -> dict[str, dict[str, tuple[str, ...]]]:
    """concept -> language -> forms, of the well-typed parts of the raw section."""
    section = data.get("concepts")
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for concept, entry in section.items() if isinstance(section, dict) else ():
        forms = entry.get("forms") if isinstance(entry, dict) else None
        if isinstance(concept, str) and isinstance(forms, dict):
            found[concept] = {
                lang: tuple(f for f in items if isinstance(f, str))
                for lang, items in forms.items()
                if isinstance(lang, str) and isinstance(items, list)
            }
    return found


def _known_language(code: str) -> bool:
    return len(code) == 2 and pycountry.languages.get(alpha_2=code.lower()) is not None


def _problem(
    name: str, located: Located, loc: tuple[str | int, ...], message: str
) -> ConfigProblem:
    pos = located.locate(loc)
    return ConfigProblem(name, pos.line, pos.column, message)
