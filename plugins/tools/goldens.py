"""Golden cards: fixed specs whose drawings tests compare with committed PNGs.

`invoke regenerate-goldens` calls `regenerate_goldens()` after an intended change to drawing
(then bump RENDERER_VERSION in render.py so every published card is re-rendered).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from og_cards import cards
from og_cards.og_cards import get_settings
from og_cards.render import draw_card
from og_cards.spec import build_spec
from PIL import Image, ImageDraw

GOLDEN_DIR = Path("tests") / "fixtures" / "og_cards" / "golden"  # relative to the project
REVIEWED = "Reviewed 15 July 2025"
CASES: dict[str, dict[str, str]] = {
    "latin": {"title": "Burns and scalds: first aid and when to get help", "section": "First aid"},
    "welsh": {"title": "Sut i helpu rhywun sy’n cael trawiad: ŵ ŷ", "section": "Cymorth cyntaf"},
    "arabic": {"title": "كيفية تقديم الإسعافات الأولية للحروق COVID-19", "section": "First aid"},
    "hebrew": {"title": "עזרה ראשונה בכוויות ובחבלות", "section": "First aid"},
    "devanagari": {"title": "जलने पर प्राथमिक उपचार कैसे करें", "section": "First aid"},
    "cjk_emoji": {
        "title": "如何为烧伤和烫伤进行急救 🚑 やけどの応急手当 ❤️",
        "section": "First aid",
    },
    "long": {"title": "A very long title " * 12, "section": "Living well"},
    # Every script the default fonts promise (issue 15), and direction runs in mixed text.
    "mixed_rtl": {"title": "مرحبا Hello world بالعالم (CPR) 999", "section": "First aid"},
    "bengali": {"title": "প্রাথমিক চিকিৎসা: পোড়া ও ঝলসানো", "section": "First aid"},
    "gurmukhi": {"title": "ਸੜਨ ਲਈ ਮੁਢਲੀ ਸਹਾਇਤਾ", "section": "First aid"},
    "gujarati": {"title": "દાઝી જવા પર પ્રાથમિક સારવાર", "section": "First aid"},
    "tamil": {"title": "தீக்காயங்களுக்கு முதலுதவி", "section": "First aid"},
    "sinhala": {"title": "පිළිස්සුම් සඳහා ප්‍රථමාධාර", "section": "First aid"},
    "thai": {"title": "การปฐมพยาบาลเบื้องต้นสำหรับแผลไฟไหม้และน้ำร้อนลวก", "section": "First aid"},
    "khmer": {"title": "ការសង្គ្រោះបឋមសម្រាប់ការរលាក", "section": "First aid"},
    "ethiopic": {"title": "ለቃጠሎ የመጀመሪያ እርዳታ", "section": "First aid"},
    "armenian": {"title": "Առաջին օգնություն այրվածքների դեպքում", "section": "First aid"},
    "georgian": {"title": "პირველი დახმარება დამწვრობის დროს", "section": "First aid"},
    "japanese": {"title": "やけどの応急手当：𠮟らずに冷やす、剝がさない", "section": "応急手当"},
    "korean": {"title": "화상 응급처치 방법과 병원에 가야 할 때 ᄀᄂ", "section": "응급처치"},
}


# Cards of pages in other languages: their labels ("Reviewed <date>", the section) come from
# og_cards' own catalogs and Babel, as on a real page in that language.
REVIEWED_ON = dt.date(2025, 7, 15)
LANGUAGE_CASES: dict[str, dict[str, str]] = {
    "welsh_page": {"lang": "cy", "section_slug": "first-aid", "section": "First aid",
                   "title": "Llosgiadau a sgaldiadau: cymorth cyntaf a phryd i gael help"},
    "urdu_page": {"lang": "ur", "section_slug": "living-well", "section": "Living well",
                  "title": "فالج (اسٹروک) کی پہچان: FAST یاد رکھیں"},
    "arabic_page": {"lang": "ar", "section_slug": "", "section": "",
                    "title": "الإسعافات الأولية للحروق: متى تتصل بالرقم 999"},
}  # fmt: skip
SECTION_NAMES = {
    "cy": {"first-aid": "Cymorth cyntaf"},
    "ur": {"living-well": "صحت مند زندگی"},
}


def language_texts(name: str) -> dict[str, str]:
    """Return the card texts of a language case, labels translated as og_cards does."""
    case = LANGUAGE_CASES[name]
    opts = get_settings({"SITENAME": "Sharewell", "SITEURL": "http://127.0.0.1:8000",
                         "SHAREWELL_SECTION_NAMES": SECTION_NAMES})  # fmt: skip
    category = SimpleNamespace(slug=case["section_slug"], name=case["section"])
    content = SimpleNamespace(lang=case["lang"], review=SimpleNamespace(last_reviewed=REVIEWED_ON))
    return {
        "title": case["title"],
        "section": cards.section_text(opts, category if case["section"] else None, case["lang"]),
        "site_name": "Sharewell",
        "reviewed": cards.reviewed_text(content, opts),
    }


def sample_photo(path: Path) -> Path:
    """Write a deterministic bright photo-like JPEG (the worst case for white text)."""
    image = Image.new("RGB", (1600, 1000), "#fdf6e3")
    draw = ImageDraw.Draw(image)
    for i in range(0, 1600, 40):
        draw.ellipse(
            (i, (i * 7) % 900, i + 160, (i * 7) % 900 + 160), fill=(250, 200 - i % 150, 90)
        )
    image.save(path, "JPEG", quality=90)
    return path


def golden_specs(photo: Path) -> dict[str, dict[str, Any]]:
    """Return the golden cases as specs built from the default settings."""
    opts = get_settings({"SITENAME": "Sharewell", "SITEURL": "http://127.0.0.1:8000"})
    specs = {}
    for name, texts in CASES.items():
        full = {"site_name": "Sharewell", "reviewed": REVIEWED, **texts}
        specs[name] = build_spec(opts, "text", full, "#007f3b")
    for name in LANGUAGE_CASES:
        specs[name] = build_spec(opts, "text", language_texts(name), "#b3261e")
    specs["photo"] = build_spec(
        opts,
        "photo",
        {"site_name": "Sharewell", "reviewed": REVIEWED, **CASES["latin"]},
        "#007f3b",
        {"path": str(photo), "focus": (0.5, 0.5)},
    )
    return specs


def regenerate_goldens(dest: Path, only: list[str] | None = None) -> list[Path]:
    """Draw every golden case (or those named) as PNG under `dest`; return the files written."""
    dest.mkdir(parents=True, exist_ok=True)
    photo = dest / "photo-source.jpg" if only else sample_photo(dest / "photo-source.jpg")
    written = []
    for name, spec in golden_specs(photo).items():
        if only and name not in only:
            continue
        path = dest / f"{name}.png"
        draw_card(spec).save(path, optimize=True)
        written.append(path)
    return written
