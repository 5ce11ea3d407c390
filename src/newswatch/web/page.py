"""Answering with a page: a template rendered with what every page shows (the navigation, the
session's CSRF token), and the session cookie when the request started a session."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from aiohttp import web

from newswatch.web.render import render
from newswatch.web.security import STYLE_PATH, VISIT, set_session
from newswatch.web.session import Sessions

SESSIONS = web.AppKey("sessions", Sessions)
HTML = "text/html"
STYLE = files("newswatch.web").joinpath("static/style.css").read_bytes()


def page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """``template`` rendered for this request, as an HTML response."""
    visit = request[VISIT]
    csrf = request.app[SESSIONS].csrf(visit.nonce) if visit.nonce else None
    body = render(template, visit=visit, csrf=csrf, **context)
    response = web.Response(text=body, status=status, content_type=HTML)
    if visit.new_cookie:
        set_session(request, response, visit.new_cookie)
    return response


def see_other(request: web.Request, location: str) -> web.HTTPSeeOther:
    """303 to ``location`` (after a POST), with the session cookie when it is new."""
    response = web.HTTPSeeOther(location)
    cookie = request[VISIT].new_cookie
    if cookie:
        set_session(request, response, cookie)
    return response


async def style(_request: web.Request) -> web.Response:
    """The one style sheet (open: the login page needs it too)."""
    headers = {"Cache-Control": "public, max-age=3600"}
    return web.Response(body=STYLE, content_type="text/css", headers=headers)


ROUTES = [web.get(STYLE_PATH, style)]
