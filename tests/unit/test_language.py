"""Language detection for ``lang:``: lingua's bundled models tell Indonesian from Malay on
article-length text (the two share most of their words)."""

from __future__ import annotations

from newswatch.extract import detect_language
from tests.support.paths import seed_text

MALAY = """Perdana Menteri berkata kerajaan Malaysia menyokong sebarang usaha bagi mencapai
rundingan damai antara Rusia dan Ukraine, namun beliau menegaskan bahawa keputusan muktamad
perlu dibuat oleh rakyat Ukraine sendiri. Menurut beliau, Wisma Putra akan terus memantau
perkembangan terkini dan memberi bantuan kemanusiaan melalui agensi antarabangsa. Kenyataan
itu dibuat selepas mesyuarat Kabinet pada pagi Rabu, yang turut membincangkan kesan konflik
tersebut terhadap harga minyak dan bekalan makanan di negara ini."""

INDONESIAN = """Menteri Luar Negeri mengatakan pemerintah Indonesia mendukung setiap upaya untuk
mencapai perundingan damai antara Rusia dan Ukraina, namun ia menegaskan bahwa keputusan akhir
harus diambil oleh rakyat Ukraina sendiri. Menurutnya, Kementerian Luar Negeri akan terus
memantau perkembangan terbaru dan menyalurkan bantuan kemanusiaan melalui lembaga
internasional. Pernyataan itu disampaikan setelah rapat kabinet pada Rabu pagi, yang juga
membahas dampak konflik tersebut terhadap harga minyak dan pasokan pangan di dalam negeri."""


def test_malay_and_indonesian_news_are_told_apart() -> None:
    assert detect_language(MALAY) == "ms"
    assert detect_language(INDONESIAN) == "id"


def test_the_seed_story_is_indonesian() -> None:
    assert detect_language(seed_text()) == "id"


def test_too_short_to_tell() -> None:
    assert detect_language("Ukraina") is None
