"""GET/POST /login (the token once, a session cookie after) and POST /logout.

Without ``http.token`` there is nothing to log in to: both lead to the alerts.
"""

from __future__ import annotations

from aiohttp import web

from newswatch.web.page import SESSIONS, page, see_other
from newswatch.web.security import (
    TOKEN,
    VISIT,
    address,
    set_session,
    token_matches,
    unauthorized,
)
from newswatch.web.session import COOKIE
from newswatch.web.throttle import THROTTLE


async def login_form(request: web.Request) -> web.StreamResponse:
    """The login form; straight to the alerts for a browser that needs none."""
    visit = request[VISIT]
    if not visit.token_required or visit.nonce is not None:
        raise see_other(request, "/")
    return page(request, "login.html", status=200, page="login", problem=None)


async def log_in(request: web.Request) -> web.StreamResponse:
    """The token from the form: a session cookie and the alerts, or the form again (401)."""
    token = request.app[TOKEN]
    form = await request.post()
    given = form.get("token")
    if token is not None and not token_matches(given if isinstance(given, str) else None, token):
        request.app[THROTTLE].failed(address(request))
        raise unauthorized(request, problem="That is not this newswatch's token.")
    response = web.HTTPSeeOther("/")
    if token is not None:
        set_session(request, response, request.app[SESSIONS].issue())
    raise response


async def log_out(request: web.Request) -> web.StreamResponse:
    """Forget the session (a POST with its CSRF token, like every change)."""
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


ROUTES = [
    web.get("/login", login_form),
    web.post("/login", log_in),
    web.post("/logout", log_out),
]
