"""``newswatch stories``: the recent stories of the archive with their outlets, biggest first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from newswatch.archive.read import ArchivedArticle
from newswatch.archive.stories import ArchivedStory, biggest
from newswatch.cli.archive import iso, opened, since_option
from newswatch.cli.base import config_option, load_settings, main


def outlet_json(article: ArchivedArticle) -> dict[str, Any]:
    """An outlet as ``--json`` shows it (the payload's fields, and when it was first seen)."""
    return {"site": article.site, "url": article.url, "title": article.title,
            "published": article.published, "first_seen": iso(article.first_seen)}  # fmt: skip


def stories_json(stories: list[ArchivedStory]) -> dict[str, Any]:
    """The ``--json`` document."""
    return {"count": len(stories), "stories": [
        {"id": s.id, "title": s.articles[0].title if s.articles else "",
         "size": len(s.articles), "outlets": [outlet_json(a) for a in s.articles]}
        for s in stories
    ]}  # fmt: skip


def stories_text(stories: list[ArchivedStory]) -> str:
    """The readable list: each story's first headline, then every outlet, first seen first."""
    lines: list[str] = []
    for story in stories:
        first = story.articles[0] if story.articles else None
        count = len(story.articles)
        lines.append(f"{story.id}  {count} outlet{'' if count == 1 else 's'}  "
                     f"{(first.title if first else '') or '(no title)'}")  # fmt: skip
        lines += [f"  {iso(a.first_seen)}  {a.outlet}  {a.url}" for a in story.articles]
    lines.append(f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}")
    return "\n".join(lines)


@main.command()
@config_option
@click.option("--since", help="Only stories with articles seen within this long, e.g. 24h.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="At most this many stories.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the stories as JSON.")
def stories(config_path: Path, since: str | None, limit: int, as_json: bool) -> None:
    """The archive's recent stories with their outlets, biggest first."""
    settings = load_settings(config_path)
    start = since_option(since)
    with opened(settings) as archive:
        found = biggest(archive, start, limit)
    if as_json:
        click.echo(json.dumps(stories_json(found), ensure_ascii=False, indent=2))
    else:
        click.echo(stories_text(found))
