"""``newswatch concepts [WORD] [--lang xx]``: what a concept expands to."""

from __future__ import annotations

from pathlib import Path

import click

from newswatch.cli.base import load_settings, main
from newswatch.match.lexicon import Lexicon, shipped


def render(lexicon: Lexicon, word: str | None, lang: str | None) -> tuple[str, bool]:
    """The listing (every concept, or those ``~word`` names with their forms), and whether
    ``word`` named any."""
    if word is None:
        ids = sorted(lexicon.concepts)
        langs = lexicon.languages()
        head = f"{len(ids)} concepts in {len(langs)} languages ({' '.join(langs)})"
        return "\n".join([head, *ids]), True
    named = lexicon.resolve(word)
    lines: list[str] = []
    for concept in named:
        lines.append(f"~{concept}")
        for code, forms in sorted(lexicon.concepts[concept].items()):
            if lang is None or code == lang:
                lines.append(f"  {code}: {', '.join(forms)}")
    return "\n".join(lines), bool(named)


@main.command("concepts")
@click.argument("word", required=False)
@click.option("--lang", help="Show only this language's forms (ISO 639-1).")
@click.option("--config", "-c", "config_path", envvar="NEWSWATCH_CONFIG",
              type=click.Path(path_type=Path),
              help="Add the config's concepts: (default: shipped ones only).")  # fmt: skip
def concepts(word: str | None, lang: str | None, config_path: Path | None) -> None:
    """List the concepts, or show what ~WORD expands to in every language."""
    lexicon = load_settings(config_path).watchlist.lexicon if config_path else shipped()
    text, found = render(lexicon, word.removeprefix("~") if word else None, lang)
    if not found:
        click.echo(f"newswatch: no concept named '{word}'", err=True)
        raise SystemExit(1)
    click.echo(text)
