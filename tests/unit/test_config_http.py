"""``http:`` in the config: the token's rules, and ``check``'s warning about an open listener."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newswatch.cli import main
from newswatch.config import load_config
from newswatch.errors import ConfigError

TOKEN = "0123456789abcdef0123"


def write(tmp_path: Path, http: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(f"watches:\n  - {{id: w, query: 'a'}}\nhttp:\n{http}\n")
    return path


def test_the_token_is_read_from_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '  listen: 0.0.0.0:9108\n  token: "${NW_TEST_TOKEN}"')
    settings = load_config(path, env={"NW_TEST_TOKEN": TOKEN})
    assert settings.config.http.token == TOKEN
    assert not [w for w in settings.warnings if "http.listen" in w.message]
    with pytest.raises(ConfigError, match="NW_TEST_TOKEN"):
        load_config(path, env={})


def test_a_short_token_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "  listen: 127.0.0.1:9108\n  token: short")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert str(caught.value) == (
        f"{path.resolve()}:5:10: http.token: must be at least 16 characters "
        "(`openssl rand -hex 32` makes one)"
    )


@pytest.mark.parametrize("listen", ["127.0.0.1:x", "9108", "127.0.0.1:70000"])
def test_a_malformed_listen_address_is_an_error(tmp_path: Path, listen: str) -> None:
    with pytest.raises(ConfigError, match="expected HOST:PORT"):
        load_config(write(tmp_path, f'  listen: "{listen}"'), env={})


@pytest.mark.parametrize(
    ("listen", "warned"),
    [
        ("0.0.0.0:9108", True),
        ("'[::]:9108'", True),
        ("192.168.1.10:9108", True),
        ("metrics.internal:9108", True),
        ("127.0.0.1:9108", False),
        ("127.0.0.2:9108", False),
        ("'[::1]:9108'", False),
        ("localhost:9108", False),
        ("':9108'", False),  # no host: 127.0.0.1
    ],
)
def test_check_warns_when_anyone_may_reach_an_unguarded_listener(
    tmp_path: Path, listen: str, warned: bool
) -> None:
    path = write(tmp_path, f"  listen: {listen}")
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 0, result.output
    warning = f"{path.resolve()}:4:11: warning: http.listen"
    assert (warning in result.output) is warned, result.output
    assert "OK" in result.output
