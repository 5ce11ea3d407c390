"""Synthetic but realistic test data for the matcher benchmark: word lists per language,
~5 KB documents, watchlists mixing terms, phrases, NEAR, wildcards, fields and entities.

Every language has real function words (most of any text), a few dozen real topic words and
a few thousand generated words built from the language's syllables, drawn with a Zipf law,
so documents share their common words and differ in their rarer ones like real news does.

Watch terms come from the mid/low-frequency band of the same Zipf vocabulary (rank >= 100,
log-uniform), never from function words. A watch whose positive side is a single word (``w``
or ``w AND NOT x``) uses a rarer word (rank >= 2000), as real one-word watches name a person,
an organisation or a specific topic: a single mid-frequency word would alone match a few
percent of all articles. Conjunctions may use commoner words, as their parts narrow each
other. ``run.py`` prints the resulting matches per document so the reader can judge.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from newswatch.match import Alias, Document, EntitySpec, WatchSpec
from newswatch.match.lexicon import expand, shipped

__all__ = ["Document", "EntitySpec", "Vocab", "document", "entities", "vocabularies", "watchlist"]


def _words(text: str) -> list[str]:
    return text.split()


FUNCTION = {
    "en": _words(
        "the of and to in a is that for on with as was by at from it be has are this an "
        "which have not said will its but were been their after who more than also"
    ),
    "id": _words(
        "yang dan di ke dari untuk dengan pada ini itu adalah akan tidak dalam juga "
        "oleh karena sebagai telah bahwa atau para kata ada lebih bisa saat"
    ),
    "fr": _words(
        "le la les de des du un une et en est que qui dans pour pas sur au par avec "
        "il elle a été plus son sa ses ont mais aussi selon lors"
    ),
    "uk": _words(
        "і в на що з не до за як це та від він вона але у про його їх після також "
        "було буде під чи вже"
    ),
    "ru": _words(
        "и в на что с не по как это из за то от для он она но у о его их после также "
        "было будет под ли уже"
    ),
}
TOPIC = {
    "en": _words(
        "government minister president election parliament economy inflation market "
        "police court ceasefire negotiations talks peace security border energy climate "
        "agreement sanctions military troops refugees summit budget protest strike vaccine "
        "hospital drought flood earthquake investment exports"
    ),
    "id": _words(
        "pemerintah menteri presiden pemilu parlemen ekonomi inflasi pasar polisi "
        "pengadilan gencatan perundingan pertemuan perdamaian damai keamanan perbatasan energi "
        "iklim perjanjian sanksi militer pasukan pengungsi anggaran demonstrasi banjir "
        "gempa investasi ekspor"
    ),
    "fr": _words(
        "gouvernement ministre président élection parlement économie inflation marché "
        "police tribunal cessez négociations pourparlers paix sécurité frontière énergie "
        "climat accord sanctions militaire troupes réfugiés sommet budget grève vaccin "
        "hôpital sécheresse inondation"
    ),
    "uk": _words(
        "уряд міністр президент вибори парламент економіка інфляція ринок поліція суд "
        "перемир'я переговори мир безпека кордон енергетика клімат угода санкції армія "
        "війська біженці саміт бюджет протест страйк вакцина лікарня"
    ),
    "ru": _words(
        "правительство министр президент выборы парламент экономика инфляция рынок "
        "полиция суд перемирие переговоры мир безопасность граница энергетика климат "
        "соглашение санкции армия войска беженцы саммит бюджет протест забастовка"
    ),
}
SYLLABLES = {
    "en": _words(
        "ba be bi co da de di fa ge ho ka la le li lo ma me mi na ne no pa pe po ra re "
        "ri ro sa se si so ta te ti to va ve vi wa ter con der man tion ing ment"
    ),
    "id": _words(
        "ba be bi bu da di du ga gi gu ja ka ke ki ku la li lu ma me mi mu na ni nu pa "
        "pe pi ra ri ru sa se si su ta ti tu an kan nya per ter ber"
    ),
    "fr": _words(
        "ba bé ca ce ci da dé fa fé ga ge la lé li ma mé mi na né ni pa pé ra ré ri sa "
        "sé si ta té ti va vé tion ment eur ière"
    ),
    "uk": _words(
        "ба бе бі ва ве ві да де ді ка ке кі ла ле лі ма ме мі на не ні па пе пі ра ре "
        "рі са се сі та те ті ко ло но ро ськ ння ці"
    ),
    "ru": _words(
        "ба бе би ва ве ви да де ди ка ке ки ла ле ли ма ме ми на не ни па пе пи ра ре "
        "ри са се си та те ти ко ло но ро ской ние ция"
    ),
}
HAN = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之"
    "过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如"
    "前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明政"
    "治经济安全和平谈判乌克兰俄罗斯总统会议协议边界能源气候选举议会警察法院军队难民预算"
)
LANGS = ("en", "id", "fr", "uk", "ru", "zh")
COUNTRY_CODES = ("UA", "RU", "ID", "FR", "US", "CN", "DE", "PL", "TR", "BR")
COUNTRY_NAMES = {"en": "Ukraine", "id": "Ukraina", "fr": "Ukraine", "uk": "Україна",
                 "ru": "Украина", "zh": "乌克兰"}  # fmt: skip
SITES = ("news.example.com", "www.example.id", "lemonde.example.fr", "pravda.example.ua")


@dataclass
class Vocab:
    """One language's words, most frequent first, with Zipf weights for drawing."""

    function: list[str]
    content: list[str]
    weights: list[float]


