"""The HTTP server on ``http.listen``: the app factory and the server's lifetime.

Routes: /metrics and /healthz (``newswatch.observe``), the Atom feeds (``feeds``). Every
response gets the security headers; with ``http.token`` set every route but /healthz needs it
(``security``). Views find the archive and the config's watches in ``app[STATE]``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from newswatch.config.listen import parse_listen
from newswatch.observe.server import HealthInputs
from newswatch.observe.server import routes as observe_routes
from newswatch.web import feeds
from newswatch.web.security import add_security_headers, require_token
from newswatch.web.state import STATE, WebState


def make_app(health: HealthInputs, state: WebState, token: str | None) -> web.Application:
    """The aiohttp application."""
    app = web.Application(middlewares=[require_token(token)] if token else [])
    app[STATE] = state
    app.on_response_prepare.append(add_security_headers)
    app.add_routes(observe_routes(health))
    app.add_routes(feeds.ROUTES)
    return app


@asynccontextmanager
async def serve(
    listen: str, health: HealthInputs, state: WebState, token: str | None
) -> AsyncIterator[web.AppRunner]:
    """Serve the app on ``listen`` until the context exits."""
    runner = web.AppRunner(make_app(health, state, token), access_log=None)
    await runner.setup()
    host, port = parse_listen(listen)
    await web.TCPSite(runner, host, port).start()
    try:
        yield runner
    finally:
        await runner.cleanup()
