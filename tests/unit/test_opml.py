"""OPML as feed readers read it: real-world files that are not well-formed XML, and the same
checks on their feed URLs as on the config's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newswatch.cli import main
from newswatch.config import load_config
from newswatch.config.opml import parse_opml, read_opml
from newswatch.errors import ConfigError
from tests.support.paths import feed_corpus


def collection() -> list[Path]:
    """Every OPML file of the awesome-rss-feeds collection (25 countries, 2 topics)."""
    files = sorted((feed_corpus() / "awesome-rss-feeds").glob("*/with_category/*.opml"))
    assert len(files) == 27
    return files


def xmlurl_lines(path: Path) -> int:
    """How many lines carry an xmlUrl (one outline a line in this collection)."""
    return sum(1 for line in path.read_text("utf-8").splitlines() if "xmlUrl=" in line)


def test_every_file_of_the_collection_is_read_whole() -> None:
    refused = []
    for path in collection():
        opml = read_opml(path)
        assert len(opml.feeds) == xmlurl_lines(path), path.name
        assert not [n for n in opml.notes if "skipped" in n.message], path.name
        refused += [path.name] if opml.notes else []
    assert len(refused) == 15  # 13 countries and both topics are not well-formed XML
    assert "Russia.opml" in refused and "Indonesia.opml" not in refused


def test_a_bare_ampersand_stays_in_the_url_and_a_stray_quote_loses_only_the_title() -> None:
    folder = feed_corpus() / "awesome-rss-feeds" / "countries" / "with_category"
    australia = {f.url for f in read_opml(folder / "Australia.opml").feeds}
    assert "http://rssfeeds.9news.com/kusa/home&x=1" in australia
    russia = read_opml(folder / "Russia.opml")
    [kommersant] = [f for f in russia.feeds if "kommersant" in f.url]
    assert kommersant.url == "https://www.kommersant.ru/RSS/main.xml"
    assert (kommersant.line, russia.notes[0].line) == (20, 20)
    assert "not well-formed XML" in russia.notes[0].message


def test_the_whole_collection_in_one_config(tmp_path: Path) -> None:
    files = collection()
    listed = "\n".join(f'  - {{opml: "{path}"}}' for path in files)
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"feeds:\n{listed}\n")
    settings = load_config(config)
    urls = {f.url for path in files for f in read_opml(path).feeds}
    assert {feed.url for feed in settings.feeds} == urls and len(urls) > 250
    assert len([w for w in settings.warnings if w.file != str(config)]) == 15  # the OPML's
    russia = next(w for w in settings.warnings if w.file.endswith("Russia.opml"))
    assert (russia.line, russia.column) == (20, 27)


def test_an_outline_nothing_can_read_is_reported_skipped() -> None:
    opml = parse_opml(
        b'<opml version="2.0"><body>\n'
        b'<outline text="A" xmlUrl="https://a.example/rss"/>\n'
        b"<!-- a comment never closed\n"
        b'<outline text="B" xmlUrl="https://b.example/rss"/>\n'
        b"</body></opml>\n"
    )
    assert [f.url for f in opml.feeds] == ["https://a.example/rss"]
    assert [(n.line, n.column, n.message) for n in opml.notes[1:]] == [
        (4, 27, "outline skipped: its xmlUrl could not be read")
    ]


def test_a_file_that_is_no_opml_is_refused() -> None:
    with pytest.raises(ValueError, match="not an OPML file"):
        parse_opml(b"<rss><channel/></rss>")
    with pytest.raises(ValueError, match="not a valid OPML file"):
        parse_opml(b"feeds:\n  - url: https://a.example/rss\n")


BAD_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <body>
    <outline text="ok" xmlUrl="https://ok.example/rss"/>
    <outline text="ftp" xmlUrl="ftp://files.example/feed.xml"/>
    <outline text="passwd"
             xmlUrl="file:///etc/passwd"/>
  </body>
</opml>
"""


def test_feed_urls_from_opml_pass_the_config_checks(tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(BAD_OPML)
    problems = config_problems(tmp_path, "feeds:\n  - opml: feeds.opml\n")
    assert problems == [
        f"{opml}:5:33: feed url must start with http:// or https://, "
        "got 'ftp://files.example/feed.xml'",
        f"{opml}:7:22: feed url must start with http:// or https://, got 'file:///etc/passwd'",
    ]
    [in_yaml] = config_problems(tmp_path, "feeds:\n  - url: ftp://files.example/feed.xml\n")
    assert in_yaml.endswith(problems[0].split(": ", 1)[1])


def config_problems(folder: Path, text: str) -> list[str]:
    config = folder / "newswatch.yaml"
    config.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    return [str(p) for p in caught.value.problems]


def test_check_tells_where_an_opml_file_was_read_leniently(tmp_path: Path) -> None:
    russia = feed_corpus() / "awesome-rss-feeds" / "countries" / "with_category" / "Russia.opml"
    config = tmp_path / "newswatch.yaml"
    config.write_text(f'feeds:\n  - opml: "{russia}"\nwatches: [{{id: w, query: x}}]\n')
    result = CliRunner().invoke(main, ["check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert f"\n{russia}:20:27: warning: not well-formed XML (attributes construct error" in (
        "\n" + result.stderr
    )
    assert "OK (13 feeds, 1 watch, 0 notifiers)" in result.stdout


def test_a_url_listed_twice_is_one_feed_and_not_a_skipped_outline() -> None:
    opml = parse_opml(
        b"<opml><body>\n"
        b'<outline text="A &amp; B" xmlUrl="https://a.example/rss?x=1&y=2"/>\n'
        b'<outline text="again" xmlUrl="https://a.example/rss?x=1&y=2"/>\n'
        b"</body></opml>\n"
    )
    assert [(f.url, f.name, f.line) for f in opml.feeds] == [
        ("https://a.example/rss?x=1&y=2", "A & B", 2)
    ]
    assert len(opml.notes) == 1 and "not well-formed XML" in opml.notes[0].message