def _pseudo_words(rng: random.Random, lang: str, n: int) -> list[str]:
    if lang == "zh":
        return list(
            dict.fromkeys("".join(rng.choices(HAN, k=rng.choice((2, 2, 3)))) for _ in range(n))
        )
    sy = SYLLABLES[lang]
    return list(
        dict.fromkeys("".join(rng.choices(sy, k=rng.choice((2, 3, 3, 4)))) for _ in range(n))
    )


def vocabularies(seed: int = 7, size: int = 20000) -> dict[str, Vocab]:
    """Word lists per language: real topic words first, then generated ones."""
    rng = random.Random(seed)
    out = {}
    for lang in LANGS:
        function = FUNCTION.get(lang, [HAN[i] for i in range(12)])
        content = list(dict.fromkeys(TOPIC.get(lang, []) + _pseudo_words(rng, lang, size)))
        weights = [1.0 / (rank + 10) for rank in range(len(content))]
        out[lang] = Vocab(function, content, weights)
    return out


def entities(rng: random.Random, n: int = 200) -> dict[str, EntitySpec]:
    """People with a Latin and a Cyrillic name; surnames in -skyy/-enko/-ov/-ova."""
    out = {
        "zelenskyy": EntitySpec(
            "zelenskyy", (Alias("Volodymyr Zelenskyy"), Alias("Zelenskyy"), Alias("Зеленськ*"))
        )
    }
    sy = SYLLABLES["en"]
    for i in range(n):
        stem = "".join(rng.choices(sy, k=3)).capitalize()
        ending = rng.choice(("skyy", "enko", "ov", "ova", "chuk"))
        cyr = "".join(rng.choices(SYLLABLES["uk"], k=3)).capitalize()
        aliases = (Alias(f"{stem}{ending}"), Alias(f"{cyr}{rng.choice(('ськ*', 'енк*', 'ов*'))}"))
        out[f"person{i}"] = EntitySpec(f"person{i}", aliases)
    return out


def _sentence(rng: random.Random, lang: str, vocab: Vocab, n: int) -> str:
    words = [
        rng.choice(vocab.function)
        if rng.random() < 0.45
        else rng.choices(vocab.content, vocab.weights)[0]
        for _ in range(n)
    ]
    if lang == "zh":
        return "".join(words) + "。"
    if rng.random() < 0.1:
        words[rng.randrange(n)] = COUNTRY_NAMES[lang]
    return " ".join(words).capitalize() + "."


