"""Alerts and digests as payloads, stream messages, emails and console text (pure)."""

from __future__ import annotations

import io

import pytest

from newswatch.alerts import Alert, ArticleInfo, Digest, delivery_from_message
from newswatch.config.model import ConsoleNotifier as ConsoleConfig
from newswatch.errors import PermanentDeliveryError
from newswatch.match.model import ConceptHit, Hit
from newswatch.notify.console import ConsoleNotifier
from newswatch.notify.email import compose
from newswatch.notify.templates import Templates, safe_link

ARTICLE = ArticleInfo(
    url="https://news.example/a?x=1&y=2",
    title="Talks <b>begin</b> & continue",
    feed="Example",
    published="2026-01-01T03:00:00Z",
    language="en",
    author=None,
    snippet="Peace talks <script>alert(1)</script> in Kyiv",
    text="full text",
)
ALERT = Alert(
    id="a" * 32,
    watch="ukraine",
    detected_at="2026-01-01T03:04:05Z",
    article=ARTICLE,
    hits=(Hit("body", "Peace", 0, 5),),
    notify=("mail",),
    marks=((0, 5), (6, 11)),
)


def test_payload_has_update_of_null_for_a_first_alert() -> None:
    payload = ALERT.payload()
    assert payload["update_of"] is None
    assert set(payload) == {
        "version", "id", "watch", "detected_at", "article", "hits", "concepts", "entities",
        "update_of", "story",
    }  # fmt: skip
    assert payload["concepts"] == []  # no concept in the watch's query
    assert payload["story"] is None  # stories off


def test_messages_round_trip() -> None:
    update = Alert(**{**ALERT.__dict__, "id": "b" * 32, "update_of": ALERT.id, "replay": True})
    assert delivery_from_message(update.to_message()) == update
    digest = Digest("d" * 32, "mail", "2026-01-01T09:00:00Z", "2026-01-01T08:00:00Z",
                    "2026-01-01T09:00:00Z", (ALERT, update))  # fmt: skip
    assert delivery_from_message(digest.to_message()) == digest
    payload = digest.payload()
    assert payload["type"] == "digest" and payload["count"] == 2
    assert [a["id"] for a in payload["alerts"]] == [ALERT.id, update.id]


def test_email_is_multipart_escaped_and_highlighted() -> None:
    msg = compose(ALERT, "nw@example.org", ["a@example.org"])
    assert msg["Message-ID"] == f"<{ALERT.id}@newswatch>"
    assert msg["Subject"] == "[newswatch:ukraine] Talks <b>begin</b> & continue"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "»Peace« »talks«" in text and ARTICLE.url in text
    assert "<mark>Peace</mark> <mark>talks</mark>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Talks &lt;b&gt;begin&lt;/b&gt; &amp; continue" in html
    assert 'href="https://news.example/a?x=1&amp;y=2"' in html
    assert "In-Reply-To" not in msg


def test_an_update_threads_under_the_first_alert() -> None:
    update = Alert(**{**ALERT.__dict__, "id": "b" * 32, "update_of": ALERT.id})
    msg = compose(update, "nw@example.org", ["a@example.org"])
    assert msg["In-Reply-To"] == msg["References"] == f"<{ALERT.id}@newswatch>"
    assert msg["Subject"].startswith("[newswatch:ukraine] Update: ")


def test_templates_can_be_overridden_and_stay_escaped() -> None:
    templates = Templates({"subject": "{{ watch | upper }}: {{ article.title }}",
                           "html": "<p>{{ article.title }}</p>{{ snippet_html }}"})  # fmt: skip
    msg = compose(ALERT, "nw@example.org", ["a@example.org"], templates)
    assert msg["Subject"] == "UKRAINE: Talks <b>begin</b> & continue"
    html = msg.get_body(("html",)).get_content()
    assert "<p>Talks &lt;b&gt;begin&lt;/b&gt; &amp; continue</p><mark>Peace</mark>" in html


