"""Language detection for ``lang:``: lingua's bundled models tell Indonesian from Malay on
article-length text (the two share most of their words); text in a script lingua has no model
for is labelled by its script where that names one language, else not at all."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest
import regex
from lingua import Language, LanguageDetectorBuilder

from newswatch.extract import detect_language
from newswatch.extract.language import LINGUA_SCRIPTS
from newswatch.match import Document, WatchSpec, compile_watchlist
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


BOKMAL = """Regjeringen la i dag fram et nytt forslag om skatt. Statsministeren sier at
forhandlingene med opposisjonen skal fortsette neste uke, og at hun ikke tror det blir vanskelig
å komme til enighet. Flere av partiene på Stortinget mener at forslaget kommer for sent, men de
vil likevel se på det. Kommunene har ventet lenge på mer penger til skoler og eldreomsorg."""

NYNORSK = """Regjeringa la i dag fram eit nytt framlegg om skatt. Statsministeren seier at
forhandlingane med opposisjonen skal halde fram neste veke, og at ho ikkje trur det blir
vanskeleg å kome til semje. Fleire av partia på Stortinget meiner at framlegget kjem for seint,
men dei vil likevel sjå på det. Kommunane har venta lenge på meir pengar til skular og
eldreomsorg."""

# A Burmese news paragraph: Myanmar letters and a few Latin ones (lingua read only the latter).
BURMESE = """မြန်မာနိုင်ငံ၏ အစိုးရသည် ယနေ့ နေပြည်တော်တွင် သတင်းစာရှင်းလင်းပွဲ ကျင်းပခဲ့ပြီး COVID
ကာကွယ်ဆေး ထိုးနှံမှု အစီအစဉ်ကို ဆက်လက်လုပ်ဆောင်သွားမည်ဟု ပြောကြားခဲ့သည်။ လူတိုင်းသည် တူညီ
လွတ်လပ်သော ဂုဏ်သိက္ခာဖြင့် လည်းကောင်း၊ တူညီလွတ်လပ်သော အခွင့်အရေးများဖြင့် လည်းကောင်း၊
မွေးဖွားလာသူများ ဖြစ်သည်။ (BBC News)"""


def test_norwegian_is_bokmal_or_nynorsk_and_lang_no_matches_both() -> None:
    assert detect_language(BOKMAL) == "nb"
    assert detect_language(NYNORSK) == "nn"
    watchlist = compile_watchlist([WatchSpec("no", "lang:no AND skatt")], {})
    for text in (BOKMAL, NYNORSK):
        assert watchlist.decide(Document("", text, "", detect_language(text))) == ["no"]


def test_a_burmese_article_is_burmese_not_english() -> None:
    assert detect_language(BURMESE) == "my"
    watchlist = compile_watchlist([WatchSpec("en", "lang:en AND covid")], {})
    assert watchlist.decide(Document("", BURMESE, "", detect_language(BURMESE))) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("រាជរដ្ឋាភិបាលកម្ពុជាបានប្រកាសនៅថ្ងៃនេះថា ខ្លួននឹងបន្តកិច្ចចរចាជាមួយប្រទេសជិតខាង។", "km"),
        ("ລັດຖະບານລາວໄດ້ປະກາດໃນມື້ນີ້ວ່າ ຈະສືບຕໍ່ການເຈລະຈາກັບປະເທດເພື່ອນບ້ານ.", "lo"),
        ("ශ්‍රී ලංකා රජය අද දින නිවේදනයක් නිකුත් කරමින් පැවසුවේ සාකච්ඡා ඉදිරියට කරගෙන යන බවයි.", "si"),
        ("ދިވެހިރާއްޖޭގެ ސަރުކާރުން މިއަދު ބުނީ، އަލަށް ރާވާފައިވާ މަޝްރޫޢު ކުރިއަށް ގެންދާނެ ކަމަށެވެ.", "dv"),
        ("കേരള സർക്കാർ ഇന്ന് കർഷകർക്കായി പുതിയ പദ്ധതി പ്രഖ്യാപിച്ചതായി മുഖ്യമന്ത്രി അറിയിച്ചു.", "ml"),
        ("ಕರ್ನಾಟಕ ಸರ್ಕಾರ ಇಂದು ರೈತರಿಗಾಗಿ ಹೊಸ ಯೋಜನೆಯನ್ನು ಘೋಷಿಸಿದೆ ಎಂದು ಮುಖ್ಯಮಂತ್ರಿ ತಿಳಿಸಿದರು.", "kn"),
        ("ଓଡ଼ିଶା ସରକାର ଆଜି କୃଷକମାନଙ୍କ ପାଇଁ ଏକ ନୂଆ ଯୋଜନା ଘୋଷଣା କରିଛନ୍ତି ବୋଲି ମୁଖ୍ୟମନ୍ତ୍ରୀ କହିଛନ୍ତି।", "or"),
        ("საქართველოს მთავრობამ დღეს განაცხადა, რომ მოლაპარაკებები გაგრძელდება.", "ka"),  # lingua
        ("Հայաստանի կառավարությունն այսօր հայտարարեց, որ բանակցությունները կշարունակվեն։", "hy"),
        # Scripts of several languages: Tibetan (and Dzongkha), Ethiopic (Amharic, Tigrinya...),
        # Myanmar with Shan letters.
        ("བོད་ཀྱི་སྐད་ཡིག་ནི་བོད་མི་རྣམས་ཀྱི་སྐད་ཡིག་ཡིན། དེ་རིང་གཞུང་གིས་གསར་འགྱུར་ཞིག་བསྒྲགས་སོང་།", None),
        ("የኢትዮጵያ መንግሥት ዛሬ ባወጣው መግለጫ ድርድሩ እንደሚቀጥል አስታውቋል። ጠቅላይ ሚኒስትሩ ስብሰባውን መርተዋል።", None),
        ("ၶၢဝ်ႇမိူင်းတႆး ၼႂ်းဝၼ်းၼႆႉ ၸဝ်ႈၵၢၼ်မိူင်း လႆႈပိုၼ်ၽၢဝ်ႇဝႃႈ ၵၢၼ်ဢုပ်ႇၵုမ်ၵၼ် တေသိုပ်ႇၵႂႃႇ။", None),
    ],
)
def test_text_in_a_script_lingua_does_not_read_is_labelled_by_it_or_not_at_all(
    text: str, expected: str | None
) -> None:
    assert detect_language(f"{text} (AFP, Reuters)") == expected


def _letters(pattern: str) -> list[str]:
    found = regex.compile(pattern)
    return [chr(c) for c in range(0x323B0) if found.fullmatch(chr(c))]


def test_lingua_reads_the_scripts_said() -> None:
    detector = LanguageDetectorBuilder.from_all_languages().build()
    for script in LINGUA_SCRIPTS:
        assert detector.detect_language_of(" ".join(_letters(rf"\p{{sc={script}}}")[:60]))


# lingua 2.2 (what Python 3.12+ installs) names a language even for letters it has no model for,
# so only 2.1 (Python 3.11) can show which scripts it models; both have the same languages
# (test_the_docs_list_lingua_s_languages), so the sweep on 3.11 holds for 2.2 too.
_GUESSES_ANY_SCRIPT = tuple(map(int, version("lingua-language-detector").split(".")[:2])) >= (2, 2)


def test_lingua_reads_no_other_script() -> None:
    detector = LanguageDetectorBuilder.from_all_languages().build()
    if _GUESSES_ANY_SCRIPT:  # why detection must not ask lingua about other scripts
        khmer = " ".join(_letters(r"\p{sc=Khmr}")[:40])
        assert detector.detect_language_of(khmer) is not None
        assert detect_language(f"{khmer} {khmer}") == "km"
        return
    scripts = ("Common", "Inherited", *LINGUA_SCRIPTS)  # the first two: letters of no script
    others = _letters("(?![" + "".join(rf"\p{{sc={s}}}" for s in scripts) + r"])\p{L}")
    for i in range(0, len(others), 40):
        assert detector.detect_language_of(" ".join(others[i : i + 40])) is None, others[i]


def test_the_docs_list_lingua_s_languages() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "query-language.md").read_text()
    listed = re.search(r"lingua's (\d+) languages: `([^`]*)`", docs)
    assert listed is not None
    codes = {str(language.iso_code_639_1.name).lower() for language in Language.all()}
    assert (int(listed[1]), set(listed[2].split())) == (len(codes), codes)
