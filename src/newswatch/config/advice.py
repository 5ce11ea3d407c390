"""Warnings about a valid config that is probably not what the user wants (``check`` prints
them, ``run`` logs them); unlike problems, they never stop the daemon."""

from __future__ import annotations

from newswatch.config import model as m
from newswatch.config.listen import is_loopback, parse_listen
from newswatch.config.yamlpos import Located
from newswatch.errors import ConfigProblem


def config_warnings(name: str, located: Located, config: m.Config) -> list[ConfigProblem]:
    """Every warning about ``config``, located in the file ``name``."""
    warnings: list[ConfigProblem] = []
    listen = config.http.listen
    if listen and config.http.token is None and not is_loopback(parse_listen(listen)[0]):
        pos = located.locate(("http", "listen"))
        message = (
            f"warning: http.listen {listen!r} is not a loopback address and http.token is not "
            "set: anyone who can reach it can read the alerts and metrics"
        )
        warnings.append(ConfigProblem(name, pos.line, pos.column, message))
    return warnings
