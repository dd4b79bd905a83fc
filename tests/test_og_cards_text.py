"""og_cards pure functions: text measuring, wrapping, shrinking and cutting across scripts."""

from __future__ import annotations

import pytest
from bidi import get_display
from hypothesis import given, settings
from hypothesis import strategies as st
from og_cards import meta, textfit
from og_cards.og_cards import get_settings

STACK = tuple(get_settings({})["OG_CARDS_FONTS"])
WIDTH, HEIGHT = 1080, 350
SCRIPTS = {
    "welsh": "Sut i helpu rhywun sy’n cael trawiad epileptig: ŵ ŷ â",
    "greek": "Πώς να κάνετε ΚΑΡΠΑ σε έναν ενήλικα",
    "cyrillic": "Как оказать первую помощь при ожогах",
    "arabic": "كيفية تقديم الإسعافات الأولية للحروق",
    "urdu": "ذیابیطس کی علامات اور علاج کے بارے میں جانیں",
    "hebrew": "עזרה ראשונה בכוויות ובחבלות",
    "devanagari": "जलने पर प्राथमिक उपचार कैसे करें",
    "chinese": "如何为烧伤和烫伤进行急救以及何时寻求医疗帮助",
    "japanese": "やけどの応急手当：いつ医者に行くべきか",
    "korean": "화상 응급처치 방법과 병원에 가야 할 때",
    "emoji": "First aid 🚑 for burns 👩‍⚕️ ❤️ 🇬🇧 🏴󠁧󠁢󠁷󠁬󠁳󠁿",
}
RTL = {"arabic", "urdu", "hebrew"}


def _fit(text: str, max_lines: int) -> textfit.Fit:
    return textfit.fit(
        text, STACK, width=WIDTH, height=HEIGHT, max_size=84, min_size=44, max_lines=max_lines
    )


def _font_names(text: str) -> set[str]:
    return {run.font.rsplit("/", 1)[-1] for run in textfit.segment(text, STACK)}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_every_script_fits_without_dropping_characters(name: str) -> None:
    text = SCRIPTS[name]
    fitted = _fit(text, 4)
    assert fitted.lines
    assert not fitted.truncated
    assert fitted.rtl is (name in RTL)
    for line in fitted.lines:
        assert textfit.measure(line, STACK, fitted.size) <= WIDTH
    # Nothing lost: every non-space character is drawn by some vendored font.
    drawn = "".join(run.text for line in fitted.lines for run in textfit.segment(line, STACK))
    assert drawn.replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize(
    ("name", "font"),
    [
        ("welsh", "NotoSans-Bold.ttf"),
        ("greek", "NotoSans-Bold.ttf"),
        ("cyrillic", "NotoSans-Bold.ttf"),
        ("arabic", "NotoSansArabic-Bold.ttf"),
        ("urdu", "NotoSansArabic-Bold.ttf"),
        ("hebrew", "NotoSansHebrew-Bold.ttf"),
        ("devanagari", "NotoSansDevanagari-Bold.ttf"),
        ("chinese", "NotoSansCJKsc-Bold-subset.otf"),
        ("japanese", "NotoSansCJKsc-Bold-subset.otf"),
        ("korean", "NotoSansCJKsc-Bold-subset.otf"),
    ],
)
def test_fallback_picks_the_script_font(name: str, font: str) -> None:
    assert font in _font_names(SCRIPTS[name])


def test_emoji_use_the_colour_font_and_stay_whole() -> None:
    runs = textfit.segment(SCRIPTS["emoji"], STACK)
    emoji = [run.text for run in runs if run.font.endswith("NotoColorEmoji.ttf")]
    assert "🚑" in emoji
    assert "👩\u200d⚕\ufe0f" in emoji  # a ZWJ sequence is one run, never split
    assert all("First" not in text for text in emoji)
    assert textfit.clusters("🇬🇧🇫🇷") == ["🇬🇧", "🇫🇷"]


@pytest.mark.parametrize(
    "line",
    [
        "علاج COVID-19 السريع",
        "مرحبا Hello world بالعالم",
        "עזרה ראשונה: CPR 30:2 עכשיו",
        "الإسعافات الأولية (First Aid) للحروق",
        "Call 999 — اتصل بالطوارئ now",
    ],
)
def test_mixed_directions_follow_the_unicode_bidi_algorithm(line: str) -> None:
    rtl = textfit.is_rtl(line)
    runs = textfit.visual_runs(line, STACK, rtl=rtl)
    # Runs in drawing order, each read in its own direction, give the reference visual order.
    visual = "".join(run.text[::-1] if run.rtl else run.text for run in runs)
    assert visual == get_display(line, base_dir="R" if rtl else "L")
    assert "  " not in visual  # one space between runs: no double gap before the Latin run


