"""HTTP views on ``http.listen`` next to /metrics: the app, its token check and headers.

A view is a short function that asks the archive and renders: Atom through an escaping XML
builder, HTML through autoescaped Jinja2 templates.
"""

from newswatch.web.app import make_app, serve

__all__ = ["make_app", "serve"]