def document(
    rng: random.Random,
    vocabs: dict[str, Vocab],
    names: list[str],
    size: int = 5000,
    concepts: bool = False,
) -> Document:
    """A ~``size``-byte article in a random language; with ``concepts``, one sentence in fifty
    ends with forms of concepts of the lexicon in that language."""
    lang = rng.choice(LANGS)
    vocab = vocabs[lang]
    parts: list[str] = []
    total = 0
    while total < size:
        s = _sentence(rng, lang, vocab, rng.randint(8, 22))
        if rng.random() < 0.05:
            s += " " + rng.choice(names) + "."
        if concepts and rng.random() < 0.02:  # about one per article
            s += " " + concept_sentence(rng, lang).capitalize()
        parts.append(s)
        total += len(s.encode()) + 1
    title = _sentence(rng, lang, vocab, 9)
    return Document(title, " ".join(parts), rng.choice(SITES), lang)


def _term(rng: random.Random, vocabs: dict[str, Vocab], lowest: int = 100) -> str:
    """A word of rank ``lowest``..size, log-uniformly: topic words, names, not common words."""
    vocab = vocabs[rng.choice(LANGS)]
    size = len(vocab.content)
    rank = int(lowest * (size / lowest) ** rng.random())
    return vocab.content[min(rank, size - 1)]


def query(rng: random.Random, vocabs: dict[str, Vocab], entity_ids: list[str]) -> str:
    """One watch query from a mix of the language's features."""
    t = lambda: _term(rng, vocabs)  # noqa: E731  # short local helpers read best here
    r = lambda: _term(rng, vocabs, 2000)  # noqa: E731  # a rarer word, for watches of one word
    pick = rng.random()
    if pick < 0.15:
        return r()
    if pick < 0.30:
        return f"{t()} AND {t()}"
    if pick < 0.40:
        return f'"{t()} {t()}"'
    if pick < 0.52:
        return f"({r()} OR {r()} OR {r()}) AND {t()}"
    if pick < 0.60:
        return f"{t()} NEAR/5 {t()}"
    if pick < 0.66:
        word = next(w for w in iter(r, None) if len(w) >= 6 and not "\u4e00" <= w[0] <= "\u9fff")
        return f"{word[:5]}* AND {t()}"
    if pick < 0.74:
        return f"entity:{rng.choice(entity_ids)}" + (f" AND {t()}" if rng.random() < 0.5 else "")
    if pick < 0.80:
        return f"country:{rng.choice(COUNTRY_CODES)} AND ({t()} OR {t()})"
    if pick < 0.86:
        return f"title:{t()} AND {t()}"
    if pick < 0.92:
        return f"{r()} AND NOT {t()}"  # a one-word watch with an exclusion
    if pick < 0.96:
        return f"lang:{rng.choice(LANGS)} AND {t()} {t()}"
    return f"site:example.com AND ({t()} OR {t()}) NEAR/3 {t()}"


def concept_query(rng: random.Random, vocabs: dict[str, Vocab]) -> str:
    """One watch query that names concepts of the shipped lexicon."""
    t = lambda: _term(rng, vocabs)  # noqa: E731  # short local helpers read best here
    ids = sorted(shipped().concepts)
    c = lambda: "~" + (f'"{x}"' if " " in (x := rng.choice(ids)) else x)  # noqa: E731
    pick = rng.random()
    if pick < 0.3:
        return f"{c()} AND {t()}"
    if pick < 0.6:
        return f"{c()} AND ({c()} OR {c()})"
    if pick < 0.8:
        return f"country:{rng.choice(COUNTRY_CODES)} AND {c()}"
    return f"{c()} NEAR/5 {t()}"


def concept_sentence(rng: random.Random, lang: str) -> str:
    """A sentence of a few forms of random concepts in ``lang`` (as written, ``*`` dropped)."""
    lexicon = shipped()
    forms = [f for c in lexicon.concepts.values() for f in c.get(lang, ())]
    picked = [rng.choice(expand(rng.choice(forms))).rstrip("*") for _ in range(3)]
    return " ".join(picked) + "."


def watchlist(
    rng: random.Random,
    vocabs: dict[str, Vocab],
    ents: dict[str, EntitySpec],
    n: int,
    concepts: float = 0.0,
) -> list[WatchSpec]:
    """``n`` watches, a fraction ``concepts`` of them naming concepts."""
    ids = list(ents)
    return [
        WatchSpec(f"w{i}", concept_query(rng, vocabs))
        if rng.random() < concepts
        else WatchSpec(f"w{i}", query(rng, vocabs, ids))
        for i in range(n)
    ]
