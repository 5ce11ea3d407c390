"""The HTTP server on ``http.listen``: the app factory and the server's lifetime.

Routes: /metrics and /healthz (``newswatch.observe``), the Atom feeds (``feeds``), and the
pages: the alerts (``alertpage``), stories (``storypage``), search (``searchpage``), feed health
and dead letters (``operations``), login (``login``) and the style sheet (``page``). Every
response gets the security headers; with ``http.token`` set every route but /healthz, /login and
the style sheet needs it, and every POST needs its CSRF token (``security``). Views find the
archive, Redis and the config's watches in ``app[STATE]``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from newswatch.config.listen import parse_listen
from newswatch.observe.server import HealthInputs
from newswatch.observe.server import routes as observe_routes
from newswatch.web import alertpage, feeds, login, operations, searchpage, storypage
from newswatch.web import page as pages
from newswatch.web.security import TOKEN, add_security_headers, guard
from newswatch.web.session import sessions_for
from newswatch.web.state import STATE, WebState
from newswatch.web.throttle import THROTTLE, Throttle


def make_app(health: HealthInputs, state: WebState, token: str | None) -> web.Application:
    """The aiohttp application."""
    sessions, throttle = sessions_for(token), Throttle()
    app = web.Application(middlewares=[guard(token, sessions, throttle)])
    app[STATE] = state
    app[THROTTLE] = throttle
    app[TOKEN] = token
    app[pages.SESSIONS] = sessions
    app.on_response_prepare.append(add_security_headers)
    app.add_routes(observe_routes(health))
    for module in (feeds, alertpage, storypage, searchpage, operations, login, pages):
        app.add_routes(module.ROUTES)
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