def test_a_latin_run_inside_arabic_has_one_space_on_each_side() -> None:
    runs = textfit.visual_runs("علاج COVID-19 السريع", STACK, rtl=True)
    assert runs[-1].text.startswith("علاج") and runs[0].text == "السريع"
    latin = [run for run in runs if not run.rtl]
    assert [run.text for run in latin] == ["COVID-19"] and latin[0].level == 2


def test_cjk_breaks_between_ideographs_but_not_before_closing_punctuation() -> None:
    units = textfit.break_units("急救。何时")
    assert units == ["急", "救。", "何", "时"]
    lines = textfit.wrap(SCRIPTS["chinese"] * 3, STACK, 84, WIDTH)
    assert len(lines) > 1
    assert all(" " not in line for line in lines)


def test_long_titles_shrink_then_cut_at_a_word_with_an_ellipsis() -> None:
    text = "How to recognise and treat heat exhaustion and heatstroke at outdoor events " * 4
    fitted = _fit(text, 4)
    assert fitted.size == 44
    assert fitted.truncated
    assert len(fitted.lines) == 4
    assert fitted.lines[-1].endswith(textfit.ELLIPSIS)
    words = set(text.split())
    assert fitted.lines[-1][:-1].split()[-1] in words  # cut between whole words


def test_shrinks_before_cutting() -> None:
    text = "Heatstroke, heat exhaustion and dehydration at summer festivals and sports days"
    fitted = _fit(text, 3)
    assert 44 <= fitted.size < 84
    assert not fitted.truncated


def test_one_very_long_word_is_broken_between_characters() -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6
    fitted = _fit(word, 3)
    assert len(fitted.lines) == 3
    assert all(textfit.measure(line, STACK, fitted.size) <= WIDTH for line in fitted.lines)
    assert fitted.lines[-1].endswith(textfit.ELLIPSIS)
    assert "".join(fitted.lines).rstrip(textfit.ELLIPSIS) in word


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_title_gives_no_lines(text: str) -> None:
    fitted = _fit(text, 4)
    assert fitted.lines == ()
    assert not fitted.truncated


def test_script_tags_and_quotes_are_plain_text() -> None:
    text = "Why <script>alert(\"x\")</script> & 'quotes' don't break cards"
    fitted = _fit(text, 4)
    assert "".join(fitted.lines).replace(" ", "") == text.replace(" ", "")


def test_characters_without_a_font_are_dropped_not_boxed() -> None:
    assert textfit.segment("a\U000f0000b", STACK)[0].text == "ab"  # private use plane


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=120)
)
def test_fit_never_overflows(text: str) -> None:
    fitted = _fit(text, 3)
    assert len(fitted.lines) <= 3
    for line in fitted.lines:
        assert textfit.measure(line, STACK, fitted.size) <= WIDTH + 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Line one\n   line   two", "Line one line two"),
        ("Tom &quot;Jerry&quot; O&#39;Neil", 'Tom "Jerry" O\'Neil'),
        ("Why <script> tags matter", "Why <script> tags matter"),
        (None, ""),
    ],
)
def test_plain_strips_markup_and_decodes_entities(raw, expected) -> None:
    assert meta.plain(raw) == expected


def test_strip_markup_removes_tags_and_decodes_entities() -> None:
    html = "<p>Cool the burn &amp; <em>cover</em>\n it.</p>"
    assert meta.strip_markup(html) == "Cool the burn & cover it."
    assert meta.strip_markup(None) == ""


def test_shorten_cuts_at_a_word_with_an_ellipsis() -> None:
    text = "word " * 60
    short = meta.shorten(text, 200)
    assert len(short) <= 200
    assert short.endswith("word…")
    assert meta.shorten("short", 200) == "short"


def test_absolute_urls() -> None:
    assert meta.absolute("https://x.org/", "/og/a.png") == "https://x.org/og/a.png"
    assert meta.absolute("https://x.org", "a/") == "https://x.org/a/"
    assert meta.absolute("https://x.org", "https://cdn.org/a.png") == "https://cdn.org/a.png"


def test_locale_for_languages() -> None:
    opts = get_settings({"DEFAULT_LANG": "en-GB"})
    assert meta.locale_for(opts, "en-GB") == "en_GB"
    assert meta.locale_for(opts, None) == "en_GB"
    assert meta.locale_for(opts, "cy") == "cy_GB"
    assert meta.locale_for(opts, "pt-br") == "pt_BR"


