"""Jinja2 templates for human-readable alerts and digests (email subject, text and HTML).

HTML templates are autoescaped; text templates are not. Every template sees the same context
(``alert_context`` / ``digest_context``); a notifier's ``templates:`` section overrides any of
them. Undefined names are errors, raised as PermanentDeliveryError (fix the config, then
``newswatch dlq replay``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup, escape

from newswatch.alerts import Alert, Digest
from newswatch.errors import PermanentDeliveryError
from newswatch.notify.console import concept_line
from newswatch.stories.model import Outlet

SUBJECT = "[newswatch:{{ watch }}] {% if update_of %}Update: {% endif %}{{ article.title }}"
TEXT = """\
{% if update_of %}UPDATE: the article changed since the first alert.
{% endif %}{{ article.title }}
{{ facts }}
{{ article.url }}

{{ snippet_text }}

watch: {{ watch }} · hits: {{ terms | join(", ") }}
{% if entities %}entities: {{ entities | join(", ") }}
{% endif %}{% if concepts %}concepts: {{ concepts }}
{% endif %}{% if also_reported %}also reported by: {{ also_reported }}
{% endif %}"""
HTML = """\
<!doctype html>
<html><body style="font-family: sans-serif; max-width: 42em">
{% if update_of %}<p><strong>Update:</strong> the article changed since the first alert.</p>
{% endif %}<h2 style="margin-bottom: .2em">
<a href="{{ article.url | link }}">{{ article.title }}</a></h2>
<p style="color: #666; margin-top: 0"><small>{{ facts }}</small></p>
<p>{{ snippet_html }}</p>
<p style="color: #666"><small>watch: <b>{{ watch }}</b> · hits: {{ terms | join(", ") }}
{%- if entities %} · entities: {{ entities | join(", ") }}{% endif %}
{%- if concepts %} · concepts: {{ concepts }}{% endif %}</small></p>
{% if also_reported_by %}<p style="color: #666"><small>also reported by:
{%- for o in also_reported_by %} <a href="{{ o.url | link }}">{{ o.site }}</a>
{%- if not loop.last %},{% endif %}{% endfor %}</small></p>
{% endif %}</body></html>
"""
DIGEST_SUBJECT = (
    "[newswatch] {{ count }} alert{{ '' if count == 1 else 's' }}: {{ watches | join(', ') }}"
)
DIGEST_TEXT = """\
{{ count }} alert{{ '' if count == 1 else 's' }}, {{ since }} to {{ until }}
{% for a in alerts %}
{{ loop.index }}. [{{ a.watch }}] {% if a.update_of %}(update) {% endif %}{{ a.article.title }}
   {{ a.facts }}
   {{ a.article.url }}
   {{ a.snippet_text }}
{% if a.also_reported %}   also reported by: {{ a.also_reported }}
{% endif %}{% endfor %}"""
DIGEST_HTML = """\
<!doctype html>
<html><body style="font-family: sans-serif; max-width: 42em">
<p>{{ count }} alert{{ '' if count == 1 else 's' }}, {{ since }} to {{ until }}</p>
{% for a in alerts %}
<h3 style="margin-bottom: .2em">[{{ a.watch }}] {% if a.update_of %}(update) {% endif %}
<a href="{{ a.article.url | link }}">{{ a.article.title }}</a></h3>
<p style="color: #666; margin-top: 0"><small>{{ a.facts }}</small></p>
<p>{{ a.snippet_html }}</p>
{% if a.also_reported_by %}<p style="color: #666"><small>also reported by:
{%- for o in a.also_reported_by %} <a href="{{ o.url | link }}">{{ o.site }}</a>
{%- if not loop.last %},{% endif %}{% endfor %}</small></p>
{% endif %}{% endfor %}
</body></html>
"""


def is_web_url(url: object) -> bool:
    """True for an http(s) URL: the only kind of link made from what a feed says."""
    return str(url).lower().startswith(("http://", "https://"))


def safe_link(url: object) -> str:
    """``url`` when it is http(s), otherwise ``#`` (no ``javascript:`` links from a feed)."""
    return str(url) if is_web_url(url) else "#"


