"""Config problems are located where a newcomer looks: FILE:LINE:COL of the offending text."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.config import load_config
from newswatch.errors import ConfigError


def problems(tmp_path: Path, text: str) -> list[str]:
    """Every problem ``load_config`` reports for ``text``, as ``LINE:COL: message``."""
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]


def test_an_unclosed_bracket_is_reported_with_the_line_it_opened_on(tmp_path: Path) -> None:
    text = "polling:\n  interval: 5m\n  max_concurrency: 4\n  per_host: [2\n  timeout: 10s\n"
    [problem] = problems(tmp_path, text)
    assert problem.startswith("5:10: invalid YAML: ")
    assert problem.endswith("(in a flow sequence that starts at line 4, column 13)")


def test_an_unclosed_quote_is_reported_with_the_line_it_opened_on(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, 'feeds:\n  - url: "http://a.example/rss\n  - url: x\n')
    assert "(in a quoted scalar that starts at line 2, column 10)" in problem


def test_a_syntax_error_on_the_line_of_its_construct_names_no_other_line(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, "feeds: [a, b: c: d]\n")
    assert problem.startswith("1:") and "starts at" not in problem


QUERY_ERROR = "expected a term, a phrase or '(' after AND"
BROKEN = "(Ukraine OR country:UA) AND (peace OR damai) AND"


CASES = {
    # id: (the query as written after `query:`, the error's line:col in the file)
    "single-quoted": (f"'{BROKEN}'", "4:61"),  # past the end: just after the last AND
    "double-quoted": (f'"{BROKEN}"', "4:61"),
    "plain": (BROKEN, "4:60"),
    "folded": (
        ">-\n      (Ukraine OR country:UA)\n      AND (peace OR damai)\n      AND )",
        "7:11",
    ),
    "folded-blank-line": (
        ">\n      (Ukraine OR country:UA)\n\n      AND (peace OR damai) AND )",
        "7:32",
    ),
    "literal": (
        "|-\n      (Ukraine OR country:UA)\n      AND (peace OR damai)\n      AND )",
        "7:11",
    ),
    "plain-lines": ("(Ukraine OR country:UA)\n      AND (peace OR damai)\n      AND )", "6:11"),
    "single-quoted-lines": ("'(Ukraine OR o''brien)\n      AND (peace OR damai) AND )'", "5:32"),
    "double-quoted-escapes": (
        '"(Ukraine OR\\tcountry:UA) \\\n      AND (peace OR \\x64amai) AND )"',
        "5:35",
    ),
}


@pytest.mark.parametrize(("value", "where"), CASES.values(), ids=CASES.keys())
def test_a_query_error_is_located_at_its_token_in_the_file(
    tmp_path: Path, value: str, where: str
) -> None:
    text = f"entities: {{}}\nwatches:\n  - id: w\n    query: {value}\n"
    [problem] = problems(tmp_path, text)
    assert problem.startswith(f"{where}: watch 'w', column "), problem
    assert problem.endswith(QUERY_ERROR)
