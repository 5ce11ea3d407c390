"""Concepts at the edges: `newswatch concepts`, `newswatch test` and the config's `concepts:`,
and the concept hits in an alert's payload."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newswatch.alerts import Alert, ArticleInfo, build_alert
from newswatch.cli import main
from newswatch.config import load_config
from newswatch.match import Document
from newswatch.match.lexicon import shipped
from newswatch.notify.console import render
from tests.support.paths import seed_file

CONFIG = """\
concepts:
  peace: {forms: {id: [rukun]}}
  harmony: {forms: {en: [harmony], id: [keselarasan]}}
  labour strike: {forms: {en: [walkout]}, replace: true}
watches:
  - {id: seed, query: 'country:UA AND ~peace AND (~talks OR ~meeting)'}
  - {id: harmony, query: '~harmony'}
  - {id: translated, query: 'country:UA peace meeting', translate: true}
  - {id: strike, query: '~"labour strike"'}
"""


def _config(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return path


def test_concepts_lists_and_expands() -> None:
    runner = CliRunner()
    listing = runner.invoke(main, ["concepts"])
    count = len(shipped().concepts)
    assert listing.exit_code == 0 and listing.output.startswith(f"{count} concepts in 21 languages")
    peace = runner.invoke(main, ["concepts", "~peace", "--lang", "id"])
    assert peace.exit_code == 0
    assert peace.output.splitlines()[0] == "~peace"
    assert "perdamaian" in peace.output and "ru:" not in peace.output
    missing = runner.invoke(main, ["concepts", "frobnicate"])
    assert missing.exit_code == 1 and "no concept named 'frobnicate'" in missing.output


def test_concepts_shows_the_configs_own(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["concepts", "harmony", "--config", str(_config(tmp_path))])
    assert result.exit_code == 0 and "id: keselarasan" in result.output


def test_test_command_shows_which_words_were_the_concepts(tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    text = CliRunner().invoke(main, ["test", "--config", config, str(seed_file())])
    assert text.exit_code == 0, text.output
    assert "✔ seed" in text.output and "✔ translated" in text.output
    assert "~peace → damai, Perdamaian" in text.output and "  concepts: ~" in text.output
    raw = CliRunner().invoke(main, ["test", "--config", config, str(seed_file()), "--json"])
    matches = {m["watch"]: m for m in json.loads(raw.output)["matches"]}
    concepts = {(c["concept"], c["term"].lower()) for c in matches["seed"]["concepts"]}
    assert {("peace", "damai"), ("meeting", "pertemuan")} <= concepts


def test_the_config_extends_and_replaces_concepts(tmp_path: Path) -> None:
    watchlist = load_config(_config(tmp_path)).watchlist
    found = [m.watch for m in watchlist.match(Document("", "Hidup rukun dan keselarasan."))]
    assert found == ["harmony"]
    assert [m.watch for m in watchlist.match(Document("", "A walkout at the plant."))] == ["strike"]
    assert not watchlist.match(Document("", "Pekerja mogok kerja di pabrik."))  # replaced


def test_concept_errors_are_located(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        "concepts:\n"
        "  peace:\n"
        '    forms: {xx: [rukun], id: ["ne*o"]}\n'
        "watches:\n"
        '  - {id: w, query: "a AND ~frobnicate"}\n',
    )
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert f"{path}:3:17: unknown language code 'xx'; expected ISO 639-1" in lines  # its list
    assert f"{path}:3:31: '*' is only allowed at the end of a form" in lines
    assert f"{path}:5:27: watch 'w', column 7: unknown concept 'frobnicate'" in lines[2]


def test_alert_payload_carries_the_concept_hits(tmp_path: Path) -> None:
    watchlist = load_config(_config(tmp_path)).watchlist
    doc = Document("", "Ukraina bersiap untuk pertemuan damai.")
    (match,) = [m for m in watchlist.match(doc) if m.watch == "translated"]
    article = ArticleInfo("u", "t", "f", None, "id", None, "", doc.body)
    alert = build_alert(match, article, "u", "now", (), watchlist.concept_hits(match))
    payload = alert.payload()
    assert {(c["concept"], c["term"]) for c in payload["concepts"]} == {
        ("peace", "damai"),
        ("meeting", "pertemuan"),
    }
    assert Alert.from_message(alert.to_message()) == alert


def test_the_console_alert_names_the_concepts(tmp_path: Path) -> None:
    watchlist = load_config(_config(tmp_path)).watchlist
    doc = Document("", "Ukraina bersiap untuk pertemuan damai.")
    (match,) = [m for m in watchlist.match(doc) if m.watch == "translated"]
    article = ArticleInfo("u", "t", "f", None, "id", None, match.snippet.text, doc.body)
    alert = build_alert(match, article, "u", "now", (), watchlist.concept_hits(match))
    assert "  concepts: ~meeting → pertemuan; ~peace → damai" in render(alert, color=False)
