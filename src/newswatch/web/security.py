"""What every response of the web package shares: the ``http.token`` check and security headers.

With a token configured, every route but ``/healthz`` (which load balancers probe) needs it,
either as ``Authorization: Bearer TOKEN`` or as ``?token=TOKEN`` (feed readers can only be given
a URL); it is compared in constant time, and a missing or wrong one gets 401. Unknown paths get
401 too, so that they reveal nothing.
"""

from __future__ import annotations

import hmac

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

OPEN_PATHS = frozenset({"/healthz"})
TOKEN_PARAM = "token"
CHALLENGE = 'Bearer realm="newswatch"'

SECURITY_HEADERS = {
    # Nothing served here runs scripts or loads anything; pages (issue 16) widen this as needed.
    "Content-Security-Policy": (
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # A token in a URL must not travel on to the sites an alert links to.
    "Referrer-Policy": "no-referrer",
}


def given_token(request: web.Request) -> str | None:
    """The token a request carries: the Bearer credentials, else the ``token`` parameter."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.query.get(TOKEN_PARAM)


def token_matches(given: str | None, token: str) -> bool:
    """``given == token``, in time that does not depend on where they differ."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def require_token(token: str) -> Middleware:
    """The middleware that answers 401 to a request without ``token``."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in OPEN_PATHS or token_matches(given_token(request), token):
            return await handler(request)
        raise web.HTTPUnauthorized(
            text="401: this newswatch needs its http.token (Authorization: Bearer, or ?token=)\n",
            headers={"WWW-Authenticate": CHALLENGE},
        )

    return check


async def add_security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: the security headers on every response, errors included."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")


def public_url(request: web.Request) -> str:
    """The request's URL without its ``token`` parameter (for links the server writes)."""
    return str(request.url.without_query_params(TOKEN_PARAM))
