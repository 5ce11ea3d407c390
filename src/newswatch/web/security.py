"""What every response of the web package shares: the ``http.token`` check, sessions, CSRF and
the security headers.

With a token configured, every route but ``/healthz``, ``/login`` and the style sheet needs it:
as ``Authorization: Bearer TOKEN``, as ``?token=TOKEN`` (feed readers can only be given a URL),
or as the session cookie a page answer sets once the token was given (``session``). The token is
compared in constant time; a missing or wrong one gets 401 (a login form for a browser), and an
address that sent too many wrong ones gets 429 for a while (``throttle``). Unknown
paths get 401 too, so that they reveal nothing.

Every request that may change something (any method but GET and HEAD) needs the CSRF token of
its session in its form, with or without ``http.token``: 403 otherwise. Only ``/login`` is
exempt (it makes the session).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from newswatch.web.render import render
from newswatch.web.session import COOKIE, CSRF_FIELD, MAX_AGE_S, Sessions
from newswatch.web.throttle import Throttle, too_many

LOGIN_PATH = "/login"
STYLE_PATH = "/static/style.css"
OPEN_PATHS = frozenset({"/healthz", LOGIN_PATH, STYLE_PATH})
SAFE_METHODS = frozenset({"GET", "HEAD"})
TOKEN_PARAM = "token"
CHALLENGE = 'Bearer realm="newswatch"'

SECURITY_HEADERS = {
    # No script runs here, inline or not; the one style sheet is served by the app itself.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # A token in a URL must not travel on to the sites an alert links to.
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class Visit:
    """A request's session: its nonce (None without one), and a new cookie to set, if any."""

    nonce: str | None
    new_cookie: str | None = None
    token_required: bool = False


VISIT = web.RequestKey("visit", Visit)
TOKEN: web.AppKey[str | None] = web.AppKey("token")


def given_token(request: web.Request) -> str | None:
    """The token a request carries: the Bearer credentials, else the ``token`` parameter."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.query.get(TOKEN_PARAM)


def address(request: web.Request) -> str:
    """The client's address, as the wrong tokens are counted by."""
    return request.remote or ""


def token_matches(given: str | None, token: str) -> bool:
    """``given == token``, in time that does not depend on where they differ."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def guard(token: str | None, sessions: Sessions, throttle: Throttle) -> Middleware:
    """The middleware: 401 without the token (when one is set), 429 for an address that sent
    too many wrong ones, 403 on a POST without its CSRF token; ``request[VISIT]`` for the
    views."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        nonce = sessions.nonce(request.cookies.get(COOKIE))
        client = address(request)
        guarded = request.path not in OPEN_PATHS or request.method not in SAFE_METHODS
        if token and nonce is None and guarded and (wait := throttle.wait_s(client)):
            raise too_many(wait)
        given = given_token(request)
        authorized = token is None or nonce is not None or token_matches(given, token)
        if not authorized and request.path not in OPEN_PATHS:
            if given is not None:
                throttle.failed(client)
            raise unauthorized(request)
        if request.method not in SAFE_METHODS and request.path != LOGIN_PATH:
            await check_csrf(request, sessions, nonce)
        fresh = sessions.issue() if nonce is None and authorized else None
        request[VISIT] = Visit(nonce or sessions.nonce(fresh), fresh, token is not None)
        return await handler(request)

    return check


async def check_csrf(request: web.Request, sessions: Sessions, nonce: str | None) -> None:
    """403 unless the form carries the CSRF token of the request's session."""
    given = (await request.post()).get(CSRF_FIELD)
    if not sessions.csrf_matches(nonce, given if isinstance(given, str) else None):
        raise web.HTTPForbidden(text=CSRF_REFUSED)


CSRF_REFUSED = (
    "403: this form was not sent by a page of this newswatch (its CSRF token is missing or "
    "out of date): reload the page and try again\n"
)


def unauthorized(request: web.Request, problem: str | None = None) -> web.HTTPUnauthorized:
    """401: a login form for a browser (or after the form), a line of text for anything else."""
    headers = {"WWW-Authenticate": CHALLENGE}
    if problem or "text/html" in request.headers.get("Accept", ""):
        page = render("login.html", problem=problem, page="login", csrf=None, visit=None)
        return web.HTTPUnauthorized(text=page, content_type="text/html", headers=headers)
    return web.HTTPUnauthorized(
        text="401: this newswatch needs its http.token (Authorization: Bearer, or ?token=)\n",
        headers=headers,
    )


def set_session(request: web.Request, response: web.StreamResponse, cookie: str) -> None:
    """Give the browser its session cookie: HttpOnly, SameSite=Strict, Secure over https."""
    response.set_cookie(COOKIE, cookie, max_age=MAX_AGE_S, path="/", httponly=True,
                        samesite="Strict", secure=request.secure)  # fmt: skip


async def add_security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: the security headers on every response, errors included."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")


def public_url(request: web.Request) -> str:
    """The request's URL without its ``token`` parameter (for links the server writes)."""
    return str(request.url.without_query_params(TOKEN_PARAM))
