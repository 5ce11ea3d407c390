"""HTTP views on ``http.listen`` next to /metrics: the Atom feeds of alerts (and, later, pages).

A view is a short function that asks the archive and renders: Atom through an escaping XML
builder (``atom``), HTML through autoescaped Jinja2 templates (``render``, ``templates/``).
"""

from newswatch.web.app import make_app, serve
from newswatch.web.state import WebState

__all__ = ["WebState", "make_app", "serve"]
