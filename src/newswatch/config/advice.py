"""Warnings about a valid config that is probably not what the user wants (``check`` prints
them, ``run`` logs them); unlike problems, they never stop the daemon."""

from __future__ import annotations

from newswatch.config import model as m
from newswatch.config.listen import is_loopback, parse_listen
from newswatch.config.yamlpos import Located, Pos
from newswatch.errors import ConfigProblem


def config_warnings(
    name: str, located: Located, config: m.Config, feeds: int, watches: int
) -> list[ConfigProblem]:
    """Every warning about ``config`` (with ``feeds`` feeds once OPML files are read, and
    ``watches`` watches), located in the file ``name``."""
    warnings = [
        ConfigProblem(name, pos.line, pos.column, f"warning: {message}")
        for pos, message in _idle(located, config, feeds, watches)
    ]
    listen = config.http.listen
    if listen and config.http.token is None and not is_loopback(parse_listen(listen)[0]):
        pos = located.locate(("http", "listen"))
        message = (
            f"warning: http.listen {listen!r} is not a loopback address and http.token is not "
            "set: anyone who can reach it can read the alerts and metrics"
        )
        warnings.append(ConfigProblem(name, pos.line, pos.column, message))
    return warnings


def _idle(located: Located, config: m.Config, feeds: int, watches: int) -> list[tuple[Pos, str]]:
    """What a valid config leaves undone: no feeds to poll, no watches, nowhere to send."""
    idle = []
    if not feeds:
        message = "no feeds: nothing will be polled (add `feeds: [{url: ...}]`)"
        idle.append((located.locate(("feeds",)), message))
    if not watches:
        message = "no watches: no article can raise an alert (add `watches:`)"
        idle.append((located.locate(("watches",)), message))
    elif not config.notifiers:
        message = (
            "no notifiers: alerts are only listed by `newswatch status`, never sent "
            "(add `notifiers:`, e.g. `console: {type: console}`)"
        )
        idle.append((located.locate(("notifiers",)), message))
    return idle