def test_a_broken_template_is_a_permanent_failure() -> None:
    with pytest.raises(PermanentDeliveryError):
        Templates({"text": "{{ no_such_name }}"}).alert(ALERT)


def test_links_other_than_http_are_neutralised() -> None:
    assert safe_link("javascript:alert(1)") == "#"
    assert safe_link("https://x.example/") == "https://x.example/"


def test_digest_email_lists_every_alert() -> None:
    digest = Digest("d" * 32, "mail", "2026-01-01T09:00:00Z", "2026-01-01T08:00:00Z",
                    "2026-01-01T09:00:00Z", (ALERT, ALERT))  # fmt: skip
    msg = compose(digest, "nw@example.org", ["a@example.org"])
    assert msg["Subject"] == "[newswatch] 2 alerts: ukraine"
    assert msg.get_body(("html",)).get_content().count("<mark>Peace</mark>") == 2


async def test_console_prints_digests() -> None:
    out = io.StringIO()
    console = ConsoleNotifier("console", ConsoleConfig(type="console", color=False), out)
    digest = Digest("d" * 32, "console", "c", "s", "u", (ALERT,))
    await console.send_digest(digest)
    assert "digest: 1 alert" in out.getvalue() and "»Peace«" in out.getvalue()


def test_the_story_travels_with_the_alert_and_email_names_the_other_outlets() -> None:
    from newswatch.stories import Outlet, Story

    own = Outlet("news.example", ARTICLE.url, ARTICLE.title, ARTICLE.published, 1.0)
    other = Outlet("wire.example", "https://wire.example/<x>", "Talks", None, 2.0)
    hostile = Outlet("<b>evil</b>.example", "javascript:alert(1)", "x", None, 3.0)
    alert = Alert(**{**ALERT.__dict__, "story": Story("0123456789abcdef", (own, other, hostile))})
    assert delivery_from_message(alert.to_message()).story == Story(
        "0123456789abcdef",
        tuple(Outlet(**{**o.__dict__, "seen": 0.0}) for o in (own, other, hostile)),
    )
    assert alert.payload()["story"]["outlets"][1] == {
        "site": "wire.example", "url": "https://wire.example/<x>", "title": "Talks",
        "published": None,
    }  # fmt: skip
    msg = compose(alert, "nw@example.org", ["a@example.org"])
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "also reported by: wire.example, <b>evil</b>.example" in text
    assert '<a href="https://wire.example/&lt;x&gt;">wire.example</a>' in html
    assert "&lt;b&gt;evil&lt;/b&gt;.example" in html and 'href="#"' in html
    digest = Digest("d" * 32, "mail", "2026-01-01T09:00:00Z", "2026-01-01T08:00:00Z",
                    "2026-01-01T09:00:00Z", (alert, ALERT))  # fmt: skip
    digest_text = compose(digest, "nw@example.org", ["a@example.org"]).get_body(("plain",))
    assert digest_text.get_content().count("also reported by: wire.example") == 1
    alone = compose(ALERT, "nw@example.org", ["a@example.org"]).get_body(("plain",))
    assert "also reported by" not in alone.get_content()


def test_email_says_which_concept_matched_through_which_word() -> None:
    hits = (Hit("body", "perdamaian", 0, 10), Hit("body", "<b>damai</b>", 11, 23))
    told = (ConceptHit("peace", "body", "perdamaian", 0, 10),
            ConceptHit("peace", "body", "<b>damai</b>", 11, 23))  # fmt: skip
    alert = Alert(**{**ALERT.__dict__, "hits": hits, "concepts": told})
    msg = compose(alert, "nw@example.org", ["a@example.org"])
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "concepts: ~peace → perdamaian, <b>damai</b>" in text
    assert "concepts: ~peace → perdamaian, &lt;b&gt;damai&lt;/b&gt;" in html
    assert "concepts:" not in compose(ALERT, "nw@example.org", ["a@x"]).get_body().get_content()