def highlight_html(text: str, marks: tuple[tuple[int, int], ...]) -> Markup:
    """``text`` escaped, with each marked span in ``<mark>``."""
    out, last = Markup(""), 0
    for a, b in sorted(marks):
        if a < last:
            continue
        out += escape(text[last:a]) + Markup("<mark>") + escape(text[a:b]) + Markup("</mark>")
        last = b
    return out + escape(text[last:])


def highlight_text(text: str, marks: tuple[tuple[int, int], ...]) -> str:
    """``text`` with each marked span between » and «."""
    out, last = [], 0
    for a, b in sorted(marks):
        if a < last:
            continue
        out += [text[last:a], "»", text[a:b], "«"]
        last = b
    out.append(text[last:])
    return "".join(out)


def also_reported_by(alert: Alert) -> list[Outlet]:
    """The other outlets of the alert's story (known when it is sent), first seen first."""
    if alert.story is None:
        return []
    return [o for o in alert.story.outlets if o.url != alert.article.url]


def alert_context(alert: Alert) -> dict[str, Any]:
    """What every alert template can use."""
    article = alert.article
    return {
        "id": alert.id,
        "watch": alert.watch,
        "detected_at": alert.detected_at,
        "update_of": alert.update_of,
        "article": article,
        "facts": " · ".join(x for x in (article.feed, article.language, article.published) if x),
        "terms": sorted({hit.term for hit in alert.hits}),
        "entities": list(alert.entities),
        "concepts": concept_line(alert.concepts),
        "snippet_text": highlight_text(article.snippet, alert.marks),
        "snippet_html": highlight_html(article.snippet, alert.marks),
        "story": alert.story,
        "also_reported_by": also_reported_by(alert),
        "also_reported": ", ".join(o.site for o in also_reported_by(alert)),
    }


def digest_context(digest: Digest) -> dict[str, Any]:
    """What every digest template can use: ``alerts`` holds each alert's own context."""
    return {
        "id": digest.id,
        "count": len(digest.alerts),
        "since": digest.since,
        "until": digest.until,
        "watches": sorted({a.watch for a in digest.alerts}),
        "alerts": [alert_context(a) for a in digest.alerts],
    }


@dataclass(frozen=True)
class Rendered:
    """A subject line and the two bodies."""

    subject: str
    text: str
    html: str


class Templates:
    """Compiled subject/text/HTML templates for alerts and digests, defaults where not given."""

    def __init__(self, overrides: dict[str, str | None] | None = None) -> None:
        given = {k: v for k, v in (overrides or {}).items() if v is not None}
        defaults = {
            "subject": SUBJECT, "text": TEXT, "html": HTML,
            "digest_subject": DIGEST_SUBJECT, "digest_text": DIGEST_TEXT,
            "digest_html": DIGEST_HTML,
        }  # fmt: skip
        sources = {**defaults, **given}
        plain = _environment(autoescape=False)
        markup = _environment(autoescape=True)
        self._compiled = {
            name: (markup if name.endswith("html") else plain).from_string(source)
            for name, source in sources.items()
        }

    def alert(self, alert: Alert) -> Rendered:
        """The alert rendered."""
        return self._render("", alert_context(alert))

    def digest(self, digest: Digest) -> Rendered:
        """The digest rendered."""
        return self._render("digest_", digest_context(digest))

    def _render(self, prefix: str, context: dict[str, Any]) -> Rendered:
        try:
            subject, text, html = (
                self._compiled[prefix + part].render(context)
                for part in ("subject", "text", "html")
            )
        except jinja2.TemplateError as exc:
            raise PermanentDeliveryError(f"template error: {exc}") from exc
        return Rendered(" ".join(subject.split()), text, html)


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        autoescape=autoescape, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    env.filters["link"] = safe_link
    return env