# ---- every script the cards promise, and the warning for the rest ------------------------
MORE_SCRIPTS = {
    "bengali": ("প্রাথমিক চিকিৎসা: পোড়া ও ঝলসানো", "NotoSansBengali-Bold.ttf"),
    "gurmukhi": ("ਸੜਨ ਲਈ ਮੁਢਲੀ ਸਹਾਇਤਾ", "NotoSansGurmukhi-Bold.ttf"),
    "gujarati": ("દાઝી જવા પર પ્રાથમિક સારવાર", "NotoSansGujarati-Bold.ttf"),
    "tamil": ("தீக்காயங்களுக்கு முதலுதவி", "NotoSansTamil-Bold.ttf"),
    "sinhala": ("පිළිස්සුම් සඳහා ප්‍රථමාධාර", "NotoSansSinhala-Bold.ttf"),
    "thai": ("การปฐมพยาบาลเบื้องต้นสำหรับแผลไฟไหม้", "NotoSansThai-Bold.ttf"),
    "khmer": ("ការសង្គ្រោះបឋមសម្រាប់ការរលាក", "NotoSansKhmer-Bold.ttf"),
    "ethiopic": ("ለቃጠሎ የመጀመሪያ እርዳታ", "NotoSansEthiopic-Bold.ttf"),
    "armenian": ("Առաջին օգնություն այրվածքների դեպքում", "NotoSansArmenian-Bold.ttf"),
    "georgian": ("პირველი დახმარება დამწვრობის დროს", "NotoSansGeorgian-Bold.ttf"),
    "japanese_jis2004": ("𠮟る 俱楽部 剝がす", "NotoSansCJKjp-Bold-extra.otf"),
    "korean_jamo": ("ᄀᄁᄂ ᅡᅢ", "NotoSansCJKkr-Bold-hangul.otf"),
}


@pytest.mark.parametrize("name", sorted(MORE_SCRIPTS))
def test_more_scripts_are_covered_and_fit(name: str) -> None:
    text, font = MORE_SCRIPTS[name]
    assert textfit.uncovered(text, STACK) == ""
    assert font in _font_names(text)
    fitted = _fit(text, 4)
    assert fitted.lines and not fitted.truncated
    drawn = "".join(run.text for line in fitted.lines for run in textfit.segment(line, STACK))
    assert drawn.replace(" ", "") == text.replace(" ", "")


def test_thai_breaks_between_dictionary_words() -> None:
    units = textfit.break_units("การปฐมพยาบาลเบื้องต้นสำหรับแผลไฟไหม้")
    # ICU's Thai dictionary: "first aid" and "burn" are words, never split inside.
    assert units == ["การ", "ปฐมพยาบาล", "เบื้อง", "ต้น", "สำหรับ", "แผล", "ไฟ", "ไหม้"]
    lines = textfit.wrap("การปฐมพยาบาลเบื้องต้นสำหรับแผลไฟไหม้" * 3, STACK, 84, 500)
    assert len(lines) > 2  # wrapped at word boundaries, not only as one over-long word
    assert all(textfit.measure(line, STACK, 84) <= 500 for line in lines)


def test_uncovered_names_characters_no_font_has() -> None:
    assert textfit.uncovered("a\U000f0000b\U000f0000 \u200d\u0301", STACK) == "\U000f0000"
    assert textfit.uncovered("", STACK) == ""


def test_missing_glyphs_are_a_problem_naming_file_field_and_characters() -> None:
    from og_cards.glyphs import missing_glyphs

    layout = {"elements": [{"kind": "text", "source": "title", "font": "bold"},
                           {"kind": "rect"}, {"kind": "text", "source": "section"}]}  # fmt: skip
    fonts = {"bold": list(STACK)}
    texts = {"title": "Burns \U000f0001 \U000e01ef", "section": "First aid"}
    (problem,) = missing_glyphs("articles/first-aid/burns.md", layout, texts, fonts)
    assert problem.file == "articles/first-aid/burns.md" and problem.field == "title"
    assert "U+F0001" in problem.problem and problem.severity == "warning"
    assert missing_glyphs("x.md", layout, {"title": "ok", "section": "ok"}, fonts) == []


def test_coverage_is_every_code_point_the_font_maps_without_reading_its_outlines():
    from fontTools.ttLib import TTFont

    for path in STACK:
        with TTFont(path, fontNumber=0) as font:  # read whole, glyph names and all
            expected = frozenset(font.getBestCmap())
        assert textfit.coverage(path) == expected, path
    cjk = next(p for p in STACK if "CJKsc" in p)
    assert {ord("中"), ord("급")} <= textfit.coverage(cjk)
    assert ord("A") not in textfit.coverage(next(p for p in STACK if "Arabic" in p))
