"""The HTTP server on ``http.listen``: the app factory and the server's lifetime.

Routes: /metrics and /healthz (``newswatch.observe``). Every response gets the security
headers; with ``http.token`` set every route but /healthz needs it (``security``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from newswatch.config.listen import parse_listen
from newswatch.observe.server import HealthInputs
from newswatch.observe.server import routes as observe_routes
from newswatch.web.security import add_security_headers, require_token


def make_app(health: HealthInputs, token: str | None) -> web.Application:
    """The aiohttp application."""
    app = web.Application(middlewares=[require_token(token)] if token else [])
    app.on_response_prepare.append(add_security_headers)
    app.add_routes(observe_routes(health))
    return app


@asynccontextmanager
async def serve(
    listen: str, health: HealthInputs, token: str | None
) -> AsyncIterator[web.AppRunner]:
    """Serve the app on ``listen`` until the context exits."""
    runner = web.AppRunner(make_app(health, token), access_log=None)
    await runner.setup()
    host, port = parse_listen(listen)
    await web.TCPSite(runner, host, port).start()
    try:
        yield runner
    finally:
        await runner.cleanup()
