"""Copies of one story as different outlets publish it: each outlet's page template (header,
navigation, dateline, in-article boilerplate, footer) around the story's paragraphs, and the
edits copies undergo (rewritten headline, a paragraph added or cut, a changed dateline, small
word edits). Used by the stories tests to build labelled copies from real article texts."""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Template:
    """An outlet's page: ``lead`` opens the article body, ``trailer`` closes it."""

    site: str
    nav: tuple[str, ...]
    lead: str
    trailer: str
    related: tuple[str, ...]
    footer: str


TEMPLATES = (
    Template("wire.example", ("World", "Business", "Markets", "Sustainability", "Legal"),
             "({site}) -", "Reporting by staff; editing by the desk. Our standards: the trust "
             "principles.", ("Markets close higher as investors weigh data",
                             "Central bank holds rates steady"),
             "All quotes delayed a minimum of 15 minutes. © 2026 Wire. All rights reserved."),
    Template("kabar.example", ("Beranda", "Nasional", "Daerah", "Ekonomi", "Olahraga"),
             "KABAR.EXAMPLE -", "Baca juga: berita terkini lainnya di kanal kami. Ikuti kami di "
             "media sosial untuk kabar terbaru.", ("Harga emas hari ini naik tipis",
                                                   "Jadwal kereta mudik tambahan"),
             "Hak cipta 2026 Kabar. Dilarang mengutip tanpa izin redaksi."),
    Template("daily.example", ("Home", "News", "Sport", "Opinion", "Culture", "Lifestyle"),
             "By our correspondent.", "Sign up to our morning briefing and get the day's top "
             "stories in your inbox. Comments are closed for this article.",
             ("Ten things to do this weekend", "Letters: readers respond"),
             "Daily Example Ltd, registered in England. Privacy policy. Cookie settings."),
    Template("post.example", ("Latest", "Politics", "World", "Tech", "Video"),
             "Listen to this article.", "This article was originally published by a partner "
             "and is republished with permission. Share this story on social media.",
             ("Opinion: what comes next", "Watch: the day in pictures"),
             "The Post Example. Terms of use. Contact the newsroom. Advertise with us."),
    Template("tribun.example", ("Home", "Regional", "Nasional", "Internasional", "Bisnis"),
             "Laporan Wartawan Tribun.", "Artikel ini telah tayang dengan judul yang sama. "
             "Simak berita lainnya dan dapatkan update setiap hari.",
             ("Tips menjaga kesehatan saat musim hujan", "Video viral warga gotong royong"),
             "Tribun Example Network. Redaksi. Pedoman media siber. Info iklan."),
    Template("gazette.example", ("Front page", "Local", "Nation", "World", "Obituaries"),
             "From wire reports.", "Have a news tip? Contact our newsroom. Subscribe for "
             "unlimited access to local journalism.",
             ("County fair returns next month", "School board approves budget"),
             "Gazette Example Media. All content copyright. Reproduction prohibited."),
)  # fmt: skip


@dataclass(frozen=True)
class Copy:
    """One outlet's copy of a story, before it becomes a page."""

    title: str
    paragraphs: tuple[str, ...]
    template: Template
    dateline: str = ""


def page(copy: Copy, published: str = "2026-01-02T08:00:00+07:00") -> bytes:
    """The copy as the outlet's article page (everything escaped)."""
    t, e = copy.template, html.escape
    nav = "".join(f'<li><a href="/{e(n.lower())}">{e(n)}</a></li>' for n in t.nav)
    related = "".join(f'<li><a href="/r/{i}">{e(r)}</a></li>' for i, r in enumerate(t.related))
    lead = e(t.lead.format(site=t.site))
    first, *rest = copy.paragraphs or ("",)
    body = f"<p>{e(copy.dateline)} {lead} {e(first)}</p>" + "".join(f"<p>{e(p)}</p>" for p in rest)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{e(copy.title)} | {t.site}'
        f'</title><meta property="article:published_time" content="{published}"></head><body>'
        f'<header><a href="/">{t.site}</a><nav><ul>{nav}</ul></nav></header><main><article>'
        f"<h1>{e(copy.title)}</h1>{body}<p>{e(t.trailer)}</p></article>"
        f"<aside><h3>Related</h3><ul>{related}</ul></aside></main>"
        f"<footer><p>{e(t.footer)}</p></footer></body></html>"
    ).encode()


def rewrite_headline(copy: Copy) -> Copy:
    """Another outlet's headline: the same news, other words and order."""
    words = copy.title.split()
    half = len(words) // 2
    return replace(copy, title=" ".join(["Update:", *words[half:], "as", *words[:half]]))


def add_paragraph(copy: Copy, text: str) -> Copy:
    """A paragraph the outlet added (background, a local angle), after the second."""
    paragraphs = list(copy.paragraphs)
    paragraphs.insert(min(2, len(paragraphs)), text)
    return replace(copy, paragraphs=tuple(paragraphs))


def cut_paragraph(copy: Copy) -> Copy:
    """The last paragraph cut for length, as an editor trims a long wire copy (a story of fewer
    than four paragraphs is not trimmed)."""
    if len(copy.paragraphs) < 4:
        return copy
    return replace(copy, paragraphs=copy.paragraphs[:-1])


def change_dateline(copy: Copy, dateline: str) -> Copy:
    """Another dateline before the first paragraph."""
    return replace(copy, dateline=dateline)


def edit_words(copy: Copy, count: int, rng: random.Random) -> Copy:
    """``count`` small edits: a word replaced, dropped or doubled, at random places."""
    words = [p.split() for p in copy.paragraphs]
    places = [(i, j) for i, p in enumerate(words) for j in range(len(p))]
    for i, j in rng.sample(places, min(count, len(places))):
        action = rng.randrange(3)
        if action == 0:
            words[i][j] = rng.choice(("also", "reportedly", "the", "new", "said"))
        elif action == 1:
            words[i][j] = ""
        else:
            words[i][j] = f"{words[i][j]} {words[i][j]}"
    return replace(copy, paragraphs=tuple(" ".join(w for w in p if w) for p in words))
